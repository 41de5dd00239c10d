//! Where a layer's cells sit on the input: cumulative stride and receptive field.

use crate::engine::{LayerKind, Model, Source};

/// The geometry that maps a layer's cell back to input pixels: cell (y, x) covers input rows
/// `y*stride.0 - offset.0 .. + size.0` (and the same for columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Receptive {
    /// Input pixels between neighbouring cells (the product of every stride so far).
    pub stride: (usize, usize),
    /// Side of the input patch one cell sees.
    pub size: (usize, usize),
    /// Padding accumulated so far, in input pixels.
    pub offset: (usize, usize),
}

impl Receptive {
    pub(crate) const INPUT: Receptive = Receptive {
        stride: (1, 1),
        size: (1, 1),
        offset: (0, 0),
    };

    /// The input rectangle (x0, y0, x1, y1), end exclusive and possibly outside the image, that
    /// cell (`x`, `y`) sees.
    pub(crate) fn input_rect(&self, x: usize, y: usize) -> (i64, i64, i64, i64) {
        let x0 = (x * self.stride.1) as i64 - self.offset.1 as i64;
        let y0 = (y * self.stride.0) as i64 - self.offset.0 as i64;
        (x0, y0, x0 + self.size.1 as i64, y0 + self.size.0 as i64)
    }
}

/// The receptive geometry after each layer (vectors keep that of the last maps). In a graph a
/// layer starts from what it reads; a merge sees the largest patch of its inputs (their
/// strides agree: they have one size).
pub(crate) fn receptive_fields(model: &Model) -> Vec<Receptive> {
    let mut out: Vec<Receptive> = Vec::with_capacity(model.layers().len());
    for (i, layer) in model.layers().iter().enumerate() {
        let mut r = model
            .sources(i)
            .iter()
            .map(|s| match *s {
                Source::Input => Receptive::INPUT,
                Source::Layer(j) => out[j],
            })
            .reduce(|a, b| Receptive {
                stride: a.stride,
                size: (a.size.0.max(b.size.0), a.size.1.max(b.size.1)),
                offset: (a.offset.0.max(b.offset.0), a.offset.1.max(b.offset.1)),
            })
            .unwrap_or(Receptive::INPUT);
        let window = match &layer.kind {
            LayerKind::Conv2d(c) => Some(c.window()),
            LayerKind::Pool2d(p) => Some(p.window),
            _ => None,
        };
        if let Some(w) = window {
            let grow = |size: usize, stride: usize, k: usize| size + (k - 1) * stride;
            r = Receptive {
                size: (
                    grow(r.size.0, r.stride.0, w.kernel.0),
                    grow(r.size.1, r.stride.1, w.kernel.1),
                ),
                offset: (
                    r.offset.0 + w.padding.0 * r.stride.0,
                    r.offset.1 + w.padding.1 * r.stride.1,
                ),
                stride: (r.stride.0 * w.stride.0, r.stride.1 * w.stride.1),
            };
        }
        out.push(r);
    }
    out
}
