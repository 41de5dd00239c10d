//! Noise on the input, for a lesson: how similar each stage stays to its clean self, for the
//! open model, for the models a step compares with, and for the clean control: the open
//! model's same weights run with max and with average pooling on the same noisy input.

use super::{Facts, grouped, percent};
use crate::engine::{Model, PoolMode};

/// The stage names of a run: the input, then every layer.
fn stage_names(model: &Model) -> impl Iterator<Item = &str> {
    std::iter::once("input").chain(model.layers().iter().map(|l| &*l.name))
}

impl Facts {
    /// A run with noise on the input beside the same run without it: `PREFIXnoise-STAGE-similarity`
    /// (cosine similarity of each stage, `input` included, to its clean self at the same
    /// positions, in percent, as `convscope robustness` measures it), `PREFIXclean-prediction`
    /// and `PREFIXclean-confidence`, and for another model (a non-empty prefix) its
    /// `PREFIXprediction` and `PREFIXconfidence` on the noisy input.
    pub fn add_noise_run(
        &mut self,
        prefix: &str,
        model: &Model,
        similarity: &[f32],
        clean: Option<(String, f32)>,
        noisy: Option<(String, f32)>,
    ) {
        for (name, s) in stage_names(model).zip(similarity) {
            self.set(
                format!("{prefix}noise-{name}-similarity"),
                percent(*s as f64),
            );
        }
        if let Some((label, p)) = clean {
            self.set(format!("{prefix}clean-prediction"), label);
            self.set(format!("{prefix}clean-confidence"), percent(p as f64));
        }
        if let Some((label, p)) = noisy.filter(|_| !prefix.is_empty()) {
            self.set(format!("{prefix}prediction"), label);
            self.set(format!("{prefix}confidence"), percent(p as f64));
        }
    }

    /// The clean control: the open model's weights run with every pooling layer in `mode`,
    /// noisy against clean, as `noise-MODE-STAGE-similarity` (percent, `input` included), so
    /// `noise-max-pool1-similarity` and `noise-avg-pool1-similarity` differ in nothing but
    /// the pooling.
    pub fn add_noise_control(&mut self, model: &Model, mode: PoolMode, similarity: &[f32]) {
        for (name, s) in stage_names(model).zip(similarity) {
            self.set(
                format!("noise-{}-{name}-similarity", mode.as_str()),
                percent(*s as f64),
            );
        }
    }

    /// `noise-salt` and `noise-pepper`: how many input values salt-and-pepper noise turned
    /// white and black (only those it changed).
    pub fn add_salt_and_pepper(&mut self, (salt, pepper): (usize, usize)) {
        self.set("noise-salt", grouped(salt));
        self.set("noise-pepper", grouped(pepper));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::zoo;

    #[test]
    fn the_control_names_the_mode_and_every_stage() {
        let model = zoo::digits(1, PoolMode::Max);
        let similarity: Vec<f32> = (0..10).map(|i| 1.0 - i as f32 / 100.0).collect();
        let mut f = Facts::default();
        f.add_noise_control(&model, PoolMode::Avg, &similarity);
        f.add_noise_control(&model, PoolMode::Max, &similarity[1..]);
        assert_eq!(f.get("noise-avg-input-similarity"), Some("100.0"));
        assert_eq!(f.get("noise-avg-pool1-similarity"), Some("97.0"));
        assert_eq!(f.get("noise-max-input-similarity"), Some("99.0"));
        assert_eq!(
            f.get("noise-max-softmax-similarity"),
            None,
            "one value short"
        );
        f.add_salt_and_pepper((1234, 5));
        assert_eq!(f.get("noise-salt"), Some("1,234"));
        assert_eq!(f.get("noise-pepper"), Some("5"));
    }
}
