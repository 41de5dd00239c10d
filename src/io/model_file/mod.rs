//! The `convscope/1` model format: a JSON description, weights inline or in a sibling
//! safetensors file (see docs/model-format.md).

use super::atomic::{check_writable, stage};
use super::error::{FileError, map_limited, read_limited};
use crate::engine::{
    Activation, AdaptivePool, BatchNorm, Conv2d, Dense, Error, InputSpec, Layer, LayerKind, Merge,
    Model, ModelInfo, Pool2d, PoolMode, Prelu, Shape, Source, Translation, Window, graph,
    layer::LayerType, layer_tensors, limits,
};
use ndarray::{Array1, Array2, Array4};
use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "convscope/1";

/// A side length as written: `3` or `[3, 5]` (height, width). Kept as JSON until the layer is
/// built, so a wrong value (`"same"`) is reported with its layer and field, in words.
type Pair = Value;

/// `3` -> (3, 3), `[3, 5]` -> (3, 5); `None` for anything else.
fn pair_of(value: &Value) -> Option<(usize, usize)> {
    let whole = |v: &Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
    match value {
        Value::Array(items) if items.len() == 2 => Some((whole(&items[0])?, whole(&items[1])?)),
        v => whole(v).map(|n| (n, n)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputFile {
    channels: usize,
    height: usize,
    width: usize,
    #[serde(default)]
    mean: Option<Vec<f32>>,
    #[serde(default)]
    std: Option<Vec<f32>>,
    /// `"image"` (the default) or `"audio"`; the rest is the audio's log-mel parameters.
    #[serde(default)]
    kind: Option<String>,
    // (serde's flatten does not work with deny_unknown_fields, so the audio fields are here.)
    sample_rate: Option<u32>,
    n_fft: Option<usize>,
    frame: Option<usize>,
    hop: Option<usize>,
    mel_bands: Option<usize>,
    f_min: Option<f32>,
    f_max: Option<f32>,
    log_offset: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: String,
    input: InputFile,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    weights: Option<String>,
    #[serde(default)]
    training: Value,
    layers: Vec<Value>,
    /// Text in other languages, by language code (see docs/model-format.md).
    #[serde(default)]
    translations: BTreeMap<String, TranslationFile>,
}

/// A model's text in another language; whatever is left out stays English.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslationFile {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    /// By convolution layer name, as that layer's `kernel_names`.
    #[serde(default)]
    kernel_names: BTreeMap<String, Vec<String>>,
}

fn default_slope() -> f32 {
    0.01
}

fn default_one() -> f32 {
    1.0
}

fn default_hardtanh_min() -> f32 {
    -1.0
}

fn default_hardsigmoid_alpha() -> f32 {
    1.0 / 6.0
}

fn default_half() -> f32 {
    0.5
}

fn default_eps() -> f32 {
    BatchNorm::DEFAULT_EPS
}

fn default_momentum() -> f32 {
    BatchNorm::DEFAULT_MOMENTUM
}

fn default_blur() -> usize {
    3
}

fn default_true() -> Value {
    Value::Bool(true)
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum LayerFile {
    Conv2d {
        #[serde(default)]
        name: Option<String>,
        out_channels: usize,
        kernel: Pair,
        #[serde(default)]
        stride: Option<Pair>,
        /// n, [h, w], [top, left, bottom, right], or "same" (stride 1).
        #[serde(default)]
        padding: Option<Pair>,
        #[serde(default)]
        dilation: Option<Pair>,
        #[serde(default)]
        groups: Option<usize>,
        /// `true`/`false`, or the bias values inline.
        #[serde(default = "default_true")]
        bias: Value,
        #[serde(default)]
        weight: Option<Value>,
        /// One name per kernel (output channel), for hand-made filters.
        #[serde(default)]
        kernel_names: Option<Vec<String>>,
    },
    Relu {
        #[serde(default)]
        name: Option<String>,
    },
    LeakyRelu {
        #[serde(default)]
        name: Option<String>,
        #[serde(default = "default_slope")]
        slope: f32,
    },
    Sigmoid {
        #[serde(default)]
        name: Option<String>,
    },
    Tanh {
        #[serde(default)]
        name: Option<String>,
    },
    Pool2d {
        #[serde(default)]
        name: Option<String>,
        mode: PoolMode,
        kernel: Pair,
        #[serde(default)]
        stride: Option<Pair>,
        /// n, [h, w] or [top, left, bottom, right].
        #[serde(default)]
        padding: Option<Pair>,
        #[serde(default = "default_blur")]
        blur: usize,
        #[serde(default)]
        ceil_mode: bool,
        #[serde(default = "default_true")]
        count_include_pad: Value,
    },
    GlobalAvgPool {
        #[serde(default)]
        name: Option<String>,
    },
    Flatten {
        #[serde(default)]
        name: Option<String>,
    },
    Dropout {
        #[serde(default)]
        name: Option<String>,
        p: f32,
    },
    Dense {
        #[serde(default)]
        name: Option<String>,
        out_features: usize,
        #[serde(default = "default_true")]
        bias: Value,
        #[serde(default)]
        weight: Option<Value>,
    },
    Softmax {
        #[serde(default)]
        name: Option<String>,
    },
    LogSoftmax {
        #[serde(default)]
        name: Option<String>,
    },
    Relu6 {
        #[serde(default)]
        name: Option<String>,
    },
    /// Either bound may be left out (no bound on that side).
    Clip {
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        min: Option<f32>,
        #[serde(default)]
        max: Option<f32>,
    },
    Hardtanh {
        #[serde(default)]
        name: Option<String>,
        #[serde(default = "default_hardtanh_min")]
        min: f32,
        #[serde(default = "default_one")]
        max: f32,
    },
    Elu {
        #[serde(default)]
        name: Option<String>,
        #[serde(default = "default_one")]
        alpha: f32,
    },
    Selu {
        #[serde(default)]
        name: Option<String>,
    },
    Gelu {
        #[serde(default)]
        name: Option<String>,
        /// `"none"` (exact, by erf) or `"tanh"`, as PyTorch's `approximate`.
        #[serde(default)]
        approximate: Option<String>,
    },
    Silu {
        #[serde(default)]
        name: Option<String>,
    },
    Hardswish {
        #[serde(default)]
        name: Option<String>,
    },
    /// `clamp(alpha x + beta, 0, 1)`; the defaults are PyTorch's (ONNX's alpha is 0.2).
    Hardsigmoid {
        #[serde(default)]
        name: Option<String>,
        #[serde(default = "default_hardsigmoid_alpha")]
        alpha: f32,
        #[serde(default = "default_half")]
        beta: f32,
    },
    Prelu {
        #[serde(default)]
        name: Option<String>,
        /// Slopes: 1 (shared) or one per channel, as PyTorch's `num_parameters`.
        #[serde(default)]
        num_parameters: Option<usize>,
        #[serde(default)]
        weight: Option<Value>,
    },
    BatchNorm {
        #[serde(default)]
        name: Option<String>,
        #[serde(default = "default_eps")]
        eps: f32,
        #[serde(default = "default_momentum")]
        momentum: f32,
        #[serde(default)]
        weight: Option<Value>,
        #[serde(default)]
        bias: Option<Value>,
        #[serde(default)]
        running_mean: Option<Value>,
        #[serde(default)]
        running_var: Option<Value>,
    },
    AdaptivePool2d {
        #[serde(default)]
        name: Option<String>,
        mode: PoolMode,
        output: Pair,
    },
    GlobalMaxPool {
        #[serde(default)]
        name: Option<String>,
    },
    Add {
        #[serde(default)]
        name: Option<String>,
    },
    Concat {
        #[serde(default)]
        name: Option<String>,
    },
    Mul {
        #[serde(default)]
        name: Option<String>,
    },
}

impl LayerFile {
    fn name(&self) -> Option<&str> {
        match self {
            LayerFile::Conv2d { name, .. }
            | LayerFile::Relu { name }
            | LayerFile::LeakyRelu { name, .. }
            | LayerFile::Sigmoid { name }
            | LayerFile::Tanh { name }
            | LayerFile::Pool2d { name, .. }
            | LayerFile::GlobalAvgPool { name }
            | LayerFile::Flatten { name }
            | LayerFile::Dropout { name, .. }
            | LayerFile::Dense { name, .. }
            | LayerFile::Softmax { name }
            | LayerFile::LogSoftmax { name }
            | LayerFile::Relu6 { name }
            | LayerFile::Clip { name, .. }
            | LayerFile::Hardtanh { name, .. }
            | LayerFile::Elu { name, .. }
            | LayerFile::Selu { name }
            | LayerFile::Gelu { name, .. }
            | LayerFile::Silu { name }
            | LayerFile::Hardswish { name }
            | LayerFile::Hardsigmoid { name, .. }
            | LayerFile::Prelu { name, .. }
            | LayerFile::BatchNorm { name, .. }
            | LayerFile::AdaptivePool2d { name, .. }
            | LayerFile::GlobalMaxPool { name }
            | LayerFile::Add { name }
            | LayerFile::Concat { name }
            | LayerFile::Mul { name } => name.as_deref(),
        }
    }

    /// The row of the table of layer kinds this description reads as.
    fn layer_type(&self) -> LayerType {
        match self {
            LayerFile::Conv2d { .. } => LayerType::Conv2d,
            LayerFile::Relu { .. } => LayerType::Relu,
            LayerFile::LeakyRelu { .. } => LayerType::LeakyRelu,
            LayerFile::Sigmoid { .. } => LayerType::Sigmoid,
            LayerFile::Tanh { .. } => LayerType::Tanh,
            LayerFile::Pool2d { .. } => LayerType::Pool2d,
            LayerFile::GlobalAvgPool { .. } => LayerType::GlobalAvgPool,
            LayerFile::Flatten { .. } => LayerType::Flatten,
            LayerFile::Dropout { .. } => LayerType::Dropout,
            LayerFile::Dense { .. } => LayerType::Dense,
            LayerFile::Softmax { .. } => LayerType::Softmax,
            LayerFile::LogSoftmax { .. } => LayerType::LogSoftmax,
            LayerFile::Relu6 { .. } => LayerType::Relu6,
            LayerFile::Clip { .. } => LayerType::Clip,
            LayerFile::Hardtanh { .. } => LayerType::Hardtanh,
            LayerFile::Elu { .. } => LayerType::Elu,
            LayerFile::Selu { .. } => LayerType::Selu,
            LayerFile::Gelu { .. } => LayerType::Gelu,
            LayerFile::Silu { .. } => LayerType::Silu,
            LayerFile::Hardswish { .. } => LayerType::Hardswish,
            LayerFile::Hardsigmoid { .. } => LayerType::Hardsigmoid,
            LayerFile::Prelu { .. } => LayerType::Prelu,
            LayerFile::BatchNorm { .. } => LayerType::BatchNorm,
            LayerFile::AdaptivePool2d { .. } => LayerType::AdaptivePool2d,
            LayerFile::GlobalMaxPool { .. } => LayerType::GlobalMaxPool,
            LayerFile::Add { .. } => LayerType::Add,
            LayerFile::Concat { .. } => LayerType::Concat,
            LayerFile::Mul { .. } => LayerType::Mul,
        }
    }

    fn kernel_names(&self) -> Option<&Vec<String>> {
        match self {
            LayerFile::Conv2d { kernel_names, .. } => kernel_names.as_ref(),
            _ => None,
        }
    }
}

/// Where named tensors come from when a layer has no inline values.
struct WeightSource<'a> {
    file: Option<(&'a Path, SafeTensors<'a>)>,
    /// The mapped file, to hand each tensor's pages back once they are copied.
    map: Option<&'a memmap2::Mmap>,
    used: BTreeSet<String>,
}

impl WeightSource<'_> {
    /// Counts `key` as used if the file has it (a tensor that is read past on purpose).
    fn mark_used(&mut self, key: &str) {
        if let Some((_, tensors)) = &self.file
            && tensors.tensor(key).is_ok()
        {
            self.used.insert(key.to_string());
        }
    }

    /// The tensor `key` with `expected` shape, as f32 values.
    fn take(&mut self, layer: &str, key: &str, expected: &[usize]) -> Result<Vec<f32>, Error> {
        let Some((path, tensors)) = &self.file else {
            return Err(Error::Invalid(format!(
                "layer {layer}: tensor `{key}` is missing: give its values inline, or name a safetensors file in \"weights\""
            )));
        };
        let view = tensors.tensor(key).map_err(|_| {
            Error::Invalid(format!(
                "layer {layer}: tensor `{key}` is not in {}",
                path.file_name()
                    .unwrap_or(path.as_os_str())
                    .to_string_lossy()
            ))
        })?;
        if view.shape() != expected {
            return Err(Error::WeightShape {
                layer: layer.into(),
                tensor: key.into(),
                expected: expected.to_vec(),
                got: view.shape().to_vec(),
            });
        }
        self.used.insert(key.to_string());
        let data = view.data();
        let release = |map: &memmap2::Mmap| {
            let offset = (data.as_ptr() as usize).wrapping_sub(map.as_ptr() as usize);
            if offset < map.len() {
                // SAFETY: the map is private and read-only: dropping its pages only makes the
                // next access read them from the file again. This keeps the peak memory of a
                // large model near the model itself instead of model + file.
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        offset,
                        data.len().min(map.len() - offset),
                    )
                };
            }
        };
        let values = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            Dtype::F64 => data
                .chunks_exact(8)
                .map(|b| {
                    f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f32
                })
                .collect(),
            other => {
                return Err(Error::BadField {
                    layer: layer.into(),
                    field: key.into(),
                    message: format!(
                        "dtype {other:?} is not supported: save float32 tensors (model.float())"
                    ),
                });
            }
        };
        if let Some(map) = self.map {
            release(map);
        }
        Ok(values)
    }
}

