//! The numbers a lesson's text may quote, computed from the network in front of the class:
//! per stage (`pool1-values`, `fc-params-share`, `fc-formula`: `structure.rs`), per model
//! (`params`, `test-accuracy`), per compared sample model (`digits-nopool-params`), from a
//! translation sweep (`sweep-fc-mean`: `sweep.rs`), from noise (`noise.rs`) and from test
//! sets (`digits-max-vs-digits-avg-p`: `evidence.rs`), and from a lesson's training runs
//! (`small-test-accuracy`: `runs.rs`). Nothing here is typed in: every value
//! comes from a model, a trace or a test set.

mod conv;
mod evidence;
mod noise;
mod runs;
mod structure;
mod sweep;

pub use conv::BALANCED_SHARE;
pub use evidence::{CONSISTENCY_BOUNDS, p_value};
pub use runs::{RunNumbers, RunRecipe};
pub use structure::formula;
pub use sweep::NEAR_SHIFT;

use crate::engine::{LayerKind, Model, Tensor};
use std::collections::BTreeMap;

/// The value shown for a number that is still being measured (a sweep running).
pub const PENDING: &str = "…";

/// Placeholder name -> the text it stands for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    values: BTreeMap<String, String>,
}

/// `126698` -> `126,698`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fraction as a percentage with one decimal: `0.9769` -> `97.7`.
pub fn percent(fraction: f64) -> String {
    format!("{:.1}", fraction * 100.0)
}

/// A value with three significant digits, for activations.
fn short(v: f32) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.digits$}")
}

