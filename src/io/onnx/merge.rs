//! Nodes that join branches of the graph: Add and Sum of two or more data values (residual
//! connections), Mul of maps by one weight per channel (squeeze-and-excitation) or of two
//! values of one shape, and Concat of maps along channels (Fire and Inception modules). Each
//! becomes one engine layer that reads the layers its inputs come from.

use super::attrs::{Attrs, node_name};
use super::graph::{Value, Walker, source};
use super::proto::NodeProto;
use crate::engine::{Layer, LayerKind, Merge, Shape};

impl Walker<'_> {
    /// A node with several data inputs (`data`: input index, value name, value), or a Concat.
    pub(super) fn merge(
        &mut self,
        node: &NodeProto,
        data: &[(usize, String, Value)],
    ) -> Result<(), String> {
        let op = node.op_type();
        let merge = match op {
            "Add" | "Sum" => Merge::Add,
            "Mul" => Merge::Mul,
            "Concat" => Merge::Concat,
            other => {
                return Err(format!(
                    "operator {other} with {} inputs that depend on the network's input: only Add, Sum, Mul and Concat join branches",
                    data.len()
                ));
            }
        };
        let given = node.input.iter().filter(|i| !i.is_empty()).count();
        if data.len() != given {
            return Err(format!(
                "{} of its {given} inputs are constants: {op} joins branches of the network, all its inputs must depend on the input",
                given - data.len()
            ));
        }
        let mut sources = Vec::with_capacity(data.len());
        let mut shapes = Vec::with_capacity(data.len());
        for (_, name, value) in data {
            match value {
                Value::Data { shape, layer } => {
                    sources.push(source(*layer));
                    shapes.push(*shape);
                }
                Value::Padded { node: pad, .. } => {
                    return Err(format!(
                        "it reads the padding of node {pad} ({name:?}), which only Conv and pooling can take over"
                    ));
                }
                Value::Const(_) | Value::Expr { .. } => {
                    unreachable!("constants are set apart and expressions made into stages")
                }
            }
        }
        if merge == Merge::Concat {
            let axis = Attrs(&node.attribute).int("axis", 1);
            let ok = match shapes.first() {
                Some(Shape::Maps { .. }) => axis == 1 || axis == -3,
                Some(Shape::Vector(_)) => axis == 1 || axis == -1,
                None => false,
            };
            if !ok {
                return Err(format!(
                    "concatenation along axis {axis}: only along channels (axis 1) is supported"
                ));
            }
        }
        let layer = Layer {
            name: node_name(node),
            kind: LayerKind::Merge(merge),
        };
        let output = node.output.first().cloned().unwrap_or_default();
        let (index, shape) = self.add_layer(layer, sources, &shapes, output)?;
        self.set(
            node,
            Value::Data {
                shape,
                layer: Some(index),
            },
        );
        Ok(())
    }
}
