//! The walk itself: each node in order, handed to what its operator registered (`registry.rs`)
//! by what reaches it. A node whose inputs are all constants is evaluated at load; an
//! element-wise node becomes part of an expression of the data; a node reading several
//! branches joins them; a node after a Pad node must take its padding over; any other node
//! becomes a layer on its one data input. Every refusal is named with the node and operator.

use super::attrs::{Padding, node_name};
use super::error::{NodeError, OnnxError};
use super::graph::{Built, Value, Walker};
use super::ops::registry;
use super::proto::NodeProto;
use super::registry::{DataIn, DataInput, Op, PadRule, Registry};
use crate::engine::{Activation, LayerKind, limits};

impl Walker<'_> {
    /// Turns every node into layers (or constants); `output` is the graph's output value.
    pub(crate) fn walk(mut self, nodes: &[NodeProto], output: &str) -> Result<Built, OnnxError> {
        let ops = registry();
        for node in nodes {
            let in_node = |problem| OnnxError::Node {
                node: node_name(node),
                op: node.op_type().to_string(),
                problem: Box::new(problem),
            };
            if !node.domain().is_empty() && node.domain() != "ai.onnx" {
                return Err(in_node(NodeError::Domain(node.domain().to_string())));
            }
            self.node(ops, node).map_err(in_node)?;
            if self.layers.len() > limits::MAX_LAYERS {
                return Err(OnnxError::TooManyLayers);
            }
        }
        self.finish(output)
    }

    /// The layers made, once the graph's output is known to be the last one's.
    fn finish(mut self, output: &str) -> Result<Built, OnnxError> {
        if let Some(Value::Expr { .. }) = self.values.get(output) {
            self.materialize(output)
                .map_err(|e| OnnxError::Output(Box::new(e)))?;
        }
        if let Some(Value::Norm(_)) = self.values.get(output) {
            self.materialize_norm(output)
                .map_err(|e| OnnxError::Output(Box::new(e)))?;
        }
        match self.values.get(output) {
            Some(Value::Expr { .. } | Value::Norm(_)) => unreachable!("made into stages above"),
            Some(Value::Data { layer, .. }) => {
                if layer.is_some_and(|l| l + 1 != self.layers.len()) {
                    return Err(OnnxError::OutputNotLast(output.to_string()));
                }
                Ok(Built {
                    layers: self.layers,
                    sources: self.sources,
                    outputs: self.outputs,
                    warnings: self.warnings,
                })
            }
            Some(Value::Padded { node, .. }) => Err(OnnxError::EndsInPadding(node.clone())),
            Some(Value::Const(_)) => Err(OnnxError::ConstantOutput(output.to_string())),
            None => Err(OnnxError::OutputNotMade(output.to_string())),
        }
    }

    /// The inputs of `node` that carry the network's data.
    fn data_inputs(&self, node: &NodeProto) -> Result<Vec<DataInput>, NodeError> {
        let mut data = Vec::new();
        for (i, name) in node.input.iter().enumerate() {
            // A weight is a constant: not decoded (copied) just to find that out.
            if name.is_empty() || self.is_initializer(name) {
                continue;
            }
            match self.value(name)? {
                Value::Const(_) => {}
                v => data.push((i, name.clone(), v)),
            }
        }
        Ok(data)
    }

    fn node(&mut self, ops: &Registry, node: &NodeProto) -> Result<(), NodeError> {
        let op = ops.get(node.op_type());
        let mut data = self.data_inputs(node)?;
        // A layer normalisation spelt out node by node (norm_spelt.rs): a step of it, or a
        // finished one made into its stage before the node reads it.
        let step = op.is_some_and(|o| o.norm_step);
        if self.spelt_norm(node, step, &mut data)? {
            return Ok(());
        }
        if let Some(any) = op.and_then(|o| o.any) {
            return any(self, node);
        }
        if data.is_empty() {
            let fold =
                op.and_then(|o| o.fold)
                    .ok_or_else(|| NodeError::UnsupportedOnConstants {
                        op: node.op_type().to_string(),
                        supported: ops.supported(),
                    })?;
            let value = fold(self, node)?;
            self.set(node, Value::Const(value));
            return Ok(());
        }
        if let Some(role) = op.and_then(|o| o.elementwise)
            && let Some(value) = self.elementwise(node, role)?
        {
            self.set(node, value);
            self.carry_view(node, &data);
            return Ok(());
        }
        // Whatever reads an element-wise expression gets it as stages.
        for (_, name, value) in data.iter_mut() {
            if let Value::Expr { .. } = value {
                *value = self.materialize(name)?;
            }
        }
        for (_, name, _) in &data {
            *self.read.entry(name.clone()).or_default() += 1;
        }
        // Rearranged data (views.rs), and arithmetic with one constant per channel.
        if self.rearranged(node, &data)? {
            return Ok(());
        }
        let join = op.and_then(|o| o.join);
        if data.len() > 1 || join.is_some_and(|(_, always)| always) {
            let Some((join, _)) = join else {
                return Err(NodeError::CannotJoin {
                    op: node.op_type().to_string(),
                    inputs: data.len(),
                    joining: ops.joining(),
                });
            };
            return join(self, node, &data);
        }
        let [(index, _, value)] = &data[..] else {
            unreachable!("no data input is a constant, folded above");
        };
        if *index != 0 {
            return Err(NodeError::DataNotFirst(*index));
        }
        match value {
            Value::Padded {
                shape,
                padding,
                from,
                node: pad,
            } => {
                let input = DataIn {
                    shape: *shape,
                    from: *from,
                    extra: padding.pads,
                };
                self.after_pad(ops, op, node, input, *padding, pad)
            }
            Value::Data { shape, layer } => {
                let input = DataIn {
                    shape: *shape,
                    from: *layer,
                    extra: [0; 4],
                };
                self.layer(ops, op, node, input)
            }
            Value::Const(_) | Value::Expr { .. } | Value::Norm(_) => {
                unreachable!(
                    "constants were set apart, expressions and normalisations made into stages above"
                )
            }
        }
    }

    /// The node after a Pad node, which must take the padding over: Conv and AveragePool
    /// padding with zeros, MaxPool padding with -inf, or with zeros where its input is never
    /// negative (made by ReLU, ReLU6, sigmoid...), so that zeros never win a window -inf would
    /// not.
    fn after_pad(
        &mut self,
        ops: &Registry,
        op: Option<&Op>,
        node: &NodeProto,
        input: DataIn,
        padding: Padding,
        pad: &str,
    ) -> Result<(), NodeError> {
        let zero = padding.value == 0.0;
        let name = node.op_type().to_string();
        match op.and_then(|o| o.after_pad) {
            Some(PadRule::Zeros) if !zero => Err(NodeError::PaddingNotZero {
                pad: pad.to_string(),
                value: padding.value,
                op: name,
            }),
            Some(PadRule::Max) if zero && !self.never_negative(input.from) => {
                Err(NodeError::ZeroPaddingBeforeMax {
                    pad: pad.to_string(),
                    op: name,
                })
            }
            Some(_) => self.layer(ops, op, node, input),
            None => Err(NodeError::PaddingNotTaken {
                pad: pad.to_string(),
                takers: ops.padding_takers(),
            }),
        }
    }

    /// Whether the output of layer `from` is never below zero.
    fn never_negative(&self, from: Option<usize>) -> bool {
        let Some(layer) = from.and_then(|l| self.layers.get(l)) else {
            return false;
        };
        match &layer.kind {
            LayerKind::Activation(f) => match f {
                Activation::Relu | Activation::Sigmoid | Activation::Hardsigmoid { .. } => true,
                Activation::Clip { min, .. } => *min >= 0.0,
                _ => false,
            },
            LayerKind::Softmax => true,
            _ => false,
        }
    }

    /// The node as a layer on its one data input, as its operator's handler makes it.
    fn layer(
        &mut self,
        ops: &Registry,
        op: Option<&Op>,
        node: &NodeProto,
        input: DataIn,
    ) -> Result<(), NodeError> {
        let Some(layer) = op.and_then(|o| o.layer) else {
            return Err(NodeError::Unsupported {
                op: node.op_type().to_string(),
                supported: ops.supported(),
            });
        };
        if let Some(kind) = layer(self, node, input)? {
            self.push(node, node_name(node), kind, input.shape, input.from)?;
            self.note_integer_weights(node);
        }
        Ok(())
    }
}
