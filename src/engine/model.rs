//! A network: its input, its layers in order, and every layer's output shape, checked once.

use super::conv::Window;
use super::error::{Error, Result};
use super::layer::{Layer, LayerKind, RunOptions};
use super::limits;
use super::pool::PoolMode;
use super::tensor::{Shape, Tensor};
use ndarray::Array3;
use std::collections::HashSet;

/// What the network expects: the size of its input and how pixels in [0,1] are normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    /// Per-channel mean subtracted from pixels in [0,1].
    pub mean: Vec<f32>,
    /// Per-channel standard deviation divided into them.
    pub std: Vec<f32>,
}

impl InputSpec {
    pub fn shape(&self) -> Shape {
        Shape::maps(self.channels, self.height, self.width)
    }

    /// `(x - mean) / std` per channel, in place, on an image in [0,1].
    pub fn normalize(&self, image: &mut Array3<f32>) {
        for (c, mut plane) in image.outer_iter_mut().enumerate() {
            let m = self.mean.get(c).copied().unwrap_or(0.0);
            let s = self.std.get(c).copied().unwrap_or(1.0);
            plane.mapv_inplace(|v| (v - m) / s);
        }
    }

    /// The inverse of [`InputSpec::normalize`]: back to pixel units.
    pub fn denormalize_value(&self, channel: usize, value: f32) -> f32 {
        let m = self.mean.get(channel).copied().unwrap_or(0.0);
        let s = self.std.get(channel).copied().unwrap_or(1.0);
        value * s + m
    }

    fn validate(&self) -> Result<()> {
        let bad = |field: &str, message: String| {
            Err(Error::BadField {
                layer: "input".into(),
                field: field.into(),
                message,
            })
        };
        if self.channels == 0 || self.channels > limits::MAX_INPUT_CHANNELS {
            return bad(
                "channels",
                format!(
                    "{} is not between 1 and {}",
                    self.channels,
                    limits::MAX_INPUT_CHANNELS
                ),
            );
        }
        for (field, v) in [("height", self.height), ("width", self.width)] {
            if v == 0 || v > limits::MAX_SIDE {
                return bad(
                    field,
                    format!("{v} is not between 1 and {}", limits::MAX_SIDE),
                );
            }
        }
        for (field, values) in [("mean", &self.mean), ("std", &self.std)] {
            if values.len() != self.channels {
                return bad(
                    field,
                    format!("has {} values for {} channels", values.len(), self.channels),
                );
            }
            if values.iter().any(|v| !v.is_finite()) {
                return bad(field, "holds a value that is not finite".into());
            }
        }
        if self.std.iter().any(|&s| s <= 0.0) {
            return bad("std", "every value must be above zero".into());
        }
        Ok(())
    }
}

/// What a model file says about itself besides its layers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelInfo {
    pub name: String,
    pub description: String,
    /// One name per output, or empty.
    pub labels: Vec<String>,
    /// How it was trained (free-form JSON, `null` when unknown).
    pub training: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub info: ModelInfo,
    pub input: InputSpec,
    layers: Vec<Layer>,
    /// `shapes[i]` is the output shape of `layers[i]`.
    shapes: Vec<Shape>,
}

/// Output shape of every layer in turn, or the first layer that cannot run.
pub fn infer_shapes(input: Shape, layers: &[Layer]) -> Result<Vec<Shape>> {
    let mut shape = input;
    layers
        .iter()
        .map(|layer| {
            shape = layer.output_shape(shape)?;
            Ok(shape)
        })
        .collect()
}

fn check_finite(layer: &Layer) -> Result<()> {
    fn finite<'a>(mut values: impl Iterator<Item = &'a f32>) -> bool {
        values.all(|v| v.is_finite())
    }
    let (weight_ok, bias_ok) = match &layer.kind {
        LayerKind::Conv2d(c) => (
            finite(c.weight.iter()),
            c.bias.as_ref().is_none_or(|b| finite(b.iter())),
        ),
        LayerKind::Dense(d) => (
            finite(d.weight.iter()),
            d.bias.as_ref().is_none_or(|b| finite(b.iter())),
        ),
        _ => (true, true),
    };
    for (ok, tensor) in [(weight_ok, "weight"), (bias_ok, "bias")] {
        if !ok {
            return Err(Error::NonFinite {
                layer: layer.name.clone(),
                tensor: format!("{}.{tensor}", layer.name),
            });
        }
    }
    Ok(())
}

