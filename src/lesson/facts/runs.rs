//! The numbers of a lesson's training runs (a step's `[step.train]`), under the name of the
//! step that starts each: what it is asked to do (known at once), and how it ended on its
//! training and test images and the gap between them ([`PENDING`] until it has finished).

use super::{Facts, PENDING, grouped, percent};

/// A finished run as the lesson quotes it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunNumbers {
    /// After the last epoch, in inference mode, on the training images it learnt from.
    pub train_accuracy: f64,
    /// Likewise on the test images.
    pub test_accuracy: f64,
    /// How many training images it learnt from.
    pub train_size: usize,
    pub test_size: usize,
    /// Seconds it trained.
    pub seconds: f64,
}

/// What a run is asked to do, known before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecipe {
    pub train_size: usize,
    pub epochs: usize,
    pub dropout: f32,
    pub weight_decay: f32,
    pub augment_shift: usize,
    pub seed: u64,
}

/// The names [`Facts::add_run`] sets after `NAME-` once the run has finished.
const RESULT_KEYS: [&str; 7] = [
    "train-accuracy",
    "test-accuracy",
    "test-accuracy-margin",
    "gap",
    "gap-verdict",
    "test-size",
    "seconds",
];

impl Facts {
    /// What run `NAME` is asked to do, known before it starts: `NAME-train-size`,
    /// `NAME-epochs`, `NAME-images-seen` (training images times epochs), `NAME-dropout`,
    /// `NAME-weight-decay`, `NAME-augment-shift` and `NAME-seed`.
    pub fn add_run_recipe(&mut self, name: &str, recipe: &RunRecipe) {
        let values = [
            ("train-size", grouped(recipe.train_size)),
            ("epochs", recipe.epochs.to_string()),
            ("images-seen", grouped(recipe.train_size * recipe.epochs)),
            ("dropout", format!("{}", recipe.dropout)),
            ("weight-decay", format!("{}", recipe.weight_decay)),
            ("augment-shift", recipe.augment_shift.to_string()),
            ("seed", recipe.seed.to_string()),
        ];
        for (key, value) in values {
            self.set(format!("{name}-{key}"), value);
        }
    }

    /// A finished run's numbers under `NAME-`: `NAME-train-accuracy` and `NAME-test-accuracy`
    /// (percent), `NAME-test-accuracy-margin` (the half-width of a 95% interval, points),
    /// `NAME-gap` (training minus test accuracy, points), `NAME-gap-verdict` (`gap` when the
    /// training accuracy is above the test accuracy by more than the 95% interval of their
    /// difference, else `none`: for a Fluent select), `NAME-test-size` and `NAME-seconds`.
    pub fn add_run(&mut self, name: &str, run: &RunNumbers) {
        let n = run.test_size.max(1) as f64;
        let (train, test) = (run.train_accuracy, run.test_accuracy);
        let margin = 1.96 * (test * (1.0 - test) / n).sqrt();
        // The gap from the two percentages as shown, so the table adds up.
        let shown = |v: f64| (v * 1000.0).round() / 10.0;
        let gap = shown(train) - shown(test);
        let spread = 1.96
            * (train * (1.0 - train) / run.train_size.max(1) as f64 + test * (1.0 - test) / n)
                .sqrt();
        let verdict = if train - test > spread { "gap" } else { "none" };
        let values = [
            percent(train),
            percent(test),
            percent(margin),
            format!("{gap:.1}"),
            verdict.to_string(),
            grouped(run.test_size),
            format!("{:.1}", run.seconds),
        ];
        for (key, value) in RESULT_KEYS.iter().zip(values) {
            self.set(format!("{name}-{key}"), value);
        }
    }

    /// Every name [`Facts::add_run`] sets for `name`, as [`PENDING`].
    pub fn add_pending_run(&mut self, name: &str) {
        for key in RESULT_KEYS {
            self.set(format!("{name}-{key}"), PENDING);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_reads_as_percentages_a_gap_and_its_settings() {
        let run = RunNumbers {
            train_accuracy: 1.0,
            test_accuracy: 0.8937875,
            train_size: 500,
            test_size: 998,
            seconds: 6.04,
        };
        let recipe = RunRecipe {
            train_size: 500,
            epochs: 12,
            dropout: 0.5,
            weight_decay: 0.0,
            augment_shift: 2,
            seed: 1,
        };
        let mut pending = Facts::default();
        pending.add_pending_run("small");
        let mut f = Facts::default();
        f.add_run_recipe("small", &recipe);
        assert_eq!(f.get("small-train-size"), Some("500"));
        assert_eq!(f.get("small-images-seen"), Some("6,000"));
        assert_eq!(f.get("small-dropout"), Some("0.5"));
        assert_eq!(f.get("small-weight-decay"), Some("0"));
        assert_eq!(f.get("small-augment-shift"), Some("2"));
        let mut f = Facts::default();
        f.add_run("small", &run);
        assert_eq!(f.get("small-train-accuracy"), Some("100.0"));
        assert_eq!(f.get("small-test-accuracy"), Some("89.4"));
        // 100.0 - 89.4, from the numbers as shown.
        assert_eq!(f.get("small-gap"), Some("10.6"));
        // 1.96 * sqrt(0.894 * 0.106 / 998) = 0.0191.
        assert_eq!(f.get("small-test-accuracy-margin"), Some("1.9"));
        // The spread: 1.96 * sqrt(0 / 500 + 0.894 * 0.106 / 998) = 0.019 < 0.106.
        assert_eq!(f.get("small-gap-verdict"), Some("gap"));
        assert_eq!(f.get("small-test-size"), Some("998"));
        assert_eq!(f.get("small-seconds"), Some("6.0"));
        for (name, _) in f.iter() {
            assert_eq!(pending.get(name), Some(PENDING), "{name}");
        }
        assert_eq!(pending.iter().count(), f.iter().count());
        // 95.0% against 94.2% on 500 and 998 examples: within the spread.
        let close = RunNumbers {
            train_accuracy: 0.95,
            test_accuracy: 0.942,
            ..run
        };
        f.add_run("shift", &close);
        assert_eq!(f.get("shift-gap"), Some("0.8"));
        assert_eq!(f.get("shift-gap-verdict"), Some("none"));
    }
}
