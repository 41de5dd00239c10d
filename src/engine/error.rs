//! The one error type of the engine: every problem names the layer and the field it is about.

use thiserror::Error;

/// Something about a model (its description, its weights or the tensor given to it) that the
/// engine cannot run. Each variant names the layer it comes from, so a person can fix the file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    #[error("layer {layer}: field `{field}`: {message}")]
    BadField {
        layer: String,
        field: String,
        message: String,
    },
    #[error("layer {layer}: tensor `{tensor}` has shape {got:?}, expected {expected:?}")]
    WeightShape {
        layer: String,
        tensor: String,
        expected: Vec<usize>,
        got: Vec<usize>,
    },
    #[error("layer {layer}: tensor `{tensor}` is missing")]
    MissingTensor { layer: String, tensor: String },
    #[error("layer {layer}: tensor `{tensor}` holds a value that is not finite (NaN or infinity)")]
    NonFinite { layer: String, tensor: String },
    #[error("layer {layer}: expects {expected} but receives {got}")]
    InputShape {
        layer: String,
        expected: String,
        got: String,
    },
    #[error(
        "layer {layer}: the output would be {height}x{width}: the spatial size shrinks to zero"
    )]
    EmptyOutput {
        layer: String,
        height: i64,
        width: i64,
    },
    #[error("{what} is {value}, past the limit of {limit}")]
    TooLarge {
        what: String,
        value: usize,
        limit: usize,
    },
    #[error("{0}")]
    Invalid(String),
    /// A long computation was stopped by its caller before the end.
    #[error("stopped before the end")]
    Cancelled,
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;