/// Nested JSON arrays of numbers -> (shape, values in row-major order).
fn nested_values(
    layer: &str,
    field: &str,
    value: &Value,
    expected: &[usize],
) -> Result<Vec<f32>, Error> {
    let bad = |message: String| Error::BadField {
        layer: layer.into(),
        field: field.into(),
        message,
    };
    let mut shape = Vec::new();
    let mut probe = value;
    while let Value::Array(items) = probe {
        shape.push(items.len());
        match items.first() {
            Some(first) => probe = first,
            None => break,
        }
    }
    if shape != expected {
        return Err(Error::WeightShape {
            layer: layer.into(),
            tensor: field.into(),
            expected: expected.to_vec(),
            got: shape,
        });
    }
    let mut values = Vec::with_capacity(expected.iter().product());
    fn walk(v: &Value, depth: usize, shape: &[usize], out: &mut Vec<f32>) -> Result<(), String> {
        match v {
            Value::Array(items) if depth < shape.len() => {
                if items.len() != shape[depth] {
                    return Err(format!(
                        "ragged array: {} items where {} were expected at depth {depth}",
                        items.len(),
                        shape[depth]
                    ));
                }
                items
                    .iter()
                    .try_for_each(|i| walk(i, depth + 1, shape, out))
            }
            Value::Number(n) if depth == shape.len() => {
                out.push(n.as_f64().unwrap_or(f64::NAN) as f32);
                Ok(())
            }
            other => Err(format!("expected a number at depth {depth}, found {other}")),
        }
    }
    walk(value, 0, expected, &mut values).map_err(bad)?;
    Ok(values)
}

