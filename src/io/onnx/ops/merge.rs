//! Nodes that join branches of the graph: Add and Sum of two or more data values (residual
//! connections), Mul of maps by one weight per channel (squeeze-and-excitation) or of two
//! values of one shape, and Concat of maps along channels (Fire and Inception modules). Each
//! becomes one engine layer that reads the layers its inputs come from; a Concat or Sum of a
//! single value (`torch.cat([x])` in DenseNet's first dense layer) is that value, no stage.

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
    if let [(_, _, Value::Data { shape, layer })] = data {
        // One input: the node passes it on (valid ONNX for Concat and Sum).
        let (shape, layer) = (*shape, *layer);
        w.set(node, Value::Data { shape, layer });
        return Ok(());
    }
    let mut sources = Vec::with_capacity(data.len());
    let mut shapes = Vec::with_capacity(data.len());
    for (_, name, value) in data {
        match value {
            Value::Data { shape, layer } => {
                let rank = w.data_dims(name, *shape).len();
                if matches!(shape, Shape::Vector(_)) && rank != 4 && data.len() != 1 {
                    let maps = data.iter().any(|(_, _, v)| {
                        matches!(
                            v,
                            Value::Data {
                                shape: Shape::Maps { .. },
                                ..
                            }
                        )
                    });
                    if maps {
                        return Err(refused(format!(
                            "input {name:?} is a vector of rank {rank}, which does not line up with the channels of the maps it meets: give it as [1, C, 1, 1] (s.view(b, c, 1, 1))"
                        )));
                    }
                }
                sources.push(source(*layer));
                shapes.push(*shape);
            }
            Value::Padded { node: pad, .. } => {
                return Err(refused(format!(
                    "it reads the padding of node {pad} ({name:?}), which only Conv and pooling can take over"
                )));
            }
            Value::Const(_) | Value::Expr { .. } | Value::Norm(_) => {
                unreachable!(
                    "constants are set apart, expressions and normalisations made into stages"
                )
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
                "attribute axis {axis}: only concatenation along channels (axis 1) is supported. Concatenate with torch.cat(..., dim=1) in the model"
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
