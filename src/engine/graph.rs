//! The wiring of a network: which earlier outputs each layer reads. A network is a directed
//! acyclic graph whose layers are listed so that every layer comes after the layers it reads
//! (a topological order); a chain, where each layer reads the one before it, is the special
//! case every `convscope/1` file without `inputs` describes. The forward passes here run any
//! such graph and hand out every layer's output in that order, as for a chain.

use super::error::{Error, Result};
use super::kernels::Clamp;
use super::layer::{Layer, LayerKind, RunOptions};
use super::layers::merge::{Merge, add_into};
use super::model::Model;
use super::tensor::{Shape, Tensor};
use ndarray::Array3;

/// Where a layer's input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The network's (normalised) input.
    Input,
    /// The output of the layer at this index.
    Layer(usize),
}

/// The name a model file uses for the network's input in a layer's `inputs`.
pub const INPUT_NAME: &str = "input";

/// What layer `i` of a chain reads: the layer before it, or the input for the first.
pub fn chained(i: usize) -> Source {
    match i {
        0 => Source::Input,
        _ => Source::Layer(i - 1),
    }
}

/// The wiring of a chain of `n` layers.
pub fn chain(n: usize) -> Vec<Vec<Source>> {
    (0..n).map(|i| vec![chained(i)]).collect()
}

/// Layer `index`'s sources from the names in its `inputs`, given every layer's name in order
/// (`all`). Only layers before `index` can be read: a later one would make a cycle or need
/// another order.
pub fn resolve(layer: &str, index: usize, names: &[String], all: &[&str]) -> Result<Vec<Source>> {
    let bad = |message: String| Error::BadField {
        layer: layer.into(),
        field: "inputs".into(),
        message,
    };
    if names.is_empty() {
        return Err(bad(
            "is empty: name the layers it reads (or leave `inputs` out to read the layer before)"
                .into(),
        ));
    }
    names
        .iter()
        .map(|name| {
            if name == INPUT_NAME {
                return Ok(Source::Input);
            }
            match all.iter().position(|l| l == name) {
                Some(j) if j < index => Ok(Source::Layer(j)),
                Some(_) if name == layer => Err(bad(format!(
                    "{name:?} is the layer itself: a layer cannot read its own output (a cycle)"
                ))),
                Some(_) => Err(bad(format!(
                    "{name:?} comes after this layer: list layers so that every input comes first (a cycle is not allowed)"
                ))),
                None => Err(bad(format!(
                    "{name:?} is not the name of a layer (nor \"{INPUT_NAME}\", the network's input)"
                ))),
            }
        })
        .collect()
}

/// The sources of each layer, as names for a model file: `None` where a layer reads the one
/// before it (so a chain writes no `inputs` at all).
pub fn source_names(layers: &[Layer], sources: &[Vec<Source>]) -> Vec<Option<Vec<String>>> {
    let chained = chain(layers.len());
    sources
        .iter()
        .zip(&chained)
        .map(|(s, c)| {
            (s != c).then(|| {
                s.iter()
                    .map(|src| match src {
                        Source::Input => INPUT_NAME.to_string(),
                        Source::Layer(j) => layers[*j].name.clone(),
                    })
                    .collect()
            })
        })
        .collect()
}

/// The output shape of every layer of a graph, or the first layer that cannot run; checks
/// that every layer reads only layers before it.
pub fn infer_graph_shapes(
    input: Shape,
    layers: &[Layer],
    sources: &[Vec<Source>],
) -> Result<Vec<Shape>> {
    if sources.len() != layers.len() {
        return Err(Error::Invalid(format!(
            "{} layers but {} lists of inputs",
            layers.len(),
            sources.len()
        )));
    }
    let mut shapes: Vec<Shape> = Vec::with_capacity(layers.len());
    for (i, (layer, srcs)) in layers.iter().zip(sources).enumerate() {
        let mut ins = Vec::with_capacity(srcs.len());
        for s in srcs {
            ins.push(match *s {
                Source::Input => input,
                Source::Layer(j) if j < i => shapes[j],
                Source::Layer(j) => {
                    return Err(Error::BadField {
                        layer: layer.name.clone(),
                        field: "inputs".into(),
                        message: format!(
                            "reads layer {j} ({}), which does not come before it",
                            layers.get(j).map_or("none", |l| l.name.as_str())
                        ),
                    });
                }
            });
        }
        shapes.push(layer.output_shape_of(&ins)?);
    }
    Ok(shapes)
}

