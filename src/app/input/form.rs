//! The input settings dialog's state: the form as text, what it was when opened, and turning
//! it into [`InputSettings`] with every value checked against the open model. Drawn by
//! `dialog.rs`; no egui here.

use crate::app::i18n::{Strings, fill, grouped};
use crate::engine::{Model, limits};
use crate::io::input_settings::{parse_size, read_labels};
use crate::io::{ChannelOrder, InputSettings};
use std::path::{Path, PathBuf};

/// The fields as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputForm {
    /// Comma-separated, one per input channel.
    pub mean: String,
    pub std: String,
    /// One class name per line.
    pub labels: String,
    /// `224` or `HEIGHTxWIDTH`.
    pub size: String,
    pub order: ChannelOrder,
}

/// Why the form cannot be applied; shown in the dialog in the UI's language.
#[derive(Debug, Clone, PartialEq)]
pub enum FormError {
    /// The mean or std field is not a list of numbers: (field, the bad part).
    NotNumbers(&'static str, String),
    /// (field, values given, channels of the input).
    Count(&'static str, usize, usize),
    /// (channel, value): a std of zero or below divides by zero or flips the picture.
    StdNotPositive(usize, f32),
    /// (labels given, classes of the output).
    Labels(usize, usize),
    /// The size field, as typed.
    Size(String),
}

impl FormError {
    pub fn message(&self, s: &Strings) -> String {
        // The field by the name the dialog shows it under, in the UI's language.
        let name = |field: &str| {
            if field == "std" {
                s.input_std
            } else {
                s.input_mean
            }
        };
        match self {
            FormError::NotNumbers(field, bad) => fill(s.input_err_numbers, &[&name(field), bad]),
            FormError::Count(field, got, want) => fill(
                s.input_err_count,
                &[&name(field), &grouped(*got), &grouped(*want)],
            ),
            FormError::StdNotPositive(c, v) => fill(s.input_err_std, &[&(c + 1), v]),
            FormError::Labels(got, want) => {
                fill(s.input_err_labels, &[&grouped(*got), &grouped(*want)])
            }
            FormError::Size(text) => fill(s.input_err_size, &[text, &limits::MAX_SIDE]),
        }
    }
}

fn list(values: &[f32]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl InputForm {
    /// The form for `model` as opened with `effective` settings: each value as in effect.
    pub fn shown(model: &Model, effective: &InputSettings) -> InputForm {
        let order = effective.channel_order.unwrap_or_default();
        // A BGR model's mean and std are turned round for RGB pictures when it loads; the
        // form shows them in the model's own order, as the settings give them.
        let model_order = |v: &[f32]| {
            let mut v = v.to_vec();
            if order == ChannelOrder::Bgr {
                v.reverse();
            }
            v
        };
        let mean = effective
            .mean
            .clone()
            .unwrap_or_else(|| model_order(&model.input.mean));
        let std = effective
            .std
            .clone()
            .unwrap_or_else(|| model_order(&model.input.std));
        let [h, w] = effective
            .size
            .unwrap_or([model.input.height, model.input.width]);
        InputForm {
            mean: list(&mean),
            std: list(&std),
            labels: model.info.labels.join("\n"),
            size: format!("{h}x{w}"),
            order,
        }
    }

    /// The user's settings after this form is applied: `before`'s, with every field that was
    /// changed since the form was `opened` replaced. Each value is checked against `model`.
    pub fn settings(
        &self,
        opened: &InputForm,
        before: &InputSettings,
        model: &Model,
    ) -> Result<InputSettings, FormError> {
        let mut s = before.clone();
        let channels = model.input.channels;
        if self.mean.trim() != opened.mean.trim() {
            s.mean = Some(numbers("mean", &self.mean, channels)?);
        }
        if self.std.trim() != opened.std.trim() {
            let std = numbers("std", &self.std, channels)?;
            if let Some((c, &v)) = std.iter().enumerate().find(|(_, v)| **v <= 0.0) {
                return Err(FormError::StdNotPositive(c, v));
            }
            s.std = Some(std);
        }
        if self.labels.trim() != opened.labels.trim() {
            let labels: Vec<String> = self
                .labels
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            let classes = model.output_shape().len();
            if !labels.is_empty() && labels.len() != classes {
                return Err(FormError::Labels(labels.len(), classes));
            }
            s.labels = Some(labels);
        }
        if self.size.trim() != opened.size.trim() {
            s.size = Some(parse_size(&self.size).map_err(|_| FormError::Size(self.size.clone()))?);
        }
        if self.order != opened.order {
            s.channel_order = Some(self.order);
        }
        Ok(s)
    }
}

fn numbers(field: &'static str, text: &str, channels: usize) -> Result<Vec<f32>, FormError> {
    let values = text
        .split([',', ' ', ';'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.trim()
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| FormError::NotNumbers(field, p.trim().to_string()))
        })
        .collect::<Result<Vec<f32>, _>>()?;
    if values.len() != channels {
        return Err(FormError::Count(field, values.len(), channels));
    }
    Ok(values)
}

/// The dialog: open or not, for which model, the form, and what became of the last Apply.
#[derive(Debug, Clone, Default)]
pub struct InputDialog {
    pub open: bool,
    /// The model file the form is about.
    pub model: Option<PathBuf>,
    pub form: InputForm,
    /// The form as it was opened: only what the person changes becomes their setting.
    pub opened: InputForm,
    /// Why the last Apply was refused (the settings in use stay as they were).
    pub error: Option<String>,
    /// Settings being applied: the model is loading again with them.
    pub pending: Option<(PathBuf, InputSettings)>,
}

impl InputDialog {
    /// Opens the dialog on `model` (at `path`) as opened with `effective` settings.
    pub fn show(&mut self, path: &Path, model: &Model, effective: &InputSettings) {
        let form = InputForm::shown(model, effective);
        *self = InputDialog {
            open: true,
            model: Some(path.to_path_buf()),
            opened: form.clone(),
            form,
            error: None,
            pending: None,
        };
    }

    /// Fills the labels field from a labels file (one name per line, or a JSON list).
    pub fn read_labels_file(&mut self, path: &Path) {
        match read_labels(path) {
            Ok(labels) => {
                self.form.labels = labels.join("\n");
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        // 1x28x28 in, 10 classes out.
        crate::engine::zoo::digits(1, crate::engine::PoolMode::Max)
    }

    #[test]
    fn only_changed_fields_become_settings() {
        let m = model();
        let opened = InputForm::shown(&m, &InputSettings::default());
        assert_eq!(opened.size, "28x28");
        let mut form = opened.clone();
        assert_eq!(
            form.settings(&opened, &InputSettings::default(), &m),
            Ok(InputSettings::default())
        );
        form.std = "0.5".into();
        form.labels = (0..10).map(|i| format!("c{i}\n")).collect();
        let before = InputSettings {
            channel_order: Some(ChannelOrder::Rgb),
            ..InputSettings::default()
        };
        let s = form.settings(&opened, &before, &m).expect("valid");
        assert_eq!(s.std, Some(vec![0.5]));
        assert_eq!(s.labels.as_ref().map(Vec::len), Some(10));
        assert_eq!((s.mean, s.size), (None, None));
        assert_eq!(s.channel_order, Some(ChannelOrder::Rgb), "kept from before");
    }

    #[test]
    fn bad_values_are_refused_with_the_reason() {
        let m = model();
        let opened = InputForm::shown(&m, &InputSettings::default());
        let none = InputSettings::default();
        let with = |edit: &dyn Fn(&mut InputForm)| {
            let mut f = opened.clone();
            edit(&mut f);
            f.settings(&opened, &none, &m)
        };
        assert_eq!(
            with(&|f| f.std = "0".into()),
            Err(FormError::StdNotPositive(0, 0.0))
        );
        assert_eq!(
            with(&|f| f.mean = "0.1, 0.2".into()),
            Err(FormError::Count("mean", 2, 1))
        );
        assert_eq!(
            with(&|f| f.mean = "half".into()),
            Err(FormError::NotNumbers("mean", "half".into()))
        );
        assert_eq!(
            with(&|f| f.labels = "a\nb".into()),
            Err(FormError::Labels(2, 10))
        );
        assert_eq!(
            with(&|f| f.size = "99999".into()),
            Err(FormError::Size("99999".into()))
        );
        // Every refusal reads as a sentence in each language.
        let e = FormError::StdNotPositive(0, 0.0).message(&crate::app::i18n::EN);
        assert!(e.contains("std") && e.contains('1'), "{e}");
    }

    #[test]
    fn a_bgr_model_shows_its_mean_in_its_own_order() {
        // As loaded: the model's mean is in the picture's (RGB) order.
        let mut m = crate::engine::zoo::tiny_vgg(1, crate::engine::PoolMode::Max);
        m.input.mean = vec![0.1, 0.2, 0.3];
        let effective = InputSettings {
            channel_order: Some(ChannelOrder::Bgr),
            ..InputSettings::default()
        };
        let f = InputForm::shown(&m, &effective);
        assert_eq!(
            (f.mean.as_str(), f.order),
            ("0.3, 0.2, 0.1", ChannelOrder::Bgr)
        );
        let g = InputForm::shown(&m, &InputSettings::default());
        assert_eq!(
            (g.mean.as_str(), g.order),
            ("0.1, 0.2, 0.3", ChannelOrder::Rgb)
        );
    }
}
