//! What a network expects: the size of its input and how pixels in \[0,1\] are normalised,
//! checked once when the model is built.

use crate::engine::error::{Error, Result};
use crate::engine::limits;
use crate::engine::tensor::Shape;
use ndarray::Array3;

/// What the network expects: the size of its input and how pixels in \[0,1\] are normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    /// Per-channel mean subtracted from pixels in \[0,1\].
    pub mean: Vec<f32>,
    /// Per-channel standard deviation divided into them.
    pub std: Vec<f32>,
}

impl InputSpec {
    pub fn shape(&self) -> Shape {
        Shape::maps(self.channels, self.height, self.width)
    }

    /// `(x - mean) / std` per channel, in place, on an image in \[0,1\].
    pub fn normalize(&self, image: &mut Array3<f32>) {
        for (c, mut plane) in image.outer_iter_mut().enumerate() {
            let m = self.mean.get(c).copied().unwrap_or(0.0);
            let s = self.std.get(c).copied().unwrap_or(1.0);
            plane.mapv_inplace(|v| (v - m) / s);
        }
    }

    pub(super) fn validate(&self) -> Result<()> {
        let bad = |field: &str, message: String| {
            Err(Error::BadField {
                layer: "input".into(),
                field: field.into(),
                message,
            })
        };
        if self.channels == 0 || self.channels > limits::MAX_INPUT_CHANNELS {
            return bad(
                "channels",
                format!(
                    "{} is not between 1 and {}",
                    self.channels,
                    limits::MAX_INPUT_CHANNELS
                ),
            );
        }
        for (field, v) in [("height", self.height), ("width", self.width)] {
            if v == 0 || v > limits::MAX_SIDE {
                return bad(
                    field,
                    format!("{v} is not between 1 and {}", limits::MAX_SIDE),
                );
            }
        }
        for (field, values) in [("mean", &self.mean), ("std", &self.std)] {
            if values.len() != self.channels {
                return bad(
                    field,
                    format!("has {} values for {} channels", values.len(), self.channels),
                );
            }
            if values.iter().any(|v| !v.is_finite()) {
                return bad(field, "holds a value that is not finite".into());
            }
        }
        if self.std.iter().any(|&s| s <= 0.0) {
            return bad("std", "every value must be above zero".into());
        }
        Ok(())
    }
}