/// For each layer, the index of the last layer that reads its output (`None`: nobody).
fn last_reader(sources: &[Vec<Source>]) -> Vec<Option<usize>> {
    let mut last = vec![None; sources.len()];
    for (i, srcs) in sources.iter().enumerate() {
        for s in srcs {
            if let Source::Layer(j) = *s {
                last[j] = Some(i);
            }
        }
    }
    last
}

impl Model {
    /// Whether each layer reads the one before it (no branches, no merges).
    pub fn is_chain(&self) -> bool {
        (0..self.layers().len()).all(|i| self.sources(i) == [chained(i)])
    }

    /// The shape of what layer `i` reads first (its only input, but for merging layers).
    pub fn input_shape_of(&self, i: usize) -> Shape {
        match self.sources(i).first() {
            Some(Source::Layer(j)) => self.shapes()[*j],
            _ => self.input.shape(),
        }
    }

    /// Runs layer `i` on the outputs it reads (in the order of its sources).
    pub fn run_node(&self, i: usize, inputs: &[&Tensor], options: &RunOptions) -> Tensor {
        match (&self.layers()[i].kind, inputs) {
            (LayerKind::Merge(m), _) => m.forward(inputs),
            (_, [x]) => self.run_layer(i, x, options),
            _ => panic!(
                "layer {} got {} inputs: sources are checked when the model is built",
                self.layers()[i].name,
                inputs.len()
            ),
        }
    }

    /// Runs the network on a normalised input [C,H,W] and returns every layer's output in order
    /// (the "trace" a visualiser draws).
    pub fn forward_all(&self, input: &Array3<f32>, options: &RunOptions) -> Result<Vec<Tensor>> {
        self.check_input(input)?;
        let input = Tensor::Maps(input.clone());
        let mut outputs: Vec<Tensor> = Vec::with_capacity(self.layers().len());
        for i in 0..self.layers().len() {
            let next = {
                let ins: Vec<&Tensor> = self
                    .sources(i)
                    .iter()
                    .map(|s| match *s {
                        Source::Input => &input,
                        Source::Layer(j) => &outputs[j],
                    })
                    .collect();
                self.run_node(i, &ins, options)
            };
            outputs.push(next);
        }
        Ok(outputs)
    }

    /// Runs the network on `input` and hands every layer's output to `visit(index, output)` as
    /// soon as it is made, keeping only the outputs later layers still read (for a chain, the
    /// current one), for measurements over every stage that need not hold the whole trace.
    /// Returns the last output.
    pub fn forward_visit(
        &self,
        input: Array3<f32>,
        options: &RunOptions,
        visit: impl FnMut(usize, &Tensor),
    ) -> Result<Tensor> {
        self.run_graph(input, options, false, visit)
    }

