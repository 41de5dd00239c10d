//! Batch normalisation (PyTorch's `BatchNorm2d` over maps, `BatchNorm1d` over vectors):
//! each channel (or feature) is shifted and scaled by its statistics, then by a learnt
//! `gamma` and `beta`. At inference the running statistics are used; training uses the
//! batch's and moves the running ones towards them (see `train::tape`).
//!
//! Layer normalisation over channels (ConvNeXt's `LayerNorm2d`, or `nn.LayerNorm(C)` after a
//! permute to channels-last): at each position the C values are shifted to mean zero and scaled
//! to variance one, then by a learnt weight and bias per channel. A vector is one position.

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

/// Layer normalisation over the channels at each position.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerNorm {
    /// One per channel (PyTorch's `weight`).
    pub weight: Array1<f32>,
    /// One per channel (PyTorch's `bias`).
    pub bias: Array1<f32>,
    pub eps: f32,
}

impl LayerNorm {
    pub(crate) const DEFAULT_EPS: f32 = 1e-5;

    pub(crate) fn parameter_count(&self) -> usize {
        self.weight.len() + self.bias.len()
    }

    /// Normalises `values` (one position's channels, `stride` apart) in place.
    fn normalise(&self, values: &mut [f32], start: usize, stride: usize) {
        let n = self.weight.len();
        let at = |c: usize| start + c * stride;
        let mean = (0..n).map(|c| values[at(c)] as f64).sum::<f64>() / n as f64;
        let var = (0..n)
            .map(|c| (values[at(c)] as f64 - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        let inv = 1.0 / (var + self.eps as f64).sqrt();
        for c in 0..n {
            let x = &mut values[at(c)];
            *x = ((*x as f64 - mean) * inv) as f32 * self.weight[c] + self.bias[c];
        }
    }

    /// Inference and training alike (no running statistics). The model has checked the
    /// channel count once, when it was built.
    pub(crate) fn forward(&self, input: &Tensor) -> Tensor {
        match input {
            Tensor::Maps(a) => {
                let (c, h, w) = a.dim();
                let mut values = a.iter().copied().collect::<Vec<f32>>();
                for p in 0..h * w {
                    self.normalise(&mut values, p, h * w);
                }
                Tensor::Maps(ndarray::Array3::from_shape_vec((c, h, w), values).expect("c*h*w"))
            }
            Tensor::Vector(v) => {
                let mut values = v.to_vec();
                self.normalise(&mut values, 0, 1);
                Tensor::Vector(Array1::from(values))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, array};

    #[test]
    fn layer_norm_normalises_each_position_over_channels() {
        // One position with channels [1, 3]: mean 2, variance 1 (eps 0): [-1, 1], then
        // weight [2, 1] and bias [0, 10]: [-2, 11]. The second position [5, 5] has variance 0
        // and eps 1: [0, 0] -> bias [0, 10].
        let ln = LayerNorm {
            weight: array![2.0, 1.0],
            bias: array![0.0, 10.0],
            eps: 0.0,
        };
        let x = Tensor::Maps(Array3::from_shape_vec((2, 1, 1), vec![1.0, 3.0]).unwrap());
        assert_eq!(ln.forward(&x).values(), vec![-2.0, 11.0]);
        let ln = LayerNorm { eps: 1.0, ..ln };
        let x = Tensor::Maps(Array3::from_shape_vec((2, 1, 2), vec![1.0, 5.0, 3.0, 5.0]).unwrap());
        let y = ln.forward(&x).values();
        // position 0: mean 2, var 1, eps 1: (x - 2) / sqrt 2.
        let s = 1.0 / 2f32.sqrt();
        assert!(
            (y[0] + 2.0 * s).abs() < 1e-6 && (y[2] - (10.0 + s)).abs() < 1e-6,
            "{y:?}"
        );
        assert_eq!([y[1], y[3]], [0.0, 10.0]);
    }

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
