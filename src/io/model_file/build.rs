//! One layer description -> one engine layer, given the shape that reaches it: [`build_layer`]
//! dispatches on the kind, and each kind with settings to check has its own `build_*`. Every
//! refusal names the layer and the field.

use super::schema::{
    AdaptivePoolFile, BatchNormFile, Conv2dFile, DenseFile, LayerFile, LayerNormFile, Pair,
    Pool2dFile, PreluFile,
};
use super::weights::{WeightSource, nested_values, weight_and_bias};
use crate::engine::{
    Activation, AdaptivePool, BatchNorm, Conv2d, Dense, Error, Layer, LayerKind, LayerNorm, Merge,
    PickChannels, Pool2d, Prelu, Shape, Window, limits,
};
use ndarray::{Array1, Array2, Array4};
use serde_json::{Value, json};

/// Turns one layer description into a layer, given the shape that reaches it.
pub(super) fn build_layer(
    spec: LayerFile,
    name: String,
    input: Shape,
    weights: &mut WeightSource,
) -> Result<Layer, Error> {
    let layer = name.as_str();
    let act = LayerKind::Activation;
    let kind = match spec {
        LayerFile::Conv2d(c) => build_conv2d(layer, c, input, weights)?,
        LayerFile::Dense(d) => build_dense(layer, d, input, weights)?,
        LayerFile::Pool2d(p) => build_pool2d(layer, p)?,
        LayerFile::Dropout(d) => build_dropout(layer, d.p)?,
        LayerFile::LeakyRelu(l) => build_leaky_relu(layer, l.slope)?,
        LayerFile::Relu6(_) => act(Activation::RELU6),
        LayerFile::Clip(c) => act(Activation::Clip {
            min: c.min.unwrap_or(f32::NEG_INFINITY),
            max: c.max.unwrap_or(f32::INFINITY),
        }),
        LayerFile::Hardtanh(h) => act(Activation::Clip {
            min: h.min,
            max: h.max,
        }),
        LayerFile::Elu(e) => act(Activation::Elu { alpha: e.alpha }),
        LayerFile::Selu(_) => act(Activation::Selu),
        LayerFile::Gelu(g) => build_gelu(layer, g.approximate.as_deref())?,
        LayerFile::Silu(_) => act(Activation::Silu),
        LayerFile::Hardswish(_) => act(Activation::Hardswish),
        LayerFile::Hardsigmoid(h) => act(Activation::Hardsigmoid {
            alpha: h.alpha,
            beta: h.beta,
        }),
        LayerFile::Prelu(p) => build_prelu(layer, p, weights)?,
        LayerFile::BatchNorm(b) => build_batch_norm(layer, b, input, weights)?,
        LayerFile::AdaptivePool2d(a) => build_adaptive_pool2d(layer, a)?,
        LayerFile::GlobalMaxPool(_) => LayerKind::GlobalMaxPool,
        LayerFile::Add(_) => LayerKind::Merge(Merge::Add),
        LayerFile::Concat(_) => LayerKind::Merge(Merge::Concat),
        LayerFile::Mul(_) => LayerKind::Merge(Merge::Mul),
        LayerFile::LogSoftmax(_) => LayerKind::LogSoftmax,
        LayerFile::Relu(_) => act(Activation::Relu),
        LayerFile::Sigmoid(_) => act(Activation::Sigmoid),
        LayerFile::Tanh(_) => act(Activation::Tanh),
        LayerFile::GlobalAvgPool(_) => LayerKind::GlobalAvgPool,
        LayerFile::Flatten(_) => LayerKind::Flatten,
        LayerFile::Softmax(_) => LayerKind::Softmax,
        LayerFile::PickChannels(p) => LayerKind::PickChannels(PickChannels { from: p.from }),
        LayerFile::LayerNorm(l) => build_layer_norm(layer, l, input, weights)?,
        LayerFile::Pad2d(p) => LayerKind::Pad2d(crate::engine::Pad2d {
            pads: p.pads,
            mode: p.mode,
        }),
        LayerFile::Resize(r) => LayerKind::Resize(crate::engine::Resize {
            size: (r.size[0], r.size[1]),
            scale: (r.scale[0], r.scale[1]),
            sampling: r.sampling,
            coordinates: r.coordinates,
        }),
    };
    Ok(Layer { name, kind })
}

