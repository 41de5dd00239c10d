//! Fully connected layers: Gemm, MatMul, and the Add that gives a bias-less layer its bias.

use super::attrs::{Attrs, node_name, per_channel};
use super::graph::{Value, Walker};
use super::proto::NodeProto;
use crate::engine::{BatchNorm, Dense, LayerKind, Shape};
use ndarray::{Array1, Array2};

impl Walker<'_> {
    /// `Add(data, constant)` right after a Conv, MatMul or Gemm without bias: that bias.
    pub(super) fn add_bias(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        from: Option<usize>,
    ) -> Result<(), String> {
        let not = || {
            "adding a constant is supported only as the bias right after a Conv, MatMul or Gemm without one".to_string()
        };
        let b = self
            .required_const(node, 1, "constant")
            .map_err(|_| not())?;
        let Some(index) = from.filter(|&l| l + 1 == self.layers.len()) else {
            return Err(not());
        };
        // The bias changes the layer's output: nothing else may read it without.
        let made = self.outputs[index].clone();
        if self.read.get(&made).copied().unwrap_or(0) > 1 {
            return Err(format!(
                "{made:?} is read by another node too, so the bias cannot become part of the layer that made it"
            ));
        }
        let channels = BatchNorm::channels_of(shape);
        let mut values = b.as_floats();
        // [C, 1, 1] or [1, C, 1, 1] for maps, [C] or [1, C] for a vector, or one value.
        if !per_channel(&b.dims, shape) {
            return Err(format!(
                "a constant of shape {:?} is not one value per channel of {shape}",
                b.dims
            ));
        }
        let layer = &mut self.layers[index];
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
        self.outputs[index] = node.output.first().cloned().unwrap_or_default();
        self.folded.insert(made, node_name(node));
        self.set(
            node,
            Value::Data {
                shape,
                layer: Some(index),
            },
        );
        Ok(())
    }

    pub(super) fn gemm(&mut self, node: &NodeProto, shape: Shape) -> Result<LayerKind, String> {
        let a = Attrs(&node.attribute);
        let Shape::Vector(n) = shape else {
            return Err(format!(
                "matrix product of {shape}: only of a vector (flatten first) is supported"
            ));
        };
        if a.int("transA", 0) != 0 {
            return Err("transA=1 (a transposed input) is not supported".into());
        }
        let b = self.required_const(node, 1, "weight")?;
        let [rows, cols] = b.dims[..] else {
            return Err(format!("weight of shape {:?} is not a matrix", b.dims));
        };
        let trans_b = a.int("transB", 0) != 0;
        let (out, inputs) = if trans_b { (rows, cols) } else { (cols, rows) };
        if inputs != n {
            return Err(format!(
                "weight of shape {:?} (transB={}) does not take {n} inputs",
                b.dims, trans_b as u8
            ));
        }
        let alpha = a.float("alpha", 1.0);
        let beta = a.float("beta", 1.0);
        let mut weight =
            Array2::from_shape_vec((rows, cols), b.into_floats()).map_err(|e| e.to_string())?;
        if !trans_b {
            weight = weight.reversed_axes().as_standard_layout().into_owned();
        }
        if alpha != 1.0 {
            weight.mapv_inplace(|w| w * alpha);
        }
        let bias = match self.const_input(node, 2)? {
            None => None,
            Some(c) => {
                let values = c.as_floats();
                let values = match values.len() {
                    1 => vec![values[0]; out],
                    l if l == out => values,
                    _ => {
                        return Err(format!(
                            "bias of shape {:?} is not one value per output ({out})",
                            c.dims
                        ));
                    }
                };
                Some(Array1::from(values).mapv(|v| v * beta))
            }
        };
        Ok(LayerKind::Dense(Dense { weight, bias }))
    }

    /// `MatMul(vector, W)`: a dense layer without bias (an `Add` after it may give one).
    pub(super) fn matmul(&mut self, node: &NodeProto, shape: Shape) -> Result<LayerKind, String> {
        let w = self.required_const(node, 1, "weight")?;
        let Shape::Vector(n) = shape else {
            return Err(format!(
                "matrix product of {shape}: only of a vector (flatten first) is supported"
            ));
        };
        let [rows, cols] = w.dims[..] else {
            return Err(format!("weight of shape {:?} is not a matrix", w.dims));
        };
        if rows != n {
            return Err(format!(
                "weight of shape {:?} does not take {n} inputs",
                w.dims
            ));
        }
        let weight = Array2::from_shape_vec((rows, cols), w.into_floats())
            .map_err(|e| e.to_string())?
            .reversed_axes()
            .as_standard_layout()
            .into_owned();
        Ok(LayerKind::Dense(Dense { weight, bias: None }))
    }
}
