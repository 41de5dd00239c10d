//! Adaptive pooling (PyTorch's `AdaptiveAvgPool2d` / `AdaptiveMaxPool2d`): the window follows
//! from the input and the output size. Output cell `o` of `out` along an axis of `n` covers
//! the inputs `floor(o*n/out) .. ceil((o+1)*n/out)`, so the windows overlap when `out` does
//! not divide `n`. Global pooling is the case `out = 1`.

use super::pool::PoolMode;
use ndarray::{Array3, ArrayView3};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdaptivePool {
    /// [`PoolMode::Max`] or [`PoolMode::Avg`] (anti-aliased pooling has no adaptive form).
    pub mode: PoolMode,
    /// Output height and width.
    pub output: (usize, usize),
}

/// The input range `start..end` of output cell `o` when `n` inputs become `out` cells.
pub(crate) fn adaptive_range(o: usize, n: usize, out: usize) -> std::ops::Range<usize> {
    let start = o * n / out;
    let end = ((o + 1) * n).div_ceil(out);
    start..end
}

impl AdaptivePool {
    pub(crate) fn forward(&self, input: ArrayView3<f32>) -> Array3<f32> {
        self.forward_with_argmax(input).0
    }

    /// The pooled maps and, for max pooling, the flat index `y*W + x` in its input plane of
    /// each output's winner (the first one on ties); empty for average pooling.
    pub(crate) fn forward_with_argmax(&self, input: ArrayView3<f32>) -> (Array3<f32>, Vec<u32>) {
        let (channels, height, width) = input.dim();
        let (oh, ow) = self.output;
        let mut values = Vec::with_capacity(channels * oh * ow);
        let mut argmax = Vec::new();
        for c in 0..channels {
            for oy in 0..oh {
                let rows = adaptive_range(oy, height, oh);
                for ox in 0..ow {
                    let cols = adaptive_range(ox, width, ow);
                    match self.mode {
                        PoolMode::Avg => {
                            let mut sum = 0.0f32;
                            for y in rows.clone() {
                                for x in cols.clone() {
                                    sum += input[[c, y, x]];
                                }
                            }
                            let count = (rows.len() * cols.len()).max(1);
                            values.push(sum / count as f32);
                        }
                        _ => {
                            // Windows are never empty (`end > start`); `>` keeps the first
                            // maximum.
                            let first = rows.start * width + cols.start;
                            let (mut best, mut at) = (input[[c, rows.start, cols.start]], first);
                            for y in rows.clone() {
                                for x in cols.clone() {
                                    let v = input[[c, y, x]];
                                    if v > best {
                                        best = v;
                                        at = y * width + x;
                                    }
                                }
                            }
                            values.push(best);
                            argmax.push(at as u32);
                        }
                    }
                }
            }
        }
        let out = Array3::from_shape_vec((channels, oh, ow), values).expect("one value per cell");
        (out, argmax)
    }
}

/// Global max pooling: the largest value of each map, as \[C,1,1\].
pub(crate) fn global_max_pool(input: ArrayView3<f32>) -> Array3<f32> {
    AdaptivePool {
        mode: PoolMode::Max,
        output: (1, 1),
    }
    .forward(input)
}

/// Global average pooling: the mean of each map, as \[C,1,1\] (0 for an empty map).
pub(crate) fn global_avg_pool(input: ArrayView3<f32>) -> Array3<f32> {
    let (channels, h, w) = input.dim();
    let plane = h * w;
    let means: Vec<f32> = if plane == 0 {
        vec![0.0; channels]
    } else {
        let input = input.as_standard_layout();
        let values = input.as_slice().expect("standard layout");
        values
            .chunks_exact(plane)
            .map(|map| lane_sum(map) / plane as f32)
            .collect()
    };
    Array3::from_shape_vec((channels, 1, 1), means).expect("one value per channel")
}