fn bias_setting(layer: &str, value: &Value, out: usize) -> Result<(bool, Option<Vec<f32>>), Error> {
    match value {
        Value::Bool(b) => Ok((*b, None)),
        Value::Array(_) => Ok((true, Some(nested_values(layer, "bias", value, &[out])?))),
        other => Err(Error::BadField {
            layer: layer.into(),
            field: "bias".into(),
            message: format!("expected true, false or a list of numbers, found {other}"),
        }),
    }
}

fn check_count(layer: &str, field: &str, value: usize, limit: usize) -> Result<usize, Error> {
    if value == 0 || value > limit {
        return Err(Error::BadField {
            layer: layer.into(),
            field: field.into(),
            message: format!("{value} is not between 1 and {limit}"),
        });
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
    let (a, b) = pair_of(pair).ok_or_else(|| Error::BadField {
        layer: layer.into(),
        field: field.into(),
        message: format!(
            "{pair} is not a size in pixels: give a whole number (3) or [height, width] ([3, 5])"
        ),
    })?;
    for v in [a, b] {
        if v < min || v > limit {
            return Err(Error::BadField {
                layer: layer.into(),
                field: field.into(),
                message: format!("{v} is not between {min} and {limit}"),
            });
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
        Error::BadField {
            layer: layer.into(),
            field: "padding".into(),
            message: format!(
                "{value} is not a padding: give n, [height, width], [top, left, bottom, right] (each 0 to {}){}",
                limits::MAX_KERNEL,
                if conv { ", \"same\" or \"valid\"" } else { "" }
            ),
        }
    })?;
    Ok((p, p))
}

fn checked_product(layer: &str, dims: &[usize]) -> Result<usize, Error> {
    let n = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX);
    if n > limits::MAX_PARAMETERS {
        return Err(Error::TooLarge {
            what: format!("layer {layer}: a weight tensor of shape {dims:?}"),
            value: n,
            limit: limits::MAX_PARAMETERS,
        });
    }
    Ok(n)
}

