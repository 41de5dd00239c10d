//! The intrinsics of the blocks across the lanes: the 8x8 transposes in and out of the
//! padded buffer, and the sums of a band for AVX2 and for AVX-512 from one template.

use super::layout::Layout;
use crate::engine::kernels::masked::first_lanes;
use crate::engine::kernels::shared::Clamp;
use std::arch::x86_64::*;

/// Output pixels of one row whose sums are kept in registers at once.
const BLOCK: usize = 4;

/// Rows `r` of an 8x8 block turned into its columns: `out[i][j] = r[j][i]`.
#[target_feature(enable = "avx2")]
#[inline]
fn transpose8(r: [__m256; 8]) -> [__m256; 8] {
    let t0 = _mm256_unpacklo_ps(r[0], r[1]);
    let t1 = _mm256_unpackhi_ps(r[0], r[1]);
    let t2 = _mm256_unpacklo_ps(r[2], r[3]);
    let t3 = _mm256_unpackhi_ps(r[2], r[3]);
    let t4 = _mm256_unpacklo_ps(r[4], r[5]);
    let t5 = _mm256_unpackhi_ps(r[4], r[5]);
    let t6 = _mm256_unpacklo_ps(r[6], r[7]);
    let t7 = _mm256_unpackhi_ps(r[6], r[7]);
    let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
    let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
    let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
    let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
    let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
    let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
    let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
    let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
    [
        _mm256_permute2f128_ps::<0x20>(u0, u4),
        _mm256_permute2f128_ps::<0x20>(u1, u5),
        _mm256_permute2f128_ps::<0x20>(u2, u6),
        _mm256_permute2f128_ps::<0x20>(u3, u7),
        _mm256_permute2f128_ps::<0x31>(u0, u4),
        _mm256_permute2f128_ps::<0x31>(u1, u5),
        _mm256_permute2f128_ps::<0x31>(u2, u6),
        _mm256_permute2f128_ps::<0x31>(u3, u7),
    ]
}

/// `n` values of `lanes` planes (`src` at the first plane's first value, planes `stride`
/// apart) side by side: `dst[x * lanes + c] = src[c * stride + x]`; then zeros, up to
/// `room` pixels or the next multiple of 8, whichever is less.
///
/// # Safety
/// AVX2; `src + c * stride + x` is readable for every `c < lanes` (a multiple of 8),
/// `x < n`, and `dst + x * lanes + c` writable for `x < room` (at least `n`).
#[target_feature(enable = "avx2")]
pub(super) unsafe fn planes_to_lanes(
    src: *const f32,
    stride: usize,
    n: usize,
    room: usize,
    lanes: usize,
    dst: *mut f32,
) {
    assert!(room >= n && lanes.is_multiple_of(8));
    for group in (0..lanes).step_by(8) {
        // SAFETY (each use): the callers read only the columns this function may.
        let at = |c: usize, x: usize| unsafe { src.add((group + c) * stride + x) };
        let mut x = 0;
        // Whole blocks of 8 columns: no mask, every column stored.
        while x + 8 <= n {
            // SAFETY: as for this function: columns x .. x + 8 < n of planes group ..
            // group + 8, written below room (>= n).
            unsafe {
                for c in 0..8 {
                    _mm_prefetch::<_MM_HINT_T0>(
                        src.wrapping_add((group + c) * stride + x + 2 * n) as *const i8
                    );
                }
                let rows: [__m256; 8] = std::array::from_fn(|c| _mm256_loadu_ps(at(c, x)));
                for (i, column) in transpose8(rows).into_iter().enumerate() {
                    _mm256_storeu_ps(dst.add((x + i) * lanes + group), column);
                }
            }
            x += 8;
        }
        if x < n {
            let mask = first_lanes(n - x);
            // SAFETY: as above, the columns from n on neither read (masked) nor written past
            // room.
            unsafe {
                let rows: [__m256; 8] = std::array::from_fn(|c| _mm256_maskload_ps(at(c, x), mask));
                for (i, column) in transpose8(rows).into_iter().take(room - x).enumerate() {
                    _mm256_storeu_ps(dst.add((x + i) * lanes + group), column);
                }
            }
        }
    }
}

/// The inverse of [`planes_to_lanes`]: `dst[c * stride + p] = src[p * lanes + c]` for
/// `n` pixels `p`.
///
/// # Safety
/// AVX2; `src` holds `n * lanes` values; `dst + c * stride + p` is writable for every
/// `c < lanes` (a multiple of 8), `p < n`.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn lanes_to_planes(
    src: &[f32],
    n: usize,
    lanes: usize,
    dst: *mut f32,
    stride: usize,
) {
    assert!(src.len() >= n * lanes && lanes.is_multiple_of(8));
    let src = src.as_ptr();
    for group in (0..lanes).step_by(8) {
        let mut p = 0;
        // Whole blocks of 8 pixels: no mask.
        while p + 8 <= n {
            // SAFETY: as for this function: pixels p .. p + 8 < n of channels group ..
            // group + 8.
            unsafe {
                let rows: [__m256; 8] =
                    std::array::from_fn(|i| _mm256_loadu_ps(src.add((p + i) * lanes + group)));
                for (c, plane) in transpose8(rows).into_iter().enumerate() {
                    _mm256_storeu_ps(dst.add((group + c) * stride + p), plane);
                }
            }
            p += 8;
        }
        let left = n - p;
        if left > 0 {
            // SAFETY: as above, the pixels from n on neither read nor written (masked).
            unsafe {
                let rows: [__m256; 8] = std::array::from_fn(|i| {
                    if i < left {
                        _mm256_loadu_ps(src.add((p + i) * lanes + group))
                    } else {
                        _mm256_setzero_ps()
                    }
                });
                let mask = first_lanes(left);
                for (c, plane) in transpose8(rows).into_iter().enumerate() {
                    _mm256_maskstore_ps(dst.add((group + c) * stride + p), mask, plane);
                }
            }
        }
    }
}

