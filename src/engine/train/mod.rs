//! Training: the backward pass of every layer, softmax cross-entropy, SGD with momentum and
//! Adam, weight decay, Kaiming/Xavier initialisation and a seeded, bit-reproducible loop.
//!
//! `tape.rs` runs examples forward and keeps what the backward pass needs, `backprop.rs` runs
//! it back with each layer's formula from `backward.rs` (`conv_direct.rs` where the forward
//! pass used the direct kernel); `trainer.rs` is the loop, `optim.rs` the update, `params.rs`
//! the gradient buffers and `init.rs` the first weights.

pub(crate) mod backprop;
pub(crate) mod backward;
pub(crate) mod conv_direct;
pub(crate) mod init;
pub(crate) mod optim;
pub(crate) mod params;
pub(crate) mod tape;
pub(crate) mod trainer;

#[cfg(test)]
mod tests;

pub use init::initialize;
pub use optim::{Optimizer, OptimizerKind};
pub use params::parameters_mut;
pub use tape::check_trainable;
pub use trainer::batch_gradient;
pub(crate) use trainer::{BatchStats, EpochData, EpochStats, TrainHooks, train_with};
pub use trainer::{Examples, evaluate};
pub use trainer::{TrainConfig, train};