/// A conv or dense layer's weight (inline or from the weights file, of `shape`) and its bias
/// (`bias` is `true`, `false` or inline values; `shape[0]` values).
fn weight_and_bias(
    layer: &str,
    shape: &[usize],
    weight: Option<&Value>,
    bias: &Value,
    weights: &mut WeightSource,
) -> Result<(Vec<f32>, Option<Vec<f32>>), Error> {
    checked_product(layer, shape)?;
    let values = match weight {
        Some(v) => nested_values(layer, "weight", v, shape)?,
        None => weights.take(layer, &format!("{layer}.weight"), shape)?,
    };
    let out = shape[0];
    let bias = match bias_setting(layer, bias, out)? {
        (false, _) => None,
        (true, Some(b)) => Some(b),
        (true, None) if weight.is_some() => {
            return Err(Error::BadField {
                layer: layer.into(),
                field: "bias".into(),
                message:
                    "the weights are inline, so the bias values must be too (or \"bias\": false)"
                        .into(),
            });
        }
        (true, None) => Some(weights.take(layer, &format!("{layer}.bias"), &[out])?),
    };
    Ok((values, bias))
}

/// Turns one layer description into a layer, given the shape that reaches it.
fn build_layer(
    spec: LayerFile,
    name: String,
    input: Shape,
    weights: &mut WeightSource,
) -> Result<Layer, Error> {
    let layer = name.as_str();
    let kind = match spec {
        LayerFile::Conv2d {
            out_channels,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            bias,
            weight,
            ..
        } => {
            let Shape::Maps {
                channels: in_channels,
                ..
            } = input
            else {
                return Err(Error::InputShape {
                    layer: name,
                    expected: "feature maps [C,H,W]".into(),
                    got: format!(
                        "a vector of {} values (convolution comes before flatten)",
                        input.len()
                    ),
                });
            };
            let out = check_count(layer, "out_channels", out_channels, limits::MAX_CHANNELS)?;
            let (kh, kw) = check_pair(layer, "kernel", &kernel, 1, limits::MAX_KERNEL)?;
            let stride = check_pair(
                layer,
                "stride",
                &stride.unwrap_or(json!(1)),
                1,
                limits::MAX_KERNEL,
            )?;
            let dilation = check_pair(
                layer,
                "dilation",
                &dilation.unwrap_or(json!(1)),
                1,
                limits::MAX_KERNEL,
            )?;
            let groups = groups.unwrap_or(1);
            if groups == 0 || !in_channels.is_multiple_of(groups) || !out.is_multiple_of(groups) {
                return Err(Error::BadField {
                    layer: name,
                    field: "groups".into(),
                    message: format!(
                        "{groups} does not divide both the {in_channels} input and the {out} output channels"
                    ),
                });
            }
            let (padding, padding_end) = match padding {
                Some(Value::String(same)) if same == "same" => {
                    if stride != (1, 1) {
                        return Err(Error::BadField {
                            layer: name,
                            field: "padding".into(),
                            message: "\"same\" needs stride 1 (as in PyTorch)".into(),
                        });
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
            let (values, bias) = weight_and_bias(layer, &shape, weight.as_ref(), &bias, weights)?;
            LayerKind::Conv2d(Conv2d {
                weight: Array4::from_shape_vec(shape, values)
                    .map_err(|e| Error::Invalid(e.to_string()))?,
                bias: bias.map(Array1::from),
                stride,
                padding,
                padding_end: (padding_end != padding).then_some(padding_end),
                dilation,
                groups,
            })
        }
        LayerFile::Dense {
            out_features,
            bias,
            weight,
            ..
        } => {
            let out = check_count(layer, "out_features", out_features, limits::MAX_PARAMETERS)?;
            let Shape::Vector(in_features) = input else {
                return Err(Error::InputShape {
                    layer: name,
                    expected: "a vector".into(),
                    got: format!("maps {input} (add a flatten layer)"),
                });
            };
            let shape = [out, in_features];
            let (values, bias) = weight_and_bias(layer, &shape, weight.as_ref(), &bias, weights)?;
            LayerKind::Dense(Dense {
                weight: Array2::from_shape_vec(shape, values)
                    .map_err(|e| Error::Invalid(e.to_string()))?,
                bias: bias.map(Array1::from),
            })
        }
        LayerFile::Pool2d {
            mode,
            kernel,
            stride,
            padding,
            blur,
            ceil_mode,
            count_include_pad,
            ..
        } => {
            let kernel = check_pair(layer, "kernel", &kernel, 1, limits::MAX_KERNEL)?;
            let stride = match stride {
                Some(s) => check_pair(layer, "stride", &s, 1, limits::MAX_KERNEL)?,
                None => kernel,
            };
            let (padding, padding_end) = check_padding(layer, &padding.unwrap_or(json!(0)), false)?;
            let Value::Bool(count_include_pad) = count_include_pad else {
                return Err(Error::BadField {
                    layer: name,
                    field: "count_include_pad".into(),
                    message: format!("expected true or false, found {count_include_pad}"),
                });
            };
            LayerKind::Pool2d(Pool2d {
                mode,
                window: Window {
                    kernel,
                    stride,
                    padding,
                    padding_end: (padding_end != padding).then_some(padding_end),
                    dilation: (1, 1),
                    ceil_mode,
                },
                blur,
                count_include_pad,
            })
        }
        LayerFile::Dropout { p, .. } => {
            if !(0.0..1.0).contains(&p) {
                return Err(Error::BadField {
                    layer: name,
                    field: "p".into(),
                    message: format!("{p} is not in [0, 1)"),
                });
            }
            LayerKind::Dropout { p }
        }
        LayerFile::LeakyRelu { slope, .. } => {
            if !slope.is_finite() {
                return Err(Error::BadField {
                    layer: name,
                    field: "slope".into(),
                    message: "is not finite".into(),
                });
            }
            LayerKind::Activation(Activation::LeakyRelu { slope })
        }
        LayerFile::Relu6 { .. } => LayerKind::Activation(Activation::RELU6),
        LayerFile::Clip { min, max, .. } => LayerKind::Activation(Activation::Clip {
            min: min.unwrap_or(f32::NEG_INFINITY),
            max: max.unwrap_or(f32::INFINITY),
        }),
        LayerFile::Hardtanh { min, max, .. } => {
            LayerKind::Activation(Activation::Clip { min, max })
        }
        LayerFile::Elu { alpha, .. } => LayerKind::Activation(Activation::Elu { alpha }),
        LayerFile::Selu { .. } => LayerKind::Activation(Activation::Selu),
        LayerFile::Gelu { approximate, .. } => {
            let tanh = match approximate.as_deref() {
                None | Some("none") => false,
                Some("tanh") => true,
                Some(other) => {
                    return Err(Error::BadField {
                        layer: name,
                        field: "approximate".into(),
                        message: format!("{other:?} is not \"none\" or \"tanh\""),
                    });
                }
            };
            LayerKind::Activation(Activation::Gelu { tanh })
        }
        LayerFile::Silu { .. } => LayerKind::Activation(Activation::Silu),
        LayerFile::Hardswish { .. } => LayerKind::Activation(Activation::Hardswish),
        LayerFile::Hardsigmoid { alpha, beta, .. } => {
            LayerKind::Activation(Activation::Hardsigmoid { alpha, beta })
        }
        LayerFile::Prelu {
            num_parameters,
            weight,
            ..
        } => {
            let n = match (num_parameters, &weight) {
                (Some(n), _) => check_count(layer, "num_parameters", n, limits::MAX_CHANNELS)?,
                (None, Some(Value::Array(items))) => items.len(),
                (None, _) => 1,
            };
            let values = match &weight {
                Some(v) => nested_values(layer, "weight", v, &[n])?,
                None if weights.file.is_some() => {
                    weights.take(layer, &format!("{layer}.weight"), &[n])?
                }
                // PyTorch's initial slope.
                None => vec![0.25; n],
            };
            LayerKind::Prelu(Prelu {
                weight: Array1::from(values),
            })
        }
        LayerFile::BatchNorm {
            eps,
            momentum,
            weight,
            bias,
            running_mean,
            running_var,
            ..
        } => {
            let n = BatchNorm::channels_of(input);
            let mut bn = BatchNorm {
                eps,
                momentum,
                ..BatchNorm::new(n)
            };
            let inline = [&weight, &bias, &running_mean, &running_var];
            let fields = ["weight", "bias", "running_mean", "running_var"];
            for ((value, field), target) in inline.into_iter().zip(fields).zip([
                &mut bn.weight,
                &mut bn.bias,
                &mut bn.running_mean,
                &mut bn.running_var,
            ]) {
                let values = match value {
                    Some(v) => nested_values(layer, field, v, &[n])?,
                    None if weights.file.is_some() => {
                        weights.take(layer, &format!("{layer}.{field}"), &[n])?
                    }
                    // No weights anywhere (an architecture): the identity, as PyTorch starts.
                    None => continue,
                };
                *target = Array1::from(values);
            }
            // PyTorch saves a step counter beside the statistics; it changes nothing here.
            weights.mark_used(&format!("{layer}.num_batches_tracked"));
            LayerKind::BatchNorm(bn)
        }
        LayerFile::AdaptivePool2d { mode, output, .. } => {
            let output = check_pair(layer, "output", &output, 1, limits::MAX_SIDE)?;
            LayerKind::AdaptivePool(AdaptivePool { mode, output })
        }
        LayerFile::GlobalMaxPool { .. } => LayerKind::GlobalMaxPool,
        LayerFile::Add { .. } => LayerKind::Merge(Merge::Add),
        LayerFile::Concat { .. } => LayerKind::Merge(Merge::Concat),
        LayerFile::Mul { .. } => LayerKind::Merge(Merge::Mul),
        LayerFile::LogSoftmax { .. } => LayerKind::LogSoftmax,
        LayerFile::Relu { .. } => LayerKind::Activation(Activation::Relu),
        LayerFile::Sigmoid { .. } => LayerKind::Activation(Activation::Sigmoid),
        LayerFile::Tanh { .. } => LayerKind::Activation(Activation::Tanh),
        LayerFile::GlobalAvgPool { .. } => LayerKind::GlobalAvgPool,
        LayerFile::Flatten { .. } => LayerKind::Flatten,
        LayerFile::Softmax { .. } => LayerKind::Softmax,
    };
    Ok(Layer { name, kind })
}

fn type_of(value: &Value) -> &str {
    value.get("type").and_then(Value::as_str).unwrap_or("?")
}

/// Parses a model from its JSON text. `dir` is the folder the `"weights"` file is looked for in.
pub fn parse_model(json_path: &Path, text: &str, dir: &Path) -> Result<Model, FileError> {
    let invalid = |message: String| FileError::invalid(json_path, message);
    if text.trim().is_empty() {
        return Err(invalid(format!(
            "is empty ({} bytes), not a convscope/1 model",
            text.len()
        )));
    }
    let file: ModelFile = serde_json::from_str(text).map_err(|e| {
        invalid(if e.is_syntax() || e.is_eof() {
            format!("is not valid JSON: {e}")
        } else {
            format!("not a convscope/1 model: {e}")
        })
    })?;
    if file.format != FORMAT {
        return Err(invalid(format!(
            "\"format\" is \"{}\", expected \"{FORMAT}\"",
            file.format
        )));
    }
    let model_err = |source: Error| FileError::Model {
        path: json_path.to_path_buf(),
        source,
    };
    // The weights file: a bare name in the same folder, read whole and parsed once.
    let weights_bytes = match &file.weights {
        None => None,
        Some(name) => {
            let bare = Path::new(name);
            if name.is_empty()
                || name.contains('/')
                || name.contains('\\')
                || name == ".."
                || name == "."
                || bare.components().count() != 1
            {
                return Err(invalid(format!(
                    "\"weights\" must be a bare file name in the model's folder, not {name:?}"
                )));
            }
            let path = dir.join(bare);
            let map = map_limited(&path, limits::MAX_WEIGHTS_BYTES, "a weights file")?;
            Some((path.clone(), map))
        }
    };
    let tensors = match &weights_bytes {
        None => None,
        Some((path, bytes)) => Some((
            path.as_path(),
            SafeTensors::deserialize(bytes)
                .map_err(|e| FileError::invalid(path, format!("not a safetensors file: {e}")))?,
        )),
    };
    let mut weights = WeightSource {
        file: tensors,
        map: weights_bytes.as_ref().map(|(_, map)| map),
        used: BTreeSet::new(),
    };

    let i = &file.input;
    let audio_fields = super::audio_input::AudioFields {
        sample_rate: i.sample_rate,
        n_fft: i.n_fft,
        frame: i.frame,
        hop: i.hop,
        mel_bands: i.mel_bands,
        f_min: i.f_min,
        f_max: i.f_max,
        log_offset: i.log_offset,
    };
    let input = InputSpec {
        channels: file.input.channels,
        height: file.input.height,
        width: file.input.width,
        mean: file
            .input
            .mean
            .unwrap_or_else(|| vec![0.0; file.input.channels.min(limits::MAX_INPUT_CHANNELS)]),
        std: file
            .input
            .std
            .unwrap_or_else(|| vec![1.0; file.input.channels.min(limits::MAX_INPUT_CHANNELS)]),
    };
    // Input limits first: shapes below are inferred from it.
    Model::new(ModelInfo::default(), input.clone(), vec![]).map_err(model_err)?;
    let audio = audio_fields
        .spec(file.input.kind.as_deref(), &input)
        .map_err(|e| invalid(format!("input: {e}")))?;
    if file.layers.len() > limits::MAX_LAYERS {
        return Err(model_err(Error::TooLarge {
            what: "the number of layers".into(),
            value: file.layers.len(),
            limit: limits::MAX_LAYERS,
        }));
    }

    // Every layer's name, so that `inputs` naming a later layer says so.
    let all_names: Vec<String> = file
        .layers
        .iter()
        .enumerate()
        .map(|(i, v)| match v.get("name").and_then(Value::as_str) {
            Some(n) => n.to_string(),
            None => format!("{}_{i}", type_of(v)),
        })
        .collect();
    let all_names: Vec<&str> = all_names.iter().map(String::as_str).collect();
    let mut shapes: Vec<Shape> = Vec::with_capacity(file.layers.len());
    let mut layers: Vec<Layer> = Vec::with_capacity(file.layers.len());
    let mut sources = Vec::with_capacity(file.layers.len());
    let mut kernel_names = BTreeMap::new();
    for (index, value) in file.layers.iter().enumerate() {
        // `inputs` (the graph's wiring) is the same for every type: read apart from the rest.
        let mut value = value.clone();
        let inputs = value.as_object_mut().and_then(|o| o.remove("inputs"));
        let value = &value;
        let kind = type_of(value);
        if LayerType::from_name(kind).is_none() {
            return Err(invalid(format!(
                "layer {index}: \"type\" is {}, not one of {}",
                value.get("type").map_or("missing".into(), Value::to_string),
                LayerType::names().collect::<Vec<_>>().join(", ")
            )));
        }
        let spec: LayerFile = serde_json::from_value(value.clone())
            .map_err(|e| invalid(format!("layer {index} (type \"{}\"): {e}", type_of(value))))?;
        let name = spec
            .name()
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}_{index}", spec.layer_type().name()));
        if name.is_empty() {
            return Err(invalid(format!("layer {index}: \"name\" is empty")));
        }
        if let Some(names) = spec.kernel_names() {
            kernel_names.insert(name.clone(), names.clone());
        }
        let srcs = match inputs {
            None => vec![graph::chained(index)],
            Some(v) => {
                let names: Vec<String> = serde_json::from_value(v).map_err(|e| {
                    invalid(format!(
                        "layer {index} ({name}): \"inputs\" is not a list of layer names: {e}"
                    ))
                })?;
                graph::resolve(&name, index, &names, &all_names).map_err(model_err)?
            }
        };
        let in_shapes: Vec<Shape> = srcs
            .iter()
            .map(|s| match *s {
                Source::Input => input.shape(),
                Source::Layer(j) => shapes[j],
            })
            .collect();
        let first = in_shapes.first().copied().unwrap_or(input.shape());
        let layer = build_layer(spec, name, first, &mut weights).map_err(model_err)?;
        shapes.push(layer.output_shape_of(&in_shapes).map_err(model_err)?);
        layers.push(layer);
        sources.push(srcs);
    }
    if let Some((path, tensors)) = &weights.file {
        let unused: Vec<String> = tensors
            .names()
            .into_iter()
            .filter(|n| !weights.used.contains(*n))
            .map(str::to_string)
            .collect();
        if !unused.is_empty() {
            return Err(FileError::invalid(
                path,
                format!(
                    "tensors not used by any layer of {}: {} (is a layer missing, or named differently?)",
                    json_path.display(),
                    unused.join(", ")
                ),
            ));
        }
    }
    let info = ModelInfo {
        name: file.name.unwrap_or_else(|| {
            json_path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        }),
        description: file.description,
        labels: file.labels,
        training: file.training,
        kernel_names,
        translations: file
            .translations
            .into_iter()
            .map(|(lang, t)| {
                let t = Translation {
                    description: t.description,
                    labels: t.labels,
                    kernel_names: t.kernel_names,
                };
                (lang, t)
            })
            .collect(),
        audio,
    };
    Model::with_sources(info, input, layers, sources).map_err(model_err)
}

/// Reads a `convscope/1` model file and its weights.
pub fn load_model(path: &Path) -> Result<Model, FileError> {
    let bytes = read_limited(path, limits::MAX_JSON_BYTES)?;
    let text =
        String::from_utf8(bytes).map_err(|_| FileError::invalid(path, "is not UTF-8 text"))?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    parse_model(path, &text, &dir)
}

fn pair_json((a, b): (usize, usize)) -> Value {
    if a == b { json!(a) } else { json!([a, b]) }
}

fn padding_json(window: &Window) -> Value {
    let (begin, end) = (window.padding, window.pad_end());
    if begin == end {
        pair_json(begin)
    } else {
        json!([begin.0, begin.1, end.0, end.1])
    }
}

fn translations_json(translations: &BTreeMap<String, Translation>) -> Value {
    let entries = translations.iter().map(|(lang, t)| {
        let mut v = json!({});
        if let Some(d) = &t.description {
            v["description"] = json!(d);
        }
        if !t.labels.is_empty() {
            v["labels"] = json!(t.labels);
        }
        if !t.kernel_names.is_empty() {
            v["kernel_names"] = json!(t.kernel_names);
        }
        (lang.clone(), v)
    });
    Value::Object(entries.collect())
}

/// The JSON description of a model (no weights), with `weights` naming the safetensors file.
pub fn model_json(model: &Model, weights_file: Option<&str>) -> Value {
    let wiring = graph::source_names(model.layers(), model.all_sources());
    let layers: Vec<Value> = model
        .layers()
        .iter()
        .zip(wiring)
        .map(|(layer, inputs)| {
            let mut v = match &layer.kind {
                LayerKind::Conv2d(c) => {
                    let mut v = json!({
                        "type": "conv2d", "out_channels": c.out_channels(),
                        "kernel": pair_json(c.window().kernel), "stride": pair_json(c.stride),
                        "padding": padding_json(&c.window()), "bias": c.bias.is_some(),
                    });
                    if c.dilation != (1, 1) {
                        v["dilation"] = pair_json(c.dilation);
                    }
                    if c.groups != 1 {
                        v["groups"] = json!(c.groups);
                    }
                    v
                }
                LayerKind::Dense(d) => json!({"type": "dense", "out_features": d.out_features(), "bias": d.bias.is_some()}),
                LayerKind::Pool2d(p) => {
                    let mut v = json!({
                        "type": "pool2d", "mode": p.mode, "kernel": pair_json(p.window.kernel),
                        "stride": pair_json(p.window.stride),
                    });
                    if p.window.padding != (0, 0) || p.window.pad_end() != (0, 0) {
                        v["padding"] = padding_json(&p.window);
                    }
                    if p.window.ceil_mode {
                        v["ceil_mode"] = json!(true);
                    }
                    if !p.count_include_pad {
                        v["count_include_pad"] = json!(false);
                    }
                    if p.mode == PoolMode::BlurMax {
                        v["blur"] = json!(p.blur);
                    }
                    v
                }
                LayerKind::Activation(Activation::LeakyRelu { slope }) => json!({"type": "leaky_relu", "slope": slope}),
                LayerKind::Activation(f @ Activation::Clip { min, max }) if *f != Activation::RELU6 => {
                    let mut v = json!({"type": "clip"});
                    if min.is_finite() {
                        v["min"] = json!(min);
                    }
                    if max.is_finite() {
                        v["max"] = json!(max);
                    }
                    v
                }
                LayerKind::Activation(Activation::Elu { alpha }) => json!({"type": "elu", "alpha": alpha}),
                LayerKind::Activation(Activation::Gelu { tanh }) => json!({"type": "gelu", "approximate": if *tanh { "tanh" } else { "none" }}),
                LayerKind::Activation(Activation::Hardsigmoid { alpha, beta }) => json!({"type": "hardsigmoid", "alpha": alpha, "beta": beta}),
                LayerKind::Prelu(p) => json!({"type": "prelu", "num_parameters": p.weight.len()}),
                LayerKind::BatchNorm(bn) => json!({"type": "batch_norm", "eps": bn.eps, "momentum": bn.momentum}),
                LayerKind::AdaptivePool(p) => json!({"type": "adaptive_pool2d", "mode": p.mode, "output": pair_json(p.output)}),
                LayerKind::Dropout { p } => json!({"type": "dropout", "p": p}),
                other => json!({"type": other.type_name()}),
            };
            v["name"] = json!(layer.name);
            if let Some(inputs) = inputs {
                v["inputs"] = json!(inputs);
            }
            if let Some(names) = model.info.kernel_names.get(&layer.name) {
                v["kernel_names"] = json!(names);
            }
            v
        })
        .collect();
    let mut out = json!({
        "format": FORMAT,
        "name": model.info.name,
        "description": model.info.description,
        "input": {
            "channels": model.input.channels, "height": model.input.height, "width": model.input.width,
            "mean": model.input.mean, "std": model.input.std,
        },
    });
    if let Some(a) = &model.info.audio {
        super::audio_input::AudioFields::write(a, model.input.height, &mut out["input"]);
    }
    if !model.info.labels.is_empty() {
        out["labels"] = json!(model.info.labels);
    }
    if let Some(w) = weights_file {
        out["weights"] = json!(w);
    }
    if !model.info.training.is_null() {
        out["training"] = model.info.training.clone();
    }
    if !model.info.translations.is_empty() {
        out["translations"] = translations_json(&model.info.translations);
    }
    out["layers"] = Value::Array(layers);
    out
}

/// Every stored tensor of a model by its safetensors name (`NAME.weight`, `NAME.bias`,
/// `NAME.running_mean`, ...), in PyTorch's `state_dict` order.
pub fn named_tensors(model: &Model) -> Vec<(String, Vec<usize>, Vec<f32>)> {
    let mut out = Vec::new();
    for layer in model.layers() {
        for (tensor, values) in layer_tensors(&layer.kind) {
            out.push((
                format!("{}.{tensor}", layer.name),
                values.shape().to_vec(),
                values.iter().copied().collect(),
            ));
        }
    }
    out
}

/// Where [`save_model`] puts the weights of a model saved as `path`: beside it, with the same
/// stem and `.safetensors`.
pub fn weights_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}.safetensors"))
}

