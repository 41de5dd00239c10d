//! 2x2 max pooling at stride 2 without padding (VGG's and the teaching nets'), compiled for
//! the widest vectors the CPU has. Every path takes the same [`larger`]s in the same order
//! (the larger of the two rows, then of each pair of neighbours), so every path gives the same
//! numbers, NaN and signed zeros included. With AVX-512 an output row of up to 16 values is a
//! few vector instructions (both rows' pairs taken apart by one permute each); AVX2 and the
//! portable path are the compiler's vectors of the plain loop.

use crate::engine::kernels::isa::Path;

/// The pooled maps of `src` (`channels` x `height` x `width` in standard order):
/// `channels` x `height / 2` x `width / 2`.
pub(super) fn max_pool_2x2(
    src: &[f32],
    (channels, height, width): (usize, usize, usize),
) -> Vec<f32> {
    assert!(src.len() >= channels * height * width);
    let mut values = vec![0.0; channels * (height / 2) * (width / 2)];
    let dims = (height, width);
    match Path::current() {
        // SAFETY: `Path::current` gives only paths this CPU runs.
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 => unsafe { x86::avx512(src, dims, &mut values) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 => unsafe { avx2(src, dims, &mut values) },
        _ => pool_rows(src, dims, &mut values),
    }
    values
}

/// # Safety
/// AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2(src: &[f32], dims: (usize, usize), values: &mut [f32]) {
    pool_rows(src, dims, values)
}

/// Each pair of input rows of each plane into one output row.
#[inline(always)]
fn pool_rows(src: &[f32], (height, width): (usize, usize), values: &mut [f32]) {
    let (oh, ow) = (height / 2, width / 2);
    if oh == 0 || ow == 0 {
        return;
    }
    for (plane, out) in src
        .chunks_exact(height * width)
        .zip(values.chunks_exact_mut(oh * ow))
    {
        for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
            let top = &plane[2 * oy * width..][..2 * ow];
            let bottom = &plane[(2 * oy + 1) * width..][..2 * ow];
            for ((o, t), b) in out_row
                .iter_mut()
                .zip(top.chunks_exact(2))
                .zip(bottom.chunks_exact(2))
            {
                *o = larger(larger(t[0], b[0]), larger(t[1], b[1]));
            }
        }
    }
}

/// The larger of `x` and `y` as every path takes it: `y` when `x` is NaN or `y` is larger,
/// else `x` (so `x` for a NaN `y` and for equal values, +0 and -0 included). This is
/// `f32::max` as it is compiled for x86-64, made explicit so that the vector code can match it.
#[inline(always)]
fn larger(x: f32, y: f32) -> f32 {
    if x.is_nan() || y > x { y } else { x }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use crate::engine::kernels::masked::{avx512_load_masked, avx512_mask, avx512_store_masked};
    use std::arch::x86_64::*;

    /// [`super::larger`] lane by lane.
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    fn larger(x: __m512, y: __m512) -> __m512 {
        // `y > x ? y : x`, then `y` where `x` is NaN.
        let max = _mm512_max_ps(y, x);
        _mm512_mask_mov_ps(max, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y)
    }

    /// # Safety
    /// AVX-512F; `src` holds whole planes of `height` x `width` values, one per plane of
    /// `values` (`height / 2` x `width / 2`).
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) unsafe fn avx512(src: &[f32], (height, width): (usize, usize), values: &mut [f32]) {
        let (oh, ow) = (height / 2, width / 2);
        if oh == 0 || ow == 0 {
            return;
        }
        let even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        let odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        for (plane, out) in src
            .chunks_exact(height * width)
            .zip(values.chunks_exact_mut(oh * ow))
        {
            for (oy, out_row) in out.chunks_exact_mut(ow).enumerate() {
                let top = plane[2 * oy * width..][..2 * ow].as_ptr();
                let bottom = plane[(2 * oy + 1) * width..][..2 * ow].as_ptr();
                for x in (0..ow).step_by(16) {
                    let n = (ow - x).min(16);
                    let (first, second) = (
                        avx512_mask(n.min(8) * 2),
                        avx512_mask(n.saturating_sub(8) * 2),
                    );
                    // SAFETY: the masks read inputs 2x .. 2x + 2n <= 2 ow of both rows.
                    let (t0, t1, b0, b1) = unsafe {
                        (
                            avx512_load_masked(top.add(2 * x), first),
                            avx512_load_masked(top.add(2 * x + 16), second),
                            avx512_load_masked(bottom.add(2 * x), first),
                            avx512_load_masked(bottom.add(2 * x + 16), second),
                        )
                    };
                    let (m0, m1) = (larger(t0, b0), larger(t1, b1));
                    let left = _mm512_permutex2var_ps(m0, even, m1);
                    let right = _mm512_permutex2var_ps(m0, odd, m1);
                    // SAFETY: outputs x .. x + n <= ow of the row.
                    unsafe {
                        avx512_store_masked(
                            out_row.as_mut_ptr().add(x),
                            avx512_mask(n),
                            larger(left, right),
                        )
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Odd and even sizes, NaN and both zeros in places, on every path: each output the
    /// [`larger`] of its window in the same order, bit for bit, which is `f32::max`'s.
    #[test]
    fn every_path_takes_the_max_of_each_window() {
        for (c, h, w) in [
            (1, 2, 2),
            (2, 5, 7),
            (3, 28, 28),
            (2, 9, 67),
            (1, 1, 8),
            (1, 8, 1),
        ] {
            let mut src: Vec<f32> = (0..c * h * w)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
                .collect();
            for i in (3..src.len()).step_by(11) {
                src[i] = f32::NAN;
            }
            for i in (5..src.len()).step_by(7) {
                src[i] = if i % 2 == 0 { 0.0 } else { -0.0 };
            }
            let (oh, ow) = (h / 2, w / 2);
            let at = |ch: usize, y: usize, x: usize| src[(ch * h + y) * w + x];
            let mut want = Vec::new();
            for ch in 0..c {
                for y in 0..oh {
                    for x in 0..ow {
                        let left = larger(at(ch, 2 * y, 2 * x), at(ch, 2 * y + 1, 2 * x));
                        let right = larger(at(ch, 2 * y, 2 * x + 1), at(ch, 2 * y + 1, 2 * x + 1));
                        let max = larger(left, right);
                        if !left.is_nan() && !right.is_nan() && left != right {
                            assert_eq!(max.to_bits(), left.max(right).to_bits());
                        }
                        want.push(max);
                    }
                }
            }
            for path in Path::runnable() {
                let got = path.run(|| max_pool_2x2(&src, (c, h, w)));
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&want), "{path:?} {c}x{h}x{w}");
            }
        }
    }
}
