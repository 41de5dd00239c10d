//! Depthwise convolution of one channel straight from its input plane, for maps wide enough
//! to fill AVX-512 vectors with pixels (MobileNet's 112- to 14-pixel rows): no copy of the
//! input and no transpose in or out, which on those maps cost the blocks across the lanes
//! (`super::lanes`) twice their sums.
//!
//! A block of up to four vectors of a few output rows is kept in registers (enough sums for
//! the multiply-adds not to wait on each other). Each input row under the block is read once,
//! its vectors under the block and one each side, through a lane mask past the row's end, so
//! padding on the right reads zeros; at stride 2 each pair of vectors is split into its even
//! and odd columns by two permutes. A tap's values are those vectors shifted by the tap's
//! column offset (one `valignd` of two neighbours), added into every output row of the block
//! that the input row is under.
//!
//! The numbers are those of the other kernels: each sum starts from the bias and adds the
//! taps in (row, column) order, one fused multiply-add each, padding included as zeros.

use super::lanes::Layout;
use crate::engine::kernels::shared::Clamp;

/// Pixels in a vector.
const LANES: usize = 16;

/// Whether a layer's geometry suits this kernel, and its maps are wide enough for it to beat
/// the blocks across the lanes: 3x3 or 5x5 with its "same" padding on the left, the same
/// stride of 1 or 2 both ways, no dilation; 3x3 from 14 output columns at stride 1 and 28 at
/// stride 2, 5x5 from 56. (Measured on MobileNetV2, MobileNetV3-Large and EfficientNet-B0,
/// best of three interleaved runs: 3x3 layers on 112- to 28-pixel maps took 0.66-0.89 of the
/// time across the lanes, on 14-pixel maps 0.81-1.13; 3x3 at stride 2 to 14 columns
/// 1.0-1.17; 5x5 on 28- and 14-pixel maps 1.04-1.30, where 16 lanes hold 14 or 28 pixels and
/// 25 taps make the transposes a smaller share.)
pub(super) fn suits(layout: &Layout) -> bool {
    let s = layout.stride.1;
    let (kh, kw) = layout.kernel;
    let ow = layout.out.1;
    let wide_enough = match (kw, s) {
        (3, 1) => ow >= 14,
        (3, _) => ow >= 28,
        _ => ow >= 56,
    };
    kh == kw
        && matches!((kw, layout.pad.1), (3, 1) | (5, 2))
        && layout.stride.0 == s
        && (1..=2).contains(&s)
        && layout.dilation == (1, 1)
        && wide_enough
}

