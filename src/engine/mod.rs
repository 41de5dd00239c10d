//! The CNN itself: layers, a model and its forward pass. Nothing here knows about pixels on a
//! screen or files on a disk.

pub(crate) mod audio_spec;
pub(crate) mod blocks;
pub(crate) mod error;
pub mod grad;
pub(crate) mod graph;
pub mod kernels;
pub(crate) mod layer;
pub mod layers;
pub mod limits;
pub(crate) mod model;
pub(crate) mod tensor;
pub mod train;
pub(crate) mod window;
pub mod zoo;

pub(crate) use audio_spec::AudioSpec;
pub(crate) use error::{Error, Result};
pub use graph::Source;
pub(crate) use layer::DropoutRun;
pub use layer::{Layer, dropout_mask, layer_dropout_seed};
pub use layer::{LayerKind, RunOptions};
pub use layers::activation::Activation;
pub use layers::activation::argmax;
pub(crate) use layers::activation::{Prelu, softmax};
pub(crate) use layers::adaptive_pool::AdaptivePool;
pub use layers::channels::PickChannels;
pub use layers::conv::Conv2d;
pub use layers::dense::Dense;
pub(crate) use layers::kinds::LayerType;
pub use layers::merge::Merge;
pub(crate) use layers::norm::BatchNorm;
pub use layers::norm::LayerNorm;
pub use layers::pool::Pool2d;
pub use layers::pool::PoolMode;
pub use layers::resample::{Coordinates, Pad2d, PadMode, Resize, Rounding, Sampling};
pub use model::Model;
pub use model::{InputSpec, ModelInfo};
pub(crate) use model::{Translation, layer_tensors};
pub use tensor::Shape;
pub use tensor::Tensor;
pub use window::Window;
