//! Walks an ONNX graph node by node and turns it into engine layers. Constants and the shape
//! plumbing exporters emit (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) are evaluated
//! here, at load; every other node becomes a layer (or, like Identity, nothing) that reads the
//! layers its data inputs come from: a chain, or a graph with branches that Add, Mul or
//! Concat nodes join ([`super::merge`]). Shapes come from the engine's own
//! [`Layer::output_shape_of`], the check every model reader goes through.

pub use super::attrs::node_name;
use super::attrs::{Attrs, Padding, onnx_dims, per_channel, reshape_dims};
use super::elementwise::Expr;
use super::proto::{NodeProto, TensorProto};
use super::tensors::{Const, decode};
use crate::engine::{Layer, LayerKind, Prelu, Shape, Source, limits};
use ndarray::Array1;
use std::collections::HashMap;
use std::path::Path;

/// The operators that become layers, as the error for any other says.
pub const SUPPORTED: &str = "Conv (groups, dilations, any pads), MaxPool and AveragePool \
    (ceil_mode, count_include_pad), GlobalAveragePool, GlobalMaxPool, ReduceMean and ReduceMax \
    (over H,W), BatchNormalization, Gemm, MatMul(+Add), Relu, LeakyRelu, PRelu, Elu, Selu, Gelu, \
    Sigmoid, HardSigmoid, HardSwish, Tanh, Clip, Flatten, Reshape (to a vector), Softmax, \
    LogSoftmax, Dropout, Identity, Pad (constant, before Conv or pooling), element-wise \
    Add/Sub/Mul/Div/Pow/Erf spelling out one of those activations (SiLU, GELU, Hardswish), \
    Add and Sum of tensors of one shape, Mul of maps by one weight per channel, Concat of \
    maps along channels, and the shape plumbing Constant, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Slice";

