//! The wiring of a network: which earlier outputs each layer reads. A network is a directed
//! acyclic graph whose layers are listed so that every layer comes after the layers it reads
//! (a topological order); a chain, where each layer reads the one before it, is the special
//! case every `convscope/1` file without `inputs` describes. The forward passes here run any
//! such graph (`model/forward.rs`) and hand out every layer's output in that order, as for a
//! chain.

use super::error::{Error, Result};
use super::layer::Layer;
use super::tensor::Shape;

/// Where a layer's input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The network's (normalised) input.
    Input,
    /// The output of the layer at this index.
    Layer(usize),
}

/// The name a model file uses for the network's input in a layer's `inputs`.
pub(crate) const INPUT_NAME: &str = "input";

/// What layer `i` of a chain reads: the layer before it, or the input for the first.
pub(crate) fn chained(i: usize) -> Source {
    match i {
        0 => Source::Input,
        _ => Source::Layer(i - 1),
    }
}

/// The wiring of a chain of `n` layers.
pub(crate) fn chain(n: usize) -> Vec<Vec<Source>> {
    (0..n).map(|i| vec![chained(i)]).collect()
}

/// Layer `index`'s sources from the names in its `inputs`, given every layer's name in order
/// (`all`). Only layers before `index` can be read: a later one would make a cycle or need
/// another order.
pub(crate) fn resolve(
    layer: &str,
    index: usize,
    names: &[String],
    all: &[&str],
) -> Result<Vec<Source>> {
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
pub(crate) fn source_names(layers: &[Layer], sources: &[Vec<Source>]) -> Vec<Option<Vec<String>>> {
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
pub(crate) fn infer_graph_shapes(
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
pub(crate) fn last_reader(sources: &[Vec<Source>]) -> Vec<Option<usize>> {
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
