//! Nodes that pass the data on, or only change its shape: Identity (nothing), Dropout (a stage
//! that does nothing at inference), Flatten and Reshape to a vector.

use super::super::attrs::{Attrs, onnx_dims, reshape_dims};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker};
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use crate::engine::LayerKind;
use crate::engine::LayerType;
use crate::engine::Shape;

pub(super) fn register(r: &mut Registry) {
    r.layer("Flatten", flatten, "").makes(&[LayerType::Flatten]);
    r.layer("Reshape", reshape, "to a vector")
        .makes(&[LayerType::Flatten]);
    r.layer("Dropout", dropout, "").makes(&[LayerType::Dropout]);
    r.layer("Identity", alias, "");
}

/// The node's output is its input: no stage.
fn alias(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    w.set(
        node,
        Value::Data {
            shape: input.shape,
            layer: input.from,
        },
    );
    Ok(None)
}

fn dropout(w: &mut Walker, node: &NodeProto, _: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let ratio = match w.const_input(node, 1)? {
        Some(r) => r.as_floats().first().copied().unwrap_or(0.5),
        None => Attrs(&node.attribute).float("ratio", 0.5),
    };
    Ok(Some(LayerKind::Dropout { p: ratio }))
}

fn flatten(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let axis = Attrs(&node.attribute).int("axis", 1);
    match input.shape {
        Shape::Vector(_) if axis == 1 || axis == 0 || axis == -1 => alias(w, node, input),
        Shape::Maps { .. } if axis == 1 || axis == 0 => Ok(Some(LayerKind::Flatten)),
        shape => Err(refused(format!(
            "flatten at axis {axis} of {shape}: only flattening everything after the batch (axis 1) is supported"
        ))),
    }
}

/// Reshape of the data: to the shape it has (nothing), or to a vector (a flatten stage).
fn reshape(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let shape = input.shape;
    let target = w.required_const(node, 1, "target shape")?;
    let target = target
        .as_ints()
        .ok_or_else(|| refused("the target shape is not whole numbers"))?;
    let allow_zero = Attrs(&node.attribute).int("allowzero", 0) != 0;
    let dims = reshape_dims(&onnx_dims(shape), &target, allow_zero)?;
    if dims == onnx_dims(shape) {
        return alias(w, node, input);
    }
    let total = shape.len() as i64;
    if dims == [1, total] || dims == [total] {
        Ok(Some(LayerKind::Flatten))
    } else {
        Err(refused(format!(
            "reshape of {shape} to {dims:?}: only to a vector [1, {total}] is supported"
        )))
    }
}
