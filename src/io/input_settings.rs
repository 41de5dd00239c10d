//! What a visualiser needs to know about a model's input that an ONNX file usually does not
//! say: how pixels are normalised, the class names, the input size when the file leaves it
//! open, and the channel order. Read from the model's `metadata_props`, a sidecar
//! `M.onnx.json`, command-line flags or the app's input settings, in that order of rising
//! precedence (see docs/own-models.md).

use super::onnx::error::MetadataError;
use crate::engine::{LayerKind, Model, Source};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The order of an image's colour channels the network was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ChannelOrder {
    #[default]
    Rgb,
    /// OpenCV/Caffe order: the loader turns the first convolution round so pictures stay RGB.
    Bgr,
}

/// Input facts, each `None` when this source does not say.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<Vec<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub std: Option<Vec<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Height and width, for a model whose input size is left open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_order: Option<ChannelOrder>,
}

impl InputSettings {
    /// These settings, with what they leave out taken from `fallback`.
    pub(crate) fn or(self, fallback: InputSettings) -> InputSettings {
        InputSettings {
            mean: self.mean.or(fallback.mean),
            std: self.std.or(fallback.std),
            labels: self.labels.or(fallback.labels),
            size: self.size.or(fallback.size),
            channel_order: self.channel_order.or(fallback.channel_order),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == InputSettings::default()
    }

    /// From ONNX `metadata_props` (`mean`, `std`, `labels`, `size`, `channel_order`; other
    /// keys are left alone). Values are JSON (`[0.485, 0.456, 0.406]`) or comma-separated;
    /// labels may also be one per line.
    pub(crate) fn from_props<'a>(
        props: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<InputSettings, MetadataError> {
        let mut s = InputSettings::default();
        for (key, value) in props {
            let bad = |what: &'static str| MetadataError {
                key: key.to_string(),
                value: value.to_string(),
                what,
            };
            match key {
                "mean" | "std" => {
                    let v = floats(value).ok_or_else(|| bad("a list of numbers"))?;
                    if key == "mean" {
                        s.mean = Some(v);
                    } else {
                        s.std = Some(v);
                    }
                }
                "labels" => s.labels = Some(strings(value)),
                "size" | "input_size" => {
                    s.size = Some(parse_size(value).map_err(|_| bad("a size (224 or 224x224)"))?)
                }
                "channel_order" => {
                    s.channel_order =
                        Some(parse_order(value).ok_or_else(|| bad("\"rgb\" or \"bgr\""))?)
                }
                _ => {}
            }
        }
        Ok(s)
    }
}

fn floats(text: &str) -> Option<Vec<f32>> {
    if let Ok(v) = serde_json::from_str::<Vec<f32>>(text) {
        return Some(v);
    }
    text.split(',').map(|p| p.trim().parse().ok()).collect()
}

fn strings(text: &str) -> Vec<String> {
    if let Ok(v) = serde_json::from_str::<Vec<String>>(text) {
        return v;
    }
    let sep = if text.contains('\n') { '\n' } else { ',' };
    text.split(sep)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

pub(crate) fn parse_order(text: &str) -> Option<ChannelOrder> {
    match text.trim().to_ascii_lowercase().as_str() {
        "rgb" => Some(ChannelOrder::Rgb),
        "bgr" => Some(ChannelOrder::Bgr),
        _ => None,
    }
}

/// A value written on a command line, in a form or in a settings file that is not the kind
/// asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum ValueError {
    #[error(
        "`{0}` is not a size: give 224 or HEIGHTxWIDTH (224x224), each from 1 to {max}",
        max = crate::engine::limits::MAX_SIDE
    )]
    Size(String),
    #[error("`{0}` is not a number")]
    Number(String),
}

/// `224` or `224x224` (height x width).
pub(crate) fn parse_size(text: &str) -> Result<[usize; 2], ValueError> {
    let number = |s: &str| {
        s.trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| (1..=crate::engine::limits::MAX_SIDE).contains(&n))
    };
    let t = text.trim();
    let parsed = match t.split_once(['x', 'X', ',']) {
        Some((h, w)) => number(h).zip(number(w)).map(|(h, w)| [h, w]),
        None => number(t).map(|n| [n, n]),
    };
    parsed.ok_or_else(|| ValueError::Size(text.to_string()))
}

/// A comma-separated list of numbers, for `--mean` and `--std`.
pub(crate) fn parse_floats(text: &str) -> Result<Vec<f32>, ValueError> {
    text.split(',')
        .map(|p| {
            p.trim()
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| ValueError::Number(p.to_string()))
        })
        .collect()
}

/// Class names from a text file, one per line (blank lines skipped), or a JSON list.
pub(crate) fn read_labels(path: &Path) -> Result<Vec<String>, super::FileError> {
    let bytes = super::error::read_limited(path, 16 << 20)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| super::FileError::invalid(path, "is not UTF-8 text"))?;
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(&text).map_err(|e| {
            super::FileError::invalid(path, format!("is not a JSON list of names: {e}"))
        });
    }
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// Where the sidecar of a model lives: `M.onnx` -> `M.onnx.json`.
pub(crate) fn sidecar_path(model: &Path) -> PathBuf {
    let mut name = model.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    model.with_file_name(name)
}

/// The sidecar file as written: `size` may be one number; labels may be in a file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SidecarFile {
    #[serde(default)]
    mean: Option<Vec<f32>>,
    #[serde(default)]
    std: Option<Vec<f32>>,
    #[serde(default)]
    labels: Option<Vec<String>>,
    /// A text file of labels beside the model, one per line.
    #[serde(default)]
    labels_file: Option<String>,
    #[serde(default)]
    size: Option<serde_json::Value>,
    #[serde(default)]
    channel_order: Option<ChannelOrder>,
}

