//! How far a layer normalisation spelt out node by node has got, as the graph walker keeps it
//! per value (`norm_spelt.rs` follows the steps): the data type alone, so that the walker's
//! state and the steps do not import each other.

use crate::engine::Shape;

/// How far a layer normalisation of the data `x` has got: what a value holds.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    /// mean(x) over the channels.
    Mean,
    /// x - mean(x).
    Centred,
    /// (x - mean(x))².
    Squared,
    /// The variance: the mean of that over the channels.
    Variance,
    /// variance + eps.
    Shifted(f32),
    /// sqrt(variance + eps).
    Deviation(f32),
    /// (x - mean) / sqrt(variance + eps), times `weight`, plus `bias` (one per channel).
    Normalised {
        eps: f32,
        weight: Option<Vec<f32>>,
        bias: Option<Vec<f32>>,
    },
}

impl Step {
    pub(super) fn what(&self) -> &'static str {
        match self {
            Step::Mean => "the mean over the channels",
            Step::Centred => "the data minus its mean over the channels",
            Step::Squared => "the squared difference from the mean over the channels",
            Step::Variance => "the variance over the channels",
            Step::Shifted(_) => "the variance over the channels plus epsilon",
            Step::Deviation(_) => "the deviation over the channels",
            Step::Normalised { .. } => "the data normalised over the channels",
        }
    }
}

/// A value on the way to a layer normalisation of the data value `x` over its channels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Spelt {
    /// The data value normalised, its shape and the layer that made it (`None`: the input).
    pub x: String,
    pub shape: Shape,
    pub from: Option<usize>,
    /// The channel axis among the ONNX dimensions of `x`.
    pub axis: usize,
    /// The ReduceMean node that started it (the stage is named after its module).
    pub start: String,
    /// The node that made this value (the stage is named after it when nodes have no module
    /// path).
    pub last: String,
    pub step: Step,
}
