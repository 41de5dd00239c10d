//! The CNN itself: layers, a model and its forward pass. Nothing here knows about pixels on a
//! screen or files on a disk.

pub mod audio_spec;
pub mod blocks;
pub mod error;
pub mod graph;
pub mod kernels;
pub mod layer;
pub mod layers;
pub mod limits;
pub mod model;
pub mod tensor;
pub mod train;
pub mod window;
pub mod zoo;

pub use audio_spec::AudioSpec;
pub use error::{Error, Result};
pub use graph::Source;
pub use layer::{DropoutRun, Layer, LayerKind, RunOptions, dropout_mask, layer_dropout_seed};
pub use layers::activation::{Activation, Prelu, argmax, log_softmax, softmax};
pub use layers::adaptive_pool::AdaptivePool;
pub use layers::conv::Conv2d;
pub use layers::dense::Dense;
pub use layers::kinds::LayerType;
pub use layers::merge::Merge;
pub use layers::norm::BatchNorm;
pub use layers::pool::{Pool2d, PoolMode};
pub use model::{InputSpec, Model, ModelInfo, Translation, infer_shapes, layer_tensors};
pub use tensor::{Shape, Tensor};
pub use window::Window;
