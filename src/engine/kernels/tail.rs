//! The last few columns of [`super::packed`]'s product (a 7x7 map's 49th pixel, a 14x14 map's
//! last four), with the weight panel's rows across the lanes instead of the columns.
//!
//! The register tiles keep a column panel's 16 pixels across the lanes, so a last panel of one
//! column used one lane in 16 (the half tile, one in 8): on MobileNetV2's 7x7 layers the 49th
//! column cost as much as 7 others. Here a weight panel's `MR` values at one `k` are one
//! vector (8 lanes, `MR` of them used), multiplied by each column's value at that `k`: one
//! multiply-add per panel, column and `k`, where the tile spent `MR`.
//!
//! Each sum starts from the same value (the bias, or the output so far) and adds the same
//! products in the same order with one fused multiply-add each, as the tiles do: every column
//! gets the same bits whichever kernel computed it (tested).

use super::shared::Clamp;
use super::tile::MR;

/// Most columns this kernel takes (more than four are the half tile's, whose cost per column
/// is lower from about six).
pub(crate) const TAIL_MAX: usize = 4;

/// Most weight panels taken at once (48 rows), for enough independent sums per column.
pub(super) const TAIL_PANELS: usize = 8;

/// Values the packed weights hold past their last panel, so that a panel's `MR` values at
/// the last `k` are read as one vector of 8.
pub(super) const SLACK: usize = 8 - MR;

/// `Q` weight panels (`a`, `a_step` apart) by `T` columns (column `t` at `k` is
/// `b[k * ldb + t]`: `ldb` is `NR` in a packed column panel), `kc` values of `k`: `c[row][t]`
/// (rows `ldc` apart) = (`add` ? `c` : `init[row]`) + the products, clamped when `clamp` is
/// given; only the first `rows` rows are read and written in `c`.
pub(super) type Tail = unsafe fn(
    usize,
    *const f32,
    usize,
    *const f32,
    usize,
    *mut f32,
    usize,
    bool,
    &[f32; TAIL_PANELS * MR],
    Option<Clamp>,
    usize,
);

/// Panels at once for `columns` columns: as many as keep every sum, weight and column in the
/// sixteen AVX2 registers.
pub(super) fn panels_at_once(columns: usize) -> usize {
    [8, 6, 4, 3][columns - 1]
}

/// The kernel for `q` panels (at most [`panels_at_once`]) by `columns` columns (1 ..=
/// [`TAIL_MAX`]); the CPU must have AVX2 and FMA (`super::tile::Kernel::tail` says so).
#[cfg(not(target_arch = "x86_64"))]
pub(super) fn tail(_q: usize, _columns: usize) -> Tail {
    unreachable!("no AVX2 off x86-64, so `Kernel::tail` is false there")
}

/// The kernel for `q` panels (at most [`panels_at_once`]) by `columns` columns (1 ..=
/// [`TAIL_MAX`]); the CPU must have AVX2 and FMA (`super::tile::Kernel::tail` says so).
#[cfg(target_arch = "x86_64")]
pub(super) fn tail(q: usize, columns: usize) -> Tail {
    macro_rules! pick {
        ($t:literal, $($q:literal)*) => {
            match q {
                $($q => avx2_tail::<$q, $t> as Tail,)*
                _ => unreachable!("at most {} panels for {} columns", panels_at_once($t), $t),
            }
        };
    }
    match columns {
        1 => pick!(1, 1 2 3 4 5 6 7 8),
        2 => pick!(2, 1 2 3 4 5 6),
        3 => pick!(3, 1 2 3 4),
        4 => pick!(4, 1 2 3),
        _ => unreachable!("at most {TAIL_MAX} columns"),
    }
}

/// [`Tail`] in AVX2 registers.
///
/// # Safety
/// The CPU has AVX2 and FMA; panel `p < Q` holds `kc * MR + SLACK` values from `a + p *
/// a_step`, `b` holds `(kc - 1) * ldb + T` values, and `c` the first `rows` rows of `T` values.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn avx2_tail<const Q: usize, const T: usize>(
    kc: usize,
    a: *const f32,
    a_step: usize,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; TAIL_PANELS * MR],
    clamp: Option<Clamp>,
    rows: usize,
) {
    use std::arch::x86_64::*;
    // SAFETY: as promised by the caller.
    unsafe {
        let mut acc = [[_mm256_setzero_ps(); T]; Q];
        for (p, panel) in acc.iter_mut().enumerate() {
            for (t, sum) in panel.iter_mut().enumerate() {
                let mut start = [0.0f32; 8];
                for (r, v) in start.iter_mut().take(MR).enumerate() {
                    let row = p * MR + r;
                    *v = if !add {
                        init[row]
                    } else if row < rows {
                        *c.add(row * ldc + t)
                    } else {
                        0.0
                    };
                }
                *sum = _mm256_loadu_ps(start.as_ptr());
            }
        }
        for kk in 0..kc {
            let mut x = [_mm256_setzero_ps(); T];
            for (t, x) in x.iter_mut().enumerate() {
                *x = _mm256_broadcast_ss(&*b.add(kk * ldb + t));
            }
            for (p, panel) in acc.iter_mut().enumerate() {
                // Lanes MR.. are the next k's first rows: added, never stored.
                let w = _mm256_loadu_ps(a.add(p * a_step + kk * MR));
                for (sum, &x) in panel.iter_mut().zip(&x) {
                    *sum = _mm256_fmadd_ps(w, x, *sum);
                }
            }
        }
        // max(x, min) is `min` for a NaN x, as the tiles' clamp.
        let bounds = clamp.map(|c| (_mm256_set1_ps(c.min), _mm256_set1_ps(c.max)));
        for (p, panel) in acc.iter().enumerate() {
            for (t, &sum) in panel.iter().enumerate() {
                let sum = match bounds {
                    Some((lo, hi)) => _mm256_min_ps(_mm256_max_ps(sum, lo), hi),
                    None => sum,
                };
                let mut v = [0.0f32; 8];
                _mm256_storeu_ps(v.as_mut_ptr(), sum);
                for (r, &v) in v.iter().take(MR).enumerate() {
                    let row = p * MR + r;
                    if row < rows {
                        *c.add(row * ldc + t) = v;
                    }
                }
            }
        }
    }
}
