//! Pooling: max, average (PyTorch's `count_include_pad=True`), and anti-aliased max pooling
//! ("blurmax", Zhang 2019: max with stride 1, then a binomial blur sub-sampled by the stride).

use crate::engine::kernels::crew::{self, Split};
use crate::engine::kernels::shared::{SPLIT_MACS, Shared};
use crate::engine::window::Window;
use ndarray::{Array3, ArrayView3};
use serde::{Deserialize, Serialize};
use std::fmt;

mod sums;
mod two_by_two;

/// How a pooling window is summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PoolMode {
    /// The strongest response in each window.
    #[default]
    Max,
    /// The mean of each window (padding counts as zeros in the divisor).
    Avg,
    /// Max over each window at stride 1, then a normalised binomial blur applied at the stride:
    /// anti-aliased max pooling.
    BlurMax,
}

impl PoolMode {
    pub const ALL: [PoolMode; 3] = [PoolMode::Max, PoolMode::Avg, PoolMode::BlurMax];

    pub fn as_str(self) -> &'static str {
        match self {
            PoolMode::Max => "max",
            PoolMode::Avg => "avg",
            PoolMode::BlurMax => "blurmax",
        }
    }

    pub fn parse(text: &str) -> Option<PoolMode> {
        PoolMode::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

impl fmt::Display for PoolMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pooling layer's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool2d {
    pub mode: PoolMode,
    pub window: Window,
    /// Taps of the binomial blur used by [`PoolMode::BlurMax`] (1 to 7; 3 is \[1,2,1\]).
    pub blur: usize,
    /// Average pooling divides by the whole window, padding included (PyTorch's default),
    /// or only by the values inside the input (`false`).
    pub count_include_pad: bool,
}

impl Default for Pool2d {
    fn default() -> Self {
        Pool2d {
            mode: PoolMode::Max,
            window: Window::new((2, 2), (2, 2), (0, 0)),
            blur: 3,
            count_include_pad: true,
        }
    }
}

impl Pool2d {
    /// The output height and width (the same for every mode, so a model's later layers fit
    /// whichever mode is chosen).
    pub(crate) fn output_size(&self, height: usize, width: usize) -> (i64, i64) {
        self.window.output_size(height, width)
    }

    pub fn forward(&self, input: ArrayView3<f32>) -> Array3<f32> {
        match self.mode {
            PoolMode::Max => max_pool_values(input, &self.window),
            PoolMode::Avg => avg_pool_with(input, &self.window, self.count_include_pad),
            PoolMode::BlurMax => {
                let dense = max_pool_values(
                    input,
                    &Window {
                        stride: (1, 1),
                        ceil_mode: false,
                        ..self.window
                    },
                );
                let (_, h, w) = input.dim();
                let (oh, ow) = self.output_size(h, w);
                let out = (oh.max(0) as usize, ow.max(0) as usize);
                blur_subsample_to(dense.view(), self.blur, self.window.stride, out)
            }
        }
    }
}

/// For output index `o` along one axis, the kernel taps `k` whose input index
/// `o*stride + k - pad` lies inside `0..n`, and that first input index (when `k` is the first tap).
#[inline]
fn taps(o: usize, n: usize, k: usize, stride: usize, pad: usize) -> (usize, usize, usize) {
    let start = (o * stride) as i64 - pad as i64;
    let lo = (-start).max(0) as usize;
    let hi = ((n as i64 - start).min(k as i64)).max(0) as usize;
    (lo, hi.max(lo), (start + lo as i64).max(0) as usize)
}

