//! 2x2 max pooling at stride 2 without padding (VGG's and the teaching nets'), compiled for
//! the widest vectors the CPU has. Every path takes the same `f32::max`es in the same order
//! (the larger of the two rows, then of each pair of neighbours), so every path gives the same
//! numbers, NaN included.

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
        Path::Avx512 => unsafe { avx512(src, dims, &mut values) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 => unsafe { avx2(src, dims, &mut values) },
        _ => pool_rows(src, dims, &mut values),
    }
    values
}

/// # Safety
/// AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn avx512(src: &[f32], dims: (usize, usize), values: &mut [f32]) {
    pool_rows(src, dims, values)
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
                *o = t[0].max(b[0]).max(t[1].max(b[1]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Odd and even sizes, NaN in places, on every path: each output the `f32::max` of its
    /// window in the same order, bit for bit.
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
            let (oh, ow) = (h / 2, w / 2);
            let at = |ch: usize, y: usize, x: usize| src[(ch * h + y) * w + x];
            let mut want = Vec::new();
            for ch in 0..c {
                for y in 0..oh {
                    for x in 0..ow {
                        let left = at(ch, 2 * y, 2 * x).max(at(ch, 2 * y + 1, 2 * x));
                        let right = at(ch, 2 * y, 2 * x + 1).max(at(ch, 2 * y + 1, 2 * x + 1));
                        want.push(left.max(right));
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
