//! The register tiles of [`super::packed`]'s matrix product: `MR` output channels by `NR`
//! output pixels kept in registers while a block of `k` is added, from the bias (or the
//! output so far) to the clamp of a fused ReLU. One portable loop, the AVX2 tile (and its
//! half for a last panel of at most 8 columns), and where the CPU has AVX-512 the wide tiles
//! of up to two weight panels by two column panels with masked edges. [`kernel`] picks them
//! once for this CPU.

use super::shared::Clamp;

/// Output channels in a register tile.
pub(crate) const MR: usize = 6;
/// Output pixels in a register tile (two AVX2 vectors).
pub(crate) const NR: usize = 16;
/// A register tile: `c[MR x NR]` (rows `ldc` apart) = (`add` ? `c` : `init` per row) +
/// `kc` products of a weight panel and a column panel, clamped before it is stored when
/// `clamp` is given (the last block of `k`).
pub(super) type Tile =
    unsafe fn(usize, *const f32, *const f32, *mut f32, usize, bool, &[f32; MR], Option<Clamp>);

/// `P` weight panels by `V` column panels at once (`P`, `V` in 1..=2): `c[P MR x V NR]` from
/// the weight panels at `a + p * a_step` and the column panels at `b + v * b_step`, whose
/// rows (one per `k`) are `ldb` apart (`NR` when packed), as [`Tile`] otherwise (`init`: the
/// first `P MR` rows' bias), of which only the valid `(rows, columns)` are read and written
/// in `c` (the last vector of a row masked).
pub(super) type WideTile = unsafe fn(
    usize,
    *const f32,
    usize,
    *const f32,
    usize,
    usize,
    *mut f32,
    usize,
    bool,
    &[f32; 2 * MR],
    Option<Clamp>,
    (usize, usize),
);

/// The whole tile, the tile of at most 8 columns (the same for the portable loop), where the
/// CPU has the registers for them the wide tiles of full panels (`wide[P - 1][V - 1]`), and
/// whether a last few columns go to `super::tail` (where the CPU has AVX2 and FMA).
#[derive(Clone, Copy)]
pub(super) struct Kernel {
    pub(super) full: Tile,
    pub(super) half: Tile,
    pub(super) wide: Option<[[WideTile; 2]; 2]>,
    pub(super) tail: bool,
}

pub(super) fn kernel() -> Kernel {
    #[cfg(target_arch = "x86_64")]
    {
        use super::isa::Isa;
        let isa = Isa::available();
        if isa.contains(&Isa::Avx2) {
            return Kernel {
                full: avx2_kernel,
                half: avx2_half_kernel,
                wide: isa.contains(&Isa::Avx512).then_some([
                    [avx512_tile::<1, 1>, avx512_tile::<1, 2>],
                    [avx512_tile::<2, 1>, avx512_tile::<2, 2>],
                ]),
                tail: true,
            };
        }
    }
    PORTABLE
}

pub(super) const PORTABLE: Kernel = Kernel {
    full: portable_kernel,
    half: portable_kernel,
    wide: None,
    tail: false,
};

/// The tile without SIMD intrinsics (what the compiler makes of it).
///
/// # Safety
/// `a` holds `kc * MR` values, `b` `kc * NR`, `c` `MR` rows of `NR` values `ldc` apart.
#[allow(clippy::too_many_arguments)]
unsafe fn portable_kernel(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; MR],
    clamp: Option<Clamp>,
) {
    let mut acc = [[0.0f32; NR]; MR];
    // SAFETY: as promised by the caller.
    unsafe {
        for (r, row) in acc.iter_mut().enumerate() {
            for (l, v) in row.iter_mut().enumerate() {
                *v = if add { *c.add(r * ldc + l) } else { init[r] };
            }
        }
        let a = std::slice::from_raw_parts(a, kc * MR);
        let b = std::slice::from_raw_parts(b, kc * NR);
        for (a, b) in a.chunks_exact(MR).zip(b.chunks_exact(NR)) {
            for (row, &w) in acc.iter_mut().zip(a) {
                for (v, &x) in row.iter_mut().zip(b) {
                    *v += w * x;
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (l, &v) in row.iter().enumerate() {
                *c.add(r * ldc + l) = clamp.map_or(v, |clamp| clamp.apply(v));
            }
        }
    }
}

/// The tile in twelve AVX2 registers, one FMA per weight and vector of columns.
///
/// # Safety
/// As [`portable_kernel`], and the CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
unsafe fn avx2_kernel(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; MR],
    clamp: Option<Clamp>,
) {
    // SAFETY: as promised by the caller.
    unsafe { avx2_tile::<2>(kc, a, b, c, ldc, add, init, clamp) }
}

/// The first half of the tile (8 columns, 6 registers): the last column panel when it has 5
/// to 8 columns (fewer go to `super::tail`).
///
/// # Safety
/// As [`avx2_kernel`]; only the first 8 columns of each row of `c` are read and written.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
unsafe fn avx2_half_kernel(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; MR],
    clamp: Option<Clamp>,
) {
    // SAFETY: as promised by the caller.
    unsafe { avx2_tile::<1>(kc, a, b, c, ldc, add, init, clamp) }
}

