//! A layer that rearranges channels without computing anything new: `pick_channels` takes
//! some of its input's channels in a given order. ShuffleNetV2's channel shuffle (a reshape to
//! five axes, a transpose and a reshape back, in PyTorch) is one such stage, and so is each
//! half of a channel split (`x.chunk(2, dim=1)`).

use crate::engine::error::{Error, Result};
use crate::engine::limits;
use crate::engine::tensor::Shape;
use ndarray::{Array3, ArrayView3, Axis};

/// Output channel `k` is input channel `from[k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PickChannels {
    pub from: Vec<usize>,
}

impl PickChannels {
    /// The maps this layer makes from `input`, once every picked channel is one of it.
    pub(crate) fn output_shape(&self, layer: &str, input: Shape) -> Result<Shape> {
        let (channels, height, width) = input.maps_for(layer)?;
        let bad = |message: String| Error::BadField {
            layer: layer.into(),
            field: "from".into(),
            message,
        };
        if self.from.is_empty() || self.from.len() > limits::MAX_CHANNELS {
            return Err(bad(format!(
                "picks {} channels, not 1 to {}",
                self.from.len(),
                limits::MAX_CHANNELS
            )));
        }
        if let Some(c) = self.from.iter().find(|&&c| c >= channels) {
            return Err(bad(format!(
                "channel {c} is not one of the input's {channels}"
            )));
        }
        Ok(Shape::maps(self.from.len(), height, width))
    }

    pub(crate) fn forward(&self, x: ArrayView3<f32>) -> Array3<f32> {
        x.select(Axis(0), &self.from)
    }

    /// Whether the picked channels are a rearrangement of all of them (a shuffle), not a part.
    pub fn is_permutation(&self, channels: usize) -> bool {
        let mut seen = vec![false; channels];
        self.from.len() == channels
            && self
                .from
                .iter()
                .all(|&c| c < channels && !std::mem::replace(&mut seen[c], true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_channels_in_the_given_order() {
        // Channels 0..4 of 1x1 maps holding 10, 11, 12, 13; a shuffle of two groups of two
        // interleaves them: 0, 2, 1, 3.
        let x = Array3::from_shape_vec((4, 1, 1), vec![10., 11., 12., 13.]).unwrap();
        let shuffle = PickChannels {
            from: vec![0, 2, 1, 3],
        };
        assert_eq!(
            shuffle
                .forward(x.view())
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            [10., 12., 11., 13.]
        );
        assert!(shuffle.is_permutation(4));
        let half = PickChannels { from: vec![2, 3] };
        assert_eq!(
            half.output_shape("split", Shape::maps(4, 5, 6)),
            Ok(Shape::maps(2, 5, 6))
        );
        assert!(!half.is_permutation(4));
        let e = PickChannels { from: vec![4] }
            .output_shape("split", Shape::maps(4, 5, 6))
            .unwrap_err()
            .to_string();
        assert!(e.contains("split") && e.contains("channel 4"), "{e}");
    }
}
