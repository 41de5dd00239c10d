//! Fully-connected ("dense", PyTorch's `Linear`) layers: every output sees every input.

use ndarray::{Array1, Array2, ArrayView1};

#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    /// [out_features, in_features], as PyTorch stores it.
    pub weight: Array2<f32>,
    pub bias: Option<Array1<f32>>,
}

impl Dense {
    pub(crate) fn in_features(&self) -> usize {
        self.weight.ncols()
    }

    pub(crate) fn out_features(&self) -> usize {
        self.weight.nrows()
    }

    pub(crate) fn parameter_count(&self) -> usize {
        self.weight.len() + self.bias.as_ref().map_or(0, |b| b.len())
    }

    /// `W x + b`. The caller has checked that `x` has `in_features` values.
    pub(crate) fn forward(&self, x: ArrayView1<f32>) -> Array1<f32> {
        let mut y = self.weight.dot(&x);
        if let Some(b) = &self.bias {
            y += b;
        }
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn dense_by_hand() {
        // [1 2 3; 4 5 6] . [1, 0, -1] + [0.5, -0.5] = [1-3+.5, 4-6-.5] = [-1.5, -2.5]
        let d = Dense {
            weight: array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
            bias: Some(array![0.5, -0.5]),
        };
        assert_eq!(d.forward(array![1.0, 0.0, -1.0].view()), array![-1.5, -2.5]);
        assert_eq!(d.parameter_count(), 8);
    }
}
