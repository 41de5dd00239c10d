//! A network: its input, its layers in order, and every layer's output shape, checked once.

use super::error::{Error, Result};
use super::graph::{self, Source};
use super::kernels::{self, Clamp, ConvKernel, PackCache};
use super::layer::{Layer, LayerKind, RunOptions};
use super::layers::pool::PoolMode;
use super::limits;
use super::tensor::{Shape, Tensor};
use super::window::Window;
use ndarray::{Array3, ArrayViewD};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

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
    /// One name per kernel of a convolution, by layer name, for hand-made filters
    /// (`"Sobel x"`); most models have none.
    pub kernel_names: BTreeMap<String, Vec<String>>,
    /// The text above in other languages, by language code (`"zh"`); English (the fields
    /// above) is the fallback for anything a translation leaves out.
    pub translations: BTreeMap<String, Translation>,
    /// For a model that reads recordings (`"kind": "audio"`): how a recording becomes its
    /// input maps. `None` for images.
    pub audio: Option<super::AudioSpec>,
}

/// A model's text in one other language; empty fields fall back to the English.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Translation {
    pub description: Option<String>,
    /// One per output, as `ModelInfo::labels`, or empty.
    pub labels: Vec<String>,
    pub kernel_names: BTreeMap<String, Vec<String>>,
}

impl ModelInfo {
    /// The info with its text in `lang` (a code of `translations`) where a translation has
    /// it, English elsewhere.
    pub fn localized(&self, lang: &str) -> ModelInfo {
        let mut info = self.clone();
        let Some(t) = self.translations.get(lang) else {
            return info;
        };
        if let Some(d) = &t.description {
            info.description = d.clone();
        }
        if !t.labels.is_empty() && t.labels.len() == info.labels.len() {
            info.labels = t.labels.clone();
        }
        for (layer, names) in &t.kernel_names {
            if let Some(english) = info.kernel_names.get_mut(layer)
                && english.len() == names.len()
            {
                *english = names.clone();
            }
        }
        info
    }

    /// The info without class names in any language (for a network cut before its classes).
    pub fn without_labels(&self) -> ModelInfo {
        let mut info = self.clone();
        info.labels.clear();
        for t in info.translations.values_mut() {
            t.labels.clear();
        }
        info
    }

