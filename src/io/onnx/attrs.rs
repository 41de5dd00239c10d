//! Reading a node's attributes and the small conversions every operator mapping needs.

use super::error::{NodeError, refused};
use super::proto::{AttributeProto, NodeProto, TensorProto};
use crate::engine::Shape;

/// A node's attributes, looked up by name with the ONNX default when absent.
pub(crate) struct Attrs<'a>(pub &'a [AttributeProto]);

impl Attrs<'_> {
    pub(crate) fn get(&self, name: &str) -> Option<&AttributeProto> {
        self.0.iter().find(|a| a.name() == name)
    }
    pub(crate) fn int(&self, name: &str, default: i64) -> i64 {
        self.get(name).and_then(|a| a.i).unwrap_or(default)
    }
    pub(crate) fn float(&self, name: &str, default: f32) -> f32 {
        self.get(name).and_then(|a| a.f).unwrap_or(default)
    }
    pub(crate) fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.get(name).map(|a| a.ints.clone())
    }
    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.get(name)
            .and_then(|a| a.s.as_ref())
            .map(|s| String::from_utf8_lossy(s).into_owned())
    }
    pub(crate) fn tensor(&self, name: &str) -> Option<&TensorProto> {
        self.get(name).and_then(|a| a.t.as_ref())
    }
}

/// The stage name of a node: its name, or its first output when it has none.
pub(crate) fn node_name(node: &NodeProto) -> String {
    match node.name() {
        "" => node.output.first().cloned().unwrap_or_default(),
        name => name.to_string(),
    }
}

/// ONNX dimensions of data of `shape` (batch of one).
pub(crate) fn onnx_dims(shape: Shape) -> Vec<i64> {
    match shape {
        Shape::Maps {
            channels,
            height,
            width,
        } => vec![1, channels as i64, height as i64, width as i64],
        Shape::Vector(n) => vec![1, n as i64],
    }
}

pub(crate) fn usizes(values: &[i64], what: &str) -> Result<Vec<usize>, NodeError> {
    values
        .iter()
        .map(|&v| {
            usize::try_from(v)
                .map_err(|_| refused(format!("{what} {values:?} holds a negative value")))
        })
        .collect()
}

/// A spatial pair from a 2-element attribute list.
pub(crate) fn pair(values: &[usize], what: &str) -> Result<(usize, usize), NodeError> {
    match values {
        [a, b] => Ok((*a, *b)),
        _ => Err(refused(format!(
            "{what} {values:?} is not 2-D: only 2-D convolution and pooling are supported"
        ))),
    }
}

/// Whether a constant of `dims`, broadcast against data of `shape` the ONNX way (aligned on
/// the right), holds one value per channel (maps) or feature (a vector), or a single value.
pub(crate) fn per_channel(dims: &[usize], shape: Shape) -> bool {
    let data = onnx_dims(shape);
    if dims.iter().product::<usize>() == 1 {
        return true;
    }
    if dims.len() > data.len() {
        return false;
    }
    let offset = data.len() - dims.len();
    dims.iter().enumerate().all(|(i, &d)| {
        let axis = offset + i;
        d == 1 || (axis == 1 && d as i64 == data[1])
    })
}

/// What a Pad node put around the data: (top, left, bottom, right) and the fill value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Padding {
    pub pads: [usize; 4],
    pub value: f32,
}

/// The dimensions a Reshape to `target` gives data of `dims` (0 copies, -1 infers).
pub(crate) fn reshape_dims(
    dims: &[i64],
    target: &[i64],
    allow_zero: bool,
) -> Result<Vec<i64>, NodeError> {
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
        _ => return Err(refused(format!("cannot reshape {dims:?} to {target:?}"))),
    }
    if out.iter().product::<i64>() != total || out.iter().any(|&d| d < 0) {
        return Err(refused(format!("cannot reshape {dims:?} to {target:?}")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_channel_follows_onnx_broadcasting() {
        let maps = Shape::maps(4, 5, 6);
        assert!(per_channel(&[4, 1, 1], maps));
        assert!(per_channel(&[1, 4, 1, 1], maps));
        assert!(per_channel(&[1], maps));
        // [4] against [1, 4, 5, 6] lines up with the width, not the channels.
        assert!(!per_channel(&[4], maps));
        assert!(!per_channel(&[4, 5, 1], maps));
        assert!(per_channel(&[7], Shape::Vector(7)));
        assert!(per_channel(&[1, 7], Shape::Vector(7)));
        assert!(!per_channel(&[7, 1], Shape::Vector(7)));
    }
}