/// One channel's output plane (`oh * ow` values at `dst`) from its input plane (`h * w`
/// values) and taps (`kh * kw`), clamped when `clamp` is given.
///
/// # Safety
/// The CPU has AVX-512F, AVX2 and FMA; the layout [`suits`]; `dst` is writable for
/// `oh * ow` values.
pub(super) unsafe fn plane(
    input: &[f32],
    taps: &[f32],
    bias: f32,
    dst: *mut f32,
    layout: Layout,
    clamp: Option<Clamp>,
) {
    let (h, w) = layout.input;
    let (kh, kw) = layout.kernel;
    assert!(input.len() >= h * w && taps.len() == kh * kw && suits(&layout));
    #[cfg(not(target_arch = "x86_64"))]
    unreachable!("no AVX-512 off x86-64, so no rows straight from the planes");
    #[cfg(target_arch = "x86_64")]
    let plane = match (kw, layout.stride.1) {
        (3, 1) => simd::plane::<3, 1, 1>,
        (3, 2) => simd::plane::<3, 2, 1>,
        (5, 1) => simd::plane::<5, 1, 2>,
        _ => simd::plane::<5, 2, 2>,
    };
    // SAFETY: as promised by the caller; the reads are bounded by the masks (`simd::load`).
    #[cfg(target_arch = "x86_64")]
    unsafe {
        plane(input, taps, bias, dst, layout, clamp)
    }
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{LANES, Layout};
    use crate::engine::kernels::masked::{avx512_load_masked, avx512_mask, avx512_store_masked};
    use crate::engine::kernels::shared::Clamp;
    use std::arch::x86_64::*;

    /// Input vectors held per input row and phase: a block's four, and one each side.
    const AROUND: usize = 6;

    /// A `K`x`K` kernel at stride `S` with `P` columns of padding on the left.
    ///
    /// # Safety
    /// As `super::plane`.
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) unsafe fn plane<const K: usize, const S: usize, const P: usize>(
        input: &[f32],
        taps: &[f32],
        bias: f32,
        dst: *mut f32,
        layout: Layout,
        clamp: Option<Clamp>,
    ) {
        let (oh, ow) = layout.out;
        let bounds = clamp.map(|c| (_mm512_set1_ps(c.min), _mm512_set1_ps(c.max)));
        let vectors = ow.div_ceil(LANES);
        let mut i0 = 0;
        while i0 < vectors {
            let n = (vectors - i0).min(4);
            // Rows at once: 7 for a 14-pixel row (two blocks of a 14x14 map), fewer as the
            // block widens (at most 8 sums in registers).
            let mut y0 = 0;
            while y0 < oh {
                let at = (y0, i0);
                // SAFETY: as for this function.
                unsafe {
                    match n {
                        1 => block::<K, S, P, 1, 7>(input, taps, bias, dst, layout, bounds, at),
                        2 => block::<K, S, P, 2, 4>(input, taps, bias, dst, layout, bounds, at),
                        3 => block::<K, S, P, 3, 2>(input, taps, bias, dst, layout, bounds, at),
                        _ => block::<K, S, P, 4, 2>(input, taps, bias, dst, layout, bounds, at),
                    }
                }
                y0 += [7, 4, 2, 2][n - 1];
            }
            i0 += n;
        }
    }

    /// Input values `start .. start + 16` of a row of `w` (zero past its end, or before it).
    ///
    /// # Safety
    /// AVX-512F; `row` holds `w` values.
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    unsafe fn load(row: *const f32, w: usize, start: isize) -> __m512 {
        if start < 0 || start as usize >= w {
            return _mm512_setzero_ps();
        }
        let mask = avx512_mask((w - start as usize).min(LANES));
        // SAFETY: the masked lanes are inside the row; the others are not read.
        unsafe { avx512_load_masked(row.add(start as usize), mask) }
    }

    /// `cur` shifted by `shift` lanes (within -2 ..= 2), the lanes it leaves taken from its
    /// neighbour on that side.
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    fn shifted(prev: __m512, cur: __m512, next: __m512, shift: isize) -> __m512 {
        let (p, c, n) = (
            _mm512_castps_si512(prev),
            _mm512_castps_si512(cur),
            _mm512_castps_si512(next),
        );
        _mm512_castsi512_ps(match shift {
            -2 => _mm512_alignr_epi32::<14>(c, p),
            -1 => _mm512_alignr_epi32::<15>(c, p),
            1 => _mm512_alignr_epi32::<1>(n, c),
            2 => _mm512_alignr_epi32::<2>(n, c),
            _ => c,
        })
    }

    /// Output vectors `i0 .. i0 + N` of output rows `y0 .. y0 + R` (those below the map are
    /// computed from zeros and not stored).
    ///
    /// # Safety
    /// As `plane`, for vectors inside the output rows.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn block<
        const K: usize,
        const S: usize,
        const P: usize,
        const N: usize,
        const R: usize,
    >(
        input: &[f32],
        taps: &[f32],
        bias: f32,
        dst: *mut f32,
        layout: Layout,
        bounds: Option<(__m512, __m512)>,
        (y0, i0): (usize, usize),
    ) {
        let (h, w) = layout.input;
        let (oh, ow) = layout.out;
        assert!(taps.len() == K * K, "K x K taps");
        let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        let odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
        let mut acc = [[_mm512_set1_ps(bias); N]; R];
        // The input row under the block's first output row and its first kernel row.
        let top = (y0 * S) as isize - layout.pad.0 as isize;
        for rr in 0..(R - 1) * S + K {
            // The phases' vectors i0 - 1 .. i0 + N + 1 of input row top + rr (zero above and
            // below the map: padding); at stride 1 the only phase is the first.
            let mut v = [[_mm512_setzero_ps(); AROUND]; 2];
            let iy = top + rr as isize;
            if (0..h as isize).contains(&iy) {
                // SAFETY: row iy < h of the plane.
                let row = unsafe { input.as_ptr().add(iy as usize * w) };
                // Indexed: with iterators over the two arrays the vectors went through the
                // stack, and the layer took twice as long.
                #[allow(clippy::needless_range_loop)]
                for jj in 0..N + 2 {
                    let start = (i0 as isize + jj as isize - 1) * (S * LANES) as isize;
                    // SAFETY: `load` reads only inside the row.
                    unsafe {
                        if S == 1 {
                            v[0][jj] = load(row, w, start);
                        } else {
                            let a = load(row, w, start);
                            let b = load(row, w, start + LANES as isize);
                            v[0][jj] = _mm512_permutex2var_ps(a, even, b);
                            v[1][jj] = _mm512_permutex2var_ps(a, odd, b);
                        }
                    }
                }
            }
            for kx in 0..K {
                let d = kx as isize - P as isize;
                let (phase, shift) = (d.rem_euclid(S as isize) as usize, d.div_euclid(S as isize));
                let v = &v[phase];
                for b in 0..N {
                    let x = shifted(v[b], v[b + 1], v[b + 2], shift);
                    // Into every output row of the block this input row is under, at its
                    // kernel row: each sum still adds its taps in (row, column) order.
                    for (j, acc) in acc.iter_mut().enumerate() {
                        let ky = rr as isize - (j * S) as isize;
                        if (0..K as isize).contains(&ky) {
                            let weight = _mm512_set1_ps(taps[ky as usize * K + kx]);
                            acc[b] = _mm512_fmadd_ps(weight, x, acc[b]);
                        }
                    }
                }
            }
        }
        for (j, acc) in acc.iter().enumerate() {
            let y = y0 + j;
            if y >= oh {
                break;
            }
            for (b, &a) in acc.iter().enumerate() {
                // max first, so a NaN becomes the minimum (`Clamp::apply`).
                let a = match bounds {
                    Some((lo, hi)) => _mm512_min_ps(_mm512_max_ps(a, lo), hi),
                    None => a,
                };
                let x0 = (i0 + b) * LANES;
                let mask = avx512_mask((ow - x0).min(LANES));
                // SAFETY: the lanes up to the row's end are inside the output plane.
                unsafe { avx512_store_masked(dst.add(y * ow + x0), mask, a) };
            }
        }
    }
}
