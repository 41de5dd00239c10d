//! The drawing canvas as data: white strokes on black, at four times a digit model's
//! resolution so that resizing smooths them the way MNIST digits are smoothed. For a 28x28
//! grey model the drawing can go through the MNIST preparation first (see
//! [`crate::io::mnist_style`]).

use super::state::InputImage;
use crate::engine::InputSpec;
use crate::io::mnist_style;
use image::{Rgb, Rgb32FImage};
use ndarray::Array2;

/// Canvas side in pixels (4 x 28).
pub const SIDE: usize = 112;

#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    /// Ink in [0,1], row by row.
    pub ink: Array2<f32>,
    /// Brush radius in canvas pixels.
    pub brush: f32,
    /// Where the current stroke last was, in canvas pixels.
    last: Option<(f32, f32)>,
    /// Prepare the drawing as MNIST digits were prepared (crop, fit 20x20, centre of mass)
    /// when the model reads 28x28 grey digits.
    pub mnist_style: bool,
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas {
            ink: Array2::zeros((SIDE, SIDE)),
            brush: 7.0,
            last: None,
            mnist_style: true,
        }
    }
}

impl Canvas {
    pub fn clear(&mut self) {
        self.ink.fill(0.0);
        self.last = None;
    }

    pub fn is_blank(&self) -> bool {
        self.ink.iter().all(|&v| v == 0.0)
    }

    /// Continues the stroke to `pos` (canvas pixels), painting a round brush with a soft
    /// one-pixel edge along the segment from the previous point.
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
    pub fn in_stroke(&self) -> bool {
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

    /// Whether the drawing goes through the MNIST preparation for a model reading `spec`.
    pub fn prepares_for(&self, spec: &InputSpec) -> bool {
        self.mnist_style && mnist_style::suits(spec) && !self.is_blank()
    }

    /// The drawing as the network reading `spec` takes it: prepared like an MNIST digit
    /// (28x28) when [`Canvas::prepares_for`] says so, else the whole canvas.
    pub fn to_input_for(&self, spec: &InputSpec) -> InputImage {
        let prepared = self
            .prepares_for(spec)
            .then(|| mnist_style::mnist_style(self.ink.view()))
            .flatten();
        let Some(digit) = prepared else {
            return self.to_input();
        };
        let (h, w) = digit.dim();
        let image = Rgb32FImage::from_fn(w as u32, h as u32, |x, y| {
            let v = digit[[y as usize, x as usize]];
            Rgb([v, v, v])
        });
        InputImage {
            name: "drawing".into(),
            path: None,
            image,
            audio: None,
        }
    }

    /// The drawing as a picture the network can take (the whole canvas).
    pub fn to_input(&self) -> InputImage {
        let mut image = Rgb32FImage::new(SIDE as u32, SIDE as u32);
        for ((y, x), &v) in self.ink.indexed_iter() {
            image.put_pixel(x as u32, y as u32, Rgb([v, v, v]));
        }
        InputImage {
            name: "drawing".into(),
            path: None,
            image,
            audio: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dab_fills_a_disc() {
        let mut c = Canvas {
            brush: 3.0,
            ..Canvas::default()
        };
        c.stroke_to((50.0, 50.0));
        assert_eq!(c.ink[[49, 49]], 1.0); // centre
        assert_eq!(c.ink[[49, 60]], 0.0); // 10 px away
        assert!(!c.is_blank());
        c.clear();
        assert!(c.is_blank());
    }

    #[test]
    fn a_stroke_joins_its_points() {
        let mut c = Canvas {
            brush: 2.0,
            ..Canvas::default()
        };
        c.stroke_to((10.0, 20.0));
        c.stroke_to((90.0, 20.0));
        for x in 10..90 {
            assert_eq!(c.ink[[19, x]], 1.0, "gap at x={x}");
        }
        c.end_stroke();
        c.stroke_to((10.0, 80.0));
        assert_eq!(
            c.ink[[50, 10]],
            0.0,
            "a new stroke does not join the old one"
        );
    }

    #[test]
    fn brush_outside_the_canvas_is_clipped() {
        let mut c = Canvas::default();
        c.stroke_to((-20.0, -20.0));
        c.stroke_to((200.0, 500.0));
        assert_eq!(c.ink.dim(), (SIDE, SIDE));
        let img = c.to_input();
        assert_eq!(img.image.dimensions(), (SIDE as u32, SIDE as u32));
    }
}
