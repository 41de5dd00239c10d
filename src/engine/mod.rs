//! The CNN itself: layers, a model and its forward pass. Nothing here knows about pixels on a
//! screen or files on a disk.

pub mod activation;
pub mod adaptive_pool;
pub mod audio_spec;
pub mod blocks;
pub mod conv;
pub mod dense;
pub mod error;
pub mod graph;
pub mod kernels;
pub mod layer;
pub mod limits;
pub mod merge;
pub mod model;
pub mod norm;
pub mod pool;
pub mod tensor;
pub mod train;
pub mod zoo;

pub use activation::{Activation, Prelu, argmax, log_softmax, softmax};
pub use adaptive_pool::AdaptivePool;
pub use audio_spec::AudioSpec;
pub use conv::{Conv2d, Window};
pub use dense::Dense;
pub use error::{Error, Result};
pub use graph::Source;
pub use layer::{DropoutRun, Layer, LayerKind, RunOptions, dropout_mask, layer_dropout_seed};
pub use merge::Merge;
pub use model::{InputSpec, Model, ModelInfo, Translation, infer_shapes, layer_tensors};
pub use norm::BatchNorm;
pub use pool::{Pool2d, PoolMode};
pub use tensor::{Shape, Tensor};
