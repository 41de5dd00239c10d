//! Nodes that rearrange the data: Transpose and Reshape of maps start a view of it (see
//! `views.rs`, which handles every node that reads one), Split and Slice along channels pick
//! channels (ShuffleNetV2's `chunk`), and LayerNormalization of a vector (of channels-last
//! maps: `views.rs`).

use super::super::attrs::{Attrs, node_name, usizes};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker};
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use super::super::view::View;
use super::super::views::layer_norm;
use super::constants::slice_axis;
use super::shape::vector_as;
use crate::engine::{LayerKind, LayerType, PickChannels, Shape};

pub(super) fn register(r: &mut Registry) {
    r.layer(
        "Transpose",
        transpose,
        "of maps, back to [1, C, H, W] or channels-last around LayerNormalization and MatMul",
    );
    r.layer("Split", split, "along channels")
        .makes(&[LayerType::PickChannels]);
    r.layer("Slice", slice, "along channels")
        .makes(&[LayerType::PickChannels]);
    r.layer("Gather", gather, "of a whole vector, in order");
    r.layer("LayerNormalization", normalize, "over the channels")
        .makes(&[LayerType::LayerNorm]);
}

fn transpose(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let dims: Vec<usize> = w
        .data_dims(&node.input[0], input.shape)
        .iter()
        .map(|&d| d as usize)
        .collect();
    let perm = match Attrs(&node.attribute).ints("perm") {
        Some(p) => usizes(&p, "perm")?,
        None => (0..dims.len()).rev().collect(),
    };
    let mut sorted = perm.clone();
    sorted.sort_unstable();
    if sorted != (0..dims.len()).collect::<Vec<_>>() {
        return Err(refused(format!(
            "attribute perm {perm:?} is not a permutation of the {} axes of {}",
            dims.len(),
            input.shape
        )));
    }
    if let Shape::Vector(_) = input.shape {
        // A vector held as [1, C, 1, 1]: moving axes of size one moves no value.
        let name = node.input[0].clone();
        let rank = w.data_dims(&name, input.shape).len();
        w.set(
            node,
            Value::Data {
                shape: input.shape,
                layer: input.from,
            },
        );
        if let Some(out) = node.output.first() {
            w.ranks.insert(out.clone(), rank);
        }
        return Ok(None);
    }
    let view = View {
        split: dims,
        perm,
        node: node_name(node),
    };
    w.set_view(node, input.shape, input.from, view);
    Ok(None)
}

/// Gather of every value of a vector in order (the dynamo exporter's `as_strided` back to
/// `[1, C, 1, 1]`): the vector itself.
fn gather(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let idx = w.required_const(node, 1, "indices")?;
    let n = input.shape.len();
    let in_order = idx
        .as_ints()
        .is_some_and(|v| v.iter().copied().eq(0..n as i64));
    let axis = Attrs(&node.attribute).int("axis", 0);
    let rank = w.data_dims(&node.input[0], input.shape).len();
    if !in_order || rank != 1 || axis != 0 {
        return Err(refused(format!(
            "gathering from {} of rank {rank} along axis {axis} with indices of shape {:?} (input 1): only every value of a vector, in order, is supported. Export with the other exporter",
            input.shape, idx.dims
        )));
    }
    let dims: Vec<i64> = idx.dims.iter().map(|&d| d as i64).collect();
    match vector_as(w, node, input, &dims)? {
        Some(kind) => Ok(kind),
        None if dims.len() == 1 => {
            w.set(
                node,
                Value::Data {
                    shape: input.shape,
                    layer: input.from,
                },
            );
            w.ranks.insert(node.output[0].clone(), 1);
            Ok(None)
        }
        None => Err(refused(format!(
            "gathering {} back as {dims:?}: only as [1, C, 1, 1] is supported",
            input.shape
        ))),
    }
}

