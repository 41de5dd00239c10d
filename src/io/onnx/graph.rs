//! Walks an ONNX graph node by node and turns it into engine layers. Constants and the shape
//! plumbing exporters emit (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) are evaluated
//! here, at load; every other node must continue the one chain of data from the input to the
//! output and becomes a layer (or, like Identity, nothing). Shapes come from the engine's own
//! [`Layer::output_shape`], the check every model reader goes through.

use super::elementwise::{BinOp, Expr};
use super::proto::{AttributeProto, NodeProto, TensorProto};
use super::tensors::{Const, Values, decode};
use crate::engine::{
    Activation, Conv2d, Dense, Layer, LayerKind, Pool2d, PoolMode, Shape, Window, limits,
};
use ndarray::{Array1, Array2, Array4};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The operators that become layers, as the error for any other says.
pub const SUPPORTED: &str = "Conv, MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul(+Add), \
    Relu, LeakyRelu, Sigmoid, Tanh, Flatten, Reshape (to a vector), Softmax, ReduceMean (over H,W), \
    Dropout, Identity, Pad (constant zeros, before Conv or AveragePool) and the shape plumbing \
    Constant, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Slice";

/// A value flowing through the graph.
#[derive(Debug, Clone)]
enum Value {
    /// Known at load time.
    Const(Const),
    /// The network's data: its shape, and the layer that made it (`None`: the input).
    Data { shape: Shape, layer: Option<usize> },
    /// Data with zeros added around it by a Pad node, waiting for the Conv or AveragePool
    /// that takes the padding over.
    Padded {
        shape: Shape,
        pads: [usize; 4],
        node: String,
    },
    /// An element-wise function of the data value `x`, made into stages when something else
    /// reads it; `node` made it and `output` is its name.
    Expr {
        x: String,
        shape: Shape,
        expr: Expr,
        node: String,
        output: String,
    },
}

/// The layers of a graph, and the ONNX value each layer's output is (for comparing stage by
/// stage with another runtime).
pub struct Built {
    pub layers: Vec<Layer>,
    pub outputs: Vec<String>,
}

struct Attrs<'a>(&'a [AttributeProto]);

impl Attrs<'_> {
    fn get(&self, name: &str) -> Option<&AttributeProto> {
        self.0.iter().find(|a| a.name() == name)
    }
    fn int(&self, name: &str, default: i64) -> i64 {
        self.get(name).and_then(|a| a.i).unwrap_or(default)
    }
    fn float(&self, name: &str, default: f32) -> f32 {
        self.get(name).and_then(|a| a.f).unwrap_or(default)
    }
    fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.get(name).map(|a| a.ints.clone())
    }
    fn string(&self, name: &str) -> Option<String> {
        self.get(name)
            .and_then(|a| a.s.as_ref())
            .map(|s| String::from_utf8_lossy(s).into_owned())
    }
    fn tensor(&self, name: &str) -> Option<&TensorProto> {
        self.get(name).and_then(|a| a.t.as_ref())
    }
}

/// The stage name of a node: its name, or its first output when it has none.
pub fn node_name(node: &NodeProto) -> String {
    match node.name() {
        "" => node.output.first().cloned().unwrap_or_default(),
        name => name.to_string(),
    }
}

/// ONNX dimensions of data of `shape` (batch of one).
fn onnx_dims(shape: Shape) -> Vec<i64> {
    match shape {
        Shape::Maps {
            channels,
            height,
            width,
        } => vec![1, channels as i64, height as i64, width as i64],
        Shape::Vector(n) => vec![1, n as i64],
    }
}

fn usizes(values: &[i64], what: &str) -> Result<Vec<usize>, String> {
    values
        .iter()
        .map(|&v| {
            usize::try_from(v).map_err(|_| format!("{what} {values:?} holds a negative value"))
        })
        .collect()
}

/// A spatial pair from a 2-element attribute list.
fn pair(values: &[usize], what: &str) -> Result<(usize, usize), String> {
    match values {
        [a, b] => Ok((*a, *b)),
        _ => Err(format!(
            "{what} {values:?} is not 2-D: only 2-D convolution and pooling are supported"
        )),
    }
}

pub struct Walker<'a> {
    dir: &'a Path,
    opset: i64,
    initializers: HashMap<&'a str, &'a TensorProto>,
    values: HashMap<String, Value>,
    /// Data values a layer node has read already: a second reader means the graph branches.
    read: HashMap<String, String>,
    layers: Vec<Layer>,
    outputs: Vec<String>,
}

