//! How alike two activations are: cosine similarity, as is and aligned by a shift.

use crate::engine::Tensor;
use crate::engine::kernels::Isa;
use ndarray::{Array3, ArrayView3, CowArray, s};

/// Independent running sums per lane, so that the additions of one lane do not wait for each
/// other and the compiler keeps them in vector registers.
const LANES: usize = 32;
/// Values added in f32 before the lanes are added into f64 totals: about 32 per lane.
const FLUSH_EVERY: usize = 1024;

/// The three sums a cosine similarity needs (dot product and both squared norms), in f64.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sums {
    dot: f64,
    aa: f64,
    bb: f64,
}

impl Sums {
    /// The sums over pairs of equally long lists (the rows of an overlap, say), computed with
    /// the widest vector instructions the CPU has: within 1e-6 of an all-f64 sum.
    fn over<'a>(pairs: impl Iterator<Item = (&'a [f32], &'a [f32])>) -> Sums {
        // The same instruction sets the convolution uses, detected once for both.
        #[cfg(target_arch = "x86_64")]
        match Isa::available().last() {
            // SAFETY: the CPU has AVX-512F.
            Some(Isa::Avx512) => return unsafe { sums_avx512(pairs) },
            // SAFETY: the CPU has AVX2 and FMA.
            Some(Isa::Avx2) => return unsafe { sums_avx2(pairs) },
            None => {}
        }
        sums_with(pairs, |x, y, acc| x * y + acc)
    }

    /// 1 = same direction. Two all-zero lists are identical (1); one all-zero list against
    /// another is 0.
    fn cosine(self) -> f32 {
        let Sums { dot, aa, bb } = self;
        if aa == 0.0 && bb == 0.0 {
            1.0
        } else if aa == 0.0 || bb == 0.0 {
            0.0
        } else {
            (dot / (aa.sqrt() * bb.sqrt())) as f32
        }
    }
}

/// [`sums_with`] compiled for AVX2 with fused multiply-adds.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sums_avx2<'a>(pairs: impl Iterator<Item = (&'a [f32], &'a [f32])>) -> Sums {
    sums_with(pairs, f32::mul_add)
}

/// [`sums_with`] compiled for AVX-512.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn sums_avx512<'a>(pairs: impl Iterator<Item = (&'a [f32], &'a [f32])>) -> Sums {
    sums_with(pairs, f32::mul_add)
}

/// The sums over every pair, `LANES` values at a time into f32 lanes that stay in registers
/// from one pair to the next, added into f64 every [`FLUSH_EVERY`] values or so. Every lane
/// index is a constant, so that no lane has to live in memory.
#[inline(always)]
fn sums_with<'a>(
    pairs: impl Iterator<Item = (&'a [f32], &'a [f32])>,
    fma: impl Fn(f32, f32, f32) -> f32,
) -> Sums {
    let mut totals = [[0f64; LANES]; 3];
    let mut lanes = [[0f32; LANES]; 3];
    let mut added = 0;
    let flush = |totals: &mut [[f64; LANES]; 3], lanes: &mut [[f32; LANES]; 3]| {
        for (total, lane) in totals.iter_mut().zip(lanes.iter_mut()) {
            for (t, l) in total.iter_mut().zip(lane.iter_mut()) {
                *t += *l as f64;
                *l = 0.0;
            }
        }
    };
    for (a, b) in pairs {
        let n = a.len().min(b.len());
        for (ca, cb) in a[..n].chunks(FLUSH_EVERY).zip(b[..n].chunks(FLUSH_EVERY)) {
            // Local copies, so that the compiler sees nothing else touch them in the loops.
            let [mut d, mut x2, mut y2] = lanes;
            let (wide_a, wide_b) = (ca.chunks_exact(LANES), cb.chunks_exact(LANES));
            let (rest_a, rest_b) = (wide_a.remainder(), wide_b.remainder());
            for (xa, xb) in wide_a.zip(wide_b) {
                for i in 0..LANES {
                    let (x, y) = (xa[i], xb[i]);
                    d[i] = fma(x, y, d[i]);
                    x2[i] = fma(x, x, x2[i]);
                    y2[i] = fma(y, y, y2[i]);
                }
            }
            // The rest: eight at a time into the first eight lanes, then one at a time.
            let (eight_a, eight_b) = (rest_a.chunks_exact(8), rest_b.chunks_exact(8));
            let (last_a, last_b) = (eight_a.remainder(), eight_b.remainder());
            for (xa, xb) in eight_a.zip(eight_b) {
                for i in 0..8 {
                    let (x, y) = (xa[i], xb[i]);
                    d[i] = fma(x, y, d[i]);
                    x2[i] = fma(x, x, x2[i]);
                    y2[i] = fma(y, y, y2[i]);
                }
            }
            for (&x, &y) in last_a.iter().zip(last_b) {
                d[0] = fma(x, y, d[0]);
                x2[0] = fma(x, x, x2[0]);
                y2[0] = fma(y, y, y2[0]);
            }
            lanes = [d, x2, y2];
            added += ca.len();
            if added >= FLUSH_EVERY {
                flush(&mut totals, &mut lanes);
                added = 0;
            }
        }
    }
    flush(&mut totals, &mut lanes);
    let [dot, aa, bb] = totals.map(|lanes| lanes.iter().sum::<f64>());
    Sums { dot, aa, bb }
}

/// Cosine similarity of two equally long lists of numbers: 1 = same direction. Two all-zero
/// lists are identical (1); one all-zero list against another is 0.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    Sums::over(std::iter::once((a, b))).cosine()
}

