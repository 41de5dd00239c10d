//! Element-wise arithmetic: Add, Sub, Mul, Div and Pow of the data and single numbers, and
//! Erf, as parts of an expression of the data that must turn out to be one of the engine's
//! activations (x·Sigmoid(x) is SiLU; see `elementwise.rs`); and the same operators on whole
//! numbers at load, where exporters compute shapes with them.

use super::super::elementwise::BinOp;
use super::super::error::{NodeError, refused};
use super::super::graph::Walker;
use super::super::proto::NodeProto;
use super::super::registry::{Elementwise, Registry};
use super::super::tensors::Const;
use crate::engine::LayerType as T;

pub(super) fn register(r: &mut Registry) {
    // What the arithmetic is recognised as (every candidate of `elementwise.rs`).
    let spelt = [
        T::Silu,
        T::Hardswish,
        T::Gelu,
        T::Relu,
        T::Relu6,
        T::Sigmoid,
        T::Tanh,
    ];
    for (name, op) in [
        ("Add", BinOp::Add),
        ("Sub", BinOp::Sub),
        ("Mul", BinOp::Mul),
        ("Div", BinOp::Div),
        ("Pow", BinOp::Pow),
    ] {
        r.arithmetic(name, Elementwise::Binary(op)).makes(&spelt);
    }
    r.arithmetic("Erf", Elementwise::Erf).makes(&[T::Gelu]);
    r.fold("Add", |w, node| {
        integers(w, node, |p, q| Ok(p.saturating_add(q)))
    });
    r.fold("Sub", |w, node| {
        integers(w, node, |p, q| Ok(p.saturating_sub(q)))
    });
    r.fold("Mul", |w, node| {
        integers(w, node, |p, q| Ok(p.saturating_mul(q)))
    });
    r.fold("Div", |w, node| {
        integers(w, node, |p, q| match q {
            0 => Err(refused("division by zero")),
            q => Ok(p.div_euclid(q)),
        })
    });
}

/// One step of integer arithmetic, or why it has no result.
type IntOp = fn(i64, i64) -> Result<i64, NodeError>;

/// `f` of two integer constants, one of them possibly a single value (broadcast).
fn integers(w: &Walker, node: &NodeProto, f: IntOp) -> Result<Const, NodeError> {
    let input = |i| w.required_const(node, i, "input");
    let (x, y) = (input(0)?, input(1)?);
    let (Some(xs), Some(ys)) = (x.as_ints(), y.as_ints()) else {
        return Err(refused(
            "arithmetic on float constants is not supported at load",
        ));
    };
    let len = xs.len().max(ys.len());
    if !(xs.len() == ys.len() || xs.len() == 1 || ys.len() == 1) {
        return Err(refused("the two constants do not broadcast"));
    }
    let at = |v: &[i64], i: usize| if v.len() == 1 { v[0] } else { v[i] };
    let values = (0..len)
        .map(|i| f(at(&xs, i), at(&ys, i)))
        .collect::<Result<Vec<i64>, NodeError>>()?;
    let dims = if xs.len() >= ys.len() { x.dims } else { y.dims };
    Ok(Const::ints(dims, values))
}
