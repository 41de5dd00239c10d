//! Layers that change the height and width of maps by reading them at other positions:
//! `pad2d` adds a border that mirrors (reflect) or repeats (replicate) the edge, as
//! `Conv2d(padding_mode='reflect' | 'replicate')` and `nn.ReflectionPad2d` do before their
//! convolution; `resize` scales maps up or down by nearest or bilinear sampling, as
//! `nn.Upsample` and `F.interpolate` (ONNX Resize's coordinate modes).

use crate::engine::error::{Error, Result};
use crate::engine::limits;
use crate::engine::tensor::Shape;
use ndarray::{Array3, ArrayView3};
use serde::{Deserialize, Serialize};

/// How a border is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PadMode {
    /// Mirrors the map without repeating its edge: `d c b | a b c d | c b a`.
    Reflect,
    /// Repeats the edge value: `a a a | a b c d | d d d`.
    Replicate,
}

/// A border of `pads` (top, left, bottom, right) around every map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pad2d {
    pub pads: [usize; 4],
    pub mode: PadMode,
}

fn sized(layer: &str, c: usize, h: usize, w: usize) -> Result<Shape> {
    let len = c.saturating_mul(h).saturating_mul(w);
    if h == 0 || w == 0 || h > limits::MAX_SIDE || w > limits::MAX_SIDE {
        return Err(Error::BadField {
            layer: layer.into(),
            field: "size".into(),
            message: format!("{h}x{w} is not between 1 and {} a side", limits::MAX_SIDE),
        });
    }
    if len > limits::MAX_ACTIVATION {
        return Err(Error::TooLarge {
            what: format!("layer {layer}: output {c} @ {h}x{w}"),
            value: len,
            limit: limits::MAX_ACTIVATION,
        });
    }
    Ok(Shape::maps(c, h, w))
}

impl Pad2d {
    pub(crate) fn output_shape(&self, layer: &str, input: Shape) -> Result<Shape> {
        let (c, h, w) = input.maps_for(layer)?;
        let [t, l, b, r] = self.pads;
        if self.mode == PadMode::Reflect && (t.max(b) >= h || l.max(r) >= w) {
            return Err(Error::BadField {
                layer: layer.into(),
                field: "pads".into(),
                message: format!(
                    "{:?} reflect past the {h}x{w} map: each side's padding must be smaller than the map, as in PyTorch",
                    self.pads
                ),
            });
        }
        sized(layer, c, h.saturating_add(t + b), w.saturating_add(l + r))
    }

    /// The input index read at output index `i` along an axis of `n` with `before` added.
    pub(crate) fn source(&self, i: usize, before: usize, n: usize) -> usize {
        let at = i as i64 - before as i64;
        let last = n as i64 - 1;
        let at = match self.mode {
            PadMode::Replicate => at.clamp(0, last),
            PadMode::Reflect if at < 0 => -at,
            PadMode::Reflect if at > last => 2 * last - at,
            PadMode::Reflect => at,
        };
        at.clamp(0, last) as usize
    }

    pub(crate) fn forward(&self, x: ArrayView3<f32>) -> Array3<f32> {
        let (c, h, w) = x.dim();
        let [t, l, b, r] = self.pads;
        let (oh, ow) = (h + t + b, w + l + r);
        let rows: Vec<usize> = (0..oh).map(|y| self.source(y, t, h)).collect();
        let cols: Vec<usize> = (0..ow).map(|x| self.source(x, l, w)).collect();
        Array3::from_shape_fn((c, oh, ow), |(ch, y, xx)| x[[ch, rows[y], cols[xx]]])
    }
}

/// How output positions map to input positions (ONNX Resize's
/// `coordinate_transformation_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coordinates {
    /// `(x + 0.5) / scale - 0.5`: PyTorch's bilinear without `align_corners`.
    HalfPixel,
    /// As `half_pixel`, but 0 where the output has one value along the axis.
    PytorchHalfPixel,
    /// `x * (in - 1) / (out - 1)`: corners on corners (`align_corners=True`).
    AlignCorners,
    /// `x / scale`: PyTorch's nearest.
    Asymmetric,
}

/// How a nearest sample is rounded (ONNX Resize's `nearest_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    RoundPreferFloor,
    RoundPreferCeil,
    Floor,
    Ceil,
}

/// How a value is sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum Sampling {
    Nearest { rounding: Rounding },
    Linear,
}

/// Maps resized to `size` (height, width); `scale` is output over input along each axis, as
/// the model gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resize {
    pub size: (usize, usize),
    pub scale: (f32, f32),
    pub sampling: Sampling,
    pub coordinates: Coordinates,
}

impl Resize {
    pub(crate) fn output_shape(&self, layer: &str, input: Shape) -> Result<Shape> {
        let (c, _, _) = input.maps_for(layer)?;
        if !(self.scale.0 > 0.0 && self.scale.1 > 0.0) {
            return Err(Error::BadField {
                layer: layer.into(),
                field: "scale".into(),
                message: format!("{:?} is not above zero", self.scale),
            });
        }
        sized(layer, c, self.size.0, self.size.1)
    }