/// A value flowing through the graph.
#[derive(Debug, Clone)]
pub(super) enum Value {
    /// Known at load time.
    Const(Const),
    /// The network's data: its shape, and the layer that made it (`None`: the input).
    Data { shape: Shape, layer: Option<usize> },
    /// Data of `shape` (made by layer `from`) padded by the Pad node `node`, waiting for the
    /// Conv or pooling node that takes the padding over.
    Padded {
        shape: Shape,
        padding: Padding,
        from: Option<usize>,
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

/// The layers of a graph, what each reads, and the ONNX value each layer's output is (for
/// comparing stage by stage with another runtime).
pub struct Built {
    pub layers: Vec<Layer>,
    pub sources: Vec<Vec<Source>>,
    pub outputs: Vec<String>,
}

/// Where data made by layer `from` (`None`: the network's input) comes from.
pub(super) fn source(from: Option<usize>) -> Source {
    from.map_or(Source::Input, Source::Layer)
}

pub struct Walker<'a> {
    pub(super) dir: &'a Path,
    opset: i64,
    initializers: HashMap<&'a str, &'a TensorProto>,
    pub(super) values: HashMap<String, Value>,
    /// How many nodes have read each data value so far (a bias folded into the layer that
    /// made a value must be the value's only reader).
    pub(super) read: HashMap<String, usize>,
    /// Values whose layer took a bias later (the node that added it): reading them after
    /// that would read the wrong numbers.
    pub(super) folded: HashMap<String, String>,
    pub(super) layers: Vec<Layer>,
    pub(super) sources: Vec<Vec<Source>>,
    pub(super) outputs: Vec<String>,
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
            folded: HashMap::new(),
            layers: Vec::new(),
            sources: Vec::new(),
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
                        "the graph output {output:?} is not the last layer's output: convscope shows the network's output as its last stage"
                    ));
                }
                Ok(Built {
                    layers: self.layers,
                    sources: self.sources,
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
    pub(super) fn value(&self, name: &str) -> Result<Value, String> {
        if let Some(node) = self.folded.get(name) {
            return Err(format!(
                "its input {name:?} took the bias node {node} adds after it was made; only that Add may read it"
            ));
        }
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
    pub(super) fn const_input(&self, node: &NodeProto, i: usize) -> Result<Option<Const>, String> {
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

    pub(super) fn required_const(
        &self,
        node: &NodeProto,
        i: usize,
        what: &str,
    ) -> Result<Const, String> {
        self.const_input(node, i)?
            .ok_or_else(|| format!("has no {what} (input {i})"))
    }

    pub(super) fn set(&mut self, node: &NodeProto, value: Value) {
        if let Some(out) = node.output.first() {
            self.values.insert(out.clone(), value);
        }
    }

    /// Adds a layer that reads `sources` (of shapes `inputs`); its output is the ONNX value
    /// `output`. Returns its index and output shape.
    pub(super) fn add_layer(
        &mut self,
        layer: Layer,
        sources: Vec<Source>,
        inputs: &[Shape],
        output: String,
    ) -> Result<(usize, Shape), String> {
        let shape = layer.output_shape_of(inputs).map_err(|e| e.to_string())?;
        self.layers.push(layer);
        self.sources.push(sources);
        self.outputs.push(output);
        Ok((self.layers.len() - 1, shape))
    }

    /// Adds a layer fed by the data of shape `input` made by layer `from` (`None`: the
    /// input), and records its output as the node's.
    pub(super) fn push(
        &mut self,
        node: &NodeProto,
        name: String,
        kind: LayerKind,
        input: Shape,
        from: Option<usize>,
    ) -> Result<Shape, String> {
        let (_, shape) = self.add_layer(
            Layer { name, kind },
            vec![source(from)],
            &[input],
            node.output.first().cloned().unwrap_or_default(),
        )?;
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
        for (_, name, _) in &data {
            *self.read.entry(name.clone()).or_default() += 1;
        }
        if data.len() > 1 || op == "Concat" || op == "Sum" {
            return self.merge(node, &data);
        }
        let [(index, _, value)] = &data[..] else {
            unreachable!("no data input is a constant, folded above");
        };
        if *index != 0 {
            return Err(format!(
                "the network's data reaches it as input {index}, not as input 0"
            ));
        }
        if let Value::Padded {
            shape,
            padding,
            from,
            node: pad,
        } = value
        {
            return self.after_pad(node, *shape, *padding, *from, pad);
        }
        let Value::Data { shape, layer } = value else {
            unreachable!("constants were set apart and expressions made into stages above")
        };
        self.layer(node, *shape, *layer, [0; 4])
    }

    /// The node as a layer on data of `shape`, made by layer `from`; `extra` is padding
    /// (top, left, bottom, right) a Pad node before it added.
    pub(super) fn layer(
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
            "Softmax" | "LogSoftmax" => {
                let default = if self.opset >= 13 { -1 } else { 1 };
                let axis = a.int("axis", default);
                if !matches!(shape, Shape::Vector(_)) || !(axis == -1 || axis == 1) {
                    return Err(format!(
                        "{op} over axis {axis} of {shape}: only over the features of a vector is supported"
                    ));
                }
                if op == "Softmax" {
                    LayerKind::Softmax
                } else {
                    LayerKind::LogSoftmax
                }
            }
            "Conv" => self.conv(node, shape, extra)?,
            "MaxPool" | "AveragePool" => self.pool(node, shape, extra)?,
            "GlobalAveragePool" => LayerKind::GlobalAvgPool,
            "GlobalMaxPool" => LayerKind::GlobalMaxPool,
            "ReduceMean" | "ReduceMax" => return self.reduce(node, shape, from),
            "BatchNormalization" => self.batch_norm(node, shape)?,
            "PRelu" => {
                let slope = self.required_const(node, 1, "slope")?;
                if !per_channel(&slope.dims, shape) {
                    return Err(format!(
                        "slope of shape {:?} is not one per channel of {shape} (nor a single one)",
                        slope.dims
                    ));
                }
                LayerKind::Prelu(Prelu {
                    weight: Array1::from(slope.into_floats()),
                })
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
            "MatMul" => self.matmul(node, shape)?,
            "Add" => return self.add_bias(node, shape, from),
            "Pad" => return self.pad(node, shape, from),
            other => {
                return Err(format!(
                    "operator {other} is not supported; supported: {SUPPORTED}"
                ));
            }
        };
        self.push(node, name, kind, shape, from)?;
        Ok(())
    }
}
