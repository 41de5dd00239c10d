//! How alike two activations are: cosine similarity, as is and aligned by a shift.

use crate::engine::Tensor;
use ndarray::{Array3, ArrayView3, s};
use sums::{Rows, Side, Sums};

mod sums;

/// Cosine similarity of two equally long lists of numbers: 1 = same direction. Two all-zero
/// lists are identical (1); one all-zero list against another is 0.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f32 {
    Sums::over(&Rows::lists(a, b)).cosine()
}

/// Cosine similarity of two tensors at the same positions (invariance).
pub fn same_position(a: &Tensor, b: &Tensor) -> f32 {
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

/// Where `original` moved by (`cx`, `cy`) cells and `shifted` overlap, in maps of `h` x `w`:
/// the first row and column of the overlap in each, and its size.
struct Overlap {
    original: (usize, usize),
    shifted: (usize, usize),
    rows: usize,
    columns: usize,
}

impl Overlap {
    /// `None` when nothing overlaps.
    fn of((h, w): (usize, usize), cx: i64, cy: i64) -> Option<Overlap> {
        let (h, w) = (h as i64, w as i64);
        if cx.abs() >= w || cy.abs() >= h {
            return None;
        }
        // shifted[y, x] corresponds to original[y - cy, x - cx].
        let (sy0, sy1) = (cy.max(0), h + cy.min(0));
        let (sx0, sx1) = (cx.max(0), w + cx.min(0));
        let u = |v: i64| v as usize;
        Some(Overlap {
            original: (u(sy0 - cy), u(sx0 - cx)),
            shifted: (u(sy0), u(sx0)),
            rows: u(sy1 - sy0),
            columns: u(sx1 - sx0),
        })
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
    let Overlap {
        original: (oy, ox),
        shifted: (sy, sx),
        rows,
        columns,
    } = Overlap::of((h, w), cx, cy)?;
    let o = original.slice(s![.., oy..oy + rows, ox..ox + columns]);
    let t = shifted.slice(s![.., sy..sy + rows, sx..sx + columns]);
    Some((o, t))
}

/// Cosine similarity between `shifted` and `original` moved by (`cx`, `cy`) cells, over the
/// cells both cover (equivariance). `None` for vectors, for maps of two shapes, or when
/// nothing overlaps.
pub(crate) fn aligned(original: &Tensor, shifted: &Tensor, cx: i64, cy: i64) -> Option<f32> {
    let (Tensor::Maps(o), Tensor::Maps(t)) = (original, shifted) else {
        return None;
    };
    if o.dim() != t.dim() {
        return None;
    }
    let (channels, h, w) = o.dim();
    let Overlap {
        original,
        shifted,
        rows,
        columns,
    } = Overlap::of((h, w), cx, cy)?;
    let (o, t) = (o.as_standard_layout(), t.as_standard_layout());
    let side = |values, (y, x): (usize, usize)| Side {
        values,
        start: y * w + x,
        channel_step: h * w,
        row_step: w,
    };
    let rows = Rows::new(
        side(o.as_slice().expect("standard layout"), original),
        side(t.as_slice().expect("standard layout"), shifted),
        (channels, rows, columns),
    );
    Some(Sums::over(&rows).cosine())
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