fn bad_field(layer: &str, field: &str, message: impl Into<String>) -> Error {
    Error::BadField {
        layer: layer.into(),
        field: field.into(),
        message: message.into(),
    }
}

fn build_conv2d(
    layer: &str,
    c: Conv2dFile,
    input: Shape,
    weights: &mut WeightSource,
) -> Result<LayerKind, Error> {
    let Shape::Maps {
        channels: in_channels,
        ..
    } = input
    else {
        return Err(Error::InputShape {
            layer: layer.into(),
            expected: "feature maps [C,H,W]".into(),
            got: format!(
                "a vector of {} values (convolution comes before flatten)",
                input.len()
            ),
        });
    };
    let out = check_count(layer, "out_channels", c.out_channels, limits::MAX_CHANNELS)?;
    let (kh, kw) = check_pair(layer, "kernel", &c.kernel, 1, limits::MAX_KERNEL)?;
    let one = || json!(1);
    let stride = check_pair(
        layer,
        "stride",
        &c.stride.unwrap_or_else(one),
        1,
        limits::MAX_KERNEL,
    )?;
    let dilation = check_pair(
        layer,
        "dilation",
        &c.dilation.unwrap_or_else(one),
        1,
        limits::MAX_KERNEL,
    )?;
    let groups = c.groups.unwrap_or(1);
    if groups == 0 || !in_channels.is_multiple_of(groups) || !out.is_multiple_of(groups) {
        return Err(bad_field(
            layer,
            "groups",
            format!(
                "{groups} does not divide both the {in_channels} input and the {out} output channels"
            ),
        ));
    }
    let (padding, padding_end) = match c.padding {
        Some(Value::String(same)) if same == "same" => {
            if stride != (1, 1) {
                return Err(bad_field(
                    layer,
                    "padding",
                    "\"same\" needs stride 1 (as in PyTorch)",
                ));
            }
            // PyTorch puts the odd pixel of an even kernel's padding at the end.
            let total = |k: usize, d: usize| d * (k - 1);
            let (th, tw) = (total(kh, dilation.0), total(kw, dilation.1));
            ((th / 2, tw / 2), (th - th / 2, tw - tw / 2))
        }
        Some(Value::String(valid)) if valid == "valid" => ((0, 0), (0, 0)),
        p => check_padding(layer, &p.unwrap_or(json!(0)), true)?,
    };
    let shape = [out, in_channels / groups, kh, kw];
    let (values, bias) = weight_and_bias(layer, &shape, c.weight.as_ref(), &c.bias, weights)?;
    Ok(LayerKind::Conv2d(Conv2d {
        weight: Array4::from_shape_vec(shape, values).map_err(|e| Error::Invalid(e.to_string()))?,
        bias: bias.map(Array1::from),
        stride,
        padding,
        padding_end: (padding_end != padding).then_some(padding_end),
        dilation,
        groups,
    }))
}

fn build_dense(
    layer: &str,
    d: DenseFile,
    input: Shape,
    weights: &mut WeightSource,
) -> Result<LayerKind, Error> {
    let out = check_count(
        layer,
        "out_features",
        d.out_features,
        limits::MAX_PARAMETERS,
    )?;
    let Shape::Vector(in_features) = input else {
        return Err(Error::InputShape {
            layer: layer.into(),
            expected: "a vector".into(),
            got: format!("maps {input} (add a flatten layer)"),
        });
    };
    let shape = [out, in_features];
    let (values, bias) = weight_and_bias(layer, &shape, d.weight.as_ref(), &d.bias, weights)?;
    Ok(LayerKind::Dense(Dense {
        weight: Array2::from_shape_vec(shape, values).map_err(|e| Error::Invalid(e.to_string()))?,
        bias: bias.map(Array1::from),
    }))
}

