//! Fully-connected ("dense", PyTorch's `Linear`) layers: every output sees every input.

use crate::engine::kernels::crew::{self, Split};
use crate::engine::kernels::matvec::matvec;
use crate::engine::kernels::shared::{SPLIT_MACS, Shared};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

/// Blocks of outputs per thread when a layer is split (a few, so that a thread slowed by
/// something else is caught up by the other).
const BLOCKS_PER_THREAD: usize = 4;

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
        weights_times(self.weight.view(), self.bias.as_ref(), x)
    }
}

/// `weight x + bias` (`weight` [out, in], `x` `in` values): a dense layer, or a 1x1
/// convolution of a 1x1 map (`kernels::im2col`), each output summed as `kernels::matvec`
/// says. A large one (MobileNetV2's classifier: 1.3 M weights, 0.7 ms read on one thread) is
/// shared out between threads in blocks of outputs, each one's sum as on one thread.
pub(crate) fn weights_times(
    weight: ArrayView2<f32>,
    bias: Option<&Array1<f32>>,
    x: ArrayView1<f32>,
) -> Array1<f32> {
    let (rows, cols) = weight.dim();
    let weight = weight.as_standard_layout();
    let weight = weight.as_slice().expect("standard layout");
    let x = x.as_standard_layout();
    let x = x.as_slice().expect("standard layout");
    let mut y = Array1::zeros(rows);
    let split = Split::of(weight.len(), crew::gemm_macs(), SPLIT_MACS);
    if split.splits() && rows > 1 {
        let per = rows.div_ceil(split.threads() * BLOCKS_PER_THREAD);
        let out = Shared(y.as_mut_ptr());
        split.for_each(rows.div_ceil(per), |b| {
            let r = b * per..rows.min((b + 1) * per);
            // SAFETY: block b writes only outputs r of the `rows` in `y`.
            let dst = unsafe { std::slice::from_raw_parts_mut(out.get().add(r.start), r.len()) };
            matvec(&weight[r.start * cols..r.end * cols], x, dst);
        });
    } else {
        matvec(weight, x, y.as_slice_mut().expect("made in standard order"));
    }
    if let Some(b) = bias {
        y += b;
    }
    y
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

    /// Split in blocks of outputs by the crew of a lone pass on two threads: the numbers of
    /// one thread, bit for bit.
    #[test]
    fn split_across_threads_gives_the_same_numbers() {
        use crate::engine::kernels::tests::{thread_pool, values};
        let (rows, cols) = (1001, 1280);
        assert!(rows * cols >= crew::gemm_macs());
        let d = Dense {
            weight: Array2::from_shape_vec((rows, cols), values(rows * cols, 1)).unwrap(),
            bias: Some(Array1::from_vec(values(rows, 2))),
        };
        let x = Array1::from_vec(values(cols, 3));
        let two = thread_pool(2);
        let one = d.forward(x.view());
        let split = two.install(|| crew::lone(|| d.forward(x.view())));
        assert!(
            one.iter()
                .zip(&split)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }
}