/// Writes `path` (the JSON) and a safetensors file beside it with the same stem, atomically:
/// on failure the old files (or none) stay.
pub fn save_model(model: &Model, path: &Path) -> Result<(), FileError> {
    if path.file_stem().is_none() {
        return Err(FileError::invalid(path, "needs a file name"));
    }
    let weights_path = weights_path(path);
    let weights_name = weights_path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let tensors = named_tensors(model);
    let bytes: Vec<(String, Vec<usize>, Vec<u8>)> = tensors
        .into_iter()
        .map(|(name, shape, values)| {
            (
                name,
                shape,
                values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            )
        })
        .collect();
    let views: Vec<(String, safetensors::tensor::TensorView)> = bytes
        .iter()
        .map(|(name, shape, data)| {
            safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), data)
                .map(|view| (name.clone(), view))
                .map_err(|e| FileError::invalid(&weights_path, e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    let blob = safetensors::tensor::serialize(views, None)
        .map_err(|e| FileError::invalid(&weights_path, e.to_string()))?;
    let text = serde_json::to_string_pretty(&model_json(model, Some(&weights_name)))
        .expect("JSON values serialise");
    // Both written in full before either replaces an old file; the weights go in place first,
    // so the JSON never names weights that are not there yet.
    check_writable(path)?;
    let weights = stage(&weights_path, |w| w.write_all(&blob))?;
    let json = stage(path, |w| {
        w.write_all(text.as_bytes()).and(w.write_all(b"\n"))
    })?;
    weights.commit()?;
    json.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::zoo;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Every row of the table of layer kinds is a `"type"` this reader knows, and reads as
    /// that row: the format's list and the table cannot drift apart.
    #[test]
    fn the_reader_knows_every_layer_type_of_the_table() {
        for &t in LayerType::ALL {
            match serde_json::from_value::<LayerFile>(json!({ "type": t.name() })) {
                Ok(spec) => assert_eq!(spec.layer_type(), t),
                Err(e) => assert!(
                    e.to_string().starts_with("missing field"),
                    "{}: {e}",
                    t.name()
                ),
            }
        }
    }

    #[test]
    fn a_model_that_cannot_be_saved_changes_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let model = zoo::digits(1, PoolMode::Max);
        // The JSON's place is taken by a folder: the old weights must stay as they were.
        let path = dir.path().join("m.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(dir.path().join("m.safetensors"), b"old").unwrap();
        let err = save_model(&model, &path).unwrap_err().to_string();
        assert!(err.ends_with("m.json: is a folder, not a file"), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join("m.safetensors")).unwrap(),
            b"old"
        );
        assert_eq!(names(dir.path()), ["m.json", "m.safetensors"]);
        // The weights' place taken by a folder: the JSON is not written either.
        let other = dir.path().join("n.json");
        std::fs::create_dir(dir.path().join("n.safetensors")).unwrap();
        assert!(save_model(&model, &other).is_err());
        assert_eq!(
            names(dir.path()),
            ["m.json", "m.safetensors", "n.safetensors"]
        );
        // A good save round-trips and leaves exactly the two files.
        let good = dir.path().join("good").join("g.json");
        std::fs::create_dir(good.parent().unwrap()).unwrap();
        save_model(&model, &good).unwrap();
        assert_eq!(names(good.parent().unwrap()), ["g.json", "g.safetensors"]);
        assert_eq!(
            load_model(&good).unwrap().parameter_count(),
            model.parameter_count()
        );
    }
}