fn build_pool2d(layer: &str, p: Pool2dFile) -> Result<LayerKind, Error> {
    let kernel = check_pair(layer, "kernel", &p.kernel, 1, limits::MAX_KERNEL)?;
    let stride = match p.stride {
        Some(s) => check_pair(layer, "stride", &s, 1, limits::MAX_KERNEL)?,
        None => kernel,
    };
    let (padding, padding_end) = check_padding(layer, &p.padding.unwrap_or(json!(0)), false)?;
    let Value::Bool(count_include_pad) = p.count_include_pad else {
        return Err(bad_field(
            layer,
            "count_include_pad",
            format!("expected true or false, found {}", p.count_include_pad),
        ));
    };
    Ok(LayerKind::Pool2d(Pool2d {
        mode: p.mode,
        window: Window {
            kernel,
            stride,
            padding,
            padding_end: (padding_end != padding).then_some(padding_end),
            dilation: (1, 1),
            ceil_mode: p.ceil_mode,
        },
        blur: p.blur,
        count_include_pad,
    }))
}

fn build_dropout(layer: &str, p: f32) -> Result<LayerKind, Error> {
    if !(0.0..1.0).contains(&p) {
        return Err(bad_field(layer, "p", format!("{p} is not in [0, 1)")));
    }
    Ok(LayerKind::Dropout { p })
}

fn build_leaky_relu(layer: &str, slope: f32) -> Result<LayerKind, Error> {
    if !slope.is_finite() {
        return Err(bad_field(layer, "slope", "is not finite"));
    }
    Ok(LayerKind::Activation(Activation::LeakyRelu { slope }))
}

fn build_gelu(layer: &str, approximate: Option<&str>) -> Result<LayerKind, Error> {
    let tanh = match approximate {
        None | Some("none") => false,
        Some("tanh") => true,
        Some(other) => {
            return Err(bad_field(
                layer,
                "approximate",
                format!("{other:?} is not \"none\" or \"tanh\""),
            ));
        }
    };
    Ok(LayerKind::Activation(Activation::Gelu { tanh }))
}

fn build_prelu(layer: &str, p: PreluFile, weights: &mut WeightSource) -> Result<LayerKind, Error> {
    let n = match (p.num_parameters, &p.weight) {
        (Some(n), _) => check_count(layer, "num_parameters", n, limits::MAX_CHANNELS)?,
        (None, Some(Value::Array(items))) => items.len(),
        (None, _) => 1,
    };
    let values = match &p.weight {
        Some(v) => nested_values(layer, "weight", v, &[n])?,
        None if weights.has_file() => weights.take(layer, &format!("{layer}.weight"), &[n])?,
        // PyTorch's initial slope.
        None => vec![0.25; n],
    };
    Ok(LayerKind::Prelu(Prelu {
        weight: Array1::from(values),
    }))
}

fn build_batch_norm(
    layer: &str,
    b: BatchNormFile,
    input: Shape,
    weights: &mut WeightSource,
) -> Result<LayerKind, Error> {
    let n = BatchNorm::channels_of(input);
    let mut bn = BatchNorm {
        eps: b.eps,
        momentum: b.momentum,
        ..BatchNorm::new(n)
    };
    let inline = [&b.weight, &b.bias, &b.running_mean, &b.running_var];
    let fields = ["weight", "bias", "running_mean", "running_var"];
    for ((value, field), target) in inline.into_iter().zip(fields).zip([
        &mut bn.weight,
        &mut bn.bias,
        &mut bn.running_mean,
        &mut bn.running_var,
    ]) {
        let values = match value {
            Some(v) => nested_values(layer, field, v, &[n])?,
            None if weights.has_file() => weights.take(layer, &format!("{layer}.{field}"), &[n])?,
            // No weights anywhere (an architecture): the identity, as PyTorch starts.
            None => continue,
        };
        *target = Array1::from(values);
    }
    // PyTorch saves a step counter beside the statistics; it changes nothing here.
    weights.mark_used(&format!("{layer}.num_batches_tracked"));
    Ok(LayerKind::BatchNorm(bn))
}