/// Visits every output window with the valid input rows and columns it covers:
/// `visit(plane, rows, cols, padded)` where `plane` is the input channel as a slice, in output
/// order, and `padded` the number of positions the window covers inside the padded input
/// (the divisor of average pooling with `count_include_pad`; with `ceil_mode` a last window
/// may reach past the padding, and those positions do not count).
fn for_each_window(
    input: ArrayView3<f32>,
    window: &Window,
    mut visit: impl FnMut(&[f32], std::ops::Range<usize>, std::ops::Range<usize>, usize),
) -> (usize, usize, usize) {
    let (channels, height, width) = input.dim();
    let (oh, ow) = window.output_size(height, width);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let end = window.pad_end();
    // (valid input range, positions inside the padded input) of output `o` along one axis.
    let range = |o: usize, n: usize, k: usize, stride: usize, pad: usize, pad_end: usize| {
        let (lo, hi, first) = taps(o, n, k, stride, pad);
        let start = (o * stride) as i64 - pad as i64;
        let padded_end = (start + k as i64).min(n as i64 + pad_end as i64);
        let padded = (padded_end - start).max(0) as usize;
        (first..first + (hi - lo), padded)
    };
    let rows: Vec<_> = (0..oh)
        .map(|o| {
            range(
                o,
                height,
                window.kernel.0,
                window.stride.0,
                window.padding.0,
                end.0,
            )
        })
        .collect();
    let cols: Vec<_> = (0..ow)
        .map(|o| {
            range(
                o,
                width,
                window.kernel.1,
                window.stride.1,
                window.padding.1,
                end.1,
            )
        })
        .collect();
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    for c in 0..channels {
        let plane = &src[c * height * width..(c + 1) * height * width];
        for (r, rn) in &rows {
            for (q, qn) in &cols {
                visit(plane, r.clone(), q.clone(), rn * qn);
            }
        }
    }
    (channels, oh, ow)
}

/// Max pooling. Returns the pooled maps and, for every output value, the flat index `y*W + x`
/// in its input plane of the value that won (the first one on ties).
pub fn max_pool(input: ArrayView3<f32>, window: &Window) -> (Array3<f32>, Vec<u32>) {
    let width = input.dim().2;
    let mut values = Vec::new();
    let mut argmax = Vec::new();
    let (c, oh, ow) = for_each_window(input, window, |plane, rows, cols, _| {
        // Windows always hold at least one real value (padding is at most half the kernel).
        let first = rows.start * width + cols.start;
        let (mut best, mut best_at) = (plane[first], first);
        for y in rows {
            for (x, &v) in plane[y * width + cols.start..y * width + cols.end]
                .iter()
                .enumerate()
            {
                // `>` keeps the first maximum.
                if v > best {
                    best = v;
                    best_at = y * width + cols.start + x;
                }
            }
        }
        values.push(best);
        argmax.push(best_at as u32);
    });
    (
        Array3::from_shape_vec((c, oh, ow), values).expect("one value per window"),
        argmax,
    )
}

/// Max pooling without the argmax (the forward pass's case).
pub(crate) fn max_pool_values(input: ArrayView3<f32>, window: &Window) -> Array3<f32> {
    let (channels, height, width) = input.dim();
    if window.kernel == (2, 2)
        && window.stride == (2, 2)
        && window.padding == (0, 0)
        && window.is_plain()
    {
        // The common case, without per-window bookkeeping.
        let (oh, ow) = (height / 2, width / 2);
        let input = input.as_standard_layout();
        let src = input.as_slice().expect("standard layout");
        let values = two_by_two::max_pool_2x2(src, (channels, height, width));
        return Array3::from_shape_vec((channels, oh, ow), values).expect("one value per window");
    }
    if window.dilation == (1, 1) {
        return max_pool_separable(input, window);
    }
    let mut values = Vec::new();
    let (c, oh, ow) = for_each_window(input, window, |plane, rows, cols, _| {
        let best = rows
            .map(|y| {
                plane[y * width + cols.start..y * width + cols.end]
                    .iter()
                    .copied()
                    .fold(f32::NEG_INFINITY, f32::max)
            })
            .fold(f32::NEG_INFINITY, f32::max);
        values.push(best);
    });
    Array3::from_shape_vec((c, oh, ow), values).expect("one value per window")
}

