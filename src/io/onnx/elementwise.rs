//! Element-wise functions that exporters spell out node by node: SiLU as `x * Sigmoid(x)`,
//! Hardswish as `x * HardSigmoid(x)`, GELU as `x * 0.5 * (1 + Erf(x / sqrt 2))` (or its tanh
//! form, with `Pow(x, 3)`). Such nodes
//! read the same data twice, so they are gathered into one expression of that data and turned
//! into engine activations only when something else reads the result: a lone activation node
//! becomes that activation; any other expression must be, at every one of many points, one
//! of the engine's activations (to float rounding), or it is refused.

use super::error::NodeError;
use crate::engine::Activation;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// A function of the data `x`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    X,
    Scalar(f32),
    /// An activation node applied to an expression; `node` and `output` name its stage.
    Act {
        f: Activation,
        of: Box<Expr>,
        node: String,
        output: String,
    },
    Erf(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

/// One stage an expression becomes: its name, the ONNX value it computes, its function.
pub(crate) type Stage = (String, String, Activation);

/// The error function (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7: enough to
/// recognise GELU; the engine's own GELU computes the values).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let y = 1.0 - poly * (-x * x).exp();
    if x >= 0.0 { y } else { -y }
}

impl Expr {
    pub(crate) fn eval(&self, x: f64) -> f64 {
        match self {
            Expr::X => x,
            Expr::Scalar(v) => *v as f64,
            Expr::Act { f, of, .. } => f.apply(of.eval(x) as f32) as f64,
            Expr::Erf(a) => erf(a.eval(x)),
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(x), b.eval(x));
                match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    BinOp::Pow => a.powf(b),
                }
            }
        }
    }

    /// The activation that equals this expression at every probe point, if one does.
    fn identify(&self) -> Option<Activation> {
        let probes: Vec<f64> = (-160..=160)
            .map(|i| i as f64 * 0.05)
            .chain([-30.0, -12.5, 12.5, 30.0])
            .collect();
        candidates().into_iter().find(|f| {
            probes.iter().all(|&t| {
                let want = self.eval(t);
                let got = f.apply(t as f32) as f64;
                (want - got).abs() <= 1e-5 * want.abs().max(1.0)
            })
        })
    }

    /// The stages that compute this expression, the last named `node` (making `output`).
    pub(crate) fn stages(&self, node: &str, output: &str) -> Result<Vec<Stage>, NodeError> {
        match self {
            Expr::X => Ok(vec![]),
            Expr::Act {
                f,
                of,
                node,
                output,
            } if **of == Expr::X => Ok(vec![(node.clone(), output.clone(), *f)]),
            _ => {
                if let Some(f) = self.identify() {
                    return Ok(vec![(node.to_string(), output.to_string(), f)]);
                }
                // An activation node of the data, then a function of its output only (GELU
                // spelt out on the output of a HardSigmoid node): its stage, then the rest.
                let Some(first) = self.first_act() else {
                    return Err(unknown(node));
                };
                let Expr::Act {
                    f,
                    node: inner,
                    output: inner_out,
                    ..
                } = first
                else {
                    unreachable!("first_act returns activations")
                };
                let Some(rest) = self.replace(inner) else {
                    return Err(unknown(node));
                };
                let mut stages = vec![(inner.clone(), inner_out.clone(), *f)];
                stages.extend(rest.stages(node, output)?);
                Ok(stages)
            }
        }
    }

    /// The first activation node applied straight to the data.
    fn first_act(&self) -> Option<&Expr> {
        match self {
            Expr::X | Expr::Scalar(_) => None,
            Expr::Act { of, .. } if **of == Expr::X => Some(self),
            Expr::Act { of, .. } | Expr::Erf(of) => of.first_act(),
            Expr::Bin(_, a, b) => a.first_act().or_else(|| b.first_act()),
        }
    }

    /// This expression with the activation node `act` (applied to the data) as its variable;
    /// `None` when the data appears outside that node too.
    fn replace(&self, act: &str) -> Option<Expr> {
        Some(match self {
            Expr::X => return None,
            Expr::Scalar(v) => Expr::Scalar(*v),
            Expr::Act { of, node, .. } if **of == Expr::X && node == act => Expr::X,
            Expr::Act {
                f,
                of,
                node,
                output,
            } => Expr::Act {
                f: *f,
                of: Box::new(of.replace(act)?),
                node: node.clone(),
                output: output.clone(),
            },
            Expr::Erf(a) => Expr::Erf(Box::new(a.replace(act)?)),
            Expr::Bin(op, a, b) => {
                Expr::Bin(*op, Box::new(a.replace(act)?), Box::new(b.replace(act)?))
            }
        })
    }
}