impl Model {
    /// Checks everything once: input, layer names, finite weights, sizes and every shape.
    pub fn new(info: ModelInfo, input: InputSpec, layers: Vec<Layer>) -> Result<Model> {
        input.validate()?;
        if layers.len() > limits::MAX_LAYERS {
            return Err(Error::TooLarge {
                what: "the number of layers".into(),
                value: layers.len(),
                limit: limits::MAX_LAYERS,
            });
        }
        let mut names = HashSet::new();
        for layer in &layers {
            if !names.insert(layer.name.as_str()) {
                return Err(Error::BadField {
                    layer: layer.name.clone(),
                    field: "name".into(),
                    message: "another layer has the same name".into(),
                });
            }
            check_finite(layer)?;
        }
        let parameters: usize = layers.iter().map(Layer::parameter_count).sum();
        if parameters > limits::MAX_PARAMETERS {
            return Err(Error::TooLarge {
                what: "the number of parameters".into(),
                value: parameters,
                limit: limits::MAX_PARAMETERS,
            });
        }
        let shapes = infer_shapes(input.shape(), &layers)?;
        let outputs = shapes.last().copied().unwrap_or(input.shape()).len();
        if !info.labels.is_empty() && info.labels.len() != outputs {
            return Err(Error::BadField {
                layer: "model".into(),
                field: "labels".into(),
                message: format!(
                    "{} labels for {outputs} outputs of the last layer",
                    info.labels.len()
                ),
            });
        }
        Ok(Model {
            info,
            input,
            layers,
            shapes,
        })
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layers, for changing weight *values* in place (training). Shapes stay as built.
    pub fn layers_mut(&mut self) -> &mut [Layer] {
        &mut self.layers
    }

    /// Output shape of each layer, in order.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    pub fn output_shape(&self) -> Shape {
        self.shapes.last().copied().unwrap_or(self.input.shape())
    }

    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(Layer::parameter_count).sum()
    }

    /// The label of output `i`, or its number.
    pub fn label(&self, i: usize) -> String {
        self.info
            .labels
            .get(i)
            .cloned()
            .unwrap_or_else(|| i.to_string())
    }

    /// Indices of the pooling layers.
    pub fn pool_layers(&self) -> Vec<usize> {
        self.layers
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.kind, LayerKind::Pool2d(_)))
            .map(|(i, _)| i)
            .collect()
    }

    /// The same model with every pooling layer in `mode` (the weights stay as trained).
    pub fn with_pool_mode(&self, mode: PoolMode) -> Model {
        let mut model = self.clone();
        for layer in &mut model.layers {
            if let LayerKind::Pool2d(p) = &mut layer.kind {
                p.mode = mode;
            }
        }
        model
    }

    /// The same model with every pooling layer's window replaced; fails (naming the layer)
    /// when a later layer no longer fits, e.g. a dense layer trained for another size.
    pub fn with_pool_window(&self, window: Window) -> Result<Model> {
        let mut layers = self.layers.clone();
        for layer in &mut layers {
            if let LayerKind::Pool2d(p) = &mut layer.kind {
                p.window = window;
            }
        }
        Model::new(self.info.clone(), self.input.clone(), layers)
    }

    /// Runs the network on a normalised input [C,H,W] and returns every layer's output in order
    /// (the "trace" a visualiser draws).
    pub fn forward_all(&self, input: &Array3<f32>, options: &RunOptions) -> Result<Vec<Tensor>> {
        self.check_input(input)?;
        let mut outputs: Vec<Tensor> = Vec::with_capacity(self.layers.len());
        let mut current = Tensor::Maps(input.clone());
        for (i, layer) in self.layers.iter().enumerate() {
            let next = layer.forward(&current, i, options);
            outputs.push(std::mem::replace(&mut current, next));
        }
        // `outputs` now holds the input and every output but the last; shift by one.
        outputs.remove(0);
        outputs.push(current);
        Ok(outputs)
    }

    /// Runs the network on `input` and hands every layer's output to `visit(index, output)` as
    /// soon as it is made, keeping only the current one (for measurements over every stage that
    /// need not hold the whole trace). Returns the last output.
    pub fn forward_visit(
        &self,
        input: Array3<f32>,
        options: &RunOptions,
        mut visit: impl FnMut(usize, &Tensor),
    ) -> Result<Tensor> {
        self.check_input(&input)?;
        let mut current = Tensor::Maps(input);
        for (i, layer) in self.layers.iter().enumerate() {
            current = layer.forward(&current, i, options);
            visit(i, &current);
        }
        Ok(current)
    }

    /// Only the last layer's output, without keeping the intermediate ones.
    pub fn forward(&self, input: &Array3<f32>, options: &RunOptions) -> Result<Tensor> {
        self.forward_visit(input.clone(), options, |_, _| {})
    }

    fn check_input(&self, input: &Array3<f32>) -> Result<()> {
        let (c, h, w) = input.dim();
        let got = Shape::maps(c, h, w);
        if got != self.input.shape() {
            return Err(Error::InputShape {
                layer: "input".into(),
                expected: self.input.shape().to_string(),
                got: got.to_string(),
            });
        }
        Ok(())
    }
}