    /// [`Model::forward_visit`]; with `fuse`, a convolution whose output only a ReLU or a
    /// clip reads applies it itself ([`Model::clamp_after`]) and the activation is not run
    /// (nor visited): the same last output, one pass less over its maps.
    fn run_graph(
        &self,
        input: Array3<f32>,
        options: &RunOptions,
        fuse: bool,
        mut visit: impl FnMut(usize, &Tensor),
    ) -> Result<Tensor> {
        self.check_input(&input)?;
        let n = self.layers().len();
        let input = Tensor::Maps(input);
        let last = last_reader(self.all_sources());
        let mut kept: Vec<Option<Tensor>> = vec![None; n];
        let mut out = None;
        let mut i = 0;
        while i < n {
            let clamp = if fuse {
                self.clamp_after(i, &last)
            } else {
                None
            };
            // The layer whose output this step makes: the activation when it is fused.
            let done = if clamp.is_some() { i + 1 } else { i };
            let in_place = match clamp {
                None => self.run_in_place(i, &last, &mut kept, &input),
                Some(_) => None,
            };
            let next = match in_place {
                Some(next) => next,
                None => {
                    let ins: Vec<&Tensor> = self
                        .sources(i)
                        .iter()
                        .map(|s| match *s {
                            Source::Input => &input,
                            Source::Layer(j) => {
                                kept[j].as_ref().expect("kept until its last reader")
                            }
                        })
                        .collect();
                    match clamp {
                        // A fused convolution: one input (`clamp_after`).
                        Some(_) => self.run_layer_clamped(i, ins[0], options, clamp),
                        None => self.run_node(i, &ins, options),
                    }
                }
            };
            visit(done, &next);
            // Hand back what no later layer reads.
            for s in self.sources(i) {
                if let Source::Layer(j) = *s
                    && last[j] == Some(i)
                {
                    kept[j] = None;
                }
            }
            if done + 1 == n {
                out = Some(next);
            } else if last[done].is_some() {
                kept[done] = Some(next);
            }
            i = done + 1;
        }
        Ok(out.unwrap_or(input))
    }

    /// The clamp of the activation after layer `i` when `i` is a convolution on maps whose
    /// output only that activation reads (ResNet's conv + ReLU, MobileNetV2's conv + ReLU6),
    /// so the convolution can apply it as it writes its output.
    fn clamp_after(&self, i: usize, last: &[Option<usize>]) -> Option<Clamp> {
        let LayerKind::Activation(f) = self.layers().get(i + 1)?.kind else {
            return None;
        };
        let conv =
            matches!(self.layers()[i].kind, LayerKind::Conv2d(_)) && self.conv_kernel(i).is_some();
        let only_reader = last[i] == Some(i + 1) && self.sources(i + 1) == [Source::Layer(i)];
        if conv && only_reader {
            Clamp::of(f)
        } else {
            None
        }
    }

    /// Layer `i` computed in its first input's memory, when it is an element-wise activation,
    /// a batch norm or an `add` and nothing after it reads that input (ResNet's and
    /// MobileNetV2's ReLUs and residual sums, VGG's batch norms: no new maps, one pass over
    /// the values); `None` otherwise.
    fn run_in_place(
        &self,
        i: usize,
        last: &[Option<usize>],
        kept: &mut [Option<Tensor>],
        input: &Tensor,
    ) -> Option<Tensor> {
        let sources = self.sources(i);
        let Some(&Source::Layer(j)) = sources.first() else {
            return None;
        };
        if last[j] != Some(i) || sources[1..].contains(&Source::Layer(j)) {
            return None;
        }
        match &self.layers()[i].kind {
            LayerKind::Activation(f) if sources.len() == 1 => {
                let mut t = kept[j].take()?;
                f.map_in_place(&mut t);
                Some(t)
            }
            LayerKind::BatchNorm(bn) if sources.len() == 1 => {
                let mut t = kept[j].take()?;
                bn.forward_in_place(&mut t);
                Some(t)
            }
            LayerKind::Merge(Merge::Add) => {
                let mut t = kept[j].take()?;
                let rest: Vec<&Tensor> = sources[1..]
                    .iter()
                    .map(|s| match *s {
                        Source::Input => input,
                        Source::Layer(m) => kept[m].as_ref().expect("kept until its last reader"),
                    })
                    .collect();
                add_into(&mut t, &rest);
                Some(t)
            }
            _ => None,
        }
    }

    /// Only the last layer's output, without keeping the intermediate ones (and with each
    /// ReLU or clip after a convolution applied by the convolution, [`Model::clamp_after`]).
    pub fn forward(&self, input: &Array3<f32>, options: &RunOptions) -> Result<Tensor> {
        self.run_graph(input.clone(), options, true, |_, _| {})
    }
}
