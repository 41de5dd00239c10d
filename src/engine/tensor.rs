//! What flows between layers: a stack of feature maps \[C,H,W\] or a flat vector \[N\].

use ndarray::{Array1, Array3, ArrayD};
use std::fmt;

/// The shape of a layer's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// `channels` feature maps of `height` x `width`.
    Maps {
        channels: usize,
        height: usize,
        width: usize,
    },
    /// A flat vector of `len` values.
    Vector(usize),
}

impl Shape {
    pub fn maps(channels: usize, height: usize, width: usize) -> Self {
        Shape::Maps {
            channels,
            height,
            width,
        }
    }

    /// The maps' channels, height and width, for `layer`, which reads maps: a vector is the
    /// error that says so.
    pub(crate) fn maps_for(self, layer: &str) -> super::error::Result<(usize, usize, usize)> {
        match self {
            Shape::Maps {
                channels,
                height,
                width,
            } => Ok((channels, height, width)),
            Shape::Vector(n) => Err(super::error::Error::InputShape {
                layer: layer.to_string(),
                expected: "feature maps [C,H,W]".into(),
                got: format!(
                    "a vector of {n} values (convolution and pooling come before flatten)"
                ),
            }),
        }
    }

    /// How many numbers a tensor of this shape holds.
    pub fn len(&self) -> usize {
        match *self {
            Shape::Maps {
                channels,
                height,
                width,
            } => channels * height * width,
            Shape::Vector(n) => n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dimensions as a list: `[C,H,W]` or `[N]` (the `.npy` shape).
    pub(crate) fn dims(&self) -> Vec<usize> {
        match *self {
            Shape::Maps {
                channels,
                height,
                width,
            } => vec![channels, height, width],
            Shape::Vector(n) => vec![n],
        }
    }
}

impl fmt::Display for Shape {
    /// `8 @ 28x28` for maps, `784` for a vector: the notation of CNN diagrams.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Shape::Maps {
                channels,
                height,
                width,
            } => write!(f, "{channels} @ {height}x{width}"),
            Shape::Vector(n) => write!(f, "{n}"),
        }
    }
}

/// A layer's output.
#[derive(Debug, Clone, PartialEq)]
pub enum Tensor {
    Maps(Array3<f32>),
    Vector(Array1<f32>),
}

impl Tensor {
    pub fn shape(&self) -> Shape {
        match self {
            Tensor::Maps(a) => {
                let (c, h, w) = a.dim();
                Shape::maps(c, h, w)
            }
            Tensor::Vector(v) => Shape::Vector(v.len()),
        }
    }

    /// All values in C,H,W order (the order of PyTorch's flatten).
    pub fn values(&self) -> Vec<f32> {
        match self {
            // One copy when the maps are in standard order (a flatten of every pass).
            Tensor::Maps(a) => match a.as_slice() {
                Some(values) => values.to_vec(),
                None => a.iter().copied().collect(),
            },
            Tensor::Vector(v) => v.to_vec(),
        }
    }

    pub fn as_maps(&self) -> Option<&Array3<f32>> {
        match self {
            Tensor::Maps(a) => Some(a),
            Tensor::Vector(_) => None,
        }
    }

    pub fn as_vector(&self) -> Option<&Array1<f32>> {
        match self {
            Tensor::Vector(v) => Some(v),
            Tensor::Maps(_) => None,
        }
    }

    /// The tensor as an n-dimensional array, for writing `.npy` files.
    pub fn to_dyn(&self) -> ArrayD<f32> {
        match self {
            Tensor::Maps(a) => a.clone().into_dyn(),
            Tensor::Vector(v) => v.clone().into_dyn(),
        }
    }

    /// Smallest, largest and mean value (zeros for an empty tensor).
    pub(crate) fn stats(&self) -> (f32, f32, f32) {
        let values: Box<dyn Iterator<Item = &f32>> = match self {
            Tensor::Maps(a) => Box::new(a.iter()),
            Tensor::Vector(v) => Box::new(v.iter()),
        };
        let (mut lo, mut hi, mut sum, mut n) = (f32::INFINITY, f32::NEG_INFINITY, 0f64, 0usize);
        for &x in values {
            lo = lo.min(x);
            hi = hi.max(x);
            sum += x as f64;
            n += 1;
        }
        if n == 0 {
            (0.0, 0.0, 0.0)
        } else {
            (lo, hi, (sum / n as f64) as f32)
        }
    }
}
