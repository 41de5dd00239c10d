//! Pooling: MaxPool and AveragePool (ceil_mode, count_include_pad, asymmetric padding, the
//! padding of a Pad node before them), global pooling, and ReduceMean/ReduceMax over height
//! and width, which are global pooling too.

use super::super::attrs::{Attrs, node_name};
use super::super::error::{NodeError, refused};
use super::super::graph::{Walker, source};
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, PadRule, Registry};
use super::window::{merged, own_window, padded_size};
use crate::engine::LayerType;
use crate::engine::{Layer, LayerKind, Pool2d, PoolMode, Shape};

pub(super) fn register(r: &mut Registry) {
    let pool2d = [LayerType::Pool2d];
    r.layer("AveragePool", pool, "ceil_mode, count_include_pad")
        .after_pad(PadRule::Zeros)
        .makes(&pool2d);
    r.layer("MaxPool", pool, "ceil_mode")
        .after_pad(PadRule::Max)
        .makes(&pool2d);
    r.layer(
        "GlobalAveragePool",
        |_, _, _| Ok(Some(LayerKind::GlobalAvgPool)),
        "",
    )
    .makes(&[LayerType::GlobalAvgPool]);
    r.layer(
        "GlobalMaxPool",
        |_, _, _| Ok(Some(LayerKind::GlobalMaxPool)),
        "",
    )
    .makes(&[LayerType::GlobalMaxPool]);
    r.layer("ReduceMean", reduce, "over H,W")
        .makes(&[LayerType::GlobalAvgPool, LayerType::Flatten]);
    r.layer("ReduceMax", reduce, "over H,W")
        .makes(&[LayerType::GlobalMaxPool, LayerType::Flatten]);
}

/// A MaxPool or AveragePool node (ceil_mode, count_include_pad, asymmetric padding).
fn pool(_: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let (shape, extra) = (input.shape, input.extra);
    let max = node.op_type() == "MaxPool";
    if max && node.output.get(1).is_some_and(|o| !o.is_empty()) {
        return Err(refused("the indices output of MaxPool is not supported"));
    }
    let (_, h, w) = padded_size(shape, extra)?;
    let own = own_window(node, (h, w), None)?;
    if own.dilation != (1, 1) {
        return Err(refused(format!(
            "dilations {:?}: dilated pooling is not supported",
            own.dilation
        )));
    }
    let window = merged(own, extra)?;
    let padded = extra != [0; 4];
    if padded && own.ceil_mode {
        // The engine drops a last window that starts in the padding; after a Pad node
        // that padding is data, and onnxruntime keeps the window.
        let Shape::Maps { height, width, .. } = shape else {
            unreachable!("padded_size checked maps")
        };
        if window.output_size(height, width) != own.output_size(h, w) {
            return Err(refused(
                "ceil_mode=1 after a Pad node adds a window that starts in the padded values: not supported (pad inside the pooling instead)",
            ));
        }
    }
    let own_pads = own.padding != (0, 0) || own.pad_end() != (0, 0);
    let count_include_pad = match a.int("count_include_pad", 0) {
        // A Pad node's zeros are values the average counts.
        0 if padded && own_pads => {
            return Err(refused(
                "count_include_pad=0 after a Pad node: the padded zeros would count and the layer's own padding would not",
            ));
        }
        0 => padded,
        _ => true,
    };
    Ok(Some(LayerKind::Pool2d(Pool2d {
        mode: if max { PoolMode::Max } else { PoolMode::Avg },
        window,
        count_include_pad,
        ..Pool2d::default()
    })))
}

/// ReduceMean or ReduceMax over height and width: global average or max pooling, then
/// (keepdims=0) the [1, C] ONNX keeps, as a second stage.
fn reduce(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let (shape, from) = (input.shape, input.from);
    let op = node.op_type();
    let axes = match w.const_input(node, 1)? {
        Some(c) => c.as_ints(),
        None => a.ints("axes"),
    }
    .unwrap_or_default();
    let mut axes: Vec<i64> = axes
        .iter()
        .map(|&x| if x < 0 { x + 4 } else { x })
        .collect();
    axes.sort_unstable();
    if !matches!(shape, Shape::Maps { .. }) || axes != [2, 3] {
        return Err(refused(format!(
            "{op} over axes {axes:?} of {shape}: only over height and width (axes 2, 3) of maps is supported"
        )));
    }
    let (kind, what) = if op == "ReduceMax" {
        (LayerKind::GlobalMaxPool, "max")
    } else {
        (LayerKind::GlobalAvgPool, "mean")
    };
    if a.int("keepdims", 1) != 0 {
        return Ok(Some(kind));
    }
    let name = node_name(node);
    let pooled = Layer {
        name: format!("{name} ({what})"),
        kind,
    };
    let (pooled, mid) = w.add_layer(pooled, vec![source(from)], &[shape], String::new())?;
    w.push(node, name, LayerKind::Flatten, mid, Some(pooled))?;
    Ok(None)
}
