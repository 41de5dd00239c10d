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
        map_means(values, plane)
    };
    Array3::from_shape_vec((channels, 1, 1), means).expect("one value per channel")
}

/// Values per map summed side by side (value i into sum i mod `LANES`): a vector's lanes on
/// every instruction set.
const LANES: usize = 16;

/// Maps summed at once, each sum its own chain of vector additions: one map's chain waited
/// on each addition (MobileNetV2's 1280 7x7 maps took 21 us against onnxruntime's 8).
const MAPS_AT_ONCE: usize = 4;

/// The mean of each map of `plane` values in `values`, [`MAPS_AT_ONCE`] maps at a time.
fn map_means(values: &[f32], plane: usize) -> Vec<f32> {
    let mut means = Vec::with_capacity(values.len() / plane);
    let mut quads = values.chunks_exact(MAPS_AT_ONCE * plane);
    for quad in &mut quads {
        let maps: [&[f32]; MAPS_AT_ONCE] = std::array::from_fn(|m| &quad[m * plane..][..plane]);
        means.extend(lane_sums(maps).map(|sum| sum / plane as f32));
    }
    for map in quads.remainder().chunks_exact(plane) {
        means.push(lane_sums([map])[0] / plane as f32);
    }
    means
}

/// The sum of each of `M` maps of one length in [`LANES`] running sums side by side (value i
/// into sum i mod `LANES`), then the sums added pairwise (8 onto the first 8, 4 onto the first
/// 4, ...). Each map's additions are in that order whatever `M` is and whichever path runs
/// them (AVX-512, AVX2 or plain code, as `CONVSCOPE_ISA` allows), so the numbers are the same
/// everywhere. (ndarray's `mean` was a scalar-width loop: squeeze-and-excitation's global
/// pools were 315 us of EfficientNet-B0's pass against onnxruntime's 177.)
fn lane_sums<const M: usize>(maps: [&[f32]; M]) -> [f32; M] {
    let len = maps[0].len();
    assert!(maps.iter().all(|m| m.len() == len), "maps of one length");
    let full = len - len % LANES;
    let mut sums = whole_chunks(maps, full);
    let mut totals = [0.0f32; M];
    for ((total, sum), map) in totals.iter_mut().zip(&mut sums).zip(&maps) {
        for (s, v) in sum.iter_mut().zip(&map[full..]) {
            *s += v;
        }
        let mut n = LANES;
        while n > 1 {
            n /= 2;
            for i in 0..n {
                sum[i] += sum[i + n];
            }
        }
        *total = sum[0];
    }
    totals
}

/// Each map's running sums over its first `full` values (a multiple of [`LANES`], at most
/// every map's length).
fn whole_chunks<const M: usize>(maps: [&[f32]; M], full: usize) -> [[f32; LANES]; M] {
    #[cfg(target_arch = "x86_64")]
    {
        use crate::engine::kernels::isa::Isa;
        match Isa::available().last() {
            // SAFETY: the CPU has the instructions (`Isa::available`); `full` is within every
            // map (the caller's promise, checked by `lane_sums`).
            Some(Isa::Avx512) => return unsafe { x86::avx512_chunks(maps, full) },
            // SAFETY: as above.
            Some(Isa::Avx2) => return unsafe { x86::avx2_chunks(maps, full) },
            None => {}
        }
    }
    let mut sums = [[0.0f32; LANES]; M];
    for (sum, map) in sums.iter_mut().zip(&maps) {
        for chunk in map[..full].chunks_exact(LANES) {
            for (s, v) in sum.iter_mut().zip(chunk) {
                *s += v;
            }
        }
    }
    sums
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::LANES;
    use std::arch::x86_64::*;

    /// `whole_chunks` with one AVX-512 vector of sums per map.
    ///
    /// # Safety
    /// The CPU has AVX-512F; `full` is a multiple of `LANES` and at most every map's length.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn avx512_chunks<const M: usize>(
        maps: [&[f32]; M],
        full: usize,
    ) -> [[f32; LANES]; M] {
        let mut acc = [_mm512_setzero_ps(); M];
        for start in (0..full).step_by(LANES) {
            for (a, map) in acc.iter_mut().zip(&maps) {
                // SAFETY: start + LANES <= full <= map.len().
                *a = _mm512_add_ps(*a, unsafe { _mm512_loadu_ps(map.as_ptr().add(start)) });
            }
        }
        let mut sums = [[0.0f32; LANES]; M];
        for (sum, a) in sums.iter_mut().zip(acc) {
            // SAFETY: `sum` holds 16 values.
            unsafe { _mm512_storeu_ps(sum.as_mut_ptr(), a) };
        }
        sums
    }

    /// `whole_chunks` with two AVX2 vectors of sums per map (lanes 0-7 and 8-15).
    ///
    /// # Safety
    /// The CPU has AVX2; `full` is a multiple of `LANES` and at most every map's length.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2_chunks<const M: usize>(
        maps: [&[f32]; M],
        full: usize,
    ) -> [[f32; LANES]; M] {
        let mut acc = [[_mm256_setzero_ps(); 2]; M];
        for start in (0..full).step_by(LANES) {
            for (a, map) in acc.iter_mut().zip(&maps) {
                // SAFETY: start + LANES <= full <= map.len().
                unsafe {
                    let p = map.as_ptr().add(start);
                    a[0] = _mm256_add_ps(a[0], _mm256_loadu_ps(p));
                    a[1] = _mm256_add_ps(a[1], _mm256_loadu_ps(p.add(8)));
                }
            }
        }
        let mut sums = [[0.0f32; LANES]; M];
        for (sum, a) in sums.iter_mut().zip(acc) {
            // SAFETY: `sum` holds 16 values.
            unsafe {
                _mm256_storeu_ps(sum.as_mut_ptr(), a[0]);
                _mm256_storeu_ps(sum.as_mut_ptr().add(8), a[1]);
            }
        }
        sums
    }
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

    /// Maps summed four at a time, on every instruction-set path, give the bits of each map
    /// summed alone in the order `lane_sums` promises (value i into sum i mod 16, then the
    /// sums pairwise), written out here as plain scalar code.
    #[test]
    fn maps_at_once_give_each_maps_own_sum_on_every_path() {
        use crate::engine::kernels::isa::Path;
        fn by_hand(map: &[f32]) -> f32 {
            let mut sums = [0.0f32; 16];
            for (i, v) in map.iter().enumerate() {
                sums[i % 16] += v;
            }
            for n in [8, 4, 2, 1] {
                for i in 0..n {
                    sums[i] += sums[i + n];
                }
            }
            sums[0]
        }
        for (channels, plane) in [(9, 49), (4, 196), (7, 16), (5, 1), (3, 3136), (6, 15)] {
            let values: Vec<f32> = (0..channels * plane)
                .map(|i| ((i * 7919) % 2003) as f32 * 0.013 - 11.0 + 1e-7 * i as f32)
                .collect();
            let want: Vec<f32> = values
                .chunks_exact(plane)
                .map(|m| by_hand(m) / plane as f32)
                .collect();
            for path in Path::runnable() {
                let got = path.run(|| map_means(&values, plane));
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&want), "{channels} x {plane} on {path:?}");
            }
        }
    }
}
