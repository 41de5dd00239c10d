//! Activations: the element-wise ones (Relu, LeakyRelu, Sigmoid, Tanh, Clip, Elu, Selu, Gelu,
//! HardSigmoid, HardSwish) become parts of an expression of the data first (`exprs.rs`), so
//! that the arithmetic exporters spell SiLU or GELU with can be recognised around them; PRelu,
//! Softmax and LogSoftmax are layers of their own.

use super::super::attrs::{Attrs, per_channel};
use super::super::error::{NodeError, refused};
use super::super::graph::Walker;
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use crate::engine::LayerType as T;
use crate::engine::layers::activation::{SELU_ALPHA, SELU_SCALE};
use crate::engine::{Activation, LayerKind, Prelu, Shape};
use ndarray::Array1;

pub(super) fn register(r: &mut Registry) {
    r.activation("Relu", |_, _| Ok(Activation::Relu), "")
        .makes(&[T::Relu]);
    r.activation("LeakyRelu", leaky_relu, "")
        .makes(&[T::LeakyRelu]);
    r.layer("PRelu", prelu, "").makes(&[T::Prelu]);
    r.activation("Elu", elu, "").makes(&[T::Elu]);
    r.activation("Selu", selu, "").makes(&[T::Selu]);
    r.activation("Gelu", gelu, "").makes(&[T::Gelu]);
    r.activation("Sigmoid", |_, _| Ok(Activation::Sigmoid), "")
        .makes(&[T::Sigmoid]);
    r.activation("HardSigmoid", hard_sigmoid, "")
        .makes(&[T::Hardsigmoid]);
    r.activation("HardSwish", |_, _| Ok(Activation::Hardswish), "")
        .makes(&[T::Hardswish]);
    r.activation("Tanh", |_, _| Ok(Activation::Tanh), "")
        .makes(&[T::Tanh]);
    r.activation("Clip", clip, "")
        .makes(&[T::Relu6, T::Clip, T::Relu]);
    r.layer("Softmax", softmax, "").makes(&[T::Softmax]);
    r.layer("LogSoftmax", softmax, "").makes(&[T::LogSoftmax]);
}

fn leaky_relu(_: &Walker, node: &NodeProto) -> Result<Activation, NodeError> {
    let slope = Attrs(&node.attribute).float("alpha", 0.01);
    Ok(Activation::LeakyRelu { slope })
}

/// Clip: the bounds as attributes (before opset 11) or constant inputs; ReLU when it clips
/// only below zero.
fn clip(w: &Walker, node: &NodeProto) -> Result<Activation, NodeError> {
    let a = Attrs(&node.attribute);
    let bound = |i: usize, attr: &str, default: f32| -> Result<f32, NodeError> {
        Ok(match w.const_input(node, i)? {
            Some(c) => c.as_floats().first().copied().unwrap_or(default),
            None => a.float(attr, default),
        })
    };
    let (lo, hi) = (
        bound(1, "min", f32::NEG_INFINITY)?,
        bound(2, "max", f32::INFINITY)?,
    );
    if lo > hi {
        return Err(refused(format!(
            "clipping to [{lo}, {hi}]: min is above max"
        )));
    }
    Ok(if lo == 0.0 && hi == f32::INFINITY {
        Activation::Relu
    } else {
        Activation::Clip { min: lo, max: hi }
    })
}

fn elu(_: &Walker, node: &NodeProto) -> Result<Activation, NodeError> {
    let alpha = Attrs(&node.attribute).float("alpha", 1.0);
    Ok(Activation::Elu { alpha })
}

/// Selu with PyTorch's constants (the only ones the engine has).
fn selu(_: &Walker, node: &NodeProto) -> Result<Activation, NodeError> {
    let a = Attrs(&node.attribute);
    let (alpha, gamma) = (a.float("alpha", SELU_ALPHA), a.float("gamma", SELU_SCALE));
    let near = |x: f32, y: f32| (x - y).abs() <= 1e-6 * y;
    if !(near(alpha, SELU_ALPHA) && near(gamma, SELU_SCALE)) {
        return Err(refused(format!(
            "Selu with alpha {alpha}, gamma {gamma}: only the standard constants ({SELU_ALPHA}, {SELU_SCALE}) are supported"
        )));
    }
    Ok(Activation::Selu)
}

fn gelu(_: &Walker, node: &NodeProto) -> Result<Activation, NodeError> {
    match Attrs(&node.attribute).string("approximate").as_deref() {
        None | Some("none") => Ok(Activation::Gelu { tanh: false }),
        Some("tanh") => Ok(Activation::Gelu { tanh: true }),
        Some(other) => Err(refused(format!(
            "approximate={other:?} is not \"none\" or \"tanh\""
        ))),
    }
}

fn hard_sigmoid(_: &Walker, node: &NodeProto) -> Result<Activation, NodeError> {
    let a = Attrs(&node.attribute);
    Ok(Activation::Hardsigmoid {
        alpha: a.float("alpha", 0.2),
        beta: a.float("beta", 0.5),
    })
}

/// PRelu: one learnt slope per channel, or one for all.
fn prelu(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let shape = input.shape;
    let slope = w.required_const(node, 1, "slope")?;
    if !per_channel(&slope.dims, shape) {
        return Err(refused(format!(
            "slope of shape {:?} is not one per channel of {shape} (nor a single one)",
            slope.dims
        )));
    }
    Ok(Some(LayerKind::Prelu(Prelu {
        weight: Array1::from(slope.into_floats()),
    })))
}

/// Softmax or LogSoftmax over the features of a vector.
fn softmax(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let (op, shape) = (node.op_type(), input.shape);
    let default = if w.opset >= 13 { -1 } else { 1 };
    let axis = Attrs(&node.attribute).int("axis", default);
    if !matches!(shape, Shape::Vector(_)) || !(axis == -1 || axis == 1) {
        return Err(refused(format!(
            "{op} over axis {axis} of {shape}: only over the features of a vector is supported"
        )));
    }
    Ok(Some(if op == "Softmax" {
        LayerKind::Softmax
    } else {
        LayerKind::LogSoftmax
    }))
}
