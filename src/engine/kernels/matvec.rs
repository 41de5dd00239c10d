//! A matrix times a vector (a dense layer, a 1x1 convolution of a 1x1 map), compiled for the
//! widest vectors the CPU has.
//!
//! Each output is `row . x` summed in one order on every path: `row` and `x` are taken as
//! padded with zeros to a multiple of 32 values; value `k` goes into lane `k % 32` of 32
//! running sums with a fused multiply-add; the 32 lanes are then added as a tree (lane `j`
//! plus lane `j + 16`, then `j + 8`, `j + 4`, `j + 2`, `j + 1`). AVX-512 holds the 32 lanes in
//! two vectors, AVX2 in four, the portable path in an array, and IEEE arithmetic without
//! reassociation gives the same bits on each.

use super::isa::Path;

/// Lanes of running sums per output.
const LANES: usize = 32;
/// The longest rows computed several at a time (squeeze-excitation's 4 -> 96 ... 48 -> 1152);
/// longer ones go one at a time.
#[cfg(target_arch = "x86_64")]
const SHORT_ROW: usize = 128;

/// `out[r] = weight[r] . x` for each row `r` of `weight` ([out.len(), x.len()] in standard
/// order).
pub(crate) fn matvec(weight: &[f32], x: &[f32], out: &mut [f32]) {
    assert_eq!(
        weight.len(),
        out.len() * x.len(),
        "one row of weights per output"
    );
    if x.is_empty() {
        out.fill(0.0);
        return;
    }
    match Path::current() {
        // SAFETY: `Path::current` gives only paths this CPU runs.
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 => unsafe { x86::avx512(weight, x, out) },
        // SAFETY: as above.
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 => unsafe { x86::avx2(weight, x, out) },
        _ => portable(weight, x, out),
    }
}

/// The order of the module's documentation, one lane at a time. The last values are copied
/// into a zero-padded block on the stack, once for `x` and once a row.
fn portable(weight: &[f32], x: &[f32], out: &mut [f32]) {
    let k = x.len();
    let whole = k / LANES * LANES;
    let last_block = |values: &[f32]| {
        let mut block = [0.0f32; LANES];
        block[..k - whole].copy_from_slice(&values[whole..]);
        block
    };
    let x_last = last_block(x);
    let step = |lanes: &mut [f32; LANES], ws: &[f32], xs: &[f32]| {
        for j in 0..LANES {
            lanes[j] = ws[j].mul_add(xs[j], lanes[j]);
        }
    };
    for (dst, row) in out.iter_mut().zip(weight.chunks_exact(k)) {
        let mut lanes = [0.0f32; LANES];
        for (ws, xs) in row[..whole]
            .chunks_exact(LANES)
            .zip(x[..whole].chunks_exact(LANES))
        {
            step(&mut lanes, ws, xs);
        }
        if whole < k {
            step(&mut lanes, &last_block(row), &x_last);
        }
        *dst = tree(lanes);
    }
}

