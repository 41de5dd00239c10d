//! The kernels with intrinsics: one template ([`channel_kernel`]) compiled for AVX2 (8 lanes)
//! and for AVX-512 (16 lanes), the same operations per lane, so the same numbers on both.

use super::geometry::Geometry;
use crate::engine::kernels::masked::*;
use std::arch::x86_64::*;

/// Output vectors kept in registers at once.
const BLOCK: usize = 4;

/// One channel's rows (`$channel`) by blocks of columns (`$columns`), for one instruction
/// set: its features, lanes per vector and intrinsics.
macro_rules! channel_kernel {
    ($channel:ident, $columns:ident, $features:literal, $lanes:literal, $splat:ident,
     $load:ident, $fma:ident, $store:ident, $mask:ident, $load_masked:ident,
     $store_masked:ident) => {
        /// # Safety
        /// The CPU has the features; every tap of every output pixel reads inside
        /// `planes` (checked by the caller) and `dst` holds `oh * ow` values.
        #[target_feature(enable = $features)]
        pub(super) unsafe fn $channel(
            planes: &[f32],
            taps: &[f32],
            offsets: &[usize],
            bias: f32,
            dst: &mut [f32],
            g: Geometry,
        ) {
            let ow = g.out.1;
            let mut x = 0;
            while x + $lanes * BLOCK <= ow {
                // SAFETY: as for this function; the block ends inside the row.
                unsafe { $columns::<BLOCK>(planes, taps, offsets, bias, dst, g, x, $lanes) };
                x += $lanes * BLOCK;
            }
            while x + $lanes <= ow {
                // SAFETY: as above; one whole vector.
                unsafe { $columns::<1>(planes, taps, offsets, bias, dst, g, x, $lanes) };
                x += $lanes;
            }
            if x < ow {
                // SAFETY: as above; the last vector is masked to the ow - x pixels left.
                unsafe { $columns::<1>(planes, taps, offsets, bias, dst, g, x, ow - x) };
            }
        }

        /// Output columns `x ..` (`N` vectors, the last of them `lanes` wide) of every
        /// row.
        ///
        /// # Safety
        /// As the channel's; `x + lanes per vector * (N - 1) + lanes <= ow`.
        #[allow(clippy::too_many_arguments)]
        #[target_feature(enable = $features)]
        #[inline]
        unsafe fn $columns<const N: usize>(
            planes: &[f32],
            taps: &[f32],
            offsets: &[usize],
            bias: f32,
            dst: &mut [f32],
            g: Geometry,
            x: usize,
            lanes: usize,
        ) {
            let sh = g.sh;
            let (oh, ow) = g.out;
            let mask = $mask(lanes);
            let whole = |i: usize| i + 1 < N || lanes == $lanes;
            let src = planes.as_ptr();
            let out = dst.as_mut_ptr();
            for y in 0..oh {
                let mut acc = [$splat(bias); N];
                let line = y * sh * g.phases.wq + x;
                for (&tap, &offset) in taps.iter().zip(offsets) {
                    let weight = $splat(tap);
                    // SAFETY: the caller bounds every read: columns up to ow - 1 of the
                    // tap's shift, in row y * sh + ky * dh of the tap's phase plane.
                    unsafe {
                        let base = src.add(line + offset);
                        for (i, a) in acc.iter_mut().enumerate() {
                            let at = base.add($lanes * i);
                            let v = if whole(i) {
                                $load(at)
                            } else {
                                $load_masked(at, mask)
                            };
                            *a = $fma(weight, v, *a);
                        }
                    }
                }
                // SAFETY: the columns written are inside row y of `dst`.
                unsafe {
                    let row = out.add(y * ow + x);
                    for (i, a) in acc.iter().enumerate() {
                        let at = row.add($lanes * i);
                        if whole(i) {
                            $store(at, *a);
                        } else {
                            $store_masked(at, mask, *a);
                        }
                    }
                }
            }
        }
    };
}

channel_kernel!(
    avx2_channel,
    avx2_columns,
    "avx2,fma",
    8,
    _mm256_set1_ps,
    _mm256_loadu_ps,
    _mm256_fmadd_ps,
    _mm256_storeu_ps,
    first_lanes,
    avx2_load_masked,
    avx2_store_masked
);
channel_kernel!(
    avx512_channel,
    avx512_columns,
    "avx512f,avx2,fma",
    16,
    _mm512_set1_ps,
    _mm512_loadu_ps,
    _mm512_fmadd_ps,
    _mm512_storeu_ps,
    avx512_mask,
    avx512_load_masked,
    avx512_store_masked
);
