//! Nodes that join branches of the graph: Add and Sum of two or more data values (residual
//! connections), Mul of maps by one weight per channel (squeeze-and-excitation) or of two
//! values of one shape, and Concat of maps along channels (Fire and Inception modules). Each
//! becomes one engine layer that reads the layers its inputs come from.

use super::super::attrs::{Attrs, node_name};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker, source};
use super::super::proto::NodeProto;
use super::super::registry::{DataInput, Registry};
use crate::engine::LayerType;
use crate::engine::{Layer, LayerKind, Merge, Shape};

pub(super) fn register(r: &mut Registry) {
    r.join("Add", add, false, "of tensors of one shape")
        .makes(&[LayerType::Add]);
    r.join("Sum", add, true, "of tensors of one shape")
        .makes(&[LayerType::Add]);
    r.join(
        "Mul",
        mul,
        false,
        "of maps by one weight per channel or of tensors of one shape",
    )
    .makes(&[LayerType::Mul]);
    r.join("Concat", concat, true, "of maps along channels")
        .makes(&[LayerType::Concat]);
}

fn add(w: &mut Walker, node: &NodeProto, data: &[DataInput]) -> Result<(), NodeError> {
    join(w, node, data, Merge::Add)
}

fn mul(w: &mut Walker, node: &NodeProto, data: &[DataInput]) -> Result<(), NodeError> {
    join(w, node, data, Merge::Mul)
}

/// Concat, along channels only.
fn concat(w: &mut Walker, node: &NodeProto, data: &[DataInput]) -> Result<(), NodeError> {
    join(w, node, data, Merge::Concat)
}

/// A node with several data inputs (`data`: input index, value name, value), as one layer.
fn join(
    w: &mut Walker,
    node: &NodeProto,
    data: &[DataInput],
    merge: Merge,
) -> Result<(), NodeError> {
    let op = node.op_type();
    let given = node.input.iter().filter(|i| !i.is_empty()).count();
    if data.len() != given {
        return Err(refused(format!(
            "{} of its {given} inputs are constants: {op} joins branches of the network, all its inputs must depend on the input",
            given - data.len()
        )));
    }
    let mut sources = Vec::with_capacity(data.len());
    let mut shapes = Vec::with_capacity(data.len());
    for (_, name, value) in data {
        match value {
            Value::Data { shape, layer } => {
                sources.push(source(*layer));
                shapes.push(*shape);
            }
            Value::Padded { node: pad, .. } => {
                return Err(refused(format!(
                    "it reads the padding of node {pad} ({name:?}), which only Conv and pooling can take over"
                )));
            }
            Value::Const(_) | Value::Expr { .. } => {
                unreachable!("constants are set apart and expressions made into stages")
            }
        }
    }
    if merge == Merge::Concat {
        let axis = Attrs(&node.attribute).int("axis", 1);
        let ok = match shapes.first() {
            Some(Shape::Maps { .. }) => axis == 1 || axis == -3,
            Some(Shape::Vector(_)) => axis == 1 || axis == -1,
            None => false,
        };
        if !ok {
            return Err(refused(format!(
                "concatenation along axis {axis}: only along channels (axis 1) is supported"
            )));
        }
    }
    let layer = Layer {
        name: node_name(node),
        kind: LayerKind::Merge(merge),
    };
    let output = node.output.first().cloned().unwrap_or_default();
    let (index, shape) = w.add_layer(layer, sources, &shapes, output)?;
    w.set(
        node,
        Value::Data {
            shape,
            layer: Some(index),
        },
    );
    Ok(())
}
