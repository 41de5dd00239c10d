//! What a model file says about itself besides its layers: name, description, class labels,
//! kernel names, their translations, and for an audio model how a recording becomes its input.
//! The lists are checked against the layers once, when the model is built.

use crate::engine::audio_spec::AudioSpec;
use crate::engine::error::{Error, Result};
use crate::engine::layer::{Layer, LayerKind};
use std::collections::BTreeMap;

/// What a model file says about itself besides its layers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelInfo {
    pub name: String,
    pub description: String,
    /// One name per output, or empty.
    pub labels: Vec<String>,
    /// How it was trained (free-form JSON, `null` when unknown).
    pub training: serde_json::Value,
    /// One name per kernel of a convolution, by layer name, for hand-made filters
    /// (`"Sobel x"`); most models have none.
    pub kernel_names: BTreeMap<String, Vec<String>>,
    /// What the reader accepted but found odd (an opset newer than tested, integer weights),
    /// each naming the file and what to do: the command line prints them, the app shows them
    /// as notices. Not written to a model file.
    pub warnings: Vec<String>,
    /// The text above in other languages, by language code (`"zh"`); English (the fields
    /// above) is the fallback for anything a translation leaves out.
    pub translations: BTreeMap<String, Translation>,
    /// For a model that reads recordings (`"kind": "audio"`): how a recording becomes its
    /// input maps. `None` for images.
    pub audio: Option<AudioSpec>,
}

/// A model's text in one other language; empty fields fall back to the English.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Translation {
    pub description: Option<String>,
    /// One per output, as `ModelInfo::labels`, or empty.
    pub labels: Vec<String>,
    pub kernel_names: BTreeMap<String, Vec<String>>,
}

impl ModelInfo {
    /// The info with its text in `lang` (a code of `translations`) where a translation has
    /// it, English elsewhere.
    pub fn localized(&self, lang: &str) -> ModelInfo {
        let mut info = self.clone();
        let Some(t) = self.translations.get(lang) else {
            return info;
        };
        if let Some(d) = &t.description {
            info.description = d.clone();
        }
        if !t.labels.is_empty() && t.labels.len() == info.labels.len() {
            info.labels = t.labels.clone();
        }
        for (layer, names) in &t.kernel_names {
            if let Some(english) = info.kernel_names.get_mut(layer)
                && english.len() == names.len()
            {
                *english = names.clone();
            }
        }
        info
    }

    /// The info without class names in any language (for a network cut before its classes).
    pub(crate) fn without_labels(&self) -> ModelInfo {
        let mut info = self.clone();
        info.labels.clear();
        for t in info.translations.values_mut() {
            t.labels.clear();
        }
        info
    }

    /// Kernel names and translated labels that do not fit the layers: every list as long as
    /// what it names.
    pub(super) fn validate_text(&self, layers: &[Layer], outputs: usize) -> Result<()> {
        let bad = |field: String, message: String| {
            Err(Error::BadField {
                layer: "model".into(),
                field,
                message,
            })
        };
        let kernels = |layer: &str| {
            layers
                .iter()
                .find(|l| l.name == layer)
                .and_then(|l| match &l.kind {
                    LayerKind::Conv2d(c) => Some(c.out_channels()),
                    _ => None,
                })
        };
        let check_names = |field: String, names: &BTreeMap<String, Vec<String>>| {
            for (layer, list) in names {
                match kernels(layer) {
                    None => {
                        return bad(
                            field,
                            format!("names kernels of {layer:?}, which is not a convolution"),
                        );
                    }
                    Some(n) if n != list.len() => {
                        return bad(
                            field,
                            format!("{} names for the {n} kernels of {layer}", list.len()),
                        );
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        };
        check_names("kernel_names".into(), &self.kernel_names)?;
        for (lang, t) in &self.translations {
            if !t.labels.is_empty() && t.labels.len() != outputs {
                return bad(
                    format!("translations.{lang}.labels"),
                    format!(
                        "{} labels for {outputs} outputs of the last layer",
                        t.labels.len()
                    ),
                );
            }
            check_names(format!("translations.{lang}.kernel_names"), &t.kernel_names)?;
        }
        Ok(())
    }
}
