//! Batch normalisation (PyTorch's `BatchNorm2d` over maps, `BatchNorm1d` over vectors):
//! each channel (or feature) is shifted and scaled by its statistics, then by a learnt
//! `gamma` and `beta`. At inference the running statistics are used; training uses the
//! batch's and moves the running ones towards them (see `train::tape`).

use crate::engine::tensor::{Shape, Tensor};
use ndarray::{Array1, Axis};

#[derive(Debug, Clone, PartialEq)]
pub struct BatchNorm {
    /// `gamma`, one per channel (PyTorch's `weight`).
    pub weight: Array1<f32>,
    /// `beta`, one per channel (PyTorch's `bias`).
    pub bias: Array1<f32>,
    pub running_mean: Array1<f32>,
    /// The running (unbiased) variance.
    pub running_var: Array1<f32>,
    pub eps: f32,
    /// How far one training batch moves the running statistics (PyTorch's default 0.1).
    pub momentum: f32,
}

impl BatchNorm {
    pub(crate) const DEFAULT_EPS: f32 = 1e-5;
    pub(crate) const DEFAULT_MOMENTUM: f32 = 0.1;

    /// An identity-initialised layer over `channels`: gamma 1, beta 0, mean 0, variance 1.
    pub(crate) fn new(channels: usize) -> BatchNorm {
        BatchNorm {
            weight: Array1::ones(channels),
            bias: Array1::zeros(channels),
            running_mean: Array1::zeros(channels),
            running_var: Array1::ones(channels),
            eps: Self::DEFAULT_EPS,
            momentum: Self::DEFAULT_MOMENTUM,
        }
    }

    pub(crate) fn channels(&self) -> usize {
        self.weight.len()
    }

    /// Learnt parameters (gamma and beta); the running statistics are buffers, not counted.
    pub(crate) fn parameter_count(&self) -> usize {
        self.weight.len() + self.bias.len()
    }

    /// How many channels an input of `shape` has for this layer: maps' channels, or a
    /// vector's features.
    pub(crate) fn channels_of(shape: Shape) -> usize {
        match shape {
            Shape::Maps { channels, .. } => channels,
            Shape::Vector(n) => n,
        }
    }

    /// Per channel `(scale, shift)` with `y = x * scale + shift` at inference.
    pub(crate) fn scale_shift(&self) -> (Vec<f32>, Vec<f32>) {
        let mut scale = Vec::with_capacity(self.channels());
        let mut shift = Vec::with_capacity(self.channels());
        for c in 0..self.channels() {
            let s = self.weight[c] / (self.running_var[c] + self.eps).sqrt();
            scale.push(s);
            shift.push(self.bias[c] - self.running_mean[c] * s);
        }
        (scale, shift)
    }

    /// Inference: normalise with the running statistics. The caller has checked the channel
    /// count (the model does this once, when it is built).
    pub(crate) fn forward(&self, input: &Tensor) -> Tensor {
        let mut out = input.clone();
        self.forward_in_place(&mut out);
        out
    }

    /// [`BatchNorm::forward`] in place (the forward pass, when nothing else reads the input).
    pub(crate) fn forward_in_place(&self, t: &mut Tensor) {
        let (scale, shift) = self.scale_shift();
        match t {
            Tensor::Maps(a) => {
                for (c, mut plane) in a.axis_iter_mut(Axis(0)).enumerate() {
                    let (s, b) = (scale[c], shift[c]);
                    match plane.as_slice_mut() {
                        Some(values) => values.iter_mut().for_each(|v| *v = *v * s + b),
                        None => plane.mapv_inplace(|v| v * s + b),
                    }
                }
            }
            Tensor::Vector(v) => {
                for (c, x) in v.iter_mut().enumerate() {
                    *x = *x * scale[c] + shift[c];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, array};

    #[test]
    fn normalises_each_channel_with_running_statistics() {
        // channel 0: mean 1, var 4 (eps 0): (x - 1) / 2 * 3 + 0.5 -> x=5 gives 6.5
        // channel 1: mean -1, var 1: (x + 1) * 1 + 0 -> x=5 gives 6
        let bn = BatchNorm {
            weight: array![3.0, 1.0],
            bias: array![0.5, 0.0],
            running_mean: array![1.0, -1.0],
            running_var: array![4.0, 1.0],
            eps: 0.0,
            momentum: 0.1,
        };
        let maps = Tensor::Maps(Array3::from_elem((2, 1, 2), 5.0));
        assert_eq!(bn.forward(&maps).values(), vec![6.5, 6.5, 6.0, 6.0]);
        let vector = Tensor::Vector(array![5.0, 5.0]);
        assert_eq!(bn.forward(&vector).values(), vec![6.5, 6.0]);
    }
}
