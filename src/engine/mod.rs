//! The CNN itself: layers, a model and its forward pass. Nothing here knows about pixels on a
//! screen or files on a disk.

pub mod activation;
pub mod conv;
pub mod dense;
pub mod direct_conv;
pub mod error;
pub mod layer;
pub mod limits;
pub mod model;
pub mod pool;
pub mod tensor;
pub mod train;
pub mod zoo;

pub use activation::{Activation, argmax, softmax};
pub use conv::{Conv2d, Window};
pub use dense::Dense;
pub use error::{Error, Result};
pub use layer::{DropoutRun, Layer, LayerKind, RunOptions, dropout_mask, layer_dropout_seed};
pub use model::{InputSpec, Model, ModelInfo, Translation, infer_shapes};
pub use pool::{Pool2d, PoolMode};
pub use tensor::{Shape, Tensor};