/// Cosine similarity of two tensors at the same positions (invariance).
pub(crate) fn same_position(a: &Tensor, b: &Tensor) -> f32 {
    match (a, b) {
        (Tensor::Maps(x), Tensor::Maps(y)) => match (x.as_slice(), y.as_slice()) {
            (Some(x), Some(y)) => cosine(x, y),
            _ => cosine(&a.values(), &b.values()),
        },
        (Tensor::Vector(x), Tensor::Vector(y)) => match (x.as_slice(), y.as_slice()) {
            (Some(x), Some(y)) => cosine(x, y),
            _ => cosine(&a.values(), &b.values()),
        },
        _ => cosine(&a.values(), &b.values()),
    }
}

/// The overlapping windows of `original` moved by (`cx`, `cy`) cells and `shifted`:
/// `(original part, shifted part)`, or `None` when nothing overlaps.
pub fn aligned_views<'a>(
    original: &'a Array3<f32>,
    shifted: &'a Array3<f32>,
    cx: i64,
    cy: i64,
) -> Option<(ArrayView3<'a, f32>, ArrayView3<'a, f32>)> {
    let (_, h, w) = original.dim();
    let (h, w) = (h as i64, w as i64);
    if cx.abs() >= w || cy.abs() >= h {
        return None;
    }
    // shifted[y, x] corresponds to original[y - cy, x - cx].
    let (sy0, sy1) = (cy.max(0), h + cy.min(0));
    let (sx0, sx1) = (cx.max(0), w + cx.min(0));
    let u = |v: i64| v as usize;
    let o = original.slice(s![.., u(sy0 - cy)..u(sy1 - cy), u(sx0 - cx)..u(sx1 - cx)]);
    let t = shifted.slice(s![.., u(sy0)..u(sy1), u(sx0)..u(sx1)]);
    Some((o, t))
}

/// Cosine similarity between `shifted` and `original` moved by (`cx`, `cy`) cells, over the
/// cells both cover (equivariance). `None` for vectors or when nothing overlaps.
pub(crate) fn aligned(original: &Tensor, shifted: &Tensor, cx: i64, cy: i64) -> Option<f32> {
    let (Tensor::Maps(o), Tensor::Maps(t)) = (original, shifted) else {
        return None;
    };
    let (o, t) = aligned_views(o, t, cx, cy)?;
    // Row by row: each row of the overlap is contiguous, the overlap as a whole is not.
    let (o, t) = if o.strides()[2] == 1 && t.strides()[2] == 1 {
        (CowArray::from(o), CowArray::from(t))
    } else {
        (CowArray::from(o.to_owned()), CowArray::from(t.to_owned()))
    };
    let rows = o.rows().into_iter().zip(t.rows()).map(|(a, b)| {
        (
            a.to_slice().expect("rows with unit stride are contiguous"),
            b.to_slice().expect("rows with unit stride are contiguous"),
        )
    });
    let sums = Sums::over(rows);
    Some(sums.cosine())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_by_hand() {
        assert!((cosine(&[1.0, 0.0], &[0.0, 1.0])).abs() < 1e-7);
        assert!((cosine(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-7);
        assert_eq!(cosine(&[0.0, 0.0], &[0.0, 0.0]), 1.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }

    /// A long list (blocks, lanes and a remainder) against the plain f64 formula.
    #[test]
    fn cosine_matches_the_f64_formula() {
        let a: Vec<f32> = (0..1000)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let b: Vec<f32> = (0..1000)
            .map(|i| a[i] + ((i * 53 % 89) as f32 - 40.0) / 3.0)
            .collect();
        let f64s = |v: &[f32]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
        let (x, y) = (f64s(&a), f64s(&b));
        let dot: f64 = x.iter().zip(&y).map(|(p, q)| p * q).sum();
        let norm = |v: &[f64]| v.iter().map(|p| p * p).sum::<f64>().sqrt();
        let expected = dot / (norm(&x) * norm(&y));
        assert!((cosine(&a, &b) as f64 - expected).abs() < 1e-6);
        assert!(
            expected.abs() > 0.01,
            "a test that can tell right from wrong"
        );
    }

    #[test]
    fn aligned_is_the_cosine_of_the_overlap() {
        let o = Array3::from_shape_fn((2, 9, 11), |(c, y, x)| {
            ((c * 7 + y * 3 + x * x) % 13) as f32
        });
        let t = Array3::from_shape_fn((2, 9, 11), |(c, y, x)| ((c + y * y + x * 5) % 11) as f32);
        let (a, b) = aligned_views(&o, &t, -3, 2).unwrap();
        let expected = cosine(
            &a.iter().copied().collect::<Vec<_>>(),
            &b.iter().copied().collect::<Vec<_>>(),
        );
        let got = aligned(&Tensor::Maps(o.clone()), &Tensor::Maps(t.clone()), -3, 2).unwrap();
        assert!((got - expected).abs() < 1e-6, "{got} vs {expected}");
        assert_eq!(
            aligned(&Tensor::Maps(o.clone()), &Tensor::Maps(t), 11, 0),
            None
        );
    }

    #[test]
    fn aligned_undoes_a_shift() {
        let o = Array3::from_shape_fn((1, 5, 5), |(_, y, x)| (y * 5 + x) as f32);
        // Move right 2, up 1 with zero fill.
        let t = Array3::from_shape_fn((1, 5, 5), |(_, y, x)| {
            let (sy, sx) = (y as i64 + 1, x as i64 - 2);
            if (0..5).contains(&sy) && (0..5).contains(&sx) {
                o[[0, sy as usize, sx as usize]]
            } else {
                0.0
            }
        });
        let (a, b) = aligned_views(&o, &t, 2, -1).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.dim(), (1, 4, 3));
    }
}