impl<'a> Walker<'a> {
    pub fn new(
        dir: &'a Path,
        opset: i64,
        initializers: &'a [TensorProto],
        input_name: &str,
        input: Shape,
    ) -> Walker<'a> {
        let mut values = HashMap::new();
        values.insert(
            input_name.to_string(),
            Value::Data {
                shape: input,
                layer: None,
            },
        );
        Walker {
            dir,
            opset,
            initializers: initializers.iter().map(|t| (t.name(), t)).collect(),
            values,
            read: HashMap::new(),
            layers: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Turns every node into layers (or constants); `output` is the graph's output value.
    pub fn walk(mut self, nodes: &[NodeProto], output: &str) -> Result<Built, String> {
        for node in nodes {
            let op = node.op_type();
            if !node.domain().is_empty() && node.domain() != "ai.onnx" {
                return Err(format!(
                    "node {} ({}): operator domain {:?} is not supported: only the standard ONNX operators are (export without custom ops)",
                    node_name(node),
                    op,
                    node.domain()
                ));
            }
            self.node(node)
                .map_err(|m| format!("node {} ({op}): {m}", node_name(node)))?;
            if self.layers.len() > limits::MAX_LAYERS {
                return Err(format!(
                    "the graph has more than {} layers, past the limit",
                    limits::MAX_LAYERS
                ));
            }
        }
        if let Some(Value::Expr { .. }) = self.values.get(output) {
            self.materialize(output)?;
        }
        match self.values.get(output) {
            Some(Value::Expr { .. }) => unreachable!("made into stages above"),
            Some(Value::Data { layer, .. }) => {
                if layer.is_some_and(|l| l + 1 != self.layers.len()) {
                    return Err(format!(
                        "the graph output {output:?} is not the last layer's output: the graph branches, and convscope runs chains of layers"
                    ));
                }
                Ok(Built {
                    layers: self.layers,
                    outputs: self.outputs,
                })
            }
            Some(Value::Padded { node, .. }) => Err(format!(
                "the graph ends with the padding of node {node}: nothing takes it over"
            )),
            Some(Value::Const(_)) => Err(format!(
                "the graph output {output:?} does not depend on the input"
            )),
            None => Err(format!("the graph output {output:?} is made by no node")),
        }
    }

    /// The value named `name`: a node's output or an initializer.
    fn value(&self, name: &str) -> Result<Value, String> {
        if let Some(v) = self.values.get(name) {
            return Ok(v.clone());
        }
        let t = self
            .initializers
            .get(name)
            .ok_or_else(|| format!("its input {name:?} is made by no node before it"))?;
        decode(t, self.dir, limits::MAX_PARAMETERS)
            .map(Value::Const)
            .map_err(|e| format!("initializer {name:?} {e}"))
    }

    /// Input `i` as a constant, `None` when the node leaves it out.
    fn const_input(&self, node: &NodeProto, i: usize) -> Result<Option<Const>, String> {
        match node.input.get(i).map(String::as_str) {
            None | Some("") => Ok(None),
            Some(name) => match self.value(name)? {
                Value::Const(c) => Ok(Some(c)),
                _ => Err(format!(
                    "input {i} ({name:?}) depends on the network's input; it must be a constant (a weight)"
                )),
            },
        }
    }

    fn required_const(&self, node: &NodeProto, i: usize, what: &str) -> Result<Const, String> {
        self.const_input(node, i)?
            .ok_or_else(|| format!("has no {what} (input {i})"))
    }

    fn set(&mut self, node: &NodeProto, value: Value) {
        if let Some(out) = node.output.first() {
            self.values.insert(out.clone(), value);
        }
    }

    /// Adds a layer fed by the data of shape `input`, and records its output.
    fn push(
        &mut self,
        node: &NodeProto,
        name: String,
        kind: LayerKind,
        input: Shape,
    ) -> Result<Shape, String> {
        let layer = Layer { name, kind };
        let shape = layer.output_shape(input).map_err(|e| e.to_string())?;
        self.layers.push(layer);
        self.outputs
            .push(node.output.first().cloned().unwrap_or_default());
        self.set(
            node,
            Value::Data {
                shape,
                layer: Some(self.layers.len() - 1),
            },
        );
        Ok(shape)
    }

    fn node(&mut self, node: &NodeProto) -> Result<(), String> {
        let op = node.op_type();
        // Which inputs carry the network's data.
        let mut data = Vec::new();
        for (i, name) in node.input.iter().enumerate() {
            // A weight is a constant: not decoded (copied) just to find that out.
            if name.is_empty()
                || (!self.values.contains_key(name)
                    && self.initializers.contains_key(name.as_str()))
            {
                continue;
            }
            match self.value(name) {
                Ok(Value::Const(_)) => {}
                Ok(v) => data.push((i, name.clone(), v)),
                Err(e) => return Err(e),
            }
        }
        if op == "Shape" {
            return self.shape_of(node);
        }
        if data.is_empty() {
            let value = self.fold(node)?;
            self.set(node, Value::Const(value));
            return Ok(());
        }
        if let Some(value) = self.elementwise(node)? {
            self.set(node, value);
            return Ok(());
        }
        // Whatever reads an element-wise expression gets it as stages.
        for (_, name, value) in data.iter_mut() {
            if let Value::Expr { .. } = value {
                *value = self.materialize(name)?;
            }
        }
        let [(index, name, value)] = &data[..] else {
            return Err(format!(
                "{} of its inputs depend on the network's input: convscope runs chains of layers (residual and branching nets are not supported)",
                data.len()
            ));
        };
        if *index != 0 {
            return Err(format!(
                "the network's data reaches it as input {index}, not as input 0"
            ));
        }
        if let Some(other) = self.read.insert(name.clone(), node_name(node)) {
            return Err(format!(
                "{name:?} is read by node {other} too: the graph branches, and convscope runs chains of layers (residual and branching nets are not supported)"
            ));
        }
        if let Value::Padded {
            shape,
            pads,
            node: pad,
        } = value
        {
            return self.after_pad(node, *shape, *pads, pad);
        }
        let Value::Data { shape, layer } = value else {
            unreachable!("constants were set apart and expressions made into stages above")
        };
        self.layer(node, *shape, *layer, [0; 4])
    }

    /// The node that takes over the padding of a Pad node.
    fn after_pad(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        pads: [usize; 4],
        pad: &str,
    ) -> Result<(), String> {
        let op = node.op_type();
        let takes = op == "Conv"
            || (op == "AveragePool" && Attrs(&node.attribute).int("count_include_pad", 0) == 1)
            || (op == "AveragePool" && pads_of(node)?.iter().all(|&p| p == 0));
        if !takes {
            return Err(format!(
                "it follows the zero padding of node {pad}, which only Conv and AveragePool can take over (pad inside the layer instead)"
            ));
        }
        self.layer(node, shape, None, pads)
    }

    /// The node as a layer on data of `shape`, made by layer `from`; `extra` is padding
    /// (top, left, bottom, right) a Pad node before it added.
    fn layer(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        from: Option<usize>,
        extra: [usize; 4],
    ) -> Result<(), String> {
        let a = Attrs(&node.attribute);
        let name = node_name(node);
        let op = node.op_type();
        let alias = |w: &mut Self, v: Value| {
            w.set(node, v);
            Ok(())
        };
        let kind = match op {
            "Identity" => {
                return alias(self, Value::Data { shape, layer: from });
            }
            "Dropout" => {
                let ratio = match self.const_input(node, 1)? {
                    Some(r) => r.as_floats().first().copied().unwrap_or(0.5),
                    None => a.float("ratio", 0.5),
                };
                LayerKind::Dropout { p: ratio }
            }
            "Softmax" => {
                let default = if self.opset >= 13 { -1 } else { 1 };
                let axis = a.int("axis", default);
                if !matches!(shape, Shape::Vector(_)) || !(axis == -1 || axis == 1) {
                    return Err(format!(
                        "softmax over axis {axis} of {shape}: only over the features of a vector is supported"
                    ));
                }
                LayerKind::Softmax
            }
            "Conv" => self.conv(node, shape, extra)?,
            "MaxPool" | "AveragePool" => self.pool(node, shape, extra)?,
            "GlobalAveragePool" => LayerKind::GlobalAvgPool,
            "ReduceMean" => {
                let axes = match self.const_input(node, 1)? {
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
                    return Err(format!(
                        "ReduceMean over axes {axes:?} of {shape}: only over height and width (axes 2, 3) of maps is supported"
                    ));
                }
                if a.int("keepdims", 1) == 0 {
                    // The mean of each map, then the [1, C] ONNX keeps: two stages.
                    let pooled = Layer {
                        name: format!("{name} (mean)"),
                        kind: LayerKind::GlobalAvgPool,
                    };
                    let mid = pooled.output_shape(shape).map_err(|e| e.to_string())?;
                    self.layers.push(pooled);
                    self.outputs.push(String::new());
                    self.push(node, name, LayerKind::Flatten, mid)?;
                    return Ok(());
                }
                LayerKind::GlobalAvgPool
            }
            "Flatten" => {
                let axis = a.int("axis", 1);
                match shape {
                    Shape::Vector(_) if axis == 1 || axis == 0 || axis == -1 => {
                        return alias(self, Value::Data { shape, layer: from });
                    }
                    Shape::Maps { .. } if axis == 1 || axis == 0 => LayerKind::Flatten,
                    _ => {
                        return Err(format!(
                            "flatten at axis {axis} of {shape}: only flattening everything after the batch (axis 1) is supported"
                        ));
                    }
                }
            }
            "Reshape" => {
                let target = self.required_const(node, 1, "target shape")?;
                let target = target
                    .as_ints()
                    .ok_or("the target shape is not whole numbers")?;
                let dims = reshape_dims(&onnx_dims(shape), &target, a.int("allowzero", 0) != 0)?;
                if dims == onnx_dims(shape) {
                    return alias(self, Value::Data { shape, layer: from });
                }
                let total = shape.len() as i64;
                if dims == [1, total] || dims == [total] {
                    LayerKind::Flatten
                } else {
                    return Err(format!(
                        "reshape of {shape} to {dims:?}: only to a vector [1, {total}] is supported"
                    ));
                }
            }
            "Gemm" => self.gemm(node, shape)?,
            "MatMul" => {
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
                LayerKind::Dense(Dense { weight, bias: None })
            }
            "Add" => return self.add_bias(node, shape, from),
            "Pad" => return self.pad(node, shape),
            other => {
                return Err(format!(
                    "operator {other} is not supported; supported: {SUPPORTED}"
                ));
            }
        };
        self.push(node, name, kind, shape)?;
        Ok(())
    }

    /// The activation a node applies to its first input, if it is an activation node.
    fn activation(&self, node: &NodeProto) -> Result<Option<Activation>, String> {
        let a = Attrs(&node.attribute);
        Ok(Some(match node.op_type() {
            "Relu" => Activation::Relu,
            "LeakyRelu" => Activation::LeakyRelu {
                slope: a.float("alpha", 0.01),
            },
            "Sigmoid" => Activation::Sigmoid,
            "Tanh" => Activation::Tanh,
            "Clip" => {
                let bound = |i: usize, attr: &str, default: f32| -> Result<f32, String> {
                    Ok(match self.const_input(node, i)? {
                        Some(c) => c.as_floats().first().copied().unwrap_or(default),
                        None => a.float(attr, default),
                    })
                };
                let (lo, hi) = (
                    bound(1, "min", f32::NEG_INFINITY)?,
                    bound(2, "max", f32::INFINITY)?,
                );
                if lo == 0.0 && hi == f32::INFINITY {
                    Activation::Relu
                } else {
                    return Err(format!(
                        "clipping to [{lo}, {hi}] (ReLU6, Hardtanh) is not supported yet"
                    ));
                }
            }
            _ => return Ok(None),
        }))
    }

    /// Input `i` as a term of an element-wise expression: the data (`X`), an expression of
    /// it, or a single number; with the data value it is a function of. `None` when it is
    /// none of these (a constant of many values).
    fn term(
        &self,
        node: &NodeProto,
        i: usize,
    ) -> Result<Option<(Option<String>, Shape, Expr)>, String> {
        let name = node.input.get(i).map(String::as_str).unwrap_or("");
        if name.is_empty() {
            return Ok(None);
        }
        Ok(match self.value(name)? {
            Value::Const(c) if c.count() == 1 => {
                Some((None, Shape::Vector(1), Expr::Scalar(c.as_floats()[0])))
            }
            Value::Const(_) | Value::Padded { .. } => None,
            Value::Data { shape, .. } => Some((Some(name.to_string()), shape, Expr::X)),
            Value::Expr { x, shape, expr, .. } => Some((Some(x), shape, expr)),
        })
    }

    /// The node as part of an element-wise expression of the data, if it is one.
    fn elementwise(&self, node: &NodeProto) -> Result<Option<Value>, String> {
        let op = node.op_type();
        let binary = match op {
            "Add" => Some(BinOp::Add),
            "Sub" => Some(BinOp::Sub),
            "Mul" => Some(BinOp::Mul),
            "Div" => Some(BinOp::Div),
            _ => None,
        };
        let (x, shape, expr) = if let Some(bin) = binary {
            let (Some(a), Some(b)) = (self.term(node, 0)?, self.term(node, 1)?) else {
                return Ok(None);
            };
            let x = match (&a.0, &b.0) {
                (Some(p), Some(q)) if p != q => {
                    return Err(format!(
                        "it combines {p:?} and {q:?}: convscope runs chains of layers (residual and branching nets are not supported)"
                    ));
                }
                (Some(p), _) | (None, Some(p)) => p.clone(),
                (None, None) => return Ok(None),
            };
            let shape = if a.0.is_some() { a.1 } else { b.1 };
            (x, shape, Expr::Bin(bin, Box::new(a.2), Box::new(b.2)))
        } else {
            let wrap: Box<dyn Fn(Expr) -> Expr> = if op == "Erf" {
                Box::new(|e| Expr::Erf(Box::new(e)))
            } else if let Some(f) = self.activation(node)? {
                let (node, output) = (
                    node_name(node),
                    node.output.first().cloned().unwrap_or_default(),
                );
                Box::new(move |e| Expr::Act {
                    f,
                    of: Box::new(e),
                    node: node.clone(),
                    output: output.clone(),
                })
            } else {
                return Ok(None);
            };
            let Some((Some(x), shape, e)) = self.term(node, 0)? else {
                return Ok(None);
            };
            (x, shape, wrap(e))
        };
        Ok(Some(Value::Expr {
            x,
            shape,
            expr,
            node: node_name(node),
            output: node.output.first().cloned().unwrap_or_default(),
        }))
    }

    /// Turns the expression named `name` into stages; its value becomes their output.
    fn materialize(&mut self, name: &str) -> Result<Value, String> {
        let Some(Value::Expr {
            x,
            shape,
            expr,
            node,
            output,
        }) = self.values.get(name).cloned()
        else {
            return self.value(name);
        };
        if let Some(other) = self.read.insert(x.clone(), node.clone()) {
            return Err(format!(
                "{x:?} is read by node {other} too: the graph branches, and convscope runs chains of layers (residual and branching nets are not supported)"
            ));
        }
        let mut layer = match self.values.get(&x) {
            Some(Value::Data { layer, .. }) => *layer,
            _ => None,
        };
        for (stage, out, f) in expr.stages(&node, &output)? {
            let l = Layer {
                name: stage,
                kind: LayerKind::Activation(f),
            };
            l.output_shape(shape).map_err(|e| e.to_string())?;
            self.layers.push(l);
            self.outputs.push(out);
            layer = Some(self.layers.len() - 1);
        }
        let value = Value::Data { shape, layer };
        self.values.insert(name.to_string(), value.clone());
        Ok(value)
    }

    /// `Add(data, constant)` right after a Conv, MatMul or Gemm without bias: that bias.
    fn add_bias(
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
        let channels = match shape {
            Shape::Maps { channels, .. } => channels,
            Shape::Vector(n) => n,
        };
        let values = b.as_floats();
        // [C], [1, C], [C, 1, 1] or [1, C, 1, 1]: one value per channel.
        let per_channel = b.dims.iter().product::<usize>() == channels
            && b.dims.iter().filter(|&&d| d != 1).count() <= 1;
        if !per_channel {
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
        *bias = Some(Array1::from(values));
        // The layer's output is now this node's.
        self.outputs[index] = node.output.first().cloned().unwrap_or_default();
        self.set(
            node,
            Value::Data {
                shape,
                layer: Some(index),
            },
        );
        Ok(())
    }

    fn pad(&mut self, node: &NodeProto, shape: Shape) -> Result<(), String> {
        let a = Attrs(&node.attribute);
        let mode = a.string("mode").unwrap_or_else(|| "constant".into());
        if mode != "constant" {
            return Err(format!(
                "padding mode {mode:?}: only constant (zero) padding is supported"
            ));
        }
        let pads = match self.const_input(node, 1)? {
            Some(c) => c.as_ints().ok_or("pads are not whole numbers")?,
            None => a.ints("pads").unwrap_or_default(),
        };
        let value = match self.const_input(node, 2)? {
            Some(c) => c.as_floats().first().copied().unwrap_or(0.0),
            None => a.float("value", 0.0),
        };
        if value != 0.0 {
            return Err(format!(
                "padding with {value}: only padding with zeros is supported"
            ));
        }
        if self.const_input(node, 3)?.is_some() {
            return Err("padding given by axes: give pads for all four axes".into());
        }
        let pads = usizes(&pads, "pads")?;
        let [0, 0, t, l, 0, 0, b, r] = pads[..] else {
            return Err(format!(
                "pads {pads:?}: only padding of height and width of maps is supported"
            ));
        };
        if !matches!(shape, Shape::Maps { .. }) {
            return Err(format!("padding of {shape}: only maps can be padded"));
        }
        self.set(
            node,
            Value::Padded {
                shape,
                pads: [t, l, b, r],
                node: node_name(node),
            },
        );
        Ok(())
    }

    fn gemm(&mut self, node: &NodeProto, shape: Shape) -> Result<LayerKind, String> {
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

    fn conv(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        extra: [usize; 4],
    ) -> Result<LayerKind, String> {
        let a = Attrs(&node.attribute);
        let Shape::Maps {
            channels,
            height,
            width,
        } = shape
        else {
            return Err(format!("convolution of {shape}: only of maps"));
        };
        let w = self.required_const(node, 1, "weight")?;
        let [out, per_group, kh, kw] = w.dims[..] else {
            return Err(format!(
                "weight of shape {:?} is not [out, in, height, width]: only 2-D convolution is supported",
                w.dims
            ));
        };
        let group = a.int("group", 1);
        if group != 1 {
            return Err(format!(
                "group={group}: grouped and depthwise convolution are not supported yet"
            ));
        }
        if per_group != channels {
            return Err(format!(
                "weight of shape {:?} does not take the {channels} channels of {shape}",
                w.dims
            ));
        }
        let kernel = (kh, kw);
        if let Some(k) = a.ints("kernel_shape") {
            let k = pair(&usizes(&k, "kernel_shape")?, "kernel_shape")?;
            if k != kernel {
                return Err(format!(
                    "kernel_shape {k:?} differs from the weight's {kernel:?}"
                ));
            }
        }
        let dilations = pair(
            &usizes(&a.ints("dilations").unwrap_or(vec![1, 1]), "dilations")?,
            "dilations",
        )?;
        if dilations != (1, 1) {
            return Err(format!(
                "dilations {dilations:?}: dilated convolution is not supported yet"
            ));
        }
        let stride = pair(
            &usizes(&a.ints("strides").unwrap_or(vec![1, 1]), "strides")?,
            "strides",
        )?;
        let pads = add_pads(window_pads(node, (height, width), kernel, stride)?, extra);
        let padding = symmetric(pads)?;
        let bias = self
            .const_input(node, 2)?
            .map(|b| Array1::from(b.into_floats()));
        if bias.as_ref().is_some_and(|b| b.len() != out) {
            return Err(format!(
                "bias does not have one value per output channel ({out})"
            ));
        }
        let weight = Array4::from_shape_vec((out, per_group, kh, kw), w.into_floats())
            .map_err(|e| e.to_string())?;
        Ok(LayerKind::Conv2d(Conv2d {
            weight,
            bias,
            stride,
            padding,
            ..Conv2d::default()
        }))
    }

    fn pool(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        extra: [usize; 4],
    ) -> Result<LayerKind, String> {
        let a = Attrs(&node.attribute);
        let Shape::Maps { height, width, .. } = shape else {
            return Err(format!("pooling of {shape}: only of maps"));
        };
        let op = node.op_type();
        if op == "MaxPool" && node.output.get(1).is_some_and(|o| !o.is_empty()) {
            return Err("the indices output of MaxPool is not supported".into());
        }
        let kernel = pair(
            &usizes(&a.ints("kernel_shape").unwrap_or_default(), "kernel_shape")?,
            "kernel_shape",
        )?;
        let stride = pair(
            &usizes(&a.ints("strides").unwrap_or(vec![1, 1]), "strides")?,
            "strides",
        )?;
        let dilations = pair(
            &usizes(&a.ints("dilations").unwrap_or(vec![1, 1]), "dilations")?,
            "dilations",
        )?;
        if dilations != (1, 1) {
            return Err(format!(
                "dilations {dilations:?}: dilated pooling is not supported"
            ));
        }
        let own = window_pads(node, (height, width), kernel, stride)?;
        let pads = add_pads(own, extra);
        let padding = symmetric(pads)?;
        let window = Window {
            kernel,
            stride,
            padding,
            ..Window::default()
        };
        if op == "AveragePool" && own.iter().any(|&p| p > 0) && a.int("count_include_pad", 0) == 0 {
            return Err(
                "count_include_pad=0 with padding is not supported yet (PyTorch's default, count_include_pad=True, is)".into(),
            );
        }
        if a.int("ceil_mode", 0) != 0 {
            let floor = window.output_size(height, width);
            let ceil = ceil_size(window, height, width);
            if floor != ceil {
                return Err(format!(
                    "ceil_mode=1 changes the output from {}x{} to {}x{}: not supported yet",
                    floor.0, floor.1, ceil.0, ceil.1
                ));
            }
        }
        let mode = if op == "MaxPool" {
            PoolMode::Max
        } else {
            PoolMode::Avg
        };
        Ok(LayerKind::Pool2d(Pool2d {
            mode,
            window,
            ..Pool2d::default()
        }))
    }

    /// `Shape` of the network's data (the first step of the shape plumbing).
    fn shape_of(&mut self, node: &NodeProto) -> Result<(), String> {
        let name = node.input.first().ok_or("has no input")?;
        let dims = match self.value(name)? {
            Value::Data { shape, .. } => onnx_dims(shape),
            Value::Padded { .. } => return Err("the shape of padded data is not supported".into()),
            Value::Const(c) => c.dims.iter().map(|&d| d as i64).collect(),
            Value::Expr { shape, .. } => onnx_dims(shape),
        };
        let a = Attrs(&node.attribute);
        let rank = dims.len() as i64;
        let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
        let start = clamp(a.int("start", 0));
        let end = clamp(a.int("end", rank));
        let dims = dims.get(start..end.max(start)).unwrap_or_default().to_vec();
        self.set(node, Value::Const(Const::ints(vec![dims.len()], dims)));
        Ok(())
    }

    /// Evaluates a node whose inputs are all constants.
    fn fold(&self, node: &NodeProto) -> Result<Const, String> {
        let a = Attrs(&node.attribute);
        let input = |i: usize| self.required_const(node, i, "input");
        let op = node.op_type();
        Ok(match op {
            "Constant" => {
                if let Some(t) = a.tensor("value") {
                    decode(t, self.dir, limits::MAX_PARAMETERS)?
                } else if let Some(f) = a.get("value_float").and_then(|x| x.f) {
                    Const {
                        dims: vec![],
                        values: Values::F32(vec![f]),
                    }
                } else if let Some(x) = a.get("value_floats") {
                    Const {
                        dims: vec![x.floats.len()],
                        values: Values::F32(x.floats.clone()),
                    }
                } else if let Some(i) = a.get("value_int").and_then(|x| x.i) {
                    Const::ints(vec![], vec![i])
                } else if let Some(x) = a.get("value_ints") {
                    Const::ints(vec![x.ints.len()], x.ints.clone())
                } else {
                    return Err("a Constant with no value this reader knows".into());
                }
            }
            "Identity" => input(0)?,
            "Cast" => {
                let c = input(0)?;
                match a.int("to", 1) {
                    1 | 11 => Const {
                        dims: c.dims.clone(),
                        values: Values::F32(c.as_floats()),
                    },
                    6 | 7 => Const::ints(
                        c.dims.clone(),
                        c.as_floats().iter().map(|&v| v as i64).collect(),
                    ),
                    to => return Err(format!("a cast to type {to} is not supported")),
                }
            }
            "Unsqueeze" | "Squeeze" => {
                let c = input(0)?;
                let axes = match self.const_input(node, 1)? {
                    Some(x) => x.as_ints().unwrap_or_default(),
                    None => a.ints("axes").unwrap_or_default(),
                };
                let mut dims = c.dims.clone();
                if op == "Unsqueeze" {
                    let rank = (dims.len() + axes.len()) as i64;
                    let mut axes: Vec<usize> = axes
                        .iter()
                        .map(|&x| (if x < 0 { x + rank } else { x }) as usize)
                        .collect();
                    axes.sort_unstable();
                    for ax in axes {
                        dims.insert(ax.min(dims.len()), 1);
                    }
                } else if axes.is_empty() {
                    dims.retain(|&d| d != 1);
                } else {
                    let rank = dims.len() as i64;
                    let axes: HashSet<usize> = axes
                        .iter()
                        .map(|&x| (if x < 0 { x + rank } else { x }) as usize)
                        .collect();
                    dims = dims
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !axes.contains(i))
                        .map(|(_, &d)| d)
                        .collect();
                }
                Const {
                    dims,
                    values: c.values,
                }
            }
            "Concat" => {
                let mut ints = Vec::new();
                for i in 0..node.input.len() {
                    let c = input(i)?;
                    if c.dims.len() > 1 {
                        return Err("only 1-D constants can be concatenated at load".into());
                    }
                    ints.extend(
                        c.as_ints()
                            .ok_or("only whole numbers can be concatenated at load")?,
                    );
                }
                Const::ints(vec![ints.len()], ints)
            }
            "Gather" => {
                let data = input(0)?;
                let idx = input(1)?;
                if data.dims.len() != 1 {
                    return Err(
                        "only gathering from a 1-D constant (a shape) is supported at load".into(),
                    );
                }
                let values = data
                    .as_ints()
                    .ok_or("only whole numbers are gathered at load")?;
                let n = values.len() as i64;
                let picked = idx
                    .as_ints()
                    .ok_or("indices are not whole numbers")?
                    .iter()
                    .map(|&i| {
                        let i = if i < 0 { i + n } else { i };
                        values
                            .get(i as usize)
                            .copied()
                            .ok_or(format!("index {i} is outside 0..{n}"))
                    })
                    .collect::<Result<Vec<i64>, String>>()?;
                Const::ints(idx.dims.clone(), picked)
            }
            "Slice" => {
                let data = input(0)?;
                let values = data
                    .as_ints()
                    .ok_or("only whole numbers are sliced at load")?;
                if data.dims.len() != 1 {
                    return Err("only slicing a 1-D constant (a shape) is supported at load".into());
                }
                let first = |i: usize| -> Result<Option<i64>, String> {
                    Ok(self
                        .const_input(node, i)?
                        .and_then(|c| c.as_ints())
                        .and_then(|v| v.first().copied()))
                };
                let n = values.len() as i64;
                let clamp = |v: i64| (if v < 0 { v + n } else { v }).clamp(0, n) as usize;
                let (start, end) = (clamp(first(1)?.unwrap_or(0)), clamp(first(2)?.unwrap_or(n)));
                if first(4)?.is_some_and(|s| s != 1) {
                    return Err("only slicing with step 1 is supported at load".into());
                }
                let picked = values
                    .get(start..end.max(start))
                    .unwrap_or_default()
                    .to_vec();
                Const::ints(vec![picked.len()], picked)
            }
            "Mul" | "Add" | "Sub" | "Div" => {
                let (x, y) = (input(0)?, input(1)?);
                let (Some(xs), Some(ys)) = (x.as_ints(), y.as_ints()) else {
                    return Err("arithmetic on float constants is not supported at load".into());
                };
                let len = xs.len().max(ys.len());
                if !(xs.len() == ys.len() || xs.len() == 1 || ys.len() == 1) {
                    return Err("the two constants do not broadcast".into());
                }
                let at = |v: &[i64], i: usize| if v.len() == 1 { v[0] } else { v[i] };
                let values = (0..len)
                    .map(|i| {
                        let (p, q) = (at(&xs, i), at(&ys, i));
                        match op {
                            "Mul" => Ok(p.saturating_mul(q)),
                            "Add" => Ok(p.saturating_add(q)),
                            "Sub" => Ok(p.saturating_sub(q)),
                            _ if q == 0 => Err("division by zero".to_string()),
                            _ => Ok(p.div_euclid(q)),
                        }
                    })
                    .collect::<Result<Vec<i64>, String>>()?;
                let dims = if xs.len() >= ys.len() { x.dims } else { y.dims };
                Const::ints(dims, values)
            }
            other => {
                return Err(format!(
                    "operator {other} on constants is not supported; supported: {SUPPORTED}"
                ));
            }
        })
    }
}

fn add_pads(a: [usize; 4], b: [usize; 4]) -> [usize; 4] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}

/// Padding (top, left, bottom, right) must be the same on both sides of each axis.
fn symmetric([t, l, b, r]: [usize; 4]) -> Result<(usize, usize), String> {
    if t != b || l != r {
        return Err(format!(
            "padding top {t}, left {l}, bottom {b}, right {r} differs between sides: not supported yet"
        ));
    }
    for p in [t, l] {
        if p > limits::MAX_KERNEL {
            return Err(format!(
                "padding {p} is past the limit of {}",
                limits::MAX_KERNEL
            ));
        }
    }
    Ok((t, l))
}

/// The `pads` attribute of a node, `[0; 4]` when absent.
fn pads_of(node: &NodeProto) -> Result<[usize; 4], String> {
    let pads = usizes(
        &Attrs(&node.attribute).ints("pads").unwrap_or(vec![0; 4]),
        "pads",
    )?;
    match pads[..] {
        [t, l, b, r] => Ok([t, l, b, r]),
        _ => Err(format!("pads {pads:?} are not 2-D")),
    }
}

/// The padding (top, left, bottom, right) of a Conv or pooling node, from `pads` or `auto_pad`.
fn window_pads(
    node: &NodeProto,
    (h, w): (usize, usize),
    kernel: (usize, usize),
    stride: (usize, usize),
) -> Result<[usize; 4], String> {
    let a = Attrs(&node.attribute);
    let auto = a.string("auto_pad").unwrap_or_else(|| "NOTSET".into());
    match auto.as_str() {
        "NOTSET" => pads_of(node),
        "VALID" => Ok([0; 4]),
        "SAME_UPPER" | "SAME_LOWER" => {
            let total = |n: usize, k: usize, s: usize| {
                let out = n.div_ceil(s.max(1));
                ((out - 1) * s + k).saturating_sub(n)
            };
            let (th, tw) = (total(h, kernel.0, stride.0), total(w, kernel.1, stride.1));
            Ok(if auto == "SAME_UPPER" {
                [th / 2, tw / 2, th - th / 2, tw - tw / 2]
            } else {
                [th - th / 2, tw - tw / 2, th / 2, tw / 2]
            })
        }
        other => Err(format!(
            "auto_pad {other:?} is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER"
        )),
    }
}

/// Output size of a pooling window with `ceil_mode=1` (PyTorch's rule: the last window must
/// start inside the input or its left padding).
fn ceil_size(window: Window, h: usize, w: usize) -> (i64, i64) {
    let one = |n: usize, k: usize, s: usize, p: usize| {
        let span = n as i64 + 2 * p as i64 - k as i64;
        if span < 0 {
            return span.min(0);
        }
        let mut out = (span + s as i64 - 1) / s as i64 + 1;
        if (out - 1) * s as i64 >= n as i64 + p as i64 {
            out -= 1;
        }
        out
    };
    (
        one(h, window.kernel.0, window.stride.0, window.padding.0),
        one(w, window.kernel.1, window.stride.1, window.padding.1),
    )
}

/// The dimensions a Reshape to `target` gives data of `dims` (0 copies, -1 infers).
fn reshape_dims(dims: &[i64], target: &[i64], allow_zero: bool) -> Result<Vec<i64>, String> {
    let total: i64 = dims.iter().product();
    let mut out: Vec<i64> = target
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            if t == 0 && !allow_zero {
                dims.get(i).copied().unwrap_or(0)
            } else {
                t
            }
        })
        .collect();
    let known: i64 = out.iter().filter(|&&d| d != -1).product();
    match out.iter().filter(|&&d| d == -1).count() {
        0 => {}
        1 if known > 0 && total % known == 0 => {
            for d in out.iter_mut().filter(|d| **d == -1) {
                *d = total / known;
            }
        }
        _ => return Err(format!("cannot reshape {dims:?} to {target:?}")),
    }
    if out.iter().product::<i64>() != total || out.iter().any(|&d| d < 0) {
        return Err(format!("cannot reshape {dims:?} to {target:?}"));
    }
    Ok(out)
}