fn normalize(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    match input.shape {
        Shape::Vector(_) => {
            let ln = layer_norm(w, node, input.shape, 1)?;
            // A vector held as [1, 1, 1, C] stays so.
            let rank = w.data_dims(&node.input[0], input.shape).len();
            if let (Some(out), true) = (node.output.first(), rank != 2) {
                w.ranks.insert(out.clone(), rank);
            }
            Ok(Some(LayerKind::LayerNorm(ln)))
        }
        shape => Err(refused(format!(
            "layer normalisation of {shape} along attribute axis {}: only over the channels is supported, as ConvNeXt does it (x.permute(0, 2, 3, 1), LayerNorm, permute back)",
            Attrs(&node.attribute).int("axis", -1)
        ))),
    }
}

/// The channel axis of maps, when `axis` names it.
fn channel_axis(axis: i64, shape: Shape, what: &str) -> Result<(), NodeError> {
    match shape {
        Shape::Maps { .. } if axis == 1 || axis == -3 => Ok(()),
        _ => Err(refused(format!(
            "{what} of {shape} along axis {axis}: only along the channels of maps (axis 1) is supported"
        ))),
    }
}

/// Split along channels: one stage per part, each picking its channels.
fn split(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let axis = a.int("axis", 0);
    channel_axis(axis, input.shape, "split")?;
    let channels = crate::engine::BatchNorm::channels_of(input.shape);
    let parts = node.output.len();
    let sizes = match w.const_input(node, 1)? {
        Some(c) => c
            .as_ints()
            .ok_or_else(|| refused("split sizes (input 1) are not whole numbers"))?,
        None => a.ints("split").unwrap_or_default(),
    };
    let sizes = if sizes.is_empty() {
        let each = channels.div_ceil(parts.max(1));
        (0..parts)
            .map(|i| each.min(channels.saturating_sub(i * each)) as i64)
            .collect()
    } else {
        sizes
    };
    let sizes = usizes(&sizes, "split")?;
    if sizes.len() != parts || sizes.iter().sum::<usize>() != channels {
        return Err(refused(format!(
            "split sizes {sizes:?} do not cut {channels} channels into {parts} outputs"
        )));
    }
    let mut start = 0;
    for (i, (size, out)) in sizes.iter().zip(&node.output).enumerate() {
        let pick = PickChannels {
            from: (start..start + size).collect(),
        };
        start += size;
        if out.is_empty() {
            continue;
        }
        let name = format!("{}_{i}", node_name(node));
        let part = NodeProto {
            output: vec![out.clone()],
            ..node.clone()
        };
        w.push(
            &part,
            name,
            LayerKind::PickChannels(pick),
            input.shape,
            input.from,
        )?;
    }
    Ok(None)
}

/// Slice along channels (the halves of `chunk` in TorchScript's export).
fn slice(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let ints = |i: usize| -> Result<Option<Vec<i64>>, NodeError> {
        w.const_input(node, i)?
            .map(|c| {
                c.as_ints()
                    .ok_or_else(|| refused(format!("slice input {i} is not whole numbers")))
            })
            .transpose()
    };
    let (Some(starts), Some(ends)) = (ints(1)?, ints(2)?) else {
        return Err(refused(
            "a Slice without starts and ends as inputs 1 and 2 (opset 10 or newer) is not supported",
        ));
    };
    let axes = ints(3)?.unwrap_or_else(|| (0..starts.len() as i64).collect());
    let steps = ints(4)?.unwrap_or_else(|| vec![1; starts.len()]);
    let ([start], [end], [axis], [step]) = (&starts[..], &ends[..], &axes[..], &steps[..]) else {
        return Err(refused(format!(
            "a slice along axes {axes:?}: only along the channels (axis 1) is supported"
        )));
    };
    channel_axis(*axis, input.shape, "slice")?;
    let channels = crate::engine::BatchNorm::channels_of(input.shape);
    let from = slice_axis(channels, *start, *end, *step)?;
    if from.is_empty() {
        return Err(refused(format!(
            "the slice {start}..{end} by {step} takes none of the {channels} channels"
        )));
    }
    if from.iter().copied().eq(0..channels) {
        w.set(
            node,
            Value::Data {
                shape: input.shape,
                layer: input.from,
            },
        );
        return Ok(None);
    }
    Ok(Some(LayerKind::PickChannels(PickChannels { from })))
}
