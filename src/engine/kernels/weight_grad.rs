//! The gradient of a stride-1 convolution's weights straight from its input and its output's
//! gradient, without im2col: `dW[o, c, ky, kx] = sum over (y, x) of dy[o, y, x] *
//! x_padded[c, y + ky*dh, x + kx*dw]`, a correlation of the input with the output gradient.
//! Training's backward pass uses it where the forward pass ran [`super::direct`].
//!
//! On x86-64 with AVX2 and FMA: one kernel call keeps a block of output channels by a block
//! of taps of eight-lane partial sums in registers and walks a band of rows, eight output
//! pixels at a time; each vector of the output gradient loaded feeds one multiply-add per tap
//! of the block and each input vector one per channel. Output rows are padded with zeros to a
//! multiple of eight (zeros add nothing), so there is no tail. The bands run top to bottom and
//! the eight lanes are added up in lane order at the end: the order of every sum is fixed by
//! the shapes alone, so the result is the same run to run.

use super::isa::Isa;
use crate::engine::layers::conv::Conv2d;
use ndarray::{ArrayView3, ArrayViewMut2};

/// Output pixels in one vector (AVX2).
const LANES: usize = 8;
/// Output channels and taps one kernel call keeps in registers: 4 x 2 partial sums, 4
/// gradient vectors and one input vector of AVX2's 16 registers.
const MAX_CHANNELS: usize = 4;
const MAX_TAPS: usize = 2;
/// Bytes of gradient and input rows one band should read (about an L1 data cache).
const BAND_BYTES: usize = 24 * 1024;

/// Whether [`add_weight_grad`] handles `conv` on this CPU: stride 1, one group, AVX2 and FMA.
pub(crate) fn applies(conv: &Conv2d) -> bool {
    conv.stride == (1, 1) && conv.groups.max(1) == 1 && Isa::available().contains(&Isa::Avx2)
}

/// Adds `dL/dW` of `conv` (as [out, in*kh*kw], rows in [`Conv2d::weight_matrix`]'s order)
/// at `input` [in, h, w] with output gradient `dy` [out, oh, ow] into `grad`. Returns
/// `false`, having added nothing, when it does not apply ([`applies`]) or the shapes do not
/// fit the convolution.
pub(crate) fn add_weight_grad(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    dy: ArrayView3<f32>,
    mut grad: ArrayViewMut2<f32>,
) -> bool {
    if !applies(conv) {
        return false;
    }
    let (out_c, in_c, kh, kw) = conv.weight.dim();
    let window = conv.window();
    let (begin, end) = (window.padding, window.pad_end());
    let (dh, dw) = window.dilation;
    let (eh, ew) = window.extent();
    let (channels, h, w) = input.dim();
    let (dy_c, oh, ow) = dy.dim();
    let taps = in_c * kh * kw;
    if channels != in_c
        || dy_c != out_c
        || grad.dim() != (out_c, taps)
        || oh == 0
        || ow == 0
        || h + begin.0 + end.0 != oh + eh - 1
        || w + begin.1 + end.1 != ow + ew - 1
    {
        return false;
    }
    // Rows of `ow` padded to whole vectors; the input padded to match, zeros on the right.
    let owp = ow.div_ceil(LANES) * LANES;
    let (hp, wp) = (oh + eh - 1, owp + ew - 1);
    let mut xp = vec![0.0f32; channels * hp * wp];
    for (c, plane) in input.outer_iter().enumerate() {
        for (y, row) in plane.outer_iter().enumerate() {
            let start = (c * hp + y + begin.0) * wp + begin.1;
            xp[start..start + w]
                .iter_mut()
                .zip(row)
                .for_each(|(d, &s)| *d = s);
        }
    }
    let mut dyp = vec![0.0f32; out_c * oh * owp];
    for (o, plane) in dy.outer_iter().enumerate() {
        for (y, row) in plane.outer_iter().enumerate() {
            let start = (o * oh + y) * owp;
            dyp[start..start + ow]
                .iter_mut()
                .zip(row)
                .for_each(|(d, &s)| *d = s);
        }
    }
    let mut offsets = Vec::with_capacity(taps);
    for c in 0..in_c {
        for ky in 0..kh {
            for kx in 0..kw {
                offsets.push((c * hp + ky * dh) * wp + kx * dw);
            }
        }
    }
    let per_row = 4 * (out_c * owp + channels * wp);
    let band = (BAND_BYTES / per_row.max(1)).clamp(1, oh);
    // Eight partial sums per (channel, tap), [o][t][lane].
    let mut sums = vec![0.0f32; out_c * taps * LANES];
    let problem = Problem {
        xp: &xp,
        dyp: &dyp,
        offsets: &offsets,
        oh,
        owp,
        wp,
        out_c,
        taps,
    };
    #[cfg(target_arch = "x86_64")]
    x86::run(&problem, band, &mut sums);
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (problem, band);
        return false;
    }
    for o in 0..out_c {
        for t in 0..taps {
            let lanes = &sums[(o * taps + t) * LANES..(o * taps + t + 1) * LANES];
            grad[[o, t]] += lanes.iter().fold(0.0f32, |a, &v| a + v);
        }
    }
    true
}

