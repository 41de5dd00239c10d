//! Nodes whose inputs are all known at load (constants and the shape plumbing exporters
//! emit: Shape -> Gather -> Unsqueeze -> Concat -> Reshape) are evaluated here, once.

use super::super::attrs::{Attrs, onnx_dims, reshape_dims, usizes};
use super::super::error::{NodeError, refused};
use super::super::graph::{Value, Walker};
use super::super::proto::NodeProto;
use super::super::registry::Registry;
use super::super::tensors::{Const, Values, decode};
use crate::engine::limits;
use std::collections::HashSet;

pub(super) fn register(r: &mut Registry) {
    r.fold("Constant", constant);
    r.any("Shape", shape_of);
    r.fold("Gather", gather_node);
    r.fold("Unsqueeze", unsqueeze);
    r.fold("Squeeze", squeeze);
    r.fold("Concat", concat);
    r.fold("Cast", cast);
    r.fold("Slice", slice);
    r.fold("Identity", |w, node| input(w, node, 0));
    r.fold("Reshape", reshape);
    r.fold("Transpose", transpose);
    r.fold("ConstantOfShape", constant_of_shape);
}

/// Input `i` of `node`, which must be there.
fn input(w: &Walker, node: &NodeProto, i: usize) -> Result<Const, NodeError> {
    w.required_const(node, i, "input")
}

/// `Shape` of the network's data (the first step of the shape plumbing), or of a constant.
fn shape_of(w: &mut Walker, node: &NodeProto) -> Result<(), NodeError> {
    let name = node.input.first().ok_or_else(|| refused("has no input"))?;
    let dims = match w.value(name)? {
        Value::Data { shape, .. } => w.data_dims(name, shape),
        Value::Padded { .. } => return Err(refused("the shape of padded data is not supported")),
        Value::Norm(_) => {
            return Err(refused(
                "the shape of a part of a layer normalisation is not supported",
            ));
        }
        Value::Const(c) => c.dims.iter().map(|&d| d as i64).collect(),
        Value::Expr { shape, .. } => onnx_dims(shape),
    };
    let a = Attrs(&node.attribute);
    let rank = dims.len() as i64;
    let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
    let start = clamp(a.int("start", 0));
    let end = clamp(a.int("end", rank));
    let dims = dims.get(start..end.max(start)).unwrap_or_default().to_vec();
    w.set(node, Value::Const(Const::ints(vec![dims.len()], dims)));
    Ok(())
}

fn constant(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let a = Attrs(&node.attribute);
    Ok(if let Some(t) = a.tensor("value") {
        decode(t, w.dir, limits::MAX_PARAMETERS)?
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
        return Err(refused("a Constant with no value this reader knows"));
    })
}

fn cast(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let c = input(w, node, 0)?;
    match Attrs(&node.attribute).int("to", 1) {
        1 | 11 => Ok(Const {
            dims: c.dims.clone(),
            values: Values::F32(c.as_floats()),
        }),
        6 | 7 => Ok(Const::ints(
            c.dims.clone(),
            c.as_floats().iter().map(|&v| v as i64).collect(),
        )),
        to => Err(refused(format!("a cast to type {to} is not supported"))),
    }
}

/// The axes of an Unsqueeze or Squeeze: input 1, or (before opset 13) the attribute.
pub(super) fn axes(w: &Walker, node: &NodeProto) -> Result<Vec<i64>, NodeError> {
    Ok(match w.const_input(node, 1)? {
        Some(x) => x.as_ints().unwrap_or_default(),
        None => Attrs(&node.attribute).ints("axes").unwrap_or_default(),
    })
}

fn unsqueeze(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let c = input(w, node, 0)?;
    let axes = axes(w, node)?;
    let mut dims = c.dims.clone();
    let rank = (dims.len() + axes.len()) as i64;
    let mut axes: Vec<usize> = axes
        .iter()
        .map(|&x| (if x < 0 { x + rank } else { x }) as usize)
        .collect();
    axes.sort_unstable();
    for ax in axes {
        dims.insert(ax.min(dims.len()), 1);
    }
    Ok(Const {
        dims,
        values: c.values,
    })
}