/// The sidecar of `model` (`M.onnx.json`), or empty settings when there is none.
pub(crate) fn read_sidecar(model: &Path) -> Result<InputSettings, super::FileError> {
    let path = sidecar_path(model);
    if !path.exists() {
        return Ok(InputSettings::default());
    }
    let bytes = super::error::read_limited(&path, 16 << 20)?;
    let invalid = |m: String| super::FileError::invalid(&path, m);
    let file: SidecarFile = serde_json::from_slice(&bytes)
        .map_err(|e| invalid(format!("not a model settings file: {e}")))?;
    let size = match &file.size {
        None => None,
        Some(serde_json::Value::Number(n)) => {
            Some(parse_size(&n.to_string()).map_err(|e| invalid(e.to_string()))?)
        }
        Some(serde_json::Value::Array(v)) if v.len() == 2 => Some(
            parse_size(&format!("{}x{}", v[0], v[1]))
                .map_err(|_| invalid(format!("\"size\" {v:?} is not [height, width]")))?,
        ),
        Some(other) => {
            return Err(invalid(format!(
                "\"size\" {other} is not 224 or [height, width]"
            )));
        }
    };
    let labels = match (&file.labels, &file.labels_file) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "gives both \"labels\" and \"labels_file\": keep one".into(),
            ));
        }
        (Some(l), None) => Some(l.clone()),
        (None, Some(name)) => {
            let p = Path::new(name);
            if p.is_absolute() || p.components().count() != 1 {
                return Err(invalid(format!(
                    "\"labels_file\" must be a file name in the model's folder, not {name:?}"
                )));
            }
            Some(read_labels(&model.with_file_name(p))?)
        }
        (None, None) => None,
    };
    Ok(InputSettings {
        mean: file.mean,
        std: file.std,
        labels,
        size,
        channel_order: file.channel_order,
    })
}

/// A model with the mean, std, labels and channel order of `settings` where it gives them,
/// checked again as a whole.
pub(crate) fn apply_settings(
    path: &Path,
    model: Model,
    settings: &InputSettings,
) -> Result<Model, super::FileError> {
    if settings.mean.is_none()
        && settings.std.is_none()
        && settings.labels.is_none()
        && settings.channel_order != Some(ChannelOrder::Bgr)
    {
        return Ok(model);
    }
    let mut input = model.input.clone();
    let mut info = model.info.clone();
    let mut layers = model.layers().to_vec();
    if let Some(m) = &settings.mean {
        input.mean = m.clone();
    }
    if let Some(s) = &settings.std {
        input.std = s.clone();
    }
    if let Some(l) = &settings.labels {
        info.labels = l.clone();
        for t in info.translations.values_mut() {
            t.labels.clear();
        }
    }
    if settings.channel_order == Some(ChannelOrder::Bgr) {
        // The network wants BGR; pictures come in RGB. Reversing the first convolution's
        // input channels (and the mean and std with them) makes it take RGB exactly.
        let reads_input = (0..layers.len())
            .filter(|&i| model.sources(i).contains(&Source::Input))
            .count();
        let Some(LayerKind::Conv2d(conv)) = layers
            .first_mut()
            .filter(|_| reads_input == 1)
            .map(|l| &mut l.kind)
        else {
            return Err(super::FileError::invalid(
                path,
                "channel_order \"bgr\" needs a convolution as the first layer, the only one reading the input (to turn its channels round)",
            ));
        };
        conv.weight.invert_axis(ndarray::Axis(1));
        conv.weight = conv.weight.as_standard_layout().into_owned();
        input.mean.reverse();
        input.std.reverse();
    }
    let sources = model.all_sources().to_vec();
    Model::with_sources(info, input, layers, sources).map_err(|source| super::FileError::Model {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn props_in_json_or_commas() {
        let s = InputSettings::from_props(
            [
                ("mean", "[0.5, 0.25]"),
                ("std", "0.5, 0.5"),
                ("labels", "cat\ndog\n"),
                ("size", "32x48"),
                ("channel_order", "BGR"),
                ("producer", "whatever"),
            ]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(s.mean, Some(vec![0.5, 0.25]));
        assert_eq!(s.std, Some(vec![0.5, 0.5]));
        assert_eq!(s.labels, Some(vec!["cat".into(), "dog".into()]));
        assert_eq!(s.size, Some([32, 48]));
        assert_eq!(s.channel_order, Some(ChannelOrder::Bgr));
        let e = InputSettings::from_props([("mean", "half")].into_iter())
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"mean\""), "{e}");
    }

    #[test]
    fn later_sources_fill_only_gaps() {
        let flags = InputSettings {
            mean: Some(vec![0.1]),
            ..Default::default()
        };
        let file = InputSettings {
            mean: Some(vec![0.9]),
            std: Some(vec![0.2]),
            ..Default::default()
        };
        let s = flags.or(file);
        assert_eq!((s.mean, s.std), (Some(vec![0.1]), Some(vec![0.2])));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("224").unwrap(), [224, 224]);
        assert_eq!(parse_size("32x48").unwrap(), [32, 48]);
        assert_eq!(parse_size("0"), Err(ValueError::Size("0".into())));
        assert!(parse_size("big").is_err());
        assert_eq!(
            parse_floats("0.5, x").unwrap_err().to_string(),
            "` x` is not a number"
        );
    }
}