impl Facts {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub(crate) fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), value.into());
    }

    /// Every name and its value, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Adds (or replaces with) every value of `other`.
    pub(crate) fn extend_from(&mut self, other: &Facts) {
        self.values
            .extend(other.values.iter().map(|(k, v)| (k.clone(), v.clone())));
    }

    /// The open model and what it just computed: `trace` holds one tensor per layer (the
    /// input not included), `prediction` the top class's name (in the lesson's language) and
    /// probability, when the model ends in classes.
    pub(crate) fn of_run(
        model: &Model,
        input: &Tensor,
        trace: &[Tensor],
        prediction: Option<(String, f32)>,
    ) -> Facts {
        let mut facts = Facts::default();
        let total = model.parameter_count();
        facts.set("params", grouped(total));
        facts.set("input-values", grouped(input.shape().len()));
        facts.set("input-shape", input.shape().to_string());
        facts.add_structure("", model);
        facts.add_convolutions("", model);
        for (layer, output) in model.layers().iter().zip(trace) {
            let n = &layer.name;
            let params = layer.parameter_count();
            facts.set(format!("{n}-values"), grouped(output.shape().len()));
            facts.set(format!("{n}-shape"), output.shape().to_string());
            if total > 0 {
                facts.set(
                    format!("{n}-params-share"),
                    percent(params as f64 / total as f64),
                );
            }
            match &layer.kind {
                LayerKind::Conv2d(c) => {
                    let (kh, kw) = c.window().kernel;
                    facts.set(format!("{n}-kernel"), format!("{kh}x{kw}"));
                    facts.set(format!("{n}-channels"), c.weight.dim().0.to_string());
                    facts.add_conv_maps(n, output);
                }
                LayerKind::Pool2d(p) => {
                    let (kh, kw) = p.window.kernel;
                    facts.set(format!("{n}-kernel"), format!("{kh}x{kw}"));
                }
                LayerKind::Dropout { p } => facts.set(format!("{n}-rate"), format!("{p}")),
                _ => {}
            }
            let values = output.values();
            let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mean = values.iter().sum::<f32>() / values.len().max(1) as f32;
            let zero = values.iter().filter(|&&v| v == 0.0).count();
            facts.set(format!("{n}-max"), short(max));
            facts.set(format!("{n}-mean"), short(mean));
            facts.set(
                format!("{n}-zeros"),
                percent(zero as f64 / values.len().max(1) as f64),
            );
        }
        if let Some((label, p)) = prediction {
            facts.set("prediction", label);
            facts.set("confidence", percent(p as f64));
        }
        facts.add_training("", model);
        facts
    }

    /// `PREFIX-test-accuracy`, `PREFIX-train-accuracy`, `PREFIX-accuracy-gap` and
    /// `PREFIX-train-size` from the model's training record, where it has one.
    fn add_training(&mut self, prefix: &str, model: &Model) {
        let t = &model.info.training;
        let test = t.get("test_accuracy").and_then(|v| v.as_f64());
        let train = t.get("train_accuracy").and_then(|v| v.as_f64());
        if let Some(test) = test {
            self.set(format!("{prefix}test-accuracy"), percent(test));
            // The half-width of a 95% interval for an accuracy measured on n examples: where
            // two models' intervals overlap, their test set cannot tell them apart.
            if let Some(n) = t
                .get("test_size")
                .and_then(|v| v.as_u64())
                .filter(|&n| n > 0)
            {
                let margin = 1.96 * (test * (1.0 - test) / n as f64).sqrt();
                self.set(format!("{prefix}test-accuracy-margin"), percent(margin));
                self.set(format!("{prefix}test-size"), grouped(n as usize));
            }
        }
        if let Some(train) = train {
            self.set(format!("{prefix}train-accuracy"), percent(train));
        }
        if let (Some(test), Some(train)) = (test, train) {
            self.set(format!("{prefix}accuracy-gap"), percent(train - test));
        }
        if let Some(n) = t.get("train_size").and_then(|v| v.as_u64()) {
            self.set(format!("{prefix}train-size"), grouped(n as usize));
        }
        if let Some(wd) = t.get("weight_decay").and_then(|v| v.as_f64()) {
            // Stored from an f32: shown as the f32 it was (0.001, not 0.0010000000474974513).
            self.set(format!("{prefix}weight-decay"), format!("{}", wd as f32));
        }
        if let Some(v) = t.get("validation_accuracy").and_then(|v| v.as_f64()) {
            self.set(format!("{prefix}validation-accuracy"), percent(v));
        }
        if let Some(n) = t.get("validation_size").and_then(|v| v.as_u64()) {
            self.set(format!("{prefix}validation-size"), grouped(n as usize));
        }
    }

    /// Another sample model's numbers under `name-…`: its parameters, what each of its
    /// layers holds and computes (see [`Facts::add_structure`]), and its training record.
    pub fn add_model(&mut self, name: &str, model: &Model) {
        self.set(format!("{name}-params"), grouped(model.parameter_count()));
        self.add_structure(&format!("{name}-"), model);
        self.add_convolutions(&format!("{name}-"), model);
        self.add_training(&format!("{name}-"), model);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1568), "1,568");
        assert_eq!(grouped(126698), "126,698");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(percent(0.97695), "97.7");
        assert_eq!(short(0.012345), "0.0123");
        assert_eq!(short(123.456), "123");
    }

    #[test]
    fn accuracy_comes_with_its_margin_from_the_training_record() {
        let mut model = crate::engine::zoo::digits(1, crate::engine::PoolMode::Max);
        model.info.training = serde_json::json!({
            "test_accuracy": 0.9, "train_accuracy": 1.0, "test_size": 900, "train_size": 500
        });
        let mut facts = Facts::default();
        facts.add_model("m", &model);
        assert_eq!(facts.get("m-test-accuracy"), Some("90.0"));
        assert_eq!(facts.get("m-train-accuracy"), Some("100.0"));
        assert_eq!(facts.get("m-accuracy-gap"), Some("10.0"));
        // 1.96 * sqrt(0.9 * 0.1 / 900) = 0.0196
        assert_eq!(facts.get("m-test-accuracy-margin"), Some("2.0"));
        assert_eq!(facts.get("m-train-size"), Some("500"));
        assert_eq!(facts.get("m-conv1-params"), Some("80"));
        assert_eq!(facts.get("m-weight-decay"), None);
        model.info.training["weight_decay"] = serde_json::json!(0.001f32);
        model.info.training["validation_accuracy"] = serde_json::json!(0.973);
        facts.add_model("m", &model);
        assert_eq!(facts.get("m-weight-decay"), Some("0.001"));
        assert_eq!(facts.get("m-validation-accuracy"), Some("97.3"));
    }
}