/// Max pooling without dilation as two one-dimensional passes per channel: the largest of
/// each row's window columns, then the largest of the window's rows of those; each a loop
/// over a whole row (ResNet's 3x3/2 pooling took as long as a convolution window by window).
fn max_pool_separable(input: ArrayView3<f32>, window: &Window) -> Array3<f32> {
    let (channels, height, width) = input.dim();
    let (oh, ow) = window.output_size(height, width);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let (kh, kw) = window.kernel;
    let (sh, sw) = (window.stride.0.max(1), window.stride.1.max(1));
    let (ph, pw) = window.padding;
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    // The output columns each tap column reaches inside the row (`taps` gives the same windows).
    let col_range = |kx: usize| Window::valid_range(width, kx, sw, pw, ow);
    let row_range = |ky: usize| Window::valid_range(height, ky, sh, ph, oh);
    let mut values = vec![f32::NEG_INFINITY; channels * oh * ow];
    if oh * ow == 0 {
        return Array3::from_shape_vec((channels, oh, ow), values).expect("sized above");
    }
    // Channels `first ..` into `out` (theirs, whole), with one row-maximum buffer.
    let channels_into = |first: usize, out: &mut [f32]| {
        let mut rows_max = vec![f32::NEG_INFINITY; height * ow];
        let planes = src[first * height * width..].chunks_exact((height * width).max(1));
        for (plane, out) in planes.zip(out.chunks_exact_mut(oh * ow)) {
            rows_max.fill(f32::NEG_INFINITY);
            for (line, dst) in plane.chunks_exact(width).zip(rows_max.chunks_exact_mut(ow)) {
                for kx in 0..kw {
                    let (lo, hi) = col_range(kx);
                    for (x, d) in (lo..hi).zip(&mut dst[lo..hi]) {
                        *d = d.max(line[x * sw + kx - pw]);
                    }
                }
            }
            for ky in 0..kh {
                let (lo, hi) = row_range(ky);
                for y in lo..hi {
                    let from = &rows_max[(y * sh + ky - ph) * ow..][..ow];
                    for (d, &v) in out[y * ow..(y + 1) * ow].iter_mut().zip(from) {
                        *d = d.max(v);
                    }
                }
            }
        }
    };
    by_channel_blocks(&mut values, (channels, oh * ow), kh * kw, channels_into);
    Array3::from_shape_vec((channels, oh, ow), values).expect("sized above")
}

/// `channels_into(first, planes)` over the output `values` (`channels` planes of `plane`
/// values) by blocks of whole channels, shared between threads like a depthwise convolution
/// from `taps` values a window (ResNet's 3x3/2 pooling was a millisecond on one core while the
/// other waited, on `convscope bench --threads 2`).
fn by_channel_blocks(
    values: &mut [f32],
    (channels, plane): (usize, usize),
    taps: usize,
    channels_into: impl Fn(usize, &mut [f32]) + Sync,
) {
    let split = Split::of(channels * plane * taps, crew::depthwise_macs(), SPLIT_MACS);
    if split.splits() && channels > 1 {
        let per_block = channels.div_ceil(split.threads() * 4).max(1);
        let dst = Shared(values.as_mut_ptr());
        split.for_each(channels.div_ceil(per_block), |b| {
            let first = b * per_block;
            let n = per_block.min(channels - first);
            // SAFETY: block b writes only channels first .. first + n of the output.
            let out =
                unsafe { std::slice::from_raw_parts_mut(dst.get().add(first * plane), n * plane) };
            channels_into(first, out);
        });
    } else {
        channels_into(0, values);
    }
}

/// Average pooling, padded zeros counted in the divisor (PyTorch's default).
pub fn avg_pool(input: ArrayView3<f32>, window: &Window) -> Array3<f32> {
    avg_pool_with(input, window, true)
}

/// Average pooling. With `count_include_pad` the divisor is the window's positions inside the
/// padded input (kh*kw, except where `ceil_mode` lets a last window reach past the padding);
/// without, only the positions inside the input count.
pub(crate) fn avg_pool_with(
    input: ArrayView3<f32>,
    window: &Window,
    count_include_pad: bool,
) -> Array3<f32> {
    let (_, height, width) = input.dim();
    if window.dilation == (1, 1) {
        // Each window's rows summed left to right, then those sums top to bottom, from the
        // same -0.0 as `Sum` below: the same numbers as window by window (tested).
        let divisors: Vec<f32> = avg_pool_divisors((height, width), window, count_include_pad)
            .into_iter()
            .map(|d| d.max(1) as f32)
            .collect();
        let divide = |plane: &mut [f32]| {
            for (v, d) in plane.iter_mut().zip(&divisors) {
                *v /= d;
            }
        };
        return sums::window_sums(input, window, divide);
    }
    let mut values = Vec::new();
    let (c, oh, ow) = for_each_window(input, window, |plane, rows, cols, padded| {
        let inside = rows.len() * cols.len();
        let sum: f32 = rows
            .map(|y| {
                plane[y * width + cols.start..y * width + cols.end]
                    .iter()
                    .sum::<f32>()
            })
            .sum();
        let divisor = if count_include_pad { padded } else { inside };
        values.push(sum / divisor.max(1) as f32);
    });
    Array3::from_shape_vec((c, oh, ow), values).expect("one value per window")
}

