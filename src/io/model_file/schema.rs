//! The convscope/1 JSON as written, field by field (see docs/model-format.md): the model, its
//! input, its translations, and one description per layer kind, tagged by `"type"`. Unknown
//! fields are refused everywhere, so a typo is an error rather than a silent default.

use crate::engine::LayerType;
use crate::engine::{BatchNorm, PoolMode};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A side length as written: `3` or `[3, 5]` (height, width). Kept as JSON until the layer is
/// built, so a wrong value (`"same"`) is reported with its layer and field, in words.
pub(super) type Pair = Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InputFile {
    pub channels: usize,
    pub height: usize,
    pub width: usize,
    #[serde(default)]
    pub mean: Option<Vec<f32>>,
    #[serde(default)]
    pub std: Option<Vec<f32>>,
    /// `"image"` (the default) or `"audio"`; the rest is the audio's log-mel parameters.
    #[serde(default)]
    pub kind: Option<String>,
    // (serde's flatten does not work with deny_unknown_fields, so the audio fields are here.)
    pub sample_rate: Option<u32>,
    pub n_fft: Option<usize>,
    pub frame: Option<usize>,
    pub hop: Option<usize>,
    pub mel_bands: Option<usize>,
    pub f_min: Option<f32>,
    pub f_max: Option<f32>,
    pub log_offset: Option<f32>,
    pub normalize_bands: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ModelFile {
    pub format: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    pub input: InputFile,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub weights: Option<String>,
    #[serde(default)]
    pub training: Value,
    pub layers: Vec<Value>,
    /// Text in other languages, by language code (see docs/model-format.md).
    #[serde(default)]
    pub translations: BTreeMap<String, TranslationFile>,
}

/// A model's text in another language; whatever is left out stays English.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TranslationFile {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    /// By convolution layer name, as that layer's `kernel_names`.
    #[serde(default)]
    pub kernel_names: BTreeMap<String, Vec<String>>,
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

/// One layer as written, by its `"type"` (a row of [`LayerType`]'s table). `"inputs"` (the
/// wiring) is read apart, the same for every type.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum LayerFile {
    Conv2d(Conv2dFile),
    Relu(Named),
    LeakyRelu(LeakyReluFile),
    Sigmoid(Named),
    Tanh(Named),
    Pool2d(Pool2dFile),
    GlobalAvgPool(Named),
    Flatten(Named),
    Dropout(DropoutFile),
    Dense(DenseFile),
    Softmax(Named),
    LogSoftmax(Named),
    Relu6(Named),
    Clip(ClipFile),
    Hardtanh(HardtanhFile),
    Elu(EluFile),
    Selu(Named),
    Gelu(GeluFile),
    Silu(Named),
    Hardswish(Named),
    Hardsigmoid(HardsigmoidFile),
    Prelu(PreluFile),
    BatchNorm(BatchNormFile),
    AdaptivePool2d(AdaptivePoolFile),
    GlobalMaxPool(Named),
    Add(Named),
    Concat(Named),
    Mul(Named),
    PickChannels(PickChannelsFile),
    LayerNorm(LayerNormFile),
    Pad2d(Pad2dFile),
    Resize(ResizeFile),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Pad2dFile {
    #[serde(default)]
    pub name: Option<String>,
    /// Top, left, bottom, right.
    pub pads: [usize; 4],
    pub mode: crate::engine::PadMode,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResizeFile {
    #[serde(default)]
    pub name: Option<String>,
    pub size: [usize; 2],
    pub scale: [f32; 2],
    pub sampling: crate::engine::Sampling,
    pub coordinates: crate::engine::Coordinates,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PickChannelsFile {
    #[serde(default)]
    pub name: Option<String>,
    pub from: Vec<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LayerNormFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_layer_norm_eps")]
    pub eps: f32,
    #[serde(default)]
    pub weight: Option<Value>,
    #[serde(default)]
    pub bias: Option<Value>,
}

fn default_layer_norm_eps() -> f32 {
    crate::engine::LayerNorm::DEFAULT_EPS
}

/// A layer with nothing to set but its name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Named {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Conv2dFile {
    #[serde(default)]
    pub name: Option<String>,
    pub out_channels: usize,
    pub kernel: Pair,
    #[serde(default)]
    pub stride: Option<Pair>,
    /// n, [h, w], [top, left, bottom, right], or "same" (stride 1).
    #[serde(default)]
    pub padding: Option<Pair>,
    #[serde(default)]
    pub dilation: Option<Pair>,
    #[serde(default)]
    pub groups: Option<usize>,
    /// `true`/`false`, or the bias values inline.
    #[serde(default = "default_true")]
    pub bias: Value,
    #[serde(default)]
    pub weight: Option<Value>,
    /// One name per kernel (output channel), for hand-made filters.
    #[serde(default)]
    pub kernel_names: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LeakyReluFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_slope")]
    pub slope: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Pool2dFile {
    #[serde(default)]
    pub name: Option<String>,
    pub mode: PoolMode,
    pub kernel: Pair,
    #[serde(default)]
    pub stride: Option<Pair>,
    /// n, [h, w] or [top, left, bottom, right].
    #[serde(default)]
    pub padding: Option<Pair>,
    #[serde(default = "default_blur")]
    pub blur: usize,
    #[serde(default)]
    pub ceil_mode: bool,
    #[serde(default = "default_true")]
    pub count_include_pad: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DropoutFile {
    #[serde(default)]
    pub name: Option<String>,
    pub p: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DenseFile {
    #[serde(default)]
    pub name: Option<String>,
    pub out_features: usize,
    #[serde(default = "default_true")]
    pub bias: Value,
    #[serde(default)]
    pub weight: Option<Value>,
}

/// Either bound may be left out (no bound on that side).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ClipFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub min: Option<f32>,
    #[serde(default)]
    pub max: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HardtanhFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_hardtanh_min")]
    pub min: f32,
    #[serde(default = "default_one")]
    pub max: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EluFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_one")]
    pub alpha: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GeluFile {
    #[serde(default)]
    pub name: Option<String>,
    /// `"none"` (exact, by erf) or `"tanh"`, as PyTorch's `approximate`.
    #[serde(default)]
    pub approximate: Option<String>,
}

/// `clamp(alpha x + beta, 0, 1)`; the defaults are PyTorch's (ONNX's alpha is 0.2).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HardsigmoidFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_hardsigmoid_alpha")]
    pub alpha: f32,
    #[serde(default = "default_half")]
    pub beta: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PreluFile {
    #[serde(default)]
    pub name: Option<String>,
    /// Slopes: 1 (shared) or one per channel, as PyTorch's `num_parameters`.
    #[serde(default)]
    pub num_parameters: Option<usize>,
    #[serde(default)]
    pub weight: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BatchNormFile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_eps")]
    pub eps: f32,
    #[serde(default = "default_momentum")]
    pub momentum: f32,
    #[serde(default)]
    pub weight: Option<Value>,
    #[serde(default)]
    pub bias: Option<Value>,
    #[serde(default)]
    pub running_mean: Option<Value>,
    #[serde(default)]
    pub running_var: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AdaptivePoolFile {
    #[serde(default)]
    pub name: Option<String>,
    pub mode: PoolMode,
    pub output: Pair,
}

impl LayerFile {
    pub(super) fn name(&self) -> Option<&str> {
        let name = match self {
            LayerFile::Conv2d(c) => &c.name,
            LayerFile::LeakyRelu(l) => &l.name,
            LayerFile::Pool2d(p) => &p.name,
            LayerFile::Dropout(d) => &d.name,
            LayerFile::Dense(d) => &d.name,
            LayerFile::Clip(c) => &c.name,
            LayerFile::Hardtanh(h) => &h.name,
            LayerFile::Elu(e) => &e.name,
            LayerFile::Gelu(g) => &g.name,
            LayerFile::Hardsigmoid(h) => &h.name,
            LayerFile::Prelu(p) => &p.name,
            LayerFile::BatchNorm(b) => &b.name,
            LayerFile::AdaptivePool2d(a) => &a.name,
            LayerFile::PickChannels(p) => &p.name,
            LayerFile::LayerNorm(l) => &l.name,
            LayerFile::Pad2d(p) => &p.name,
            LayerFile::Resize(r) => &r.name,
            LayerFile::Relu(n)
            | LayerFile::Sigmoid(n)
            | LayerFile::Tanh(n)
            | LayerFile::GlobalAvgPool(n)
            | LayerFile::Flatten(n)
            | LayerFile::Softmax(n)
            | LayerFile::LogSoftmax(n)
            | LayerFile::Relu6(n)
            | LayerFile::Selu(n)
            | LayerFile::Silu(n)
            | LayerFile::Hardswish(n)
            | LayerFile::GlobalMaxPool(n)
            | LayerFile::Add(n)
            | LayerFile::Concat(n)
            | LayerFile::Mul(n) => &n.name,
        };
        name.as_deref()
    }

    /// The row of the table of layer kinds this description reads as.
    pub(super) fn layer_type(&self) -> LayerType {
        match self {
            LayerFile::Conv2d(_) => LayerType::Conv2d,
            LayerFile::Relu(_) => LayerType::Relu,
            LayerFile::LeakyRelu(_) => LayerType::LeakyRelu,
            LayerFile::Sigmoid(_) => LayerType::Sigmoid,
            LayerFile::Tanh(_) => LayerType::Tanh,
            LayerFile::Pool2d(_) => LayerType::Pool2d,
            LayerFile::GlobalAvgPool(_) => LayerType::GlobalAvgPool,
            LayerFile::Flatten(_) => LayerType::Flatten,
            LayerFile::Dropout(_) => LayerType::Dropout,
            LayerFile::Dense(_) => LayerType::Dense,
            LayerFile::Softmax(_) => LayerType::Softmax,
            LayerFile::LogSoftmax(_) => LayerType::LogSoftmax,
            LayerFile::Relu6(_) => LayerType::Relu6,
            LayerFile::Clip(_) => LayerType::Clip,
            LayerFile::Hardtanh(_) => LayerType::Hardtanh,
            LayerFile::Elu(_) => LayerType::Elu,
            LayerFile::Selu(_) => LayerType::Selu,
            LayerFile::Gelu(_) => LayerType::Gelu,
            LayerFile::Silu(_) => LayerType::Silu,
            LayerFile::Hardswish(_) => LayerType::Hardswish,
            LayerFile::Hardsigmoid(_) => LayerType::Hardsigmoid,
            LayerFile::Prelu(_) => LayerType::Prelu,
            LayerFile::BatchNorm(_) => LayerType::BatchNorm,
            LayerFile::AdaptivePool2d(_) => LayerType::AdaptivePool2d,
            LayerFile::GlobalMaxPool(_) => LayerType::GlobalMaxPool,
            LayerFile::Add(_) => LayerType::Add,
            LayerFile::Concat(_) => LayerType::Concat,
            LayerFile::Mul(_) => LayerType::Mul,
            LayerFile::PickChannels(_) => LayerType::PickChannels,
            LayerFile::LayerNorm(_) => LayerType::LayerNorm,
            LayerFile::Pad2d(_) => LayerType::Pad2d,
            LayerFile::Resize(_) => LayerType::Resize,
        }
    }

    pub(super) fn kernel_names(&self) -> Option<&Vec<String>> {
        match self {
            LayerFile::Conv2d(c) => c.kernel_names.as_ref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    /// A field a layer does not have is refused, and the error lists the ones it has.
    #[test]
    fn an_unknown_field_of_a_layer_is_refused_with_the_fields_it_has() {
        let e = serde_json::from_value::<LayerFile>(json!({ "type": "relu", "slope": 0.1 }))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "unknown field `slope`, expected `name`");
        let e = serde_json::from_value::<LayerFile>(
            json!({ "type": "dropout", "p": 0.5, "rate": 0.5 }),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "unknown field `rate`, expected `name` or `p`");
    }
}
