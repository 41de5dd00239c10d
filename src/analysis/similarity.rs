//! How alike two activations are: cosine similarity, as is and aligned by a shift.

use crate::engine::Tensor;
use ndarray::{Array3, s};
use wide::f32x8;

/// Cosine similarity of two equally long lists of numbers: 1 = same direction. Two all-zero
/// lists are identical (1); one all-zero list against another is 0.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    // Eight lanes at a time with `wide`'s SIMD type, each block of 256 values summed in f32
    // and the block sums added up in f64: fast, and within 1e-6 of an all-f64 sum here.
    let (mut dot, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (ca, cb) in a.chunks(256).zip(b.chunks(256)) {
        let (mut d, mut x2, mut y2) = (f32x8::ZERO, f32x8::ZERO, f32x8::ZERO);
        let (ea, eb) = (ca.chunks_exact(8), cb.chunks_exact(8));
        let (ra, rb) = (ea.remainder(), eb.remainder());
        for (xa, xb) in ea.zip(eb) {
            let x = f32x8::new(xa.try_into().expect("chunks of 8"));
            let y = f32x8::new(xb.try_into().expect("chunks of 8"));
            d = x.mul_add(y, d);
            x2 = x.mul_add(x, x2);
            y2 = y.mul_add(y, y2);
        }
        let (mut d, mut x2, mut y2) = (
            d.reduce_add() as f64,
            x2.reduce_add() as f64,
            y2.reduce_add() as f64,
        );
        for (&x, &y) in ra.iter().zip(rb) {
            d += (x * y) as f64;
            x2 += (x * x) as f64;
            y2 += (y * y) as f64;
        }
        dot += d;
        aa += x2;
        bb += y2;
    }
    if aa == 0.0 && bb == 0.0 {
        1.0
    } else if aa == 0.0 || bb == 0.0 {
        0.0
    } else {
        (dot / (aa.sqrt() * bb.sqrt())) as f32
    }
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

/// The overlapping windows of `original` moved by (`cx`, `cy`) cells and `shifted`:
/// `(original part, shifted part)`, or `None` when nothing overlaps.
pub fn aligned_views(
    original: &Array3<f32>,
    shifted: &Array3<f32>,
    cx: i64,
    cy: i64,
) -> Option<(Array3<f32>, Array3<f32>)> {
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
    Some((o.to_owned(), t.to_owned()))
}

/// Cosine similarity between `shifted` and `original` moved by (`cx`, `cy`) cells, over the
/// cells both cover (equivariance). `None` for vectors or when nothing overlaps.
pub fn aligned(original: &Tensor, shifted: &Tensor, cx: i64, cy: i64) -> Option<f32> {
    let (Tensor::Maps(o), Tensor::Maps(t)) = (original, shifted) else {
        return None;
    };
    let (o, t) = aligned_views(o, t, cx, cy)?;
    Some(cosine(
        o.as_slice().expect("owned"),
        t.as_slice().expect("owned"),
    ))
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
