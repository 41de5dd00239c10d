//! Convolution, pooling, and the Pad nodes before them. Conv, MaxPool and AveragePool share
//! one reading of the window attributes (kernel_shape, strides, dilations, pads or auto_pad,
//! ceil_mode), [`own_window`]; padding a Pad node added is then merged into the window.

use super::attrs::{Attrs, Padding, node_name, pair, usizes};
use super::graph::{Value, Walker, source};
use super::proto::NodeProto;
use crate::engine::{Activation, Conv2d, LayerKind, Pool2d, PoolMode, Shape, Window, limits};
use ndarray::{Array1, Array4};

/// The window a Conv or pooling node slides over maps of `(h, w)` (its own input, after any
/// Pad node): `kernel` is the weight's for Conv (checked against `kernel_shape`), else from
/// `kernel_shape`.
fn own_window(
    node: &NodeProto,
    (h, w): (usize, usize),
    kernel: Option<(usize, usize)>,
) -> Result<Window, String> {
    let a = Attrs(&node.attribute);
    let list = |name: &str, default: Option<Vec<i64>>| -> Result<Option<(usize, usize)>, String> {
        match a.ints(name).or(default) {
            Some(v) => Ok(Some(pair(&usizes(&v, name)?, name)?)),
            None => Ok(None),
        }
    };
    let kernel = match (kernel, list("kernel_shape", None)?) {
        (Some(k), Some(attr)) if k != attr => {
            return Err(format!(
                "kernel_shape {attr:?} differs from the weight's {k:?}"
            ));
        }
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => return Err("has no kernel_shape".into()),
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
fn set_pads(window: &mut Window, [t, l, b, r]: [usize; 4]) -> Result<(), String> {
    if let Some(p) = [t, l, b, r].into_iter().find(|&p| p > limits::MAX_KERNEL) {
        return Err(format!(
            "padding {p} is past the limit of {}",
            limits::MAX_KERNEL
        ));
    }
    window.padding = (t, l);
    window.padding_end = ((b, r) != (t, l)).then_some((b, r));
    Ok(())
}

/// `window` with padding a Pad node added before it.
fn merged(mut window: Window, extra: [usize; 4]) -> Result<Window, String> {
    let (t, l) = window.padding;
    let (b, r) = window.pad_end();
    set_pads(
        &mut window,
        [t + extra[0], l + extra[1], b + extra[2], r + extra[3]],
    )?;
    Ok(window)
}

/// Height and width of maps of `shape` after the padding `extra`.
fn padded_size(shape: Shape, extra: [usize; 4]) -> Result<(usize, usize, usize), String> {
    let Shape::Maps {
        channels,
        height,
        width,
    } = shape
    else {
        return Err(format!(
            "{shape} is not maps: only maps are convolved or pooled"
        ));
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
) -> Result<[usize; 4], String> {
    let auto = a.string("auto_pad").unwrap_or_else(|| "NOTSET".into());
    match auto.as_str() {
        "NOTSET" => {
            let pads = usizes(&a.ints("pads").unwrap_or(vec![0; 4]), "pads")?;
            match pads[..] {
                [t, l, b, r] => Ok([t, l, b, r]),
                _ => Err(format!("pads {pads:?} are not 2-D")),
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
        other => Err(format!(
            "auto_pad {other:?} is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER"
        )),
    }
}

impl Walker<'_> {
    /// A Conv node (any group count, dilation, asymmetric or automatic padding).
    pub(super) fn conv(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        extra: [usize; 4],
    ) -> Result<LayerKind, String> {
        let a = Attrs(&node.attribute);
        let (channels, h, w) = padded_size(shape, extra)?;
        let weight = self.required_const(node, 1, "weight")?;
        let [out, per_group, kh, kw] = weight.dims[..] else {
            return Err(format!(
                "weight of shape {:?} is not [out, in, height, width]: only 2-D convolution is supported",
                weight.dims
            ));
        };
        let group = a.int("group", 1);
        let groups = usize::try_from(group)
            .ok()
            .filter(|&g| g > 0)
            .ok_or_else(|| format!("group={group} is not a positive number"))?;
        if per_group * groups != channels {
            return Err(format!(
                "weight of shape {:?} with group={groups} does not take the {channels} channels of {shape}",
                weight.dims
            ));
        }
        let window = merged(own_window(node, (h, w), Some((kh, kw)))?, extra)?;
        let bias = self
            .const_input(node, 2)?
            .map(|b| Array1::from(b.into_floats()));
        if bias.as_ref().is_some_and(|b| b.len() != out) {
            return Err(format!(
                "bias does not have one value per output channel ({out})"
            ));
        }
        let weight = Array4::from_shape_vec((out, per_group, kh, kw), weight.into_floats())
            .map_err(|e| e.to_string())?;
        Ok(LayerKind::Conv2d(Conv2d {
            weight,
            bias,
            stride: window.stride,
            padding: window.padding,
            padding_end: window.padding_end,
            dilation: window.dilation,
            groups,
        }))
    }

    /// A MaxPool or AveragePool node (ceil_mode, count_include_pad, asymmetric padding).
    pub(super) fn pool(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        extra: [usize; 4],
    ) -> Result<LayerKind, String> {
        let a = Attrs(&node.attribute);
        let op = node.op_type();
        if op == "MaxPool" && node.output.get(1).is_some_and(|o| !o.is_empty()) {
            return Err("the indices output of MaxPool is not supported".into());
        }
        let (_, h, w) = padded_size(shape, extra)?;
        let own = own_window(node, (h, w), None)?;
        if own.dilation != (1, 1) {
            return Err(format!(
                "dilations {:?}: dilated pooling is not supported",
                own.dilation
            ));
        }
        let window = merged(own, extra)?;
        let padded = extra != [0; 4];
        if padded && own.ceil_mode {
            // The engine drops a last window that starts in the padding; after a Pad node
            // that padding is data, and onnxruntime keeps the window.
            let Shape::Maps { height, width, .. } = shape else {
                unreachable!("padded_size checked maps")
            };
            if window.output_size(height, width) != own.output_size(h, w) {
                return Err(
                    "ceil_mode=1 after a Pad node adds a window that starts in the padded values: not supported (pad inside the pooling instead)".into(),
                );
            }
        }
        let own_pads = own.padding != (0, 0) || own.pad_end() != (0, 0);
        let count_include_pad = match a.int("count_include_pad", 0) {
            // A Pad node's zeros are values the average counts.
            0 if padded && own_pads => {
                return Err(
                    "count_include_pad=0 after a Pad node: the padded zeros would count and the layer's own padding would not".into(),
                );
            }
            0 => padded,
            _ => true,
        };
        Ok(LayerKind::Pool2d(Pool2d {
            mode: if op == "MaxPool" {
                PoolMode::Max
            } else {
                PoolMode::Avg
            },
            window,
            count_include_pad,
            ..Pool2d::default()
        }))
    }

    /// A Pad node: its padding waits for the Conv or pooling node after it to take it over.
    pub(super) fn pad(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        from: Option<usize>,
    ) -> Result<(), String> {
        let a = Attrs(&node.attribute);
        let mode = a.string("mode").unwrap_or_else(|| "constant".into());
        if mode != "constant" {
            return Err(format!(
                "padding mode {mode:?}: only constant padding is supported"
            ));
        }
        let pads = match self.const_input(node, 1)? {
            Some(c) => c.as_ints().ok_or("pads are not whole numbers")?,
            None => a.ints("pads").unwrap_or_default(),
        };
        let value = match self.const_input(node, 2)? {
            Some(c) => c.as_floats().first().copied().unwrap_or(0.0),
            None => a.float("value", 0.0),
        };
        if value != 0.0 && value != f32::NEG_INFINITY {
            return Err(format!(
                "padding with {value}: only padding with zeros (or -inf before MaxPool) is supported"
            ));
        }
        if self.const_input(node, 3)?.is_some() {
            return Err("padding given by axes: give pads for all four axes".into());
        }
        let pads = usizes(&pads, "pads")?;
        let [0, 0, t, l, 0, 0, b, r] = pads[..] else {
            return Err(format!(
                "pads {pads:?}: only padding of height and width of maps is supported"
            ));
        };
        if !matches!(shape, Shape::Maps { .. }) {
            return Err(format!("padding of {shape}: only maps can be padded"));
        }
        self.set(
            node,
            Value::Padded {
                shape,
                padding: Padding {
                    pads: [t, l, b, r],
                    value,
                },
                from,
                node: node_name(node),
            },
        );
        Ok(())
    }

    /// The node after a Pad node, which must take the padding over: Conv and AveragePool
    /// padding with zeros, MaxPool padding with -inf, or with zeros where its input is never
    /// negative (made by ReLU, ReLU6, sigmoid...), so that zeros never win a window -inf would
    /// not.
    pub(super) fn after_pad(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        padding: Padding,
        from: Option<usize>,
        pad: &str,
    ) -> Result<(), String> {
        let op = node.op_type();
        let zero = padding.value == 0.0;
        match op {
            "Conv" | "AveragePool" if !zero => Err(format!(
                "it follows the padding with {} of node {pad}: {op} takes over only padding with zeros",
                padding.value
            )),
            "MaxPool" if zero && !self.never_negative(from) => Err(format!(
                "it follows the zero padding of node {pad}, which MaxPool takes over only after an activation that is never negative (ReLU, ReLU6, sigmoid) or as padding with -inf"
            )),
            "Conv" | "AveragePool" | "MaxPool" => self.layer(node, shape, from, padding.pads),
            _ => Err(format!(
                "it follows the padding of node {pad}, which only Conv, AveragePool and MaxPool can take over (pad inside the layer instead)"
            )),
        }
    }

    /// Whether the output of layer `from` is never below zero.
    fn never_negative(&self, from: Option<usize>) -> bool {
        let Some(layer) = from.and_then(|l| self.layers.get(l)) else {
            return false;
        };
        match &layer.kind {
            LayerKind::Activation(f) => match f {
                Activation::Relu | Activation::Sigmoid | Activation::Hardsigmoid { .. } => true,
                Activation::Clip { min, .. } => *min >= 0.0,
                _ => false,
            },
            LayerKind::Softmax => true,
            _ => false,
        }
    }
}

impl Walker<'_> {
    /// ReduceMean or ReduceMax over height and width: global average or max pooling, then
    /// (keepdims=0) the [1, C] ONNX keeps, as a second stage.
    pub(super) fn reduce(
        &mut self,
        node: &NodeProto,
        shape: Shape,
        from: Option<usize>,
    ) -> Result<(), String> {
        let a = Attrs(&node.attribute);
        let op = node.op_type();
        let axes = match self.const_input(node, 1)? {
            Some(c) => c.as_ints(),
            None => a.ints("axes"),
        }
        .unwrap_or_default();
        let mut axes: Vec<i64> = axes
            .iter()
            .map(|&x| if x < 0 { x + 4 } else { x })
            .collect();
        axes.sort_unstable();
        if !matches!(shape, Shape::Maps { .. }) || axes != [2, 3] {
            return Err(format!(
                "{op} over axes {axes:?} of {shape}: only over height and width (axes 2, 3) of maps is supported"
            ));
        }
        let (kind, what) = if op == "ReduceMax" {
            (LayerKind::GlobalMaxPool, "max")
        } else {
            (LayerKind::GlobalAvgPool, "mean")
        };
        let name = node_name(node);
        if a.int("keepdims", 1) == 0 {
            let pooled = crate::engine::Layer {
                name: format!("{name} ({what})"),
                kind,
            };
            let (pooled, mid) =
                self.add_layer(pooled, vec![source(from)], &[shape], String::new())?;
            self.push(node, name, LayerKind::Flatten, mid, Some(pooled))?;
        } else {
            self.push(node, name, kind, shape, from)?;
        }
        Ok(())
    }
}