/// The sum of `values` in 16 running sums side by side (value i into sum i mod 16), then the
/// 16 added pairwise: the lanes of a vector on every instruction set, in the same order, so
/// the same number everywhere. (ndarray's `mean` was a scalar-width loop: squeeze-and-
/// excitation's global pools were 315 us of EfficientNet-B0's pass against onnxruntime's 177.)
fn lane_sum(values: &[f32]) -> f32 {
    const LANES: usize = 16;
    let mut sums = [0.0f32; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for chunk in &mut chunks {
        for (sum, v) in sums.iter_mut().zip(chunk) {
            *sum += v;
        }
    }
    for (sum, v) in sums.iter_mut().zip(chunks.remainder()) {
        *sum += v;
    }
    let mut n = LANES;
    while n > 1 {
        n /= 2;
        for i in 0..n {
            sums[i] += sums[i + n];
        }
    }
    sums[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, array};

    #[test]
    fn ranges_follow_pytorch_when_the_size_does_not_divide() {
        // 5 inputs into 3 cells: [0,2), [1,4), [3,5) (PyTorch's start/end index formula).
        let r: Vec<_> = (0..3).map(|o| adaptive_range(o, 5, 3)).collect();
        assert_eq!(r, vec![0..2, 1..4, 3..5]);
        // 6 into 3 divides: [0,2), [2,4), [4,6).
        let r: Vec<_> = (0..3).map(|o| adaptive_range(o, 6, 3)).collect();
        assert_eq!(r, vec![0..2, 2..4, 4..6]);
        // Upsampling 2 into 3: [0,1), [0,2), [1,2).
        let r: Vec<_> = (0..3).map(|o| adaptive_range(o, 2, 3)).collect();
        assert_eq!(r, vec![0..1, 0..2, 1..2]);
    }

    #[test]
    fn adaptive_avg_and_max_by_hand() {
        // 1x1x5 row 1 2 3 4 5 into 1x3: windows [1,2], [2,3,4], [4,5]
        // avg: 1.5, 3, 4.5; max: 2, 4, 5
        let x = Array::from_shape_vec((1, 1, 5), vec![1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let avg = AdaptivePool {
            mode: PoolMode::Avg,
            output: (1, 3),
        };
        assert_eq!(avg.forward(x.view()), array![[[1.5, 3.0, 4.5]]]);
        let max = AdaptivePool {
            mode: PoolMode::Max,
            output: (1, 3),
        };
        let (v, at) = max.forward_with_argmax(x.view());
        assert_eq!(v, array![[[2.0, 4.0, 5.0]]]);
        assert_eq!(at, vec![1, 3, 4]);
        assert_eq!(global_max_pool(x.view()), array![[[5.0]]]);
    }

    /// The global mean against f64 on maps whose size is not a multiple of 16 (7x7, 14x14,
    /// 1x1) and on a view that is not in standard layout; an empty map's mean is 0.
    #[test]
    fn global_avg_pool_is_the_mean_of_each_map() {
        for (h, w) in [(7, 7), (14, 14), (1, 1), (3, 50)] {
            let x = Array::from_shape_fn((5, h, w), |(c, y, x)| {
                ((c * 31 + y * 7 + x * 3) % 17) as f32 * 0.37 - 2.0
            });
            let got = global_avg_pool(x.view());
            assert_eq!(got.dim(), (5, 1, 1));
            for c in 0..5 {
                let want = x
                    .index_axis(ndarray::Axis(0), c)
                    .iter()
                    .map(|&v| v as f64)
                    .sum::<f64>()
                    / (h * w) as f64;
                assert!((got[[c, 0, 0]] as f64 - want).abs() < 1e-6, "{h}x{w} {c}");
            }
        }
        let transposed = Array::from_shape_fn((2, 3, 4), |(c, y, x)| (c + y * 4 + x) as f32);
        let t = transposed.view().permuted_axes([0, 2, 1]);
        assert!((global_avg_pool(t)[[1, 0, 0]] - (1.0 + 5.5)).abs() < 1e-6);
        let empty = Array3::<f32>::zeros((3, 0, 4));
        assert_eq!(
            global_avg_pool(empty.view()),
            Array3::<f32>::zeros((3, 1, 1))
        );
    }
}