/// Every output row of a band by blocks of `BLOCK` pixels through `$pixels::<N>` (or
/// `::<N, K, S>`), the last one to three pixels of a row together, so that their sums'
/// chains of multiply-adds overlap.
macro_rules! pixel_rows {
    ($pixels:ident $(, $k:literal, $s:literal)?; $padded:ident, $wp:ident, $taps:ident, $bias:ident,
     $sums:ident, $rows:ident, $ow:ident, $layout:ident, $bounds:ident) => {
        for y in 0..$rows {
            let mut x = 0;
            while x + BLOCK <= $ow {
                $pixels::<BLOCK $(, $k, $s)?>($padded, $wp, $taps, $bias, $sums, (y, x), $ow, $layout, $bounds);
                x += BLOCK;
            }
            match $ow - x {
                0 => {}
                1 => $pixels::<1 $(, $k, $s)?>($padded, $wp, $taps, $bias, $sums, (y, x), $ow, $layout, $bounds),
                2 => $pixels::<2 $(, $k, $s)?>($padded, $wp, $taps, $bias, $sums, (y, x), $ow, $layout, $bounds),
                _ => $pixels::<3 $(, $k, $s)?>($padded, $wp, $taps, $bias, $sums, (y, x), $ow, $layout, $bounds),
            }
        }
    };
}