    /// Where output index `i` of `out` samples an axis of `n` (scaled by `scale`).
    fn position(&self, i: usize, out: usize, n: usize, scale: f32) -> f32 {
        let (i, scale) = (i as f32, scale);
        match self.coordinates {
            Coordinates::HalfPixel => (i + 0.5) / scale - 0.5,
            Coordinates::PytorchHalfPixel if out > 1 => (i + 0.5) / scale - 0.5,
            Coordinates::PytorchHalfPixel => 0.0,
            Coordinates::AlignCorners if out > 1 => i * (n as f32 - 1.0) / (out as f32 - 1.0),
            Coordinates::AlignCorners => 0.0,
            Coordinates::Asymmetric => i / scale,
        }
    }

    /// For each output index along an axis: the two inputs it reads and the second's weight.
    pub(crate) fn taps(&self, out: usize, n: usize, scale: f32) -> Vec<(usize, usize, f32)> {
        let last = n.saturating_sub(1);
        (0..out)
            .map(|i| {
                let p = self.position(i, out, n, scale);
                match self.sampling {
                    Sampling::Nearest { rounding } => {
                        let r = match rounding {
                            Rounding::RoundPreferFloor if p.fract() == 0.5 => p.floor(),
                            Rounding::RoundPreferCeil if p.fract() == 0.5 => p.ceil(),
                            Rounding::RoundPreferFloor | Rounding::RoundPreferCeil => p.round(),
                            Rounding::Floor => p.floor(),
                            Rounding::Ceil => p.ceil(),
                        };
                        let at = (r.max(0.0) as usize).min(last);
                        (at, at, 0.0)
                    }
                    Sampling::Linear => {
                        let p = p.clamp(0.0, last as f32);
                        let lo = (p.floor() as usize).min(last);
                        let hi = (lo + 1).min(last);
                        (lo, hi, p - lo as f32)
                    }
                }
            })
            .collect()
    }

    pub(crate) fn forward(&self, x: ArrayView3<f32>) -> Array3<f32> {
        let (c, h, w) = x.dim();
        let (oh, ow) = self.size;
        let rows = self.taps(oh, h, self.scale.0);
        let cols = self.taps(ow, w, self.scale.1);
        Array3::from_shape_fn((c, oh, ow), |(ch, y, xx)| {
            let (y0, y1, fy) = rows[y];
            let (x0, x1, fx) = cols[xx];
            let top = x[[ch, y0, x0]] * (1.0 - fx) + x[[ch, y0, x1]] * fx;
            let bottom = x[[ch, y1, x0]] * (1.0 - fx) + x[[ch, y1, x1]] * fx;
            top * (1.0 - fy) + bottom * fy
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: &[f32]) -> Array3<f32> {
        Array3::from_shape_vec((1, 1, values.len()), values.to_vec()).unwrap()
    }

    #[test]
    fn reflect_mirrors_without_the_edge_and_replicate_repeats_it() {
        let x = row(&[1., 2., 3., 4.]);
        let reflect = Pad2d {
            pads: [0, 2, 0, 2],
            mode: PadMode::Reflect,
        };
        let y = reflect.forward(x.view());
        assert_eq!(
            y.iter().copied().collect::<Vec<_>>(),
            [3., 2., 1., 2., 3., 4., 3., 2.]
        );
        let replicate = Pad2d {
            mode: PadMode::Replicate,
            ..reflect
        };
        let y = replicate.forward(x.view());
        assert_eq!(
            y.iter().copied().collect::<Vec<_>>(),
            [1., 1., 1., 2., 3., 4., 4., 4.]
        );
        // Reflecting 4 past a map of 4 is refused, as PyTorch does.
        let far = Pad2d {
            pads: [0, 4, 0, 0],
            mode: PadMode::Reflect,
        };
        assert!(far.output_shape("pad", Shape::maps(1, 1, 4)).is_err());
    }

    #[test]
    fn resize_samples_as_onnx_coordinate_modes_say() {
        let x = row(&[0., 10.]);
        let resize = |sampling, coordinates| Resize {
            size: (1, 4),
            scale: (1.0, 2.0),
            sampling,
            coordinates,
        };
        let values = |r: Resize| r.forward(x.view()).iter().copied().collect::<Vec<_>>();
        // Nearest, asymmetric, floor (PyTorch's nearest): 0 0 1 1.
        let nearest = Sampling::Nearest {
            rounding: Rounding::Floor,
        };
        assert_eq!(
            values(resize(nearest, Coordinates::Asymmetric)),
            [0., 0., 10., 10.]
        );
        // Bilinear, half pixel: positions -0.25 0.25 0.75 1.25 -> clamped 0, 0.25, 0.75, 1.
        assert_eq!(
            values(resize(Sampling::Linear, Coordinates::HalfPixel)),
            [0., 2.5, 7.5, 10.]
        );
        // Align corners: positions 0, 1/3, 2/3, 1.
        let v = values(resize(Sampling::Linear, Coordinates::AlignCorners));
        assert!((v[1] - 10.0 / 3.0).abs() < 1e-5 && v[3] == 10.0, "{v:?}");
    }
}
