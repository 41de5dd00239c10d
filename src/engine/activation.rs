//! Element-wise non-linearities and softmax.

use super::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// An element-wise function applied to every value of a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Activation {
    Relu,
    LeakyRelu { slope: f32 },
    Sigmoid,
    Tanh,
}

impl Activation {
    pub fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::LeakyRelu { slope } => {
                if x >= 0.0 {
                    x
                } else {
                    slope * x
                }
            }
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Tanh => x.tanh(),
        }
    }

    /// The derivative at input `x`, given the output `y = apply(x)` (cheaper for sigmoid and tanh).
    pub fn derivative(self, x: f32, y: f32) -> f32 {
        match self {
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu { slope } => {
                if x >= 0.0 {
                    1.0
                } else {
                    slope
                }
            }
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Tanh => 1.0 - y * y,
        }
    }

    /// The function applied to every value of a tensor. The match happens once, outside the
    /// loop, so each loop is a plain (vectorisable) map.
    pub fn map(self, t: &Tensor) -> Tensor {
        fn each(t: &Tensor, f: impl Fn(f32) -> f32) -> Tensor {
            match t {
                Tensor::Maps(a) => Tensor::Maps(a.mapv(f)),
                Tensor::Vector(v) => Tensor::Vector(v.mapv(f)),
            }
        }
        match self {
            Activation::Relu => each(t, |x| x.max(0.0)),
            Activation::LeakyRelu { slope } => {
                each(t, move |x| if x >= 0.0 { x } else { slope * x })
            }
            Activation::Sigmoid => each(t, |x| 1.0 / (1.0 + (-x).exp())),
            Activation::Tanh => each(t, f32::tanh),
        }
    }
}

/// Index of the largest value (the first on ties, NaNs skipped); 0 for an empty list.
pub fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
            if v > bv { (i, v) } else { (bi, bv) }
        })
        .0
}

/// Softmax over a vector, stable for large values: exp(x - max) / sum.
pub fn softmax(values: &[f32]) -> Vec<f32> {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        // All -inf (or a NaN): give a uniform answer rather than NaNs.
        let n = values.len().max(1) as f32;
        return vec![1.0 / n; values.len()];
    }
    let exps: Vec<f32> = values.iter().map(|&x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_the_first_of_equal_values_and_skips_nans() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0, -2.0]), 1);
        assert_eq!(argmax(&[f32::NAN, 0.5, 2.0]), 2);
        assert_eq!(argmax(&[]), 0);
    }

    #[test]
    fn relu_and_leaky_relu_by_hand() {
        assert_eq!(Activation::Relu.apply(-2.0), 0.0);
        assert_eq!(Activation::Relu.apply(3.0), 3.0);
        assert_eq!(Activation::LeakyRelu { slope: 0.1 }.apply(-2.0), -0.2);
        assert!((Activation::Sigmoid.apply(0.0) - 0.5).abs() < 1e-7);
        assert!((Activation::Tanh.apply(1.0) - 0.761_594_2).abs() < 1e-6);
    }

    #[test]
    fn softmax_sums_to_one_and_is_stable_for_large_logits() {
        // exp(1000) overflows f32; subtracting the max first keeps it finite.
        let p = softmax(&[1000.0, 1001.0, 1002.0]);
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        // Same as softmax([0,1,2]) = [0.0900, 0.2447, 0.6652].
        assert!((p[0] - 0.090_030_57).abs() < 1e-6);
        assert!((p[2] - 0.665_240_9).abs() < 1e-6);
        let q = softmax(&[-1e30, 0.0]);
        assert!(q.iter().all(|x| x.is_finite()));
    }
}