/// The sums of a band of output rows, for one instruction set.
macro_rules! sums_kernel {
    ($sums:ident, $pixels:ident, $neighbours:ident, $store_sums:ident, $features:literal, $lanes:literal, $vector:ty,
     $splat:ident, $load:ident, $fma:ident, $store:ident, $max:ident, $min:ident) => {
        /// `sums[(y * ow + x) * lanes ..]` for the band's `rows` output rows: the bias,
        /// then every tap times the padded value under it, in (row, column) order.
        ///
        /// # Safety
        /// The CPU has the features; `padded` (rows of `wp` pixels of `lanes` values)
        /// covers every tap of every output pixel of the band; `sums` holds `rows * ow`
        /// pixels, `taps` `kh * kw` and `bias` one of `lanes` values.
        #[allow(clippy::too_many_arguments)]
        #[target_feature(enable = $features)]
        pub(super) unsafe fn $sums(
            padded: &[f32],
            wp: usize,
            taps: &[f32],
            bias: &[f32],
            sums: &mut [f32],
            (rows, ow): (usize, usize),
            layout: Layout,
            clamp: Option<Clamp>,
        ) {
            let bounds = clamp.map(|c| ($splat(c.min), $splat(c.max)));
            let (kh, kw) = layout.kernel;
            let reach = ((rows - 1) * layout.stride.0 + (kh - 1) * layout.dilation.0) * wp
                + (ow - 1) * layout.stride.1
                + (kw - 1) * layout.dilation.1;
            assert!(padded.len() >= (reach + 1) * $lanes);
            assert!(sums.len() >= rows * ow * $lanes && taps.len() == kh * kw * $lanes);
            assert!(bias.len() == $lanes);
            let neighbours = layout.dilation.1 == 1;
            match (layout.kernel.1, layout.stride.1) {
                // SAFETY (each): as for this function; the kernel's width, column stride
                // and dilation as the variant needs them.
                (3, 1) if neighbours => unsafe {
                    pixel_rows!($neighbours, 3, 1; padded, wp, taps, bias, sums, rows, ow, layout, bounds)
                },
                (5, 1) if neighbours => unsafe {
                    pixel_rows!($neighbours, 5, 1; padded, wp, taps, bias, sums, rows, ow, layout, bounds)
                },
                (3, 2) if neighbours => unsafe {
                    pixel_rows!($neighbours, 3, 2; padded, wp, taps, bias, sums, rows, ow, layout, bounds)
                },
                (5, 2) if neighbours => unsafe {
                    pixel_rows!($neighbours, 5, 2; padded, wp, taps, bias, sums, rows, ow, layout, bounds)
                },
                (7, 1) if neighbours => unsafe {
                    pixel_rows!($neighbours, 7, 1; padded, wp, taps, bias, sums, rows, ow, layout, bounds)
                },
                _ => unsafe {
                    pixel_rows!($pixels; padded, wp, taps, bias, sums, rows, ow, layout, bounds)
                },
            }
        }

        /// Sums `acc` of neighbouring pixels stored from `out`, clamped to `bounds` when
        /// given (as `Clamp::apply`: max first, so a NaN becomes the minimum).
        ///
        /// # Safety
        /// The CPU has the features; `out` is writable for `N` vectors.
        #[target_feature(enable = $features)]
        #[inline]
        unsafe fn $store_sums<const N: usize>(
            acc: [$vector; N],
            out: *mut f32,
            bounds: Option<($vector, $vector)>,
        ) {
            for (i, a) in acc.into_iter().enumerate() {
                let a = match bounds {
                    Some((lo, hi)) => $min($max(a, lo), hi),
                    None => a,
                };
                // SAFETY: as for this function.
                unsafe { $store(out.add(i * $lanes), a) };
            }
        }

        /// Pixels `x .. x + N` of output row `y`.
        ///
        /// # Safety
        /// As [`$sums`]'s, for pixels inside the band.
        #[allow(clippy::too_many_arguments)]
        #[target_feature(enable = $features)]
        #[inline]
        unsafe fn $pixels<const N: usize>(
            padded: &[f32],
            wp: usize,
            taps: &[f32],
            bias: &[f32],
            sums: &mut [f32],
            (y, x): (usize, usize),
            ow: usize,
            layout: Layout,
            bounds: Option<($vector, $vector)>,
        ) {
            let (kh, kw) = layout.kernel;
            let (sh, sw) = layout.stride;
            let (dh, dw) = layout.dilation;
            let src = padded.as_ptr();
            // SAFETY: as for this function: every read is a tap of a pixel of the band.
            unsafe {
                let mut acc: [$vector; N] = [$load(bias.as_ptr()); N];
                for ky in 0..kh {
                    let row = (y * sh + ky * dh) * wp;
                    for kx in 0..kw {
                        let weight = $load(taps.as_ptr().add((ky * kw + kx) * $lanes));
                        let column = row + x * sw + kx * dw;
                        for (i, a) in acc.iter_mut().enumerate() {
                            let v = $load(src.add((column + i * sw) * $lanes));
                            *a = $fma(weight, v, *a);
                        }
                    }
                }
                $store_sums(acc, sums.as_mut_ptr().add((y * ow + x) * $lanes), bounds);
            }
        }

        /// [`$pixels`] for a kernel `K` columns wide at column stride `S` and dilation 1:
        /// the `S (N - 1) + K` columns under a row of taps are loaded once, each shared
        /// by the pixels whose taps fall on it.
        ///
        /// # Safety
        /// As [`$pixels`]'s; the layout's kernel is `K` wide, its column stride `S` and
        /// its dilation 1; `S (N - 1) + K` is at most 12.
        #[allow(clippy::too_many_arguments)]
        #[target_feature(enable = $features)]
        #[inline]
        unsafe fn $neighbours<const N: usize, const K: usize, const S: usize>(
            padded: &[f32],
            wp: usize,
            taps: &[f32],
            bias: &[f32],
            sums: &mut [f32],
            (y, x): (usize, usize),
            ow: usize,
            layout: Layout,
            bounds: Option<($vector, $vector)>,
        ) {
            let kh = layout.kernel.0;
            let (sh, dh) = (layout.stride.0, layout.dilation.0);
            let src = padded.as_ptr();
            // SAFETY: as for this function: every read is a tap of a pixel of the band
            // (columns S x .. S x + S (N - 1) + K of the rows of taps).
            unsafe {
                let mut acc: [$vector; N] = [$load(bias.as_ptr()); N];
                for ky in 0..kh {
                    let row = src.add(((y * sh + ky * dh) * wp + S * x) * $lanes);
                    let mut columns: [$vector; 12] = [$load(bias.as_ptr()); 12];
                    for (j, c) in columns.iter_mut().enumerate().take(S * (N - 1) + K) {
                        *c = $load(row.add(j * $lanes));
                    }
                    for kx in 0..K {
                        let weight = $load(taps.as_ptr().add((ky * K + kx) * $lanes));
                        for (i, a) in acc.iter_mut().enumerate() {
                            *a = $fma(weight, columns[S * i + kx], *a);
                        }
                    }
                }
                $store_sums(acc, sums.as_mut_ptr().add((y * ow + x) * $lanes), bounds);
            }
        }
    };
}

sums_kernel!(
    avx2_sums,
    avx2_pixels,
    avx2_neighbours,
    avx2_store_sums,
    "avx2,fma",
    8,
    __m256,
    _mm256_set1_ps,
    _mm256_loadu_ps,
    _mm256_fmadd_ps,
    _mm256_storeu_ps,
    _mm256_max_ps,
    _mm256_min_ps
);
sums_kernel!(
    avx512_sums,
    avx512_pixels,
    avx512_neighbours,
    avx512_store_sums,
    "avx512f,avx2,fma",
    16,
    __m512,
    _mm512_set1_ps,
    _mm512_loadu_ps,
    _mm512_fmadd_ps,
    _mm512_storeu_ps,
    _mm512_max_ps,
    _mm512_min_ps
);