/// For each output of [`avg_pool_with`] (in output order, per channel plane), its divisor:
/// what the backward pass spreads each gradient over.
pub(crate) fn avg_pool_divisors(
    (height, width): (usize, usize),
    window: &Window,
    count_include_pad: bool,
) -> Vec<usize> {
    let plane = ndarray::Array3::<f32>::zeros((1, height, width));
    let mut divisors = Vec::new();
    for_each_window(plane.view(), window, |_, rows, cols, padded| {
        divisors.push(if count_include_pad {
            padded
        } else {
            rows.len() * cols.len()
        });
    });
    divisors
}

/// The normalised binomial filter with `taps` coefficients: 3 -> [1,2,1]/4, 4 -> [1,3,3,1]/8.
pub(crate) fn binomial(taps: usize) -> Vec<f32> {
    let mut row = vec![1.0f64];
    for _ in 1..taps.max(1) {
        let mut next = vec![1.0; row.len() + 1];
        for i in 1..row.len() {
            next[i] = row[i - 1] + row[i];
        }
        row = next;
    }
    let sum: f64 = row.iter().sum();
    row.into_iter().map(|v| (v / sum) as f32).collect()
}

/// Reflects an index that lies up to one length outside `0..n` back inside (`-1 -> 1`,
/// `n -> n-2`), as PyTorch's reflection padding; a map of one pixel repeats its edge.
pub(crate) fn reflect(i: i64, n: usize) -> usize {
    let n = n as i64;
    if n == 1 {
        return 0;
    }
    let r = if i < 0 {
        -i
    } else if i >= n {
        2 * (n - 1) - i
    } else {
        i
    };
    r.clamp(0, n - 1) as usize
}