/// The lanes added pairwise: lane `j` plus lane `j + 16`, then `j + 8`, ... `j + 1`.
fn tree(mut lanes: [f32; LANES]) -> f32 {
    let mut half = LANES / 2;
    while half > 0 {
        for j in 0..half {
            lanes[j] += lanes[j + half];
        }
        half /= 2;
    }
    lanes[0]
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::super::masked::{avx2_load_masked, avx512_load_masked, avx512_mask, first_lanes};
    use super::{LANES, SHORT_ROW};
    use std::arch::x86_64::*;

    /// Rows computed together when they are short.
    const ROWS: usize = 4;

    /// Eight lanes' part of the tree: lane `j` plus lane `j + 4`, then `j + 2`, then `j + 1`.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn tree_of_8(v: __m256) -> f32 {
        let four = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let two = _mm_add_ps(four, _mm_movehl_ps(four, four));
        _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)))
    }

    /// The tree over AVX2's four vectors of lanes 0-7, 8-15, 16-23 and 24-31.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    fn avx2_tree(v: [__m256; 4]) -> f32 {
        let sixteen = [_mm256_add_ps(v[0], v[2]), _mm256_add_ps(v[1], v[3])];
        tree_of_8(_mm256_add_ps(sixteen[0], sixteen[1]))
    }

    /// The tree over AVX-512's two vectors of lanes 0-15 and 16-31.
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    fn avx512_tree(v: [__m512; 2]) -> f32 {
        let sixteen = _mm512_castps_pd(_mm512_add_ps(v[0], v[1]));
        let low = _mm256_castpd_ps(_mm512_castpd512_pd256(sixteen));
        let high = _mm256_castpd_ps(_mm512_extractf64x4_pd(sixteen, 1));
        tree_of_8(_mm256_add_ps(low, high))
    }

    /// One kernel per instruction set, the same code with its own vector type.
    macro_rules! matvec_kernel {
        ($name:ident, $rows:ident, $features:literal, $lanes:literal, $zero:ident,
         $load:ident, $fma:ident, $tree:ident, $mask:ident, $load_masked:ident) => {
            /// Every output: short rows [`ROWS`] at a time (each load of `x` shared, and
            /// several sums under way at once), long ones one at a time (several rows at once
            /// were slower on MobileNetV3-Large's 960 -> 240 -> 960 layers, whose weights come
            /// from beyond the caches).
            ///
            /// # Safety
            /// The CPU has the features; `weight` is `out.len()` rows of `x.len() > 0` values.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn $name(weight: &[f32], x: &[f32], out: &mut [f32]) {
                let k = x.len();
                let mut rest = 0;
                if k <= SHORT_ROW {
                    let blocks = out
                        .chunks_exact_mut(ROWS)
                        .zip(weight.chunks_exact(ROWS * k));
                    for (dst, w) in blocks {
                        // SAFETY: `w` is ROWS rows of `k` values.
                        dst.copy_from_slice(&unsafe { $rows::<ROWS>(w.as_ptr(), x) });
                    }
                    rest = out.len() / ROWS * ROWS;
                }
                let rows = weight[rest * k..].chunks_exact(k);
                for (dst, w) in out[rest..].iter_mut().zip(rows) {
                    // SAFETY: `w` is one row of `k` values.
                    *dst = unsafe { $rows::<1>(w.as_ptr(), x) }[0];
                }
            }

            /// `R` rows from `w` (`R * x.len()` values) times `x`.
            ///
            /// # Safety
            /// The CPU has the features; `w` holds `R * x.len()` values.
            #[target_feature(enable = $features)]
            unsafe fn $rows<const R: usize>(w: *const f32, x: &[f32]) -> [f32; R] {
                /// Vectors in [`LANES`].
                const VECTORS: usize = LANES / $lanes;
                let (k, xp) = (x.len(), x.as_ptr());
                let mut sums = [[$zero(); VECTORS]; R];
                let mut at = 0;
                while at + LANES <= k {
                    for v in 0..VECTORS {
                        let from = at + $lanes * v;
                        // SAFETY: at + LANES <= k values of `x` and of each row.
                        let xv = unsafe { $load(xp.add(from)) };
                        for (r, sum) in sums.iter_mut().enumerate() {
                            // SAFETY: as above.
                            let wv = unsafe { $load(w.add(r * k + from)) };
                            sum[v] = $fma(wv, xv, sum[v]);
                        }
                    }
                    at += LANES;
                }
                if at < k {
                    // The last values and zeros after them: every lane gets one more sum.
                    for v in 0..VECTORS {
                        let left = (k - at).saturating_sub($lanes * v).min($lanes);
                        let (mask, from) = ($mask(left), at + $lanes * v);
                        // SAFETY: only the first `left` lanes are read, all before `k`.
                        let xv = unsafe { $load_masked(xp.add(from), mask) };
                        for (r, sum) in sums.iter_mut().enumerate() {
                            // SAFETY: as above.
                            let wv = unsafe { $load_masked(w.add(r * k + from), mask) };
                            sum[v] = $fma(wv, xv, sum[v]);
                        }
                    }
                }
                sums.map(|vectors| $tree(vectors))
            }
        };
    }

    matvec_kernel!(
        avx2,
        avx2_rows,
        "avx2,fma",
        8,
        _mm256_setzero_ps,
        _mm256_loadu_ps,
        _mm256_fmadd_ps,
        avx2_tree,
        first_lanes,
        avx2_load_masked
    );
    matvec_kernel!(
        avx512,
        avx512_rows,
        "avx512f,avx2,fma",
        16,
        _mm512_setzero_ps,
        _mm512_loadu_ps,
        _mm512_fmadd_ps,
        avx512_tree,
        avx512_mask,
        avx512_load_masked
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module's order written out one value at a time, with f64 beside it.
    fn reference(row: &[f32], x: &[f32]) -> (f32, f64) {
        let mut lanes = [0.0f32; LANES];
        let padded = row.len().div_ceil(LANES) * LANES;
        for k in 0..padded {
            let (w, v) = (row.get(k).copied(), x.get(k).copied());
            let (w, v) = (w.unwrap_or(0.0), v.unwrap_or(0.0));
            lanes[k % LANES] = w.mul_add(v, lanes[k % LANES]);
        }
        let exact = row.iter().zip(x).map(|(&w, &v)| w as f64 * v as f64).sum();
        (tree(lanes), exact)
    }

    /// Every length of `x` from 0 to 70, lengths about the longest short row and a dense
    /// layer's, and a few row counts, on every path: the same bits as the order written out,
    /// and within f32 rounding of f64.
    #[test]
    fn every_path_sums_in_the_same_order() {
        for k in (0..=70).chain([127, 128, 129, 200, 784]) {
            for n in [0, 1, 3, 4, 5, 9] {
                let weight: Vec<f32> = (0..n * k)
                    .map(|i| ((i * 37 % 101) as f32 - 50.0) / 13.0)
                    .collect();
                let x: Vec<f32> = (0..k)
                    .map(|i| ((i * 53 % 89) as f32 - 40.0) / 7.0)
                    .collect();
                for path in Path::runnable() {
                    let mut out = vec![f32::NAN; n];
                    path.run(|| matvec(&weight, &x, &mut out));
                    for (r, &got) in out.iter().enumerate() {
                        let (want, exact) = reference(&weight[r * k..(r + 1) * k], &x);
                        assert_eq!(got.to_bits(), want.to_bits(), "{path:?} k={k} row {r}");
                        let scale: f64 = weight[r * k..(r + 1) * k]
                            .iter()
                            .zip(&x)
                            .map(|(&w, &v)| (w as f64 * v as f64).abs())
                            .sum();
                        assert!(
                            (got as f64 - exact).abs() <= 1e-6 * scale.max(1.0),
                            "{path:?} k={k}: {got} against {exact}"
                        );
                    }
                }
            }
        }
    }
}