/// `V` vectors of the tile's columns (the column panel is still `NR` wide).
///
/// # Safety
/// As [`avx2_kernel`], for the first `8 * V` columns.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn avx2_tile<const V: usize>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; MR],
    clamp: Option<Clamp>,
) {
    use std::arch::x86_64::*;
    // SAFETY: as promised by the caller.
    unsafe {
        let mut acc = [[_mm256_setzero_ps(); V]; MR];
        for (r, row) in acc.iter_mut().enumerate() {
            for (v, x) in row.iter_mut().enumerate() {
                *x = if add {
                    _mm256_loadu_ps(c.add(r * ldc + 8 * v))
                } else {
                    _mm256_set1_ps(init[r])
                };
            }
        }
        let (mut a, mut b) = (a, b);
        for _ in 0..kc {
            let mut x = [_mm256_setzero_ps(); V];
            for (v, x) in x.iter_mut().enumerate() {
                *x = _mm256_loadu_ps(b.add(8 * v));
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let w = _mm256_broadcast_ss(&*a.add(r));
                for (acc, &x) in row.iter_mut().zip(&x) {
                    *acc = _mm256_fmadd_ps(w, x, *acc);
                }
            }
            a = a.add(MR);
            b = b.add(NR);
        }
        // max(x, min) is `min` for a NaN x, as `f32::max` (the activation's own pass).
        let bounds = clamp.map(|c| (_mm256_set1_ps(c.min), _mm256_set1_ps(c.max)));
        for (r, row) in acc.iter().enumerate() {
            for (v, &x) in row.iter().enumerate() {
                let x = match bounds {
                    Some((lo, hi)) => _mm256_min_ps(_mm256_max_ps(x, lo), hi),
                    None => x,
                };
                _mm256_storeu_ps(c.add(r * ldc + 8 * v), x);
            }
        }
    }
}

/// `P` weight panels by `V` column panels in `6 P V` AVX-512 registers (at most 12 rows x 32
/// columns in 24): one 16-lane FMA per weight and column panel. The wide tile reads each
/// column vector once for twelve rows, half the reads per FMA of a 6-row tile, which matters
/// when the columns come from L2. (onnxruntime's kernels use AVX-512 where the CPU has it;
/// with AVX2 alone ResNet-18 took twice its time.)
///
/// # Safety
/// As [`portable_kernel`] for each of the `P x V` tiles, `c` holding the valid `rows` and
/// `columns` (at most `P MR` and `V NR`), and the CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[allow(clippy::too_many_arguments)]
unsafe fn avx512_tile<const P: usize, const V: usize>(
    kc: usize,
    a: *const f32,
    a_step: usize,
    b: *const f32,
    b_step: usize,
    ldb: usize,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; 2 * MR],
    clamp: Option<Clamp>,
    (rows, columns): (usize, usize),
) {
    use std::arch::x86_64::*;
    // SAFETY: as promised by the caller.
    unsafe {
        // The columns of each row's vector v that are valid.
        let mask = |v: usize| -> __mmask16 {
            let valid = columns.saturating_sub(v * NR).min(NR);
            ((1u32 << valid) - 1) as __mmask16
        };
        // Written in place (a zeroed array assigned after was a memset on the stack, an
        // array built by `from_fn` a copy).
        let mut acc = std::mem::MaybeUninit::<[[[__m512; V]; MR]; P]>::uninit();
        let first = acc.as_mut_ptr() as *mut __m512;
        for p in 0..P {
            for r in 0..MR {
                let row = p * MR + r;
                for v in 0..V {
                    let x = if !add {
                        _mm512_set1_ps(init[row])
                    } else if row < rows {
                        _mm512_maskz_loadu_ps(mask(v), c.add(row * ldc + NR * v))
                    } else {
                        _mm512_setzero_ps()
                    };
                    first.add(row * V + v).write(x);
                }
            }
        }
        let mut acc = acc.assume_init();
        let (mut a, mut b) = (a, b);
        for _ in 0..kc {
            let mut x = [_mm512_setzero_ps(); V];
            for (v, x) in x.iter_mut().enumerate() {
                *x = _mm512_loadu_ps(b.add(v * b_step));
            }
            for (p, panel) in acc.iter_mut().enumerate() {
                for (r, row) in panel.iter_mut().enumerate() {
                    let w = _mm512_set1_ps(*a.add(p * a_step + r));
                    for (acc, &x) in row.iter_mut().zip(&x) {
                        *acc = _mm512_fmadd_ps(w, x, *acc);
                    }
                }
            }
            a = a.add(MR);
            b = b.add(ldb);
        }
        // max(x, min) is `min` for a NaN x, as `f32::max` (the activation's own pass).
        let bounds = clamp.map(|c| (_mm512_set1_ps(c.min), _mm512_set1_ps(c.max)));
        for (p, panel) in acc.iter().enumerate() {
            for (r, row) in panel.iter().enumerate() {
                let r = p * MR + r;
                if r >= rows {
                    break;
                }
                for (v, &x) in row.iter().enumerate() {
                    let x = match bounds {
                        Some((lo, hi)) => _mm512_min_ps(_mm512_max_ps(x, lo), hi),
                        None => x,
                    };
                    _mm512_mask_storeu_ps(c.add(r * ldc + NR * v), mask(v), x);
                }
            }
        }
    }
}