    /// Kernel names and translated labels that do not fit the layers: every list as long as
    /// what it names.
    fn validate_text(&self, layers: &[Layer], outputs: usize) -> Result<()> {
        let bad = |field: String, message: String| {
            Err(Error::BadField {
                layer: "model".into(),
                field,
                message,
            })
        };
        let kernels = |layer: &str| {
            layers
                .iter()
                .find(|l| l.name == layer)
                .and_then(|l| match &l.kind {
                    LayerKind::Conv2d(c) => Some(c.out_channels()),
                    _ => None,
                })
        };
        let check_names = |field: String, names: &BTreeMap<String, Vec<String>>| {
            for (layer, list) in names {
                match kernels(layer) {
                    None => {
                        return bad(
                            field,
                            format!("names kernels of {layer:?}, which is not a convolution"),
                        );
                    }
                    Some(n) if n != list.len() => {
                        return bad(
                            field,
                            format!("{} names for the {n} kernels of {layer}", list.len()),
                        );
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        };
        check_names("kernel_names".into(), &self.kernel_names)?;
        for (lang, t) in &self.translations {
            if !t.labels.is_empty() && t.labels.len() != outputs {
                return bad(
                    format!("translations.{lang}.labels"),
                    format!(
                        "{} labels for {outputs} outputs of the last layer",
                        t.labels.len()
                    ),
                );
            }
            check_names(format!("translations.{lang}.kernel_names"), &t.kernel_names)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub info: ModelInfo,
    pub input: InputSpec,
    /// Shared between copies: cloning a model (a localized copy, the app's running network)
    /// copies no weights; the first change of one copy's weights ([`Model::layers_mut`])
    /// gives it its own.
    layers: Arc<Vec<Layer>>,
    /// What each layer reads: `sources[i]` for `layers[i]`, every source before it.
    sources: Vec<Vec<Source>>,
    /// `shapes[i]` is the output shape of `layers[i]`.
    shapes: Vec<Shape>,
    /// How each convolution is computed, picked from its input size when the model is built
    /// (`None` for other layers).
    conv_kernels: Vec<Option<ConvKernel>>,
    /// The matrix product's packed weights of each convolution, made on its first pass.
    packed: PackCache,
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

/// The layer's stored tensors by their file name (`weight`, `bias`, `running_mean`, ...).
pub fn layer_tensors(kind: &LayerKind) -> Vec<(&'static str, ArrayViewD<'_, f32>)> {
    fn slice<D: ndarray::Dimension>(a: &ndarray::Array<f32, D>) -> ArrayViewD<'_, f32> {
        a.view().into_dyn()
    }
    match kind {
        LayerKind::Conv2d(c) => {
            let mut v = vec![("weight", slice(&c.weight))];
            v.extend(c.bias.as_ref().map(|b| ("bias", slice(b))));
            v
        }
        LayerKind::Dense(d) => {
            let mut v = vec![("weight", slice(&d.weight))];
            v.extend(d.bias.as_ref().map(|b| ("bias", slice(b))));
            v
        }
        LayerKind::BatchNorm(bn) => vec![
            ("weight", slice(&bn.weight)),
            ("bias", slice(&bn.bias)),
            ("running_mean", slice(&bn.running_mean)),
            ("running_var", slice(&bn.running_var)),
        ],
        LayerKind::Prelu(p) => vec![("weight", slice(&p.weight))],
        _ => vec![],
    }
}

fn check_finite(layer: &Layer) -> Result<()> {
    for (tensor, values) in layer_tensors(&layer.kind) {
        if !values.iter().all(|v| v.is_finite()) {
            return Err(Error::NonFinite {
                layer: layer.name.clone(),
                tensor: format!("{}.{tensor}", layer.name),
            });
        }
    }
    Ok(())
}

impl Model {
    /// A chain of layers, each reading the one before it; checks everything once: input, layer
    /// names, finite weights, sizes and every shape.
    pub fn new(info: ModelInfo, input: InputSpec, layers: Vec<Layer>) -> Result<Model> {
        let sources = graph::chain(layers.len());
        Model::with_sources(info, input, layers, sources)
    }

    /// A graph: layer `i` reads the outputs `sources[i]` names, each of the input or of a
    /// layer before it. Checks as [`Model::new`] does, over the graph.
    pub fn with_sources(
        info: ModelInfo,
        input: InputSpec,
        layers: Vec<Layer>,
        sources: Vec<Vec<Source>>,
    ) -> Result<Model> {
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
        let shapes = graph::infer_graph_shapes(input.shape(), &layers, &sources)?;
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
        info.validate_text(&layers, outputs)?;
        let conv_kernels = layers
            .iter()
            .zip(&sources)
            .map(|(layer, srcs)| {
                let shape = match srcs.first() {
                    Some(Source::Layer(j)) => shapes[*j],
                    _ => input.shape(),
                };
                (layer, shape)
            })
            .map(|(layer, shape)| match (&layer.kind, shape) {
                (
                    LayerKind::Conv2d(conv),
                    Shape::Maps {
                        channels,
                        height,
                        width,
                    },
                ) => Some(ConvKernel::choose(conv, (channels, height, width))),
                _ => None,
            })
            .collect();
        Ok(Model {
            packed: PackCache::new(layers.len()),
            info,
            input,
            layers: Arc::new(layers),
            sources,
            shapes,
            conv_kernels,
        })
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layers, for changing weight *values* in place (training). Shapes stay as built.
    pub fn layers_mut(&mut self) -> &mut [Layer] {
        // The packed weights no longer say what the layers do.
        self.packed = PackCache::new(self.layers.len());
        let layers: &mut Vec<Layer> = Arc::make_mut(&mut self.layers);
        layers
    }

    /// What layer `i` reads, in order.
    pub fn sources(&self, i: usize) -> &[Source] {
        &self.sources[i]
    }

    /// What every layer reads.
    pub fn all_sources(&self) -> &[Vec<Source>] {
        &self.sources
    }

    /// Output shape of each layer, in order.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// How layer `i` is computed when it is a convolution (picked when the model was built).
    pub fn conv_kernel(&self, i: usize) -> Option<ConvKernel> {
        self.conv_kernels.get(i).copied().flatten()
    }

    /// Runs layer `i` on `input`, a convolution by the kernel picked for it.
    pub fn run_layer(&self, i: usize, input: &Tensor, options: &RunOptions) -> Tensor {
        self.run_layer_clamped(i, input, options, None)
    }

    /// [`Model::run_layer`], then `clamp` (the activation after a convolution, which the
    /// convolution's kernel applies as it writes its output).
    pub(super) fn run_layer_clamped(
        &self,
        i: usize,
        input: &Tensor,
        options: &RunOptions,
        clamp: Option<Clamp>,
    ) -> Tensor {
        let layer = &self.layers[i];
        match (&layer.kind, input, self.conv_kernel(i)) {
            (LayerKind::Conv2d(conv), Tensor::Maps(x), Some(kernel)) => {
                let packed = kernel.packs().then(|| self.packed.get(i, conv)).flatten();
                Tensor::Maps(kernels::forward_clamped(
                    conv,
                    kernel,
                    x.view(),
                    packed,
                    clamp,
                ))
            }
            _ => {
                let mut out = layer.forward(input, i, options);
                match (clamp, &mut out) {
                    (Some(clamp), Tensor::Maps(a)) => clamp.apply_array(a),
                    (Some(clamp), Tensor::Vector(v)) => clamp.apply_array(v),
                    (None, _) => {}
                }
                out
            }
        }
    }

    pub fn output_shape(&self) -> Shape {
        self.shapes.last().copied().unwrap_or(self.input.shape())
    }

    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(Layer::parameter_count).sum()
    }

    /// Whether the network's last output is one score per class, the rule the app and the CLI
    /// share for "has a prediction": it ends in softmax (or log-softmax), or in a dense layer
    /// (the logits most exported classifiers end in: their classes are shown by number until
    /// they have labels), or its output is a vector (or maps of 1x1, as global average pooling
    /// leaves them) with exactly one value per label. A network without labels, softmax or a
    /// final dense layer (hand-made filters, a network cut before its dense layer) has no
    /// classifier.
    pub fn ends_in_classes(&self) -> bool {
        let out = self.output_shape();
        match self.layers.last().map(|l| &l.kind) {
            Some(LayerKind::Softmax | LayerKind::LogSoftmax) => return true,
            Some(LayerKind::Dense(_)) if matches!(out, Shape::Vector(n) if n > 1) => return true,
            _ => {}
        }
        let one_value_per_position = match out {
            Shape::Vector(_) => true,
            Shape::Maps { height, width, .. } => height == 1 && width == 1,
        };
        one_value_per_position
            && !self.info.labels.is_empty()
            && out.len() == self.info.labels.len()
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
        for layer in model.layers_mut() {
            if let LayerKind::Pool2d(p) = &mut layer.kind {
                p.mode = mode;
            }
        }
        model
    }

    /// The same model with every pooling layer's window replaced; fails (naming the layer)
    /// when a later layer no longer fits, e.g. a dense layer trained for another size.
    pub fn with_pool_window(&self, window: Window) -> Result<Model> {
        let mut layers = self.layers.to_vec();
        for layer in &mut layers {
            if let LayerKind::Pool2d(p) = &mut layer.kind {
                p.window = window;
            }
        }
        Model::with_sources(
            self.info.clone(),
            self.input.clone(),
            layers,
            self.sources.clone(),
        )
    }

    pub(super) fn check_input(&self, input: &Array3<f32>) -> Result<()> {
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