fn unknown(node: &str) -> NodeError {
    NodeError::NotAnActivation {
        node: node.to_string(),
        candidates: candidates()
            .iter()
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The activations an expression may turn out to be.
fn candidates() -> Vec<Activation> {
    vec![
        Activation::Relu,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Silu,
        Activation::Hardswish,
        Activation::Gelu { tanh: false },
        Activation::Gelu { tanh: true },
        Activation::RELU6,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(f: Activation, of: Expr) -> Expr {
        Expr::Act {
            f,
            of: Box::new(of),
            node: "inner".into(),
            output: "t".into(),
        }
    }

    #[test]
    fn a_lone_activation_is_itself() {
        let e = act(Activation::Tanh, Expr::X);
        assert_eq!(
            e.stages("outer", "y").unwrap(),
            [("inner".to_string(), "t".to_string(), Activation::Tanh)]
        );
    }

    #[test]
    fn max_spelt_out_is_relu_and_anything_else_is_refused() {
        // (x + |x|) / 2 written as relu(x) * 1 + 0: relu, named after the last node.
        let e = Expr::Bin(
            BinOp::Add,
            Box::new(Expr::Bin(
                BinOp::Mul,
                Box::new(act(Activation::Relu, Expr::X)),
                Box::new(Expr::Scalar(1.0)),
            )),
            Box::new(Expr::Scalar(0.0)),
        );
        assert_eq!(e.stages("add", "y").unwrap()[0].2, Activation::Relu);
        // x * 2 is no activation.
        let e = Expr::Bin(BinOp::Mul, Box::new(Expr::X), Box::new(Expr::Scalar(2.0)));
        let err = e.stages("double", "y").unwrap_err().to_string();
        assert!(err.contains("node double"), "{err}");
    }

    #[test]
    fn gelu_spelt_out_after_an_activation_node_is_two_stages() {
        // 0.5 * h * (1 + erf(h / sqrt 2)) with h = HardSigmoid(x).
        let h = || {
            act(
                Activation::Hardsigmoid {
                    alpha: 0.2,
                    beta: 0.5,
                },
                Expr::X,
            )
        };
        let bin = |op, a, b| Expr::Bin(op, Box::new(a), Box::new(b));
        let erf = Expr::Erf(Box::new(bin(
            BinOp::Div,
            h(),
            Expr::Scalar(std::f32::consts::SQRT_2),
        )));
        let e = bin(
            BinOp::Mul,
            bin(BinOp::Mul, h(), bin(BinOp::Add, erf, Expr::Scalar(1.0))),
            Expr::Scalar(0.5),
        );
        let stages = e.stages("mul", "y").unwrap();
        assert_eq!(
            stages,
            [
                (
                    "inner".to_string(),
                    "t".to_string(),
                    Activation::Hardsigmoid {
                        alpha: 0.2,
                        beta: 0.5
                    }
                ),
                (
                    "mul".to_string(),
                    "y".to_string(),
                    Activation::Gelu { tanh: false }
                ),
            ]
        );
        // h(x) * x mixes the activation's output with the data: no chain of stages.
        let e = bin(BinOp::Mul, h(), bin(BinOp::Add, Expr::X, Expr::Scalar(1.0)));
        assert!(e.stages("mul", "y").is_err());
    }

    #[test]
    fn erf_is_close() {
        assert!((erf(0.5) - 0.520_499_877_8).abs() < 2e-7);
        assert!((erf(-1.5) + 0.966_105_146_5).abs() < 2e-7);
    }
}
