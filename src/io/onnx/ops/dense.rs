//! Fully connected layers: Gemm, MatMul, and the Add that gives a bias-less layer its bias.

use super::super::attrs::{Attrs, node_name, per_channel};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker};
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use crate::engine::LayerType;
use crate::engine::{BatchNorm, Dense, LayerKind, Shape};
use ndarray::{Array1, Array2};

pub(super) fn register(r: &mut Registry) {
    r.layer("Gemm", gemm, "").makes(&[LayerType::Dense]);
    r.layer("MatMul", matmul, "+Add").makes(&[LayerType::Dense]);
    r.layer(
        "Add",
        add_bias,
        "the bias of a Conv, MatMul or Gemm without one",
    );
}

/// `Add(data, constant)` right after a Conv, MatMul or Gemm without bias: that bias.
fn add_bias(
    w: &mut Walker,
    node: &NodeProto,
    input: DataIn,
) -> Result<Option<LayerKind>, NodeError> {
    let (shape, from) = (input.shape, input.from);
    let not = || {
        refused(
            "adding a constant is supported only as the bias right after a Conv, MatMul or Gemm without one",
        )
    };
    let b = w.required_const(node, 1, "constant").map_err(|_| not())?;
    let Some(index) = from.filter(|&l| l + 1 == w.layers.len()) else {
        return Err(not());
    };
    // The bias changes the layer's output: nothing else may read it without.
    let made = w.outputs[index].clone();
    if w.read.get(&made).copied().unwrap_or(0) > 1 {
        return Err(refused(format!(
            "{made:?} is read by another node too, so the bias cannot become part of the layer that made it"
        )));
    }
    let channels = BatchNorm::channels_of(shape);
    let mut values = b.as_floats();
    // [C, 1, 1] or [1, C, 1, 1] for maps, [C] or [1, C] for a vector, or one value.
    if !per_channel(&b.dims, shape) {
        return Err(refused(format!(
            "a constant of shape {:?} is not one value per channel of {shape}",
            b.dims
        )));
    }
    let layer = &mut w.layers[index];
    let bias = match &mut layer.kind {
        LayerKind::Dense(d) if d.bias.is_none() => &mut d.bias,
        LayerKind::Conv2d(c) if c.bias.is_none() => &mut c.bias,
        _ => return Err(not()),
    };
    if values.len() == 1 {
        values = vec![values[0]; channels];
    }
    *bias = Some(Array1::from(values));
    // The layer's output is now this node's.
    w.outputs[index] = node.output.first().cloned().unwrap_or_default();
    w.folded.insert(made, node_name(node));
    w.set(
        node,
        Value::Data {
            shape,
            layer: Some(index),
        },
    );
    Ok(None)
}

fn gemm(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let shape = input.shape;
    let Shape::Vector(n) = shape else {
        return Err(refused(format!(
            "matrix product of {shape}: only of a vector (flatten first) is supported"
        )));
    };
    if a.int("transA", 0) != 0 {
        return Err(refused("transA=1 (a transposed input) is not supported"));
    }
    let b = w.required_const(node, 1, "weight")?;
    let [rows, cols] = b.dims[..] else {
        return Err(refused(format!(
            "weight of shape {:?} is not a matrix",
            b.dims
        )));
    };
    let trans_b = a.int("transB", 0) != 0;
    let (out, inputs) = if trans_b { (rows, cols) } else { (cols, rows) };
    if inputs != n {
        return Err(refused(format!(
            "weight of shape {:?} (transB={}) does not take {n} inputs",
            b.dims, trans_b as u8
        )));
    }
    let alpha = a.float("alpha", 1.0);
    let beta = a.float("beta", 1.0);
    let mut weight = Array2::from_shape_vec((rows, cols), b.into_floats())
        .map_err(|e| refused(e.to_string()))?;
    if !trans_b {
        weight = weight.reversed_axes().as_standard_layout().into_owned();
    }
    if alpha != 1.0 {
        weight.mapv_inplace(|w| w * alpha);
    }
    let bias = match w.const_input(node, 2)? {
        None => None,
        Some(c) => {
            let values = c.as_floats();
            let values = match values.len() {
                1 => vec![values[0]; out],
                l if l == out => values,
                _ => {
                    return Err(refused(format!(
                        "bias of shape {:?} is not one value per output ({out})",
                        c.dims
                    )));
                }
            };
            Some(Array1::from(values).mapv(|v| v * beta))
        }
    };
    Ok(Some(LayerKind::Dense(Dense { weight, bias })))
}

/// `MatMul(vector, W)`: a dense layer without bias (an `Add` after it may give one).
fn matmul(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let shape = input.shape;
    let weight = w.required_const(node, 1, "weight")?;
    let Shape::Vector(n) = shape else {
        return Err(refused(format!(
            "matrix product of {shape}: only of a vector (flatten first) is supported"
        )));
    };
    let [rows, cols] = weight.dims[..] else {
        return Err(refused(format!(
            "weight of shape {:?} is not a matrix",
            weight.dims
        )));
    };
    if rows != n {
        return Err(refused(format!(
            "weight of shape {:?} does not take {n} inputs",
            weight.dims
        )));
    }
    let weight = Array2::from_shape_vec((rows, cols), weight.into_floats())
        .map_err(|e| refused(e.to_string()))?
        .reversed_axes()
        .as_standard_layout()
        .into_owned();
    Ok(Some(LayerKind::Dense(Dense { weight, bias: None })))
}
