//! The window a Conv or pooling node slides: Conv, MaxPool and AveragePool share one reading
//! of the window attributes (kernel_shape, strides, dilations, pads or auto_pad, ceil_mode),
//! [`own_window`]; padding a Pad node added before the node is then merged into it.

use super::super::attrs::{Attrs, pair, usizes};
use super::super::error::{NodeError, refused};
use super::super::proto::NodeProto;
use crate::engine::{Shape, Window, limits};

/// The window a Conv or pooling node slides over maps of `(h, w)` (its own input, after any
/// Pad node): `kernel` is the weight's for Conv (checked against `kernel_shape`), else from
/// `kernel_shape`.
pub(super) fn own_window(
    node: &NodeProto,
    (h, w): (usize, usize),
    kernel: Option<(usize, usize)>,
) -> Result<Window, NodeError> {
    let a = Attrs(&node.attribute);
    let list =
        |name: &str, default: Option<Vec<i64>>| -> Result<Option<(usize, usize)>, NodeError> {
            match a.ints(name).or(default) {
                Some(v) => Ok(Some(pair(&usizes(&v, name)?, name)?)),
                None => Ok(None),
            }
        };
    let kernel = match (kernel, list("kernel_shape", None)?) {
        (Some(k), Some(attr)) if k != attr => {
            return Err(refused(format!(
                "kernel_shape {attr:?} differs from the weight's {k:?}"
            )));
        }
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => return Err(refused("has no kernel_shape")),
    };
    let one = Some(vec![1, 1]);
    let stride = list("strides", one.clone())?.unwrap_or((1, 1));
    let dilation = list("dilations", one)?.unwrap_or((1, 1));
    let mut window = Window {
        kernel,
        stride,
        dilation,
        ceil_mode: a.int("ceil_mode", 0) != 0,
        ..Window::default()
    };
    let pads = window_pads(&a, (h, w), window.extent(), stride)?;
    set_pads(&mut window, pads)?;
    Ok(window)
}

/// Sets the padding (top, left, bottom, right) of `window`, asymmetric only where it differs.
fn set_pads(window: &mut Window, [t, l, b, r]: [usize; 4]) -> Result<(), NodeError> {
    if let Some(p) = [t, l, b, r].into_iter().find(|&p| p > limits::MAX_KERNEL) {
        return Err(refused(format!(
            "padding {p} is past the limit of {}",
            limits::MAX_KERNEL
        )));
    }
    window.padding = (t, l);
    window.padding_end = ((b, r) != (t, l)).then_some((b, r));
    Ok(())
}

/// `window` with padding a Pad node added before it.
pub(super) fn merged(mut window: Window, extra: [usize; 4]) -> Result<Window, NodeError> {
    let (t, l) = window.padding;
    let (b, r) = window.pad_end();
    set_pads(
        &mut window,
        [t + extra[0], l + extra[1], b + extra[2], r + extra[3]],
    )?;
    Ok(window)
}

/// Channels, height and width of maps of `shape` after the padding `extra`.
pub(super) fn padded_size(
    shape: Shape,
    extra: [usize; 4],
) -> Result<(usize, usize, usize), NodeError> {
    let Shape::Maps {
        channels,
        height,
        width,
    } = shape
    else {
        return Err(refused(format!(
            "{shape} is not maps: only maps are convolved or pooled"
        )));
    };
    Ok((
        channels,
        height + extra[0] + extra[2],
        width + extra[1] + extra[3],
    ))
}

/// The padding (top, left, bottom, right) of a Conv or pooling node from `pads` or
/// `auto_pad`; `extent` is the dilated kernel's span.
fn window_pads(
    a: &Attrs,
    (h, w): (usize, usize),
    extent: (usize, usize),
    stride: (usize, usize),
) -> Result<[usize; 4], NodeError> {
    let auto = a.string("auto_pad").unwrap_or_else(|| "NOTSET".into());
    match auto.as_str() {
        "NOTSET" => {
            let pads = usizes(&a.ints("pads").unwrap_or(vec![0; 4]), "pads")?;
            match pads[..] {
                [t, l, b, r] => Ok([t, l, b, r]),
                _ => Err(refused(format!("pads {pads:?} are not 2-D"))),
            }
        }
        "VALID" => Ok([0; 4]),
        "SAME_UPPER" | "SAME_LOWER" => {
            // ONNX: the output is ceil(n / stride); the odd one of the padding goes at the end
            // (SAME_UPPER) or the beginning (SAME_LOWER).
            let total = |n: usize, e: usize, s: usize| {
                let out = n.div_ceil(s.max(1));
                ((out.max(1) - 1) * s + e).saturating_sub(n)
            };
            let (th, tw) = (total(h, extent.0, stride.0), total(w, extent.1, stride.1));
            Ok(if auto == "SAME_UPPER" {
                [th / 2, tw / 2, th - th / 2, tw - tw / 2]
            } else {
                [th - th / 2, tw - tw / 2, th / 2, tw / 2]
            })
        }
        other => Err(refused(format!(
            "auto_pad {other:?} is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER"
        ))),
    }
}
