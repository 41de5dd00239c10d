//! Conv: any group count (grouped, depthwise), dilation, asymmetric or automatic padding,
//! and the zero padding of a Pad node before it.

use super::super::attrs::Attrs;
use super::super::error::{NodeError, refused};
use super::super::graph::Walker;
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, PadRule, Registry};
use super::window::{merged, own_window, padded_size};
use crate::engine::LayerType;
use crate::engine::{Conv2d, LayerKind};
use ndarray::{Array1, Array4};

pub(super) fn register(r: &mut Registry) {
    r.layer("Conv", conv, "groups, dilations, any pads")
        .after_pad(PadRule::Zeros)
        .makes(&[LayerType::Conv2d]);
}

/// A Conv node (any group count, dilation, asymmetric or automatic padding).
fn conv(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let shape = input.shape;
    let (channels, h, wd) = padded_size(shape, input.extra)?;
    let weight = w.required_const(node, 1, "weight")?;
    let [out, per_group, kh, kw] = weight.dims[..] else {
        return Err(refused(format!(
            "weight of shape {:?} is not [out, in, height, width]: only 2-D convolution is supported",
            weight.dims
        )));
    };
    let group = a.int("group", 1);
    let groups = usize::try_from(group)
        .ok()
        .filter(|&g| g > 0)
        .ok_or_else(|| refused(format!("group={group} is not a positive number")))?;
    if per_group * groups != channels {
        return Err(refused(format!(
            "weight of shape {:?} with group={groups} does not take the {channels} channels of {shape}",
            weight.dims
        )));
    }
    let window = merged(own_window(node, (h, wd), Some((kh, kw)))?, input.extra)?;
    let bias = w
        .const_input(node, 2)?
        .map(|b| Array1::from(b.into_floats()));
    if bias.as_ref().is_some_and(|b| b.len() != out) {
        return Err(refused(format!(
            "bias does not have one value per output channel ({out})"
        )));
    }
    let weight = Array4::from_shape_vec((out, per_group, kh, kw), weight.into_floats())
        .map_err(|e| refused(e.to_string()))?;
    Ok(Some(LayerKind::Conv2d(Conv2d {
        weight,
        bias,
        stride: window.stride,
        padding: window.padding,
        padding_end: window.padding_end,
        dilation: window.dilation,
        groups,
    })))
}
