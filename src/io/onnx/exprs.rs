//! Element-wise nodes as expressions of the data: activation nodes, and the Add/Mul/... nodes
//! exporters spell SiLU, GELU and Hardswish with, gathered into one expression of one data
//! value and made into stages when something else reads it ([`super::elementwise`] says which
//! expressions are activations).

use super::attrs::node_name;
use super::elementwise::Expr;
use super::error::{NodeError, refused};
use super::graph::{Value, Walker, source};
use super::proto::NodeProto;
use super::registry::Elementwise;
use crate::engine::{Layer, LayerKind, Shape};

/// The most terms (operations, numbers and uses of the data) an element-wise expression may
/// have: GELU spelt out in its tanh form has about 20. Each node's expression is a copy of the
/// ones it reads, so without a bound a chain of such nodes grew quadratically and a node
/// squaring the one before doubled it.
const MAX_EXPR_SIZE: usize = 256;

impl Walker<'_> {
    /// Input `i` as a term of an element-wise expression: the data (`X`), an expression of
    /// it, or a single number; with the data value it is a function of. `None` when it is
    /// none of these (a constant of many values).
    fn term(
        &self,
        node: &NodeProto,
        i: usize,
    ) -> Result<Option<(Option<String>, Shape, Expr)>, NodeError> {
        let name = node.input.get(i).map(String::as_str).unwrap_or("");
        if name.is_empty() {
            return Ok(None);
        }
        Ok(match self.value(name)? {
            Value::Const(c) if c.count() == 1 => {
                Some((None, Shape::Vector(1), Expr::Scalar(c.as_floats()[0])))
            }
            Value::Const(_) | Value::Padded { .. } | Value::Norm(_) => None,
            Value::Data { shape, .. } => Some((Some(name.to_string()), shape, Expr::X)),
            Value::Expr { x, shape, expr, .. } => Some((Some(x), shape, expr)),
        })
    }

    /// The node (whose operator is element-wise as `role` says) as part of an expression of
    /// the data, if it is one here.
    pub(super) fn elementwise(
        &mut self,
        node: &NodeProto,
        role: Elementwise,
    ) -> Result<Option<Value>, NodeError> {
        // An activation node on another activation node's output: that one becomes its stage
        // first. Every activation node is then a stage of its own, and a chain of them holds
        // one small expression per node instead of ever longer copies of the whole chain
        // (10,000 ReLU nodes took 4.7 GB).
        if let Elementwise::Activation(_) = role
            && let Some(name) = node.input.first()
            && let Some(Value::Expr {
                expr: Expr::Act { .. },
                ..
            }) = self.values.get(name)
        {
            let name = name.clone();
            self.materialize(&name)?;
        }
        let (x, shape, expr) = if let Elementwise::Binary(bin) = role {
            let (Some(a), Some(b)) = (self.term(node, 0)?, self.term(node, 1)?) else {
                return Ok(None);
            };
            let x = match (&a.0, &b.0) {
                // Two different data values: a merging layer (residual Add, SE Mul).
                (Some(p), Some(q)) if p != q => return Ok(None),
                (Some(p), _) | (None, Some(p)) => p.clone(),
                (None, None) => return Ok(None),
            };
            let shape = if a.0.is_some() { a.1 } else { b.1 };
            (x, shape, Expr::Bin(bin, Box::new(a.2), Box::new(b.2)))
        } else {
            let wrap: Box<dyn Fn(Expr) -> Expr> = match role {
                Elementwise::Activation(activation) => {
                    let f = activation(self, node)?;
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
                }
                _ => Box::new(|e| Expr::Erf(Box::new(e))),
            };
            let Some((Some(x), shape, e)) = self.term(node, 0)? else {
                return Ok(None);
            };
            (x, shape, wrap(e))
        };
        if expr.size() > MAX_EXPR_SIZE {
            return Err(refused(format!(
                "element-wise arithmetic of more than {MAX_EXPR_SIZE} terms on one value, past the limit: convscope reads such arithmetic only as the activation it spells out (SiLU, GELU, Hardswish, a few terms each); export the network without it or with the activation's own operator"
            )));
        }
        Ok(Some(Value::Expr {
            x,
            shape,
            expr,
            node: node_name(node),
            output: node.output.first().cloned().unwrap_or_default(),
        }))
    }

    /// Turns the expression named `name` into stages; its value becomes their output.
    pub(super) fn materialize(&mut self, name: &str) -> Result<Value, NodeError> {
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
        let mut layer = match self.values.get(&x) {
            Some(Value::Data { layer, .. }) => *layer,
            _ => None,
        };
        for (stage, out, f) in expr.stages(&node, &output)? {
            let l = Layer {
                name: stage,
                kind: LayerKind::Activation(f),
            };
            let (index, _) = self.add_layer(l, vec![source(layer)], &[shape], out)?;
            layer = Some(index);
        }
        let value = Value::Data { shape, layer };
        self.values.insert(name.to_string(), value.clone());
        Ok(value)
    }
}
