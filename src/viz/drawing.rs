//! Strokes to pixels: a drawing in white ink on black, painted with a round brush at four times
//! a digit model's resolution so that resizing smooths it the way MNIST digits are smoothed.
//! For a 28x28 grey model the drawing can go through the MNIST preparation first (see
//! `crate::io::mnist_style`). The app's canvas draws with it; tests draw scripted digits.

use crate::engine::InputSpec;
use crate::io::mnist_style;
use image::{Rgb, Rgb32FImage};
use ndarray::{Array2, ArrayView2};

/// The drawing's side in pixels (4 x 28).
pub const SIDE: usize = 112;

#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// Ink in `[0,1]`, row by row.
    pub ink: Array2<f32>,
    /// Brush radius in pixels.
    pub brush: f32,
    /// Where the current stroke last was, in pixels.
    last: Option<(f32, f32)>,
}

impl Default for Drawing {
    fn default() -> Self {
        Drawing {
            ink: Array2::zeros((SIDE, SIDE)),
            brush: 7.0,
            last: None,
        }
    }
}

impl Drawing {
    pub(crate) fn clear(&mut self) {
        self.ink.fill(0.0);
        self.last = None;
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.ink.iter().all(|&v| v == 0.0)
    }

    /// Continues the stroke to `pos` (pixels), painting a round brush with a soft one-pixel
    /// edge along the segment from the previous point.
    pub fn stroke_to(&mut self, pos: (f32, f32)) {
        let from = self.last.unwrap_or(pos);
        let (dx, dy) = (pos.0 - from.0, pos.1 - from.1);
        let steps = ((dx * dx + dy * dy).sqrt() / 1.0).ceil().max(1.0) as usize;
        for i in 0..=steps {
            let t = i as f32 / steps as f32;
            self.dab((from.0 + dx * t, from.1 + dy * t));
        }
        self.last = Some(pos);
    }

    /// Whether a stroke is under way.
    pub(crate) fn in_stroke(&self) -> bool {
        self.last.is_some()
    }

    /// Ends the current stroke (the next one starts fresh).
    pub fn end_stroke(&mut self) {
        self.last = None;
    }

    fn dab(&mut self, (cx, cy): (f32, f32)) {
        let r = self.brush.max(0.5);
        let (x0, x1) = (
            (cx - r - 1.0).floor().max(0.0) as usize,
            (cx + r + 1.0).ceil().min(SIDE as f32) as usize,
        );
        let (y0, y1) = (
            (cy - r - 1.0).floor().max(0.0) as usize,
            (cy + r + 1.0).ceil().min(SIDE as f32) as usize,
        );
        for y in y0..y1 {
            for x in x0..x1 {
                let d = ((x as f32 + 0.5 - cx).powi(2) + (y as f32 + 0.5 - cy).powi(2)).sqrt();
                let v = (r + 0.5 - d).clamp(0.0, 1.0);
                if let Some(p) = self.ink.get_mut((y, x)) {
                    *p = p.max(v);
                }
            }
        }
    }

    /// Whether the MNIST preparation suits the drawing for a model reading `spec`: the model
    /// reads 28x28 grey digits and there is ink to prepare.
    pub(crate) fn prepares_for(&self, spec: &InputSpec) -> bool {
        mnist_style::suits(spec) && !self.is_blank()
    }

    /// The drawing as the network reading `spec` takes it: prepared like an MNIST digit
    /// (crop, fit 20x20, centre of mass at the centre; 28x28) when `Drawing::prepares_for`
    /// says so, else the whole drawing.
    pub fn prepared_image(&self, spec: &InputSpec) -> Rgb32FImage {
        let prepared = self
            .prepares_for(spec)
            .then(|| mnist_style::mnist_style(self.ink.view()))
            .flatten();
        match prepared {
            Some(digit) => grey_image(digit.view()),
            None => self.image(),
        }
    }

    /// The whole drawing as a picture.
    pub fn image(&self) -> Rgb32FImage {
        grey_image(self.ink.view())
    }
}

/// Values in `[0,1]` as a grey picture of the same size.
fn grey_image(values: ArrayView2<f32>) -> Rgb32FImage {
    let (h, w) = values.dim();
    Rgb32FImage::from_fn(w as u32, h as u32, |x, y| {
        let v = values[[y as usize, x as usize]];
        Rgb([v, v, v])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dab_fills_a_disc() {
        let mut d = Drawing {
            brush: 3.0,
            ..Drawing::default()
        };
        d.stroke_to((50.0, 50.0));
        assert_eq!(d.ink[[49, 49]], 1.0); // centre
        assert_eq!(d.ink[[49, 60]], 0.0); // 10 px away
        assert!(!d.is_blank());
        d.clear();
        assert!(d.is_blank());
    }

    #[test]
    fn a_stroke_joins_its_points() {
        let mut d = Drawing {
            brush: 2.0,
            ..Drawing::default()
        };
        d.stroke_to((10.0, 20.0));
        d.stroke_to((90.0, 20.0));
        for x in 10..90 {
            assert_eq!(d.ink[[19, x]], 1.0, "gap at x={x}");
        }
        d.end_stroke();
        d.stroke_to((10.0, 80.0));
        assert_eq!(
            d.ink[[50, 10]],
            0.0,
            "a new stroke does not join the old one"
        );
    }

    #[test]
    fn brush_outside_the_drawing_is_clipped() {
        let mut d = Drawing::default();
        d.stroke_to((-20.0, -20.0));
        d.stroke_to((200.0, 500.0));
        assert_eq!(d.ink.dim(), (SIDE, SIDE));
        assert_eq!(d.image().dimensions(), (SIDE as u32, SIDE as u32));
    }
}
