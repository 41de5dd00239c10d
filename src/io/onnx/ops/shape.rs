//! Nodes that pass the data on, or only change its shape: Identity (nothing), Dropout (a stage
//! that does nothing at inference), Flatten and Reshape to a vector, and Reshape, Unsqueeze
//! and Squeeze of a vector to `[1, C, 1, 1]` and back (squeeze-and-excitation written with
//! `nn.Linear` and `view`, `unsqueeze` or `[:, :, None, None]`): the same values, no stage.

use super::super::attrs::{Attrs, node_name, onnx_dims, reshape_dims, usizes};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker};
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use super::super::view::View;
use super::constants::axes;
use crate::engine::LayerKind;
use crate::engine::LayerType;
use crate::engine::Shape;

pub(super) fn register(r: &mut Registry) {
    r.layer("Flatten", flatten, "").makes(&[LayerType::Flatten]);
    r.layer(
        "Reshape",
        reshape,
        "to a vector, of a vector to [1, C, 1, 1] and back",
    )
    .makes(&[LayerType::Flatten]);
    r.layer("Unsqueeze", unsqueeze, "of a vector to [1, C, 1, 1]");
    r.layer("Squeeze", squeeze, "of [1, C, 1, 1] to a vector")
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
            "attribute axis {axis} of {shape}: only flattening everything after the batch (axis 1) is supported. Use torch.flatten(x, 1)"
        ))),
    }
}

/// Reshape of the data: to the shape it has (nothing), to a vector (a flatten stage), or of a
/// vector to `[1, C, 1, 1]` and back (nothing).
fn reshape(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let shape = input.shape;
    let target = w.required_const(node, 1, "target shape")?;
    let target = target
        .as_ints()
        .ok_or_else(|| refused("the target shape (input 1) is not whole numbers"))?;
    let allow_zero = Attrs(&node.attribute).int("allowzero", 0) != 0;
    let dims = reshape_dims(&w.data_dims(&node.input[0], shape), &target, allow_zero)?;
    if dims == onnx_dims(shape) {
        return alias(w, node, input);
    }
    let total = shape.len() as i64;
    if dims == [1, total] || dims == [total] {
        if let (true, Some(out)) = (dims.len() == 1, node.output.first()) {
            w.ranks.insert(out.clone(), 1);
        }
        return Ok(Some(LayerKind::Flatten));
    }
    if let Some(kind) = vector_as(w, node, input, &dims)? {
        return Ok(kind);
    }
    if let (Shape::Maps { .. }, Ok(split)) = (shape, usizes(&dims, "shape")) {
        // A view of the maps (ShuffleNet's five axes): what reads it decides (views.rs).
        let perm = (0..split.len()).collect();
        let view = View {
            split,
            perm,
            node: node_name(node),
        };
        w.set_view(node, shape, input.from, view);
        return Ok(None);
    }
    Err(refused(format!(
        "reshape of {shape} to {dims:?} (input 1, the target shape): only to a vector [1, {total}], or of a vector to [1, C, 1, 1] and back, is supported here. Write the module with torch.flatten(x, 1), or x.view(b, c, 1, 1) on a vector"
    )))
}

/// The data of `input` seen with ONNX dimensions `dims`: a vector `[1, C]` held as
/// `[1, C, 1, ...]` (or back) is the same values, recorded with its rank; maps `[C, 1, 1]` as
/// `[1, C]` are a flatten stage. `None`: `dims` are none of these.
pub(super) fn vector_as(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
    dims: &[i64],
) -> Result<Option<Option<LayerKind>>, NodeError> {
    let n = input.shape.len() as i64;
    let vector_like = dims.len() >= 2 && dims[1] == n && dims.iter().product::<i64>() == n;
    if !vector_like || dims[0] != 1 {
        return Ok(None);
    }
    match input.shape {
        Shape::Vector(_) => {
            let out = alias(w, node, input)?;
            if let Some(name) = node.output.first() {
                w.ranks.insert(name.clone(), dims.len());
            }
            Ok(Some(out))
        }
        Shape::Maps { .. } if dims.len() == 2 => Ok(Some(Some(LayerKind::Flatten))),
        Shape::Maps { .. } => Ok(None),
    }
}

/// The dimensions after inserting (Unsqueeze) or removing (Squeeze, `insert` false) `axes`.
fn with_axes(dims: &[i64], axes: &[i64], insert: bool) -> Result<Vec<i64>, NodeError> {
    let rank = (if insert {
        dims.len() + axes.len()
    } else {
        dims.len()
    }) as i64;
    let mut axes: Vec<usize> = axes
        .iter()
        .map(|&a| usize::try_from(if a < 0 { a + rank } else { a }))
        .collect::<Result<_, _>>()
        .map_err(|_| refused(format!("axes {axes:?} are outside the {rank} axes")))?;
    axes.sort_unstable();
    let mut out = dims.to_vec();
    if insert {
        for a in axes {
            if a > out.len() {
                return Err(refused(format!("axis {a} is outside the {rank} axes")));
            }
            out.insert(a, 1);
        }
    } else if axes.is_empty() {
        out.retain(|&d| d != 1);
    } else {
        for a in axes.into_iter().rev() {
            if out.get(a) != Some(&1) {
                return Err(refused(format!("axis {a} of {dims:?} is not of size one")));
            }
            out.remove(a);
        }
    }
    Ok(out)
}

fn unsqueeze(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let dims = w.data_dims(&node.input[0], input.shape);
    let dims = with_axes(&dims, &axes(w, node)?, true)?;
    match vector_as(w, node, input, &dims)? {
        Some(kind) => Ok(kind),
        None => Err(refused(format!(
            "unsqueeze of {} to {dims:?} (attribute or input axes): only of a vector to [1, C, 1, 1] is supported. Write the module so that the data stays [1, C, H, W]",
            input.shape
        ))),
    }
}

fn squeeze(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let dims = w.data_dims(&node.input[0], input.shape);
    let dims = with_axes(&dims, &axes(w, node)?, false)?;
    match vector_as(w, node, input, &dims)? {
        Some(kind) => Ok(kind),
        None => Err(refused(format!(
            "squeeze of {} to {dims:?} (attribute or input axes): only of [1, C, 1, 1] to a vector is supported. Use torch.flatten(x, 1)",
            input.shape
        ))),
    }
}