fn squeeze(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let c = input(w, node, 0)?;
    let axes = axes(w, node)?;
    let mut dims = c.dims.clone();
    if axes.is_empty() {
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
    Ok(Const {
        dims,
        values: c.values,
    })
}

fn concat(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let mut ints = Vec::new();
    for i in 0..node.input.len() {
        let c = input(w, node, i)?;
        if c.dims.len() > 1 {
            return Err(refused("only 1-D constants can be concatenated at load"));
        }
        ints.extend(
            c.as_ints()
                .ok_or_else(|| refused("only whole numbers can be concatenated at load"))?,
        );
    }
    Ok(Const::ints(vec![ints.len()], ints))
}

fn gather_node(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let data = input(w, node, 0)?;
    let idx = input(w, node, 1)?;
    if data.dims.len() != 1 {
        return Err(refused(
            "only gathering from a 1-D constant (a shape) is supported at load",
        ));
    }
    let values = data
        .as_ints()
        .ok_or_else(|| refused("only whole numbers are gathered at load"))?;
    let n = values.len() as i64;
    let picked = idx
        .as_ints()
        .ok_or_else(|| refused("indices are not whole numbers"))?
        .iter()
        .map(|&i| {
            let i = if i < 0 { i + n } else { i };
            values
                .get(i as usize)
                .copied()
                .ok_or_else(|| refused(format!("index {i} is outside 0..{n}")))
        })
        .collect::<Result<Vec<i64>, NodeError>>()?;
    Ok(Const::ints(idx.dims.clone(), picked))
}

fn slice(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let a = Attrs(&node.attribute);
    let data = input(w, node, 0)?;
    let list = |i: usize, attr: &str| -> Result<Option<Vec<i64>>, NodeError> {
        Ok(match w.const_input(node, i)? {
            Some(c) => Some(
                c.as_ints()
                    .ok_or_else(|| refused("slice bounds are not whole numbers"))?,
            ),
            None => a.ints(attr),
        })
    };
    let starts = list(1, "starts")?.ok_or_else(|| refused("has no starts"))?;
    let ends = list(2, "ends")?.ok_or_else(|| refused("has no ends"))?;
    let rank = data.dims.len() as i64;
    let axes = list(3, "axes")?.unwrap_or_else(|| (0..starts.len() as i64).collect());
    let steps = list(4, "")?.unwrap_or_else(|| vec![1; starts.len()]);
    if [ends.len(), axes.len(), steps.len()] != [starts.len(); 3] {
        return Err(refused("starts, ends, axes and steps differ in length"));
    }
    let mut picks: Vec<Vec<usize>> = data.dims.iter().map(|&d| (0..d).collect()).collect();
    for i in 0..starts.len() {
        let axis = if axes[i] < 0 { axes[i] + rank } else { axes[i] };
        let Some(pick) = usize::try_from(axis).ok().and_then(|x| picks.get_mut(x)) else {
            return Err(refused(format!(
                "axis {} is outside the constant's {rank} axes",
                axes[i]
            )));
        };
        *pick = slice_axis(pick.len(), starts[i], ends[i], steps[i])?;
    }
    Ok(gather(&data, &picks, (0..picks.len()).collect()))
}

fn transpose(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let data = input(w, node, 0)?;
    let rank = data.dims.len();
    let perm = match Attrs(&node.attribute).ints("perm") {
        Some(p) => usizes(&p, "perm")?,
        None => (0..rank).rev().collect(),
    };
    let mut sorted = perm.clone();
    sorted.sort_unstable();
    if sorted != (0..rank).collect::<Vec<_>>() {
        return Err(refused(format!(
            "perm {perm:?} is not a permutation of {rank} axes"
        )));
    }
    let picks: Vec<Vec<usize>> = data.dims.iter().map(|&d| (0..d).collect()).collect();
    Ok(gather(&data, &picks, perm))
}

fn reshape(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let data = input(w, node, 0)?;
    let target = input(w, node, 1)?
        .as_ints()
        .ok_or_else(|| refused("the target shape is not whole numbers"))?;
    let dims: Vec<i64> = data.dims.iter().map(|&d| d as i64).collect();
    let allow_zero = Attrs(&node.attribute).int("allowzero", 0) != 0;
    let dims = reshape_dims(&dims, &target, allow_zero)?;
    Ok(Const {
        dims: dims.iter().map(|&d| d as usize).collect(),
        values: data.values,
    })
}

fn constant_of_shape(w: &Walker, node: &NodeProto) -> Result<Const, NodeError> {
    let dims = usizes(
        &input(w, node, 0)?
            .as_ints()
            .ok_or_else(|| refused("the shape is not whole numbers"))?,
        "shape",
    )?;
    let count = dims
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= limits::MAX_PARAMETERS)
        .ok_or_else(|| refused(format!("a constant of shape {dims:?} is past the limit")))?;
    let fill = match Attrs(&node.attribute).tensor("value") {
        Some(t) => decode(t, w.dir, 1)?,
        None => Const {
            dims: vec![1],
            values: Values::F32(vec![0.0]),
        },
    };
    let values = match fill.values {
        Values::F32(v) => Values::F32(vec![v.first().copied().unwrap_or(0.0); count]),
        Values::I64(v) => Values::I64(vec![v.first().copied().unwrap_or(0); count]),
    };
    Ok(Const { dims, values })
}

/// The indices `start..end` by `step` along an axis of `n` values, as ONNX Slice clamps them.
pub(super) fn slice_axis(
    n: usize,
    start: i64,
    end: i64,
    step: i64,
) -> Result<Vec<usize>, NodeError> {
    if step == 0 {
        return Err(refused("a slice with step 0"));
    }
    let n = n as i64;
    let at = |v: i64| if v < 0 { v.saturating_add(n) } else { v };
    let (start, end) = if step > 0 {
        (at(start).clamp(0, n), at(end).clamp(0, n))
    } else {
        (at(start).clamp(0, n - 1), at(end).clamp(-1, n - 1))
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

/// The constant made of `data`'s values at `picks[axis]` along each axis, with its axes
/// reordered by `order` (output axis `k` is input axis `order[k]`).
fn gather(data: &Const, picks: &[Vec<usize>], order: Vec<usize>) -> Const {
    let mut strides = vec![1; data.dims.len()];
    for k in (0..data.dims.len().saturating_sub(1)).rev() {
        strides[k] = strides[k + 1] * data.dims[k + 1];
    }
    let dims: Vec<usize> = order.iter().map(|&k| picks[k].len()).collect();
    let mut flat = vec![0usize];
    for &k in &order {
        let stride = strides[k];
        flat = flat
            .iter()
            .flat_map(|&base| picks[k].iter().map(move |&i| base + i * stride))
            .collect();
    }
    let values = match &data.values {
        Values::F32(v) => Values::F32(flat.iter().map(|&i| v[i]).collect()),
        Values::I64(v) => Values::I64(flat.iter().map(|&i| v[i]).collect()),
    };
    Const { dims, values }
}
