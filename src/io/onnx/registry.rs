//! The ONNX operators the reader maps, by name: what it does with a node of each, depending on
//! what reaches the node (constants, the network's data, several branches of it, a Pad node's
//! padding). Each family of operators registers its own handlers (`ops/*.rs`, as tract's
//! `register_all_ops`); the walker only looks them up here, and the list of supported
//! operators in errors and docs is generated from the same entries, so it cannot drift.

use super::elementwise::BinOp;
use super::error::NodeError;
use super::graph::{Value, Walker};
use super::proto::NodeProto;
use super::tensors::Const;
use crate::engine::LayerType;
use crate::engine::{Activation, LayerKind, Shape};
use std::collections::HashMap;

/// The network's data reaching a node: its shape, the layer that made it (`None`: the input)
/// and the padding (top, left, bottom, right) a Pad node before it added.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct DataIn {
    pub shape: Shape,
    pub from: Option<usize>,
    pub extra: [usize; 4],
}

/// One data input of a node: its index among the node's inputs, its name and value.
pub(super) type DataInput = (usize, String, Value);

/// Reads a node whatever its inputs are (`Shape` needs only the data's shape).
pub(super) type AnyFn = fn(&mut Walker, &NodeProto) -> Result<(), NodeError>;
/// Evaluates a node whose inputs are all constants, at load.
pub(super) type FoldFn = fn(&Walker, &NodeProto) -> Result<Const, NodeError>;
/// The activation an activation node applies to its first input.
pub(super) type ActivationFn = fn(&Walker, &NodeProto) -> Result<Activation, NodeError>;
/// Joins several data values into one layer.
pub(super) type JoinFn = fn(&mut Walker, &NodeProto, &[DataInput]) -> Result<(), NodeError>;
/// A node on one data value: the layer it becomes (named after the node), or `None` when the
/// handler has recorded the node's output itself (an alias, a folded bias, two stages).
pub(super) type LayerFn =
    fn(&mut Walker, &NodeProto, DataIn) -> Result<Option<LayerKind>, NodeError>;

/// How a node is part of an element-wise expression of the data.
#[derive(Clone, Copy)]
pub(super) enum Elementwise {
    /// An activation node.
    Activation(ActivationFn),
    /// Arithmetic of two terms.
    Binary(BinOp),
    /// The error function of its input.
    Erf,
}

/// Which padding of a Pad node before it a Conv or pooling node takes over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum PadRule {
    /// Padding with zeros only (Conv, AveragePool).
    Zeros,
    /// Padding with -inf, or zeros where its input is never negative (MaxPool).
    Max,
}

/// What the reader does with a node of one operator; each part is registered by the family
/// that handles it.
#[derive(Default)]
pub(super) struct Op {
    pub any: Option<AnyFn>,
    pub fold: Option<FoldFn>,
    pub elementwise: Option<Elementwise>,
    /// With `true` when even a single data input is joined (Concat, Sum).
    pub join: Option<(JoinFn, bool)>,
    pub layer: Option<LayerFn>,
    pub after_pad: Option<PadRule>,
    /// A step of a layer normalisation spelt out node by node (`norm_spelt.rs`).
    pub norm_step: bool,
    /// The layer kinds a node of this operator can become.
    pub makes: Vec<LayerType>,
}

impl Op {
    /// Records that a node of this operator can become a layer of each of `types`.
    pub(super) fn makes(&mut self, types: &[LayerType]) -> &mut Op {
        for t in types {
            if !self.makes.contains(t) {
                self.makes.push(*t);
            }
        }
        self
    }

    /// Lets the node take over the padding of a Pad node before it.
    pub(super) fn after_pad(&mut self, rule: PadRule) -> &mut Op {
        self.after_pad = Some(rule);
        self
    }
}

/// The parts of the list of supported operators, in the words of its message.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Listed {
    /// A layer (or an activation): `Name (note)`.
    Layer,
    /// Element-wise arithmetic spelling out an activation.
    Arithmetic,
    /// The steps of a layer normalisation spelt out node by node.
    Norm,
    /// Joining branches: `Name note`.
    Join,
    /// Evaluated at load.
    Constant,
}

/// Every operator the reader maps, by name, and the order they were registered in.
#[derive(Default)]
pub(super) struct Registry {
    ops: HashMap<&'static str, Op>,
    listing: Vec<(&'static str, Listed, &'static str)>,
}

impl Registry {
    pub(super) fn get(&self, name: &str) -> Option<&Op> {
        self.ops.get(name)
    }

    fn entry(&mut self, name: &'static str, listed: Listed, note: &'static str) -> &mut Op {
        self.listing.push((name, listed, note));
        self.ops.entry(name).or_default()
    }

