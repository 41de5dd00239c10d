//! Layer normalisation spelt out node by node, as the TorchScript exporter writes
//! `F.layer_norm` below opset 17 and as hand-written `(x - u) / sqrt(s + eps) * w + b` exports:
//! ReduceMean over the channels, Sub, Pow 2 (or the difference times itself), ReduceMean, Add
//! eps, Sqrt, Div, then Mul by a weight and Add a bias, one value per channel. The channels are
//! the last axis of channels-last data (ConvNeXt's `permute(0, 2, 3, 1)`), axis 1 of
//! `[1, C, H, W]` (LayerNorm2d written with `mean(dim=1, keepdim=True)`), or a vector's.
//!
//! Like the spelt-out activations of `exprs.rs`, each node's value records how far the
//! normalisation has got; the finished one becomes one layer_norm stage, named after the
//! module it came from, when something else reads it. Any node that reads a part of it
//! (the mean, the difference, the variance...) other than as the next step is refused.

use super::attrs::{Attrs, node_name};
use super::error::{NodeError, refused};
use super::graph::{Value, Walker, source};
use super::norm_step::{Spelt, Step};
use super::proto::NodeProto;
use super::registry::DataInput;
use super::views::{along_axis, per_channel_values};
use crate::engine::{BatchNorm, Layer, LayerKind, LayerNorm, Shape};
use ndarray::Array1;