/// Blurs each map with the separable binomial filter of `taps` coefficients (reflection
/// padding of `taps-1` in all, the extra one after) and keeps every `stride`-th value, `oh` x
/// `ow` of them: `floor((n - 1) / stride) + 1` along an axis is max pooling's size when the
/// input came from a stride-1 max pool, and one more where `ceil_mode` asks for a last window
/// (its centre's row or column is reflected back inside).
pub(crate) fn blur_subsample_to(
    input: ArrayView3<f32>,
    taps: usize,
    stride: (usize, usize),
    (oh, ow): (usize, usize),
) -> Array3<f32> {
    let (channels, height, width) = input.dim();
    let filter = binomial(taps);
    let before = (taps.max(1) as i64 - 1) / 2;
    // Blur along rows first (only the rows we keep), then along columns.
    let mut rows_done = Array3::<f32>::zeros((channels, oh, width));
    for c in 0..channels {
        for oy in 0..oh {
            for x in 0..width {
                let mut sum = 0.0;
                for (t, &f) in filter.iter().enumerate() {
                    let iy = reflect((oy * stride.0) as i64 + t as i64 - before, height);
                    sum += f * input[[c, iy, x]];
                }
                rows_done[[c, oy, x]] = sum;
            }
        }
    }
    Array3::from_shape_fn((channels, oh, ow), |(c, oy, ox)| {
        filter
            .iter()
            .enumerate()
            .map(|(t, &f)| {
                let ix = reflect((ox * stride.1) as i64 + t as i64 - before, width);
                f * rows_done[[c, oy, ix]]
            })
            .sum()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, array};

    fn two_by_two() -> Window {
        Window {
            kernel: (2, 2),
            stride: (2, 2),
            padding: (0, 0),
            ..Default::default()
        }
    }

    #[test]
    fn four_by_four_max_and_avg_by_hand() {
        // 1  2  3  4
        // 5  6  7  8      max of each 2x2 block: 6 8 / 14 16
        // 9 10 11 12      mean of each block: (1+2+5+6)/4=3.5, (3+4+7+8)/4=5.5,
        // 13 14 15 16                         (9+10+13+14)/4=11.5, 13.5
        let x = Array::from_shape_vec((1, 4, 4), (1..=16).map(|v| v as f32).collect()).unwrap();
        let (max, argmax) = max_pool(x.view(), &two_by_two());
        assert_eq!(max, array![[[6.0, 8.0], [14.0, 16.0]]]);
        assert_eq!(max_pool_values(x.view(), &two_by_two()), max);
        assert_eq!(argmax, vec![5, 7, 13, 15]);
        assert_eq!(
            avg_pool(x.view(), &two_by_two()),
            array![[[3.5, 5.5], [11.5, 13.5]]]
        );
    }

    #[test]
    fn avg_pool_counts_padding_in_the_divisor() {
        // 2x2 of ones, kernel 2, stride 2, padding 1: each output window holds one real 1 and
        // three padded zeros -> 1/4.
        let x = Array3::<f32>::ones((1, 2, 2));
        let w = Window {
            padding: (1, 1),
            ..two_by_two()
        };
        assert_eq!(avg_pool(x.view(), &w), array![[[0.25, 0.25], [0.25, 0.25]]]);
        // Max pooling pads with -inf, so negative values survive.
        let neg = Array3::<f32>::from_elem((1, 2, 2), -3.0);
        assert_eq!(
            max_pool(neg.view(), &w).0,
            array![[[-3.0, -3.0], [-3.0, -3.0]]]
        );
    }

    #[test]
    fn binomial_filters() {
        assert_eq!(binomial(3), vec![0.25, 0.5, 0.25]);
        assert_eq!(binomial(4), vec![0.125, 0.375, 0.375, 0.125]);
        assert_eq!(binomial(1), vec![1.0]);
    }

    #[test]
    fn blurmax_by_hand() {
        // 1x4x4 map, kernel 2, stride 2, blur 3.
        //  0 0 0 0
        //  0 8 0 0     max at stride 1 (3x3):  8 8 0
        //  0 0 0 0                             8 8 0
        //  0 0 0 0                             0 0 0
        // blur rows kept: 0 and 2 (stride 2), reflection padding: row -1 -> row 1.
        // row 0: .25*r1 + .5*r0 + .25*r1 = [8,8,0];  row 2: .25*r1 + .5*r2 + .25*r1(reflected r3) = [4,4,0]
        // columns kept 0 and 2: col0 = .5*c0 + .5*c1 ; col2 = .25*c1 + .5*c2 + .25*c1
        // -> row0: [8, 4]; row2: [4, 2]
        let mut x = Array3::<f32>::zeros((1, 4, 4));
        x[[0, 1, 1]] = 8.0;
        let pool = Pool2d {
            mode: PoolMode::BlurMax,
            window: two_by_two(),
            blur: 3,
            ..Default::default()
        };
        assert_eq!(pool.forward(x.view()), array![[[8.0, 4.0], [4.0, 2.0]]]);
    }

    #[test]
    fn blurmax_keeps_max_pooling_output_size() {
        for n in [4usize, 5, 13, 14, 26, 28, 60] {
            for (k, s) in [(2, 2), (3, 2), (2, 1), (3, 3)] {
                let window = Window {
                    kernel: (k, k),
                    stride: (s, s),
                    padding: (0, 0),
                    ..Default::default()
                };
                if n < k {
                    continue;
                }
                let x = Array3::<f32>::ones((1, n, n));
                let want = max_pool(x.view(), &window).0.dim();
                for taps in 1..=5 {
                    let got = Pool2d {
                        mode: PoolMode::BlurMax,
                        window,
                        blur: taps,
                        ..Default::default()
                    }
                    .forward(x.view())
                    .dim();
                    assert_eq!(got, want, "n={n} k={k} s={s} taps={taps}");
                }
            }
        }
    }

    /// ResNet's 3x3/2 pooling shared between two threads (the crew of a `lone` pass, blocks
    /// of channels, one of them a partial block) gives the one-thread maxima, to the bit.
    #[test]
    fn pooling_shared_between_threads_matches_one_thread() {
        use crate::engine::kernels::crew;
        use crate::engine::kernels::tests::thread_pool;
        let window = Window {
            kernel: (3, 3),
            stride: (2, 2),
            padding: (1, 1),
            ..Default::default()
        };
        let x = Array3::from_shape_fn((13, 112, 109), |(a, b, d)| {
            (((a * 97 + b * 31 + d * 7) * 13) % 101) as f32 - 50.0
        });
        let one = max_pool_values(x.view(), &window);
        let two = thread_pool(2);
        let shared = two.install(|| {
            crew::lone(|| {
                let comparisons = 13 * 56 * 55 * 9;
                assert!(
                    comparisons >= crew::depthwise_macs(),
                    "large enough to be shared"
                );
                max_pool_values(x.view(), &window)
            })
        });
        assert_eq!(one, max_pool(x.view(), &window).0);
        assert!(
            one.iter()
                .zip(&shared)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }

    proptest::proptest! {
        /// The 2x2/2 fast path and the general path (which also tracks the argmax) agree, and
        /// the argmax points at the value that won.
        #[test]
        fn fast_and_general_max_pooling_agree(c in 1usize..4, h in 2usize..12, w in 2usize..12, seed in 0u64..1000) {
            let x = Array3::from_shape_fn((c, h, w), |(a, b, d)| (((a * 97 + b * 31 + d * 7) as u64 * (seed + 1)) % 101) as f32 - 50.0);
            let (general, argmax) = max_pool(x.view(), &two_by_two());
            proptest::prop_assert_eq!(&max_pool_values(x.view(), &two_by_two()), &general);
            for (i, (&v, &at)) in general.iter().zip(&argmax).enumerate() {
                let ch = i / (general.dim().1 * general.dim().2);
                proptest::prop_assert_eq!(x[[ch, at as usize / w, at as usize % w]], v);
            }
        }

        /// The separable max pooling (any kernel, stride, padding up to half the kernel,
        /// ceil mode) gives the window-by-window maxima.
        #[test]
        fn separable_max_pooling_matches_the_windows(
            c in 1usize..3, h in 1usize..14, w in 1usize..14, k in (1usize..5, 1usize..5),
            s in (1usize..4, 1usize..4), pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
            ceil in proptest::bool::ANY, seed in 0u64..1000,
        ) {
            let window = Window {
                kernel: k,
                stride: s,
                padding: (pads.0.min(k.0 / 2), pads.1.min(k.1 / 2)),
                padding_end: Some((pads.2.min(k.0 / 2), pads.3.min(k.1 / 2))),
                dilation: (1, 1),
                ceil_mode: ceil,
            };
            let (oh, ow) = window.output_size(h, w);
            proptest::prop_assume!(oh > 0 && ow > 0);
            let x = Array3::from_shape_fn((c, h, w), |(a, b, d)| (((a * 97 + b * 31 + d * 7) as u64 * (seed + 1)) % 101) as f32 - 50.0);
            let (general, _) = max_pool(x.view(), &window);
            proptest::prop_assert_eq!(&max_pool_values(x.view(), &window), &general);
        }

        /// Average pooling in two passes gives window by window's bits: each window's rows
        /// summed left to right, those sums top to bottom, over the divisor with and without
        /// the padding counted. Padding up to the whole kernel, so that some windows of a
        /// `ceil_mode` map hold nothing but padding.
        #[test]
        fn separable_average_pooling_matches_the_windows(
            c in 1usize..3, h in 1usize..14, w in 1usize..14, k in (1usize..5, 1usize..5),
            s in (1usize..4, 1usize..4), pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
            ceil in proptest::bool::ANY, count_pad in proptest::bool::ANY, seed in 0u64..1000,
        ) {
            let window = Window {
                kernel: k,
                stride: s,
                padding: (pads.0.min(k.0 - 1), pads.1.min(k.1 - 1)),
                padding_end: Some((pads.2.min(k.0 - 1), pads.3.min(k.1 - 1))),
                dilation: (1, 1),
                ceil_mode: ceil,
            };
            let (oh, ow) = window.output_size(h, w);
            proptest::prop_assume!(oh > 0 && ow > 0);
            let values = crate::engine::kernels::tests::values(c * h * w, seed);
            let x = Array3::from_shape_vec((c, h, w), values).unwrap();
            let mut want = Vec::new();
            for_each_window(x.view(), &window, |plane, rows, cols, padded| {
                let inside = rows.len() * cols.len();
                let sum: f32 = rows
                    .map(|y| plane[y * w + cols.start..y * w + cols.end].iter().sum::<f32>())
                    .sum();
                let divisor = if count_pad { padded } else { inside };
                want.push(sum / divisor.max(1) as f32);
            });
            let got = avg_pool_with(x.view(), &window, count_pad);
            proptest::prop_assert_eq!(got.len(), want.len());
            for (i, (g, e)) in got.iter().zip(&want).enumerate() {
                proptest::prop_assert_eq!(g.to_bits(), e.to_bits(), "value {}: {} vs {}", i, g, e);
            }
        }
    }
}