fn build_layer_norm(
    layer: &str,
    l: LayerNormFile,
    input: Shape,
    weights: &mut WeightSource,
) -> Result<LayerKind, Error> {
    let n = BatchNorm::channels_of(input);
    let mut ln = LayerNorm {
        weight: Array1::ones(n),
        bias: Array1::zeros(n),
        eps: l.eps,
    };
    for (value, field, target) in [
        (&l.weight, "weight", &mut ln.weight),
        (&l.bias, "bias", &mut ln.bias),
    ] {
        let values = match value {
            Some(v) => nested_values(layer, field, v, &[n])?,
            None if weights.has_file() => weights.take(layer, &format!("{layer}.{field}"), &[n])?,
            // No weights anywhere (an architecture): the identity, as PyTorch starts.
            None => continue,
        };
        *target = Array1::from(values);
    }
    Ok(LayerKind::LayerNorm(ln))
}

fn build_adaptive_pool2d(layer: &str, a: AdaptivePoolFile) -> Result<LayerKind, Error> {
    let output = check_pair(layer, "output", &a.output, 1, limits::MAX_SIDE)?;
    Ok(LayerKind::AdaptivePool(AdaptivePool {
        mode: a.mode,
        output,
    }))
}

/// `3` -> (3, 3), `[3, 5]` -> (3, 5); `None` for anything else.
fn pair_of(value: &Value) -> Option<(usize, usize)> {
    let whole = |v: &Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
    match value {
        Value::Array(items) if items.len() == 2 => Some((whole(&items[0])?, whole(&items[1])?)),
        v => whole(v).map(|n| (n, n)),
    }
}

fn check_count(layer: &str, field: &str, value: usize, limit: usize) -> Result<usize, Error> {
    if value == 0 || value > limit {
        return Err(bad_field(
            layer,
            field,
            format!("{value} is not between 1 and {limit}"),
        ));
    }
    Ok(value)
}

fn check_pair(
    layer: &str,
    field: &str,
    pair: &Pair,
    min: usize,
    limit: usize,
) -> Result<(usize, usize), Error> {
    let (a, b) = pair_of(pair).ok_or_else(|| {
        bad_field(
            layer,
            field,
            format!(
                "{pair} is not a size in pixels: give a whole number (3) or [height, width] ([3, 5])"
            ),
        )
    })?;
    for v in [a, b] {
        if v < min || v > limit {
            return Err(bad_field(
                layer,
                field,
                format!("{v} is not between {min} and {limit}"),
            ));
        }
    }
    Ok((a, b))
}

/// Rows and columns of one side pair (top, left) or (bottom, right).
type Side = (usize, usize);

/// Padding as written: n, [h, w] (the same on both sides) or [top, left, bottom, right]
/// (ONNX's `pads` order). Returns ((top, left), (bottom, right)).
fn check_padding(layer: &str, value: &Value, conv: bool) -> Result<(Side, Side), Error> {
    if let Value::Array(items) = value
        && items.len() == 4
    {
        let sides = [json!([items[0], items[1]]), json!([items[2], items[3]])];
        let begin = check_pair(layer, "padding", &sides[0], 0, limits::MAX_KERNEL)?;
        let end = check_pair(layer, "padding", &sides[1], 0, limits::MAX_KERNEL)?;
        return Ok((begin, end));
    }
    let p = check_pair(layer, "padding", value, 0, limits::MAX_KERNEL).map_err(|_| {
        bad_field(
            layer,
            "padding",
            format!(
                "{value} is not a padding: give n, [height, width], [top, left, bottom, right] (each 0 to {}){}",
                limits::MAX_KERNEL,
                if conv { ", \"same\" or \"valid\"" } else { "" }
            ),
        )
    })?;
    Ok((p, p))
}