/// What one input of a node is, for matching the next step.
enum Term<'a> {
    Spelt(&'a Spelt),
    Data(&'a str),
    Other,
}

impl Walker<'_> {
    /// Handles the node when it starts, continues or reads a layer normalisation spelt out
    /// (`step`: its operator is registered as one of the steps): `true` when the node's output
    /// is a step of one; otherwise a finished normalisation it reads has become its stage (in
    /// `data` too) and the usual handlers take the node.
    pub(super) fn spelt_norm(
        &mut self,
        node: &NodeProto,
        step: bool,
        data: &mut [DataInput],
    ) -> Result<bool, NodeError> {
        let reads_one = data.iter().any(|(_, _, v)| matches!(v, Value::Norm(_)));
        let next = match (step, reads_one) {
            (false, false) => return Ok(false),
            (true, false) => self.start(node, data)?,
            (true, true) => self.next_step(node, data)?,
            (false, true) => None,
        };
        if let Some(spelt) = next {
            self.set(node, Value::Norm(Box::new(spelt)));
            return Ok(true);
        }
        if !reads_one {
            return Ok(false);
        }
        for (_, name, value) in data.iter_mut() {
            if let Value::Norm(spelt) = value {
                if !matches!(spelt.step, Step::Normalised { .. }) {
                    return Err(part_read(node, name, spelt));
                }
                *value = self.materialize_norm(name)?;
            }
        }
        Ok(false)
    }

    /// ReduceMean over the channels of the data, keeping its axes: the first step.
    fn start(&self, node: &NodeProto, data: &[DataInput]) -> Result<Option<Spelt>, NodeError> {
        let [(0, name, Value::Data { shape, layer })] = data else {
            return Ok(None);
        };
        if node.op_type() != "ReduceMean" {
            return Ok(None);
        }
        let Some(axis) = self.channel_axis(name, *shape) else {
            return Ok(None);
        };
        if !self.reduces_over(node, name, *shape, axis)? {
            return Ok(None);
        }
        Ok(Some(Spelt {
            x: name.clone(),
            shape: *shape,
            from: *layer,
            axis,
            start: node_name(node),
            last: node_name(node),
            step: Step::Mean,
        }))
    }

    /// The channel axis among the ONNX dimensions of the data value `name`: axis 1 of
    /// `[1, C, H, W]`, the last of channels-last data, a vector's one axis longer than one.
    fn channel_axis(&self, name: &str, shape: Shape) -> Option<usize> {
        match (shape, self.views.get(name)) {
            (Shape::Maps { .. }, None) => Some(1),
            (Shape::Maps { .. }, Some(view)) if view.channels_last() => Some(3),
            (Shape::Maps { .. }, Some(_)) => None,
            (Shape::Vector(n), _) => {
                let dims = self.data_dims(name, shape);
                if dims.iter().filter(|&&d| d != 1).count() > 1 {
                    return None;
                }
                dims.iter().rposition(|&d| d == n as i64)
            }
        }
    }

    /// Whether the ReduceMean node averages exactly axis `axis` of the data value `name`
    /// and keeps it (keepdims=1), so that the mean broadcasts back over the channels.
    fn reduces_over(
        &self,
        node: &NodeProto,
        name: &str,
        shape: Shape,
        axis: usize,
    ) -> Result<bool, NodeError> {
        let a = Attrs(&node.attribute);
        let axes = match self.const_input(node, 1)? {
            Some(c) => c.as_ints(),
            None => a.ints("axes"),
        };
        let rank = self.data_dims(name, shape).len() as i64;
        let one_axis = matches!(axes.as_deref(), Some(&[x]) if (if x < 0 { x + rank } else { x }) == axis as i64);
        Ok(one_axis && a.int("keepdims", 1) == 1)
    }

    /// The node as the next step of the normalisation it reads, if it is one.
    fn next_step(&self, node: &NodeProto, data: &[DataInput]) -> Result<Option<Spelt>, NodeError> {
        let term = |i: usize| -> Term {
            match data.iter().find(|(index, ..)| *index == i) {
                Some((_, _, Value::Norm(s))) => Term::Spelt(s),
                Some((_, name, Value::Data { .. })) => Term::Data(name),
                _ => Term::Other,
            }
        };
        let (a, b) = (term(0), term(1));
        let op = node.op_type();
        let step = match (op, &a, &b) {
            ("Sub", Term::Data(x), Term::Spelt(s)) if s.step == Step::Mean && s.x == *x => {
                Some((*s, Step::Centred))
            }
            ("Pow", Term::Spelt(s), Term::Other) if s.step == Step::Centred => {
                let two = self.scalar(node, 1)? == Some(2.0);
                two.then_some((*s, Step::Squared))
            }
            ("Mul", Term::Spelt(s), Term::Spelt(t))
                if s.step == Step::Centred && t.step == Step::Centred && same_data(s, t) =>
            {
                Some((*s, Step::Squared))
            }
            ("ReduceMean", Term::Spelt(s), _) if s.step == Step::Squared => self
                .reduces_over(node, &s.x, s.shape, s.axis)?
                .then_some((*s, Step::Variance)),
            ("Add", Term::Spelt(s), Term::Other) | ("Add", Term::Other, Term::Spelt(s))
                if s.step == Step::Variance =>
            {
                let other = if matches!(a, Term::Spelt(_)) { 1 } else { 0 };
                match self.scalar(node, other)? {
                    Some(eps) if eps.is_finite() && eps >= 0.0 => Some((*s, Step::Shifted(eps))),
                    _ => None,
                }
            }
            ("Sqrt", Term::Spelt(s), _) => match s.step {
                Step::Shifted(eps) => Some((*s, Step::Deviation(eps))),
                _ => None,
            },
            ("Div", Term::Spelt(s), Term::Spelt(t))
                if s.step == Step::Centred && same_data(s, t) =>
            {
                match t.step {
                    Step::Deviation(eps) => Some((
                        *s,
                        Step::Normalised {
                            eps,
                            weight: None,
                            bias: None,
                        },
                    )),
                    _ => None,
                }
            }
            ("Mul" | "Add", Term::Spelt(s), Term::Other)
            | ("Mul" | "Add", Term::Other, Term::Spelt(s)) => {
                let other = if matches!(a, Term::Spelt(_)) { 1 } else { 0 };
                self.affine(node, s, other)?.map(|step| (*s, step))
            }
            _ => None,
        };
        Ok(step.map(|(s, step)| Spelt {
            last: node_name(node),
            step,
            ..s.clone()
        }))
    }

    /// The single number input `i` holds, if it is a constant of one value.
    fn scalar(&self, node: &NodeProto, i: usize) -> Result<Option<f32>, NodeError> {
        Ok(match node.input.get(i) {
            Some(name) if !name.is_empty() => match self.value(name)? {
                Value::Const(c) if c.count() == 1 => c.as_floats().first().copied(),
                _ => None,
            },
            _ => None,
        })
    }

    /// The normalised data times a weight (before any bias) or plus a bias, one value per
    /// channel in input `other`: the normalisation with it.
    fn affine(&self, node: &NodeProto, s: &Spelt, other: usize) -> Result<Option<Step>, NodeError> {
        let Step::Normalised { eps, weight, bias } = &s.step else {
            return Ok(None);
        };
        let Some(c) = self.const_input(node, other)? else {
            return Ok(None);
        };
        let dims: Vec<usize> = self
            .data_dims(&s.x, s.shape)
            .iter()
            .map(|&d| d as usize)
            .collect();
        if !along_axis(&c.dims, &dims, s.axis) {
            return Ok(None);
        }
        let values = per_channel_values(&c, BatchNorm::channels_of(s.shape));
        Ok(match (node.op_type(), weight, bias) {
            ("Mul", None, None) => Some(Step::Normalised {
                eps: *eps,
                weight: Some(values),
                bias: None,
            }),
            ("Add", _, None) => Some(Step::Normalised {
                eps: *eps,
                weight: weight.clone(),
                bias: Some(values),
            }),
            _ => None,
        })
    }

    /// Turns the finished normalisation named `name` into its layer_norm stage; the value
    /// becomes the stage's output, laid out as the data it normalised.
    pub(super) fn materialize_norm(&mut self, name: &str) -> Result<Value, NodeError> {
        let Some(Value::Norm(spelt)) = self.values.get(name).cloned() else {
            return self.value(name);
        };
        let Step::Normalised { eps, weight, bias } = spelt.step.clone() else {
            return Err(refused(format!(
                "its output {name:?} is {} (from node {}): convscope reads a mean over the channels only as the start of a whole layer normalisation, (x - mean) / sqrt(var + eps) * weight + bias. Export at opset 17 or newer (LayerNormalization), or write it with nn.LayerNorm",
                spelt.step.what(),
                spelt.start
            )));
        };
        let channels = BatchNorm::channels_of(spelt.shape);
        let ln = LayerNorm {
            weight: Array1::from(weight.unwrap_or_else(|| vec![1.0; channels])),
            bias: Array1::from(bias.unwrap_or_else(|| vec![0.0; channels])),
            eps,
        };
        let stage = self
            .module_stage(&spelt.start, "layer_norm")
            .unwrap_or_else(|| spelt.last.clone());
        let (layer, shape) = self.add_layer(
            Layer {
                name: stage,
                kind: LayerKind::LayerNorm(ln),
            },
            vec![source(spelt.from)],
            &[spelt.shape],
            name.to_string(),
        )?;
        let value = Value::Data {
            shape,
            layer: Some(layer),
        };
        self.values.insert(name.to_string(), value.clone());
        if let Some(view) = self.views.get(&spelt.x).cloned() {
            self.views.insert(name.to_string(), view);
        }
        if let Some(&rank) = self.ranks.get(&spelt.x) {
            self.ranks.insert(name.to_string(), rank);
        }
        Ok(value)
    }
}

/// Whether two steps normalise the same data over the same axis.
fn same_data(s: &Spelt, t: &Spelt) -> bool {
    s.x == t.x && s.axis == t.axis
}

/// The refusal of a node that reads a part of a normalisation other than as its next step.
fn part_read(node: &NodeProto, name: &str, spelt: &Spelt) -> NodeError {
    refused(format!(
        "it reads {name:?}, {} (from node {}), and {} here is not the next step of a layer normalisation: convscope reads a mean over the channels only as the start of (x - mean) / sqrt(var + eps) * weight + bias, node by node (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul, Add). Export at opset 17 or newer (LayerNormalization), or write it with nn.LayerNorm",
        spelt.step.what(),
        spelt.start,
        node.op_type()
    ))
}