    /// `name` read whatever its inputs are.
    pub(super) fn any(&mut self, name: &'static str, f: AnyFn) -> &mut Op {
        let op = self.entry(name, Listed::Constant, "");
        assert!(op.any.replace(f).is_none(), "{name} registered twice");
        op
    }

    /// `name` evaluated at load when its inputs are constants.
    pub(super) fn fold(&mut self, name: &'static str, f: FoldFn) -> &mut Op {
        let op = self.entry(name, Listed::Constant, "");
        assert!(op.fold.replace(f).is_none(), "{name} registered twice");
        op
    }

    /// `name` as an activation node (`note`: what the list says beside its name).
    pub(super) fn activation(
        &mut self,
        name: &'static str,
        f: ActivationFn,
        note: &'static str,
    ) -> &mut Op {
        let op = self.entry(name, Listed::Layer, note);
        let role = Elementwise::Activation(f);
        assert!(
            op.elementwise.replace(role).is_none(),
            "{name} registered twice"
        );
        op
    }

    /// `name` as element-wise arithmetic in an expression of the data.
    pub(super) fn arithmetic(&mut self, name: &'static str, role: Elementwise) -> &mut Op {
        let op = self.entry(name, Listed::Arithmetic, "");
        assert!(
            op.elementwise.replace(role).is_none(),
            "{name} registered twice"
        );
        op
    }

    /// `name` as a step of a layer normalisation spelt out node by node.
    pub(super) fn norm_step(&mut self, name: &'static str) -> &mut Op {
        let op = self.entry(name, Listed::Norm, "");
        assert!(!op.norm_step, "{name} registered twice");
        op.norm_step = true;
        op
    }

    /// `name` joining branches (`always`: even one data input), `note` what it joins.
    pub(super) fn join(
        &mut self,
        name: &'static str,
        f: JoinFn,
        always: bool,
        note: &'static str,
    ) -> &mut Op {
        let op = self.entry(name, Listed::Join, note);
        assert!(
            op.join.replace((f, always)).is_none(),
            "{name} registered twice"
        );
        op
    }

    /// `name` as a layer on one data value (`note`: what the list says beside its name).
    pub(super) fn layer(&mut self, name: &'static str, f: LayerFn, note: &'static str) -> &mut Op {
        let op = self.entry(name, Listed::Layer, note);
        assert!(op.layer.replace(f).is_none(), "{name} registered twice");
        op
    }

    fn names(&self, listed: Listed) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        let mut seen = Vec::new();
        self.listing
            .iter()
            .filter(move |(name, l, _)| {
                *l == listed && !seen.contains(name) && {
                    seen.push(*name);
                    true
                }
            })
            .map(|&(name, _, note)| (name, note))
    }

    /// The list the "not supported" errors end with: every operator, in registration order,
    /// by what it does.
    pub(super) fn supported(&self) -> String {
        let layers: Vec<String> = self
            .names(Listed::Layer)
            .map(|(name, note)| match note {
                "" => name.to_string(),
                note => format!("{name} ({note})"),
            })
            .collect();
        let arithmetic: Vec<&str> = self.names(Listed::Arithmetic).map(|(n, _)| n).collect();
        let joins: Vec<String> = self
            .names(Listed::Join)
            .map(|(name, note)| format!("{name} {note}").trim_end().to_string())
            .collect();
        let norm: Vec<&str> = self.names(Listed::Norm).map(|(n, _)| n).collect();
        let constants: Vec<&str> = self.names(Listed::Constant).map(|(n, _)| n).collect();
        format!(
            "{}, element-wise {} spelling out one of those activations (SiLU, GELU, Hardswish), {} spelling out a layer normalisation over the channels, {}, and the shape plumbing {}",
            layers.join(", "),
            arithmetic.join("/"),
            norm.join("/"),
            joins.join(", "),
            constants.join(", ")
        )
    }

    /// The operators that join branches: `Add, Sum, Mul and Concat`.
    pub(super) fn joining(&self) -> String {
        and_list(self.names(Listed::Join).map(|(n, _)| n).collect())
    }

    /// The operators that take over a Pad node's padding: `Conv, AveragePool and MaxPool`.
    pub(super) fn padding_takers(&self) -> String {
        let mut takers: Vec<&str> = Vec::new();
        for (name, ..) in &self.listing {
            if self.ops[name].after_pad.is_some() && !takers.contains(name) {
                takers.push(name);
            }
        }
        and_list(takers)
    }

    /// Every operator, in registration order, with the layer kinds it makes.
    pub(super) fn operators(&self) -> Vec<(&'static str, &[LayerType])> {
        let mut out: Vec<(&'static str, &[LayerType])> = Vec::new();
        for (name, ..) in &self.listing {
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name, &self.ops[name].makes));
            }
        }
        out
    }
}

/// `a, b and c`.
fn and_list(names: Vec<&str>) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