/// The padded operands: `xp` [C, hp, wp], `dyp` [out, oh, owp], and each tap's offset from a
/// window's top-left corner in `xp`.
struct Problem<'a> {
    xp: &'a [f32],
    dyp: &'a [f32],
    offsets: &'a [usize],
    oh: usize,
    owp: usize,
    wp: usize,
    out_c: usize,
    taps: usize,
}

/// `n` items split into nearly equal blocks of at most `max`: `(first, count)`.
fn blocks(n: usize, max: usize) -> Vec<(usize, usize)> {
    let parts = n.div_ceil(max);
    let (base, extra) = (n / parts.max(1), n % parts.max(1));
    let mut first = 0;
    (0..parts)
        .map(|i| {
            let count = base + usize::from(i < extra);
            first += count;
            (first - count, count)
        })
        .collect()
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{LANES, MAX_CHANNELS, MAX_TAPS, Problem, blocks};
    use std::arch::x86_64::*;

    /// Where one kernel call reads and writes: the band's first gradient value of the block's
    /// first channel, the distance between channels' gradient planes, the band's first input
    /// row, the block's tap offsets, and the block's first partial sums with the distance
    /// between channels' sums.
    struct Call<'a> {
        dy: *const f32,
        dy_plane: usize,
        x: *const f32,
        offsets: &'a [usize],
        sums: *mut f32,
        sums_stride: usize,
        rows: usize,
        vectors: usize,
        owp: usize,
        wp: usize,
    }

    pub(super) fn run(p: &Problem, band: usize, sums: &mut [f32]) {
        let channel_blocks = blocks(p.out_c, MAX_CHANNELS);
        let tap_blocks = blocks(p.taps, MAX_TAPS);
        let plane = p.oh * p.owp;
        for y0 in (0..p.oh).step_by(band) {
            let rows = band.min(p.oh - y0);
            for &(o, oc) in &channel_blocks {
                for &(t, tc) in &tap_blocks {
                    // SAFETY: AVX2 and FMA are available (`applies`, checked by the
                    // caller). Reads: gradient channels o..o+oc, rows y0..y0+rows, owp
                    // values each, inside `dyp` [out, oh, owp]; input at row y + ky*dh,
                    // column x + kx*dw + lane for x + lane < owp, which is at most
                    // (oh-1 + eh-1)*wp + owp-1 + ew-1 < hp*wp past the channel's plane.
                    // Writes: sums of channels o..o+oc, taps t..t+tc, all inside `sums`
                    // [out, taps, LANES].
                    unsafe {
                        let call = Call {
                            dy: p.dyp.as_ptr().add(o * plane + y0 * p.owp),
                            dy_plane: plane,
                            x: p.xp.as_ptr().add(y0 * p.wp),
                            offsets: &p.offsets[t..t + tc],
                            sums: sums.as_mut_ptr().add((o * p.taps + t) * LANES),
                            sums_stride: p.taps * LANES,
                            rows,
                            vectors: p.owp / LANES,
                            owp: p.owp,
                            wp: p.wp,
                        };
                        dispatch(oc, tc, &call);
                    }
                }
            }
        }
    }

    /// # Safety
    /// AVX2 and FMA are available and `call` is valid as [`kernel`] reads it.
    unsafe fn dispatch(channels: usize, taps: usize, call: &Call) {
        unsafe {
            match (channels, taps) {
                (1, 1) => kernel::<1, 1>(call),
                (2, 1) => kernel::<2, 1>(call),
                (3, 1) => kernel::<3, 1>(call),
                (4, 1) => kernel::<4, 1>(call),
                (1, 2) => kernel::<1, 2>(call),
                (2, 2) => kernel::<2, 2>(call),
                (3, 2) => kernel::<3, 2>(call),
                (4, 2) => kernel::<4, 2>(call),
                _ => unreachable!("blocks are at most {MAX_CHANNELS} x {MAX_TAPS}"),
            }
        }
    }

    /// `C` output channels by `T` taps: loads their partial sums, adds gradient times input
    /// over the band's rows, eight pixels at a time, and stores them back.
    ///
    /// # Safety
    /// AVX2 and FMA are available; for `r < rows`, `v < vectors`, `c < C`, `t < T`:
    /// `dy + c*dy_plane + r*owp + v*8 ..+ 8` and `x + offsets[t] + r*wp + v*8 ..+ 8` are
    /// readable and `sums + c*sums_stride + t*8 ..+ 8` is readable and writable.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn kernel<const C: usize, const T: usize>(call: &Call) {
        let mut acc = [[_mm256_setzero_ps(); T]; C];
        for (c, row) in acc.iter_mut().enumerate() {
            for (t, a) in row.iter_mut().enumerate() {
                // SAFETY: by this function's contract.
                *a = unsafe { _mm256_loadu_ps(call.sums.add(c * call.sums_stride + t * LANES)) };
            }
        }
        for r in 0..call.rows {
            // SAFETY: by this function's contract (row r of the band).
            let (dy_row, x_row) = unsafe { (call.dy.add(r * call.owp), call.x.add(r * call.wp)) };
            for v in 0..call.vectors {
                let mut g = [_mm256_setzero_ps(); C];
                for (c, g) in g.iter_mut().enumerate() {
                    // SAFETY: by this function's contract.
                    *g = unsafe { _mm256_loadu_ps(dy_row.add(c * call.dy_plane + v * LANES)) };
                }
                for (t, &offset) in call.offsets.iter().enumerate().take(T) {
                    // SAFETY: by this function's contract.
                    let p = unsafe { _mm256_loadu_ps(x_row.add(offset + v * LANES)) };
                    for (row, &g) in acc.iter_mut().zip(&g) {
                        row[t] = _mm256_fmadd_ps(g, p, row[t]);
                    }
                }
            }
        }
        for (c, row) in acc.iter().enumerate() {
            for (t, &a) in row.iter().enumerate() {
                // SAFETY: by this function's contract.
                unsafe { _mm256_storeu_ps(call.sums.add(c * call.sums_stride + t * LANES), a) };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kernels::isa::Path;
    use crate::engine::layers::conv::im2col;
    use ndarray::{Array2, Array3, Array4};
    use proptest::prelude::*;

    use crate::engine::kernels::tests::values;

    #[test]
    fn blocks_cover_everything_in_nearly_equal_parts() {
        assert_eq!(blocks(10, 4), vec![(0, 4), (4, 3), (7, 3)]);
        assert_eq!(blocks(27, 2).len(), 14);
        assert_eq!(blocks(3, 4), vec![(0, 3)]);
    }

    #[test]
    fn declines_strides_and_groups() {
        let conv = Conv2d {
            weight: Array4::ones((2, 1, 3, 3)),
            stride: (2, 2),
            ..Default::default()
        };
        assert!(!applies(&conv));
        let grouped = Conv2d {
            weight: Array4::ones((2, 1, 3, 3)),
            groups: 2,
            ..Default::default()
        };
        assert!(!applies(&grouped));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Against `dy * im2col(x)^T` in f64, on random shapes: channel counts across the
        /// blocks, rectangular kernels, asymmetric padding, dilation, rows that are and are not
        /// multiples of eight, bands of one row and of many.
        #[test]
        fn matches_im2col_product(
            in_c in 1usize..5, out_c in 1usize..11, kh in 1usize..4, kw in 1usize..4,
            d in (1usize..3, 1usize..3), pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
            h in 3usize..20, w in 3usize..45, seed in 0u64..1000,
        ) {
            let weight = Array4::from_shape_vec((out_c, in_c, kh, kw), values(out_c * in_c * kh * kw, seed)).unwrap();
            let conv = Conv2d {
                weight,
                padding: (pads.0, pads.1),
                padding_end: Some((pads.2, pads.3)),
                dilation: d,
                ..Default::default()
            };
            let window = conv.window();
            let (oh, ow) = window.output_size(h, w);
            prop_assume!(oh > 0 && ow > 0);
            let (oh, ow) = (oh as usize, ow as usize);
            let x = Array3::from_shape_vec((in_c, h, w), values(in_c * h * w, seed + 1)).unwrap();
            let dy = Array3::from_shape_vec((out_c, oh, ow), values(out_c * oh * ow, seed + 2)).unwrap();
            let taps = in_c * kh * kw;
            let start = Array2::from_shape_vec((out_c, taps), values(out_c * taps, seed + 3)).unwrap();
            let cols = im2col(x.view(), &window, (oh, ow));
            let dy2 = dy.clone().into_shape_with_order((out_c, oh * ow)).unwrap();
            // On each path: the portable one declines (training's im2col takes over).
            for path in Path::runnable() {
                let mut got = start.clone();
                if !path.run(|| add_weight_grad(&conv, x.view(), dy.view(), got.view_mut())) {
                    prop_assert!(!path.run(|| Isa::available().contains(&Isa::Avx2)));
                    continue;
                }
                for o in 0..out_c {
                    for t in 0..taps {
                        let want = start[[o, t]] as f64 + (0..oh * ow)
                            .map(|k| dy2[[o, k]] as f64 * cols[[t, k]] as f64)
                            .sum::<f64>();
                        let g = got[[o, t]] as f64;
                        prop_assert!((g - want).abs() < 1e-4 * (1.0 + want.abs()), "{:?}: {} vs {}", path, g, want);
                    }
                }
            }
        }
    }
}
