//! Element-wise nodes as expressions of the data: activation nodes, and the Add/Mul/... nodes
//! exporters spell SiLU, GELU and Hardswish with, gathered into one expression of one data
//! value and made into stages when something else reads it ([`super::elementwise`] says which
//! expressions are activations).

use super::attrs::{Attrs, node_name};
use super::elementwise::{BinOp, Expr};
use super::graph::{Value, Walker, source};
use super::proto::NodeProto;
use crate::engine::{
    Activation, Layer, LayerKind, Shape, activation::SELU_ALPHA, activation::SELU_SCALE,
};

impl Walker<'_> {
    /// The activation a node applies to its first input, if it is an activation node.
    pub(super) fn activation(&self, node: &NodeProto) -> Result<Option<Activation>, String> {
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
                if lo > hi {
                    return Err(format!("clipping to [{lo}, {hi}]: min is above max"));
                }
                if lo == 0.0 && hi == f32::INFINITY {
                    Activation::Relu
                } else {
                    Activation::Clip { min: lo, max: hi }
                }
            }
            "Elu" => Activation::Elu {
                alpha: a.float("alpha", 1.0),
            },
            "Selu" => {
                let (alpha, gamma) = (a.float("alpha", SELU_ALPHA), a.float("gamma", SELU_SCALE));
                let near = |x: f32, y: f32| (x - y).abs() <= 1e-6 * y;
                if !(near(alpha, SELU_ALPHA) && near(gamma, SELU_SCALE)) {
                    return Err(format!(
                        "Selu with alpha {alpha}, gamma {gamma}: only the standard constants ({SELU_ALPHA}, {SELU_SCALE}) are supported"
                    ));
                }
                Activation::Selu
            }
            "Gelu" => match a.string("approximate").as_deref() {
                None | Some("none") => Activation::Gelu { tanh: false },
                Some("tanh") => Activation::Gelu { tanh: true },
                Some(other) => {
                    return Err(format!("approximate={other:?} is not \"none\" or \"tanh\""));
                }
            },
            "HardSigmoid" => Activation::Hardsigmoid {
                alpha: a.float("alpha", 0.2),
                beta: a.float("beta", 0.5),
            },
            "HardSwish" => Activation::Hardswish,
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
    pub(super) fn elementwise(&self, node: &NodeProto) -> Result<Option<Value>, String> {
        let op = node.op_type();
        let binary = match op {
            "Add" => Some(BinOp::Add),
            "Sub" => Some(BinOp::Sub),
            "Mul" => Some(BinOp::Mul),
            "Div" => Some(BinOp::Div),
            "Pow" => Some(BinOp::Pow),
            _ => None,
        };
        let (x, shape, expr) = if let Some(bin) = binary {
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
    pub(super) fn materialize(&mut self, name: &str) -> Result<Value, String> {
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
