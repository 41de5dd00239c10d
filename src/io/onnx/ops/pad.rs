//! Pad: constant padding of the height and width of maps becomes no layer of its own: its
//! padding waits for the Conv or pooling node after it to take it over (`walk.rs` checks that
//! one can, by the operator's `PadRule`). Reflect and edge padding (`padding_mode='reflect'`
//! or `'replicate'`, `nn.ReflectionPad2d`) is a `pad2d` stage of its own.

use super::super::attrs::{Attrs, Padding, node_name, usizes};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker};
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use crate::engine::{LayerKind, LayerType, Pad2d, PadMode, Shape};

pub(super) fn register(r: &mut Registry) {
    r.layer(
        "Pad",
        pad,
        "constant before Conv or pooling; reflect and edge of height and width",
    )
    .makes(&[LayerType::Pad2d]);
}

/// A Pad node: its padding waits for the Conv or pooling node after it to take it over.
fn pad(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let shape = input.shape;
    let mode = a.string("mode").unwrap_or_else(|| "constant".into());
    let mode = match mode.as_str() {
        "constant" => None,
        "reflect" => Some(PadMode::Reflect),
        "edge" => Some(PadMode::Replicate),
        other => {
            return Err(refused(format!(
                "attribute mode {other:?}: only constant, reflect and edge padding are supported. Use padding_mode='zeros', 'reflect' or 'replicate'"
            )));
        }
    };
    let pads = match w.const_input(node, 1)? {
        Some(c) => c
            .as_ints()
            .ok_or_else(|| refused("pads are not whole numbers"))?,
        None => a.ints("pads").unwrap_or_default(),
    };
    let value = match w.const_input(node, 2)? {
        Some(c) => c.as_floats().first().copied().unwrap_or(0.0),
        None => a.float("value", 0.0),
    };
    if let Some(mode) = mode {
        let pads = usizes(&pads, "pads")?;
        let [0, 0, t, l, 0, 0, b, r] = pads[..] else {
            return Err(refused(format!(
                "pads {pads:?} (input 1): only padding of the height and width of maps is supported"
            )));
        };
        return Ok(Some(LayerKind::Pad2d(Pad2d {
            pads: [t, l, b, r],
            mode,
        })));
    }
    if value != 0.0 && value != f32::NEG_INFINITY {
        return Err(refused(format!(
            "padding with {value}: only padding with zeros (or -inf before MaxPool) is supported"
        )));
    }
    if w.const_input(node, 3)?.is_some() {
        return Err(refused(
            "padding given by axes: give pads for all four axes",
        ));
    }
    let pads = usizes(&pads, "pads")?;
    let [0, 0, t, l, 0, 0, b, r] = pads[..] else {
        return Err(refused(format!(
            "pads {pads:?}: only padding of height and width of maps is supported"
        )));
    };
    if !matches!(shape, Shape::Maps { .. }) {
        return Err(refused(format!(
            "padding of {shape}: only maps can be padded"
        )));
    }
    w.set(
        node,
        Value::Padded {
            shape,
            padding: Padding {
                pads: [t, l, b, r],
                value,
            },
            from: input.from,
            node: node_name(node),
        },
    );
    Ok(None)
}
