//! The state of a walk through an ONNX graph: the value each name stands for (a constant, the
//! network's data, data waiting for a Pad node's padding to be taken over, or an element-wise
//! expression of the data) and the layers made so far, with the few steps every operator's
//! handler takes (read an input, add a layer). `walk.rs` takes the nodes in order and hands
//! each to its operator's handlers (`registry.rs`). Shapes come from the engine's own
//! [`Layer::output_shape_of`], the check every model reader goes through.

use super::attrs::{Padding, node_name, onnx_dims};
use super::elementwise::Expr;
use super::error::NodeError;
use super::norm_step::Spelt;
use super::proto::{NodeProto, TensorProto, tensor_proto::DataType};
use super::tensors::{Const, decode};
use super::view::View;
use crate::engine::{Layer, LayerKind, Shape, Source, limits};
use std::collections::HashMap;
use std::path::Path;

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
    /// A step of a layer normalisation spelt out node by node (`norm_spelt.rs`), made into
    /// its stage when something else reads the finished one.
    Norm(Box<Spelt>),
}

/// The layers of a graph, what each reads, and the ONNX value each layer's output is (for
/// comparing stage by stage with another runtime).
pub(crate) struct Built {
    pub layers: Vec<Layer>,
    pub sources: Vec<Vec<Source>>,
    pub outputs: Vec<String>,
    /// What was read but looks wrong (each without the file's name, which the caller adds).
    pub warnings: Vec<String>,
}

/// Where data made by layer `from` (`None`: the network's input) comes from.
pub(super) fn source(from: Option<usize>) -> Source {
    from.map_or(Source::Input, Source::Layer)
}

pub(crate) struct Walker<'a> {
    pub(super) dir: &'a Path,
    pub(super) opset: i64,
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
    pub(super) warnings: Vec<String>,
    /// The ONNX rank of vectors held with more axes of size one (`[1, C, 1, 1]` weights of a
    /// squeeze-and-excitation): the data is the vector, the rank says how it broadcasts.
    pub(super) ranks: HashMap<String, usize>,
    /// Data values that Reshape and Transpose nodes rearranged (`views.rs`).
    pub(super) views: HashMap<String, View>,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(
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
            warnings: Vec::new(),
            ranks: HashMap::new(),
            views: HashMap::new(),
        }
    }

    /// The value named `name`: a node's output or an initializer.
    pub(super) fn value(&self, name: &str) -> Result<Value, NodeError> {
        if let Some(node) = self.folded.get(name) {
            return Err(NodeError::ReadsBiasedValue {
                input: name.to_string(),
                bias_node: node.clone(),
            });
        }
        if let Some(v) = self.values.get(name) {
            return Ok(v.clone());
        }
        let t = self
            .initializers
            .get(name)
            .ok_or_else(|| NodeError::InputNotMade(name.to_string()))?;
        decode(t, self.dir, limits::MAX_PARAMETERS)
            .map(Value::Const)
            .map_err(|problem| NodeError::Initializer {
                name: name.to_string(),
                problem,
            })
    }

    /// Whether `name` is a weight not yet read (so not decoded just to find that out).
    pub(super) fn is_initializer(&self, name: &str) -> bool {
        !self.values.contains_key(name) && self.initializers.contains_key(name)
    }

    /// Warns when `node`, which just became a layer with weights, reads an initializer of
    /// integers: they are read as floats, which is seldom what the exporter meant.
    pub(super) fn note_integer_weights(&mut self, node: &NodeProto) {
        if self.layers.last().is_none_or(|l| l.parameter_count() == 0) {
            return;
        }
        for name in &node.input {
            let Some(t) = self.initializers.get(name.as_str()) else {
                continue;
            };
            let dtype = t.data_type.unwrap_or(0);
            if dtype == DataType::Float as i32 || dtype == DataType::Double as i32 {
                continue;
            }
            let type_name = DataType::try_from(dtype)
                .map(|d| d.as_str_name().to_lowercase())
                .unwrap_or_else(|_| format!("type {dtype}"));
            self.warnings.push(format!(
                "initializer {name:?} of node {} ({}) holds {type_name} values where float weights are expected: they are read as floats; export the model with float weights (model.float())",
                node_name(node),
                node.op_type()
            ));
        }
    }

    /// Input `i` as a constant, `None` when the node leaves it out.
    pub(super) fn const_input(
        &self,
        node: &NodeProto,
        i: usize,
    ) -> Result<Option<Const>, NodeError> {
        match node.input.get(i).map(String::as_str) {
            None | Some("") => Ok(None),
            Some(name) => match self.value(name)? {
                Value::Const(c) => Ok(Some(c)),
                _ => Err(NodeError::NotConstant {
                    index: i,
                    input: name.to_string(),
                }),
            },
        }
    }

    pub(super) fn required_const(
        &self,
        node: &NodeProto,
        i: usize,
        what: &'static str,
    ) -> Result<Const, NodeError> {
        self.const_input(node, i)?
            .ok_or(NodeError::MissingInput { what, index: i })
    }

    /// The ONNX dimensions of the data value `name` of `shape` (batch of one).
    pub(super) fn data_dims(&self, name: &str, shape: Shape) -> Vec<i64> {
        if let Some(view) = self.views.get(name) {
            return view.dims().iter().map(|&d| d as i64).collect();
        }
        let mut dims = onnx_dims(shape);
        match (shape, self.ranks.get(name)) {
            (Shape::Vector(n), Some(1)) => dims = vec![n as i64],
            (Shape::Vector(_), Some(&rank)) => dims.resize(rank, 1),
            _ => {}
        }
        dims
    }

    /// `{module}/{stage}` for a stage made by the node `node` of a module (TorchScript names
    /// nodes by module path, `/layer1/block.0/Sub`), numbered when the name is taken; `None`
    /// when the node's name has no module path.
    pub(super) fn module_stage(&self, node: &str, stage: &str) -> Option<String> {
        let base = match node.rsplit_once('/') {
            Some((module, _)) if node.starts_with('/') => format!("{module}/{stage}"),
            _ => return None,
        };
        let mut named = base.clone();
        for k in 1.. {
            if !self.layers.iter().any(|l| l.name == named) {
                break;
            }
            named = format!("{base}_{k}");
        }
        Some(named)
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
    ) -> Result<(usize, Shape), NodeError> {
        let shape = layer.output_shape_of(inputs)?;
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
    ) -> Result<Shape, NodeError> {
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
}
