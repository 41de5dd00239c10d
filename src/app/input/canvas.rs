//! The drawing canvas's state: the drawing (see [`crate::viz::drawing`]) and whether it goes
//! through the MNIST preparation for a model that reads 28x28 grey digits.

use crate::app::explorer::prepare::InputImage;
use crate::engine::InputSpec;
use crate::viz::drawing::Drawing;

/// The name of the canvas's picture.
pub(crate) const DRAWING: &str = "drawing";

#[derive(Debug, Clone, PartialEq)]
pub struct Canvas {
    pub drawing: Drawing,
    /// Prepare the drawing as MNIST digits were prepared (crop, fit 20x20, centre of mass)
    /// when the model reads 28x28 grey digits.
    pub mnist_style: bool,
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas {
            drawing: Drawing::default(),
            mnist_style: true,
        }
    }
}

impl Canvas {
    pub fn clear(&mut self) {
        self.drawing.clear();
    }

    pub fn is_blank(&self) -> bool {
        self.drawing.is_blank()
    }

    /// Whether the drawing goes through the MNIST preparation for a model reading `spec`.
    pub fn prepares_for(&self, spec: &InputSpec) -> bool {
        self.mnist_style && self.drawing.prepares_for(spec)
    }

    /// The drawing as the network reading `spec` takes it: prepared like an MNIST digit
    /// (28x28) when [`Canvas::prepares_for`] says so, else the whole canvas.
    pub fn to_input_for(&self, spec: &InputSpec) -> InputImage {
        match self.mnist_style {
            true => drawn(self.drawing.prepared_image(spec)),
            false => self.to_input(),
        }
    }

    /// The drawing as a picture the network can take (the whole canvas).
    pub fn to_input(&self) -> InputImage {
        drawn(self.drawing.image())
    }
}

/// Whether `input` is the canvas with nothing drawn on it: there is nothing to read.
pub(crate) fn is_empty_drawing(input: &InputImage) -> bool {
    input.path.is_none()
        && input.audio.is_none()
        && input.name == DRAWING
        && input.image.pixels().all(|p| p.0 == [0.0; 3])
}

fn drawn(image: image::Rgb32FImage) -> InputImage {
    InputImage {
        name: DRAWING.into(),
        path: None,
        image,
        audio: None,
    }
}
