//! A network: its input, its layers in order, and every layer's output shape, checked once.
//! What it says about itself is in [`info`] and [`input`], how it runs in `forward.rs`.

mod forward;
pub(crate) mod info;
pub(crate) mod input;

pub use info::ModelInfo;
pub(crate) use info::Translation;
pub use input::InputSpec;

use super::error::{Error, Result};
use super::graph::{self, Source};
use super::kernels::{ConvKernel, PackCache};
use super::layer::{Layer, LayerKind};
use super::layers::pool::PoolMode;
use super::limits;
use super::tensor::Shape;
use super::window::Window;
use crate::engine::grad::transposed::TransposeCache;
use ndarray::{Array3, ArrayViewD};
use std::collections::HashSet;
use std::sync::Arc;

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
    /// Each stride-1 convolution as the convolution of its input gradient, made on the first
    /// gradient through it (attribution, feature visualisation).
    transposed: TransposeCache,
}

/// Output shape of every layer in turn, or the first layer that cannot run (the training
/// tests build their networks with it).
#[cfg(test)]
pub(crate) fn infer_shapes(input: Shape, layers: &[Layer]) -> Result<Vec<Shape>> {
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
pub(crate) fn layer_tensors(kind: &LayerKind) -> Vec<(&'static str, ArrayViewD<'_, f32>)> {
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
        LayerKind::LayerNorm(ln) => vec![("weight", slice(&ln.weight)), ("bias", slice(&ln.bias))],
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
    pub(crate) fn with_sources(
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
            transposed: TransposeCache::new(layers.len()),
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
    pub(crate) fn layers_mut(&mut self) -> &mut [Layer] {
        // The packed weights no longer say what the layers do.
        self.packed = PackCache::new(self.layers.len());
        self.transposed = TransposeCache::new(self.layers.len());
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

    /// Whether each layer reads the one before it (no branches, no merges).
    pub fn is_chain(&self) -> bool {
        (0..self.layers().len()).all(|i| self.sources(i) == [graph::chained(i)])
    }

    /// Output shape of each layer, in order.
    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// The cache of transposed convolutions (see [`TransposeCache`]).
    pub(crate) fn transposed(&self) -> &TransposeCache {
        &self.transposed
    }

    /// How layer `i` is computed when it is a convolution (picked when the model was built).
    pub fn conv_kernel(&self, i: usize) -> Option<ConvKernel> {
        self.conv_kernels.get(i).copied().flatten()
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
    pub(crate) fn pool_layers(&self) -> Vec<usize> {
        self.layers
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.kind, LayerKind::Pool2d(_)))
            .map(|(i, _)| i)
            .collect()
    }

    /// The same model with every pooling layer in `mode` (the weights stay as trained).
    pub(crate) fn with_pool_mode(&self, mode: PoolMode) -> Model {
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
    pub(crate) fn with_pool_window(&self, window: Window) -> Result<Model> {
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
