//! Evidence measured over a test set, for a lesson: two models compared example by example
//! (McNemar's exact test), shift consistency by shift size, and accuracy with noise, for the
//! same weights in both pooling modes. The app measures these off the UI thread; until they
//! arrive every name shows as [`PENDING`].

use super::{Facts, PENDING, grouped, percent};
use crate::analysis::consistency::Consistency;
use crate::analysis::paired::{ALPHA, Paired, accuracy};
use crate::analysis::robustness::ExampleOutcome;

/// The shift bounds a step's `consistency` measures, in pixels.
pub const CONSISTENCY_BOUNDS: [i32; 3] = [1, 2, 3];

/// A p-value as a class reads it: two significant digits (`0.62`, `0.031`, `0.0047`), more
/// where two would round it across [`ALPHA`] (`0.0499`, not `0.050`), and `< 0.001` below
/// that: the exact size of a tiny p says nothing more.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        return "< 0.001".into();
    }
    if p >= 1.0 {
        return "1".into();
    }
    let mut decimals = (1 - p.log10().floor() as i32).max(1) as usize;
    loop {
        let text = format!("{p:.decimals$}");
        let shown: f64 = text.parse().unwrap_or(p);
        if (shown < ALPHA) == (p < ALPHA) || decimals >= 12 {
            return text;
        }
        decimals += 1;
    }
}

/// The names [`Facts::add_paired_under`] sets after its prefix.
const PAIRED_KEYS: [&str; 7] = [
    "a-right",
    "b-right",
    "both-right",
    "both-wrong",
    "discordant",
    "p",
    "verdict",
];

impl Facts {
    /// Two models on the same examples, under `PREFIX`: `PREFIXa-right` (examples the first
    /// gets right and the second wrong), `PREFIXb-right`, `PREFIXboth-right`,
    /// `PREFIXboth-wrong`, `PREFIXdiscordant` (a-right + b-right), `PREFIXp` (McNemar's exact
    /// two-sided p, see [`p_value`]) and `PREFIXverdict`: `a`, `b` or `tie` (p >= 0.05).
    pub fn add_paired_under(&mut self, prefix: &str, paired: &Paired) {
        let values = [
            grouped(paired.a_only),
            grouped(paired.b_only),
            grouped(paired.both),
            grouped(paired.neither),
            grouped(paired.a_only + paired.b_only),
            p_value(paired.p),
            paired.verdict().as_str().to_string(),
        ];
        for (key, value) in PAIRED_KEYS.iter().zip(values) {
            self.set(format!("{prefix}{key}"), value);
        }
    }

    /// `step.paired`'s numbers for the pair `a`, `b`: [`Facts::add_paired_under`] under
    /// `A-vs-B-`, and each model's accuracy on those examples as `NAME-accuracy` (percent) and
    /// `NAME-test-size`.
    pub fn add_paired(&mut self, (a, b): (&str, &str), right: (&[bool], &[bool])) {
        self.add_paired_under(&format!("{a}-vs-{b}-"), &Paired::count(right.0, right.1));
        for (name, right) in [(a, right.0), (b, right.1)] {
            self.set(format!("{name}-accuracy"), percent(accuracy(right)));
            self.set(format!("{name}-test-size"), grouped(right.len()));
        }
    }

    /// Every name [`Facts::add_paired`] sets, as [`PENDING`].
    pub fn add_pending_paired(&mut self, (a, b): (&str, &str)) {
        self.add_pending_paired_under(&format!("{a}-vs-{b}-"));
        for name in [a, b] {
            self.set(format!("{name}-accuracy"), PENDING);
            self.set(format!("{name}-test-size"), PENDING);
        }
    }

    fn add_pending_paired_under(&mut self, prefix: &str) {
        for key in PAIRED_KEYS {
            self.set(format!("{prefix}{key}"), PENDING);
        }
    }

    /// `step.consistency`'s numbers for `name`: `NAME-consistency-K` (percent of test images
    /// whose top class is the same for two random shifts of at most K pixels, for each K of
    /// [`CONSISTENCY_BOUNDS`]) and `NAME-consistency-images` (how many images).
    pub fn add_consistency(&mut self, name: &str, results: &[Consistency]) {
        for (bound, r) in CONSISTENCY_BOUNDS.iter().zip(results) {
            self.set(
                format!("{name}-consistency-{bound}"),
                percent(r.consistency as f64),
            );
            self.set(format!("{name}-consistency-images"), grouped(r.images));
        }
    }

    /// Every name [`Facts::add_consistency`] sets, as [`PENDING`].
    pub fn add_pending_consistency(&mut self, name: &str) {
        for bound in CONSISTENCY_BOUNDS {
            self.set(format!("{name}-consistency-{bound}"), PENDING);
        }
        self.set(format!("{name}-consistency-images"), PENDING);
    }

    /// `step.test_noise`'s numbers for `name` over the test set with the step's noise:
    /// `NAME-clean-accuracy`, `NAME-noise-accuracy` and `NAME-noise-examples`; for the same
    /// weights with the other pooling mode (`other`, when the model has pooling)
    /// `NAME-other-clean-accuracy` and `NAME-other-noise-accuracy`, and the two compared on
    /// the noisy examples under `NAME-vs-other-noise-` (see [`Facts::add_paired_under`]: `a`
    /// is the mode the model was trained with).
    pub fn add_test_noise(
        &mut self,
        name: &str,
        own: &[ExampleOutcome],
        other: Option<&[ExampleOutcome]>,
    ) {
        let shares = |o: &[ExampleOutcome]| {
            let clean: Vec<bool> = o.iter().map(|e| e.clean_right).collect();
            let noisy: Vec<bool> = o.iter().map(|e| e.noisy_right).collect();
            (clean, noisy)
        };
        let (clean, noisy) = shares(own);
        self.set(format!("{name}-clean-accuracy"), percent(accuracy(&clean)));
        self.set(format!("{name}-noise-accuracy"), percent(accuracy(&noisy)));
        self.set(format!("{name}-noise-examples"), grouped(own.len()));
        if let Some(other) = other {
            let (other_clean, other_noisy) = shares(other);
            self.set(
                format!("{name}-other-clean-accuracy"),
                percent(accuracy(&other_clean)),
            );
            self.set(
                format!("{name}-other-noise-accuracy"),
                percent(accuracy(&other_noisy)),
            );
            self.add_paired_under(
                &format!("{name}-vs-other-noise-"),
                &Paired::count(&noisy, &other_noisy),
            );
        }
    }

    /// Two models of a step's `test_noise` compared on the same noisy examples, under
    /// `A-vs-B-noise-` (see [`Facts::add_paired_under`]).
    pub fn add_test_noise_pair(
        &mut self,
        (a, b): (&str, &str),
        own: (&[ExampleOutcome], &[ExampleOutcome]),
    ) {
        let noisy = |o: &[ExampleOutcome]| o.iter().map(|e| e.noisy_right).collect::<Vec<_>>();
        self.add_paired_under(
            &format!("{a}-vs-{b}-noise-"),
            &Paired::count(&noisy(own.0), &noisy(own.1)),
        );
    }

    /// Every name [`Facts::add_test_noise`] and [`Facts::add_test_noise_pair`] set for
    /// `names`, as [`PENDING`].
    pub fn add_pending_test_noise(&mut self, names: &[String]) {
        for (i, name) in names.iter().enumerate() {
            for key in [
                "clean-accuracy",
                "noise-accuracy",
                "noise-examples",
                "other-clean-accuracy",
                "other-noise-accuracy",
            ] {
                self.set(format!("{name}-{key}"), PENDING);
            }
            self.add_pending_paired_under(&format!("{name}-vs-other-noise-"));
            for other in &names[i + 1..] {
                self.add_pending_paired_under(&format!("{name}-vs-{other}-noise-"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_read_as_a_class_reads_them() {
        assert_eq!(p_value(0.6171875), "0.62");
        assert_eq!(p_value(0.03125), "0.031");
        assert_eq!(p_value(0.0047), "0.0047");
        assert_eq!(p_value(1.0), "1");
        assert_eq!(p_value(0.00002744), "< 0.001");
        // Two digits would show 0.050 for a p below 0.05, or 0.050 for one above it.
        assert_eq!(p_value(0.04996), "0.04996");
        assert_eq!(p_value(0.0501), "0.050");
        assert_eq!(p_value(0.0504), "0.050");
        assert_eq!(p_value(0.05), "0.050");
        assert_eq!(p_value(0.09996), "0.100");
    }

    #[test]
    fn a_pair_names_both_sides_and_a_verdict() {
        // A right on 7 of 10, B on 1; A alone on 6 (1, 3, 4, 5, 6, 7), B alone on none:
        // p = 2 * (1/2)^6 = 0.03125.
        let a = [
            true, true, false, true, true, true, true, true, false, false,
        ];
        let b = [
            true, false, false, false, false, false, false, false, false, false,
        ];
        let mut f = Facts::default();
        f.add_pending_paired(("m", "n"));
        assert_eq!(f.get("m-vs-n-verdict"), Some(PENDING));
        f.add_paired(("m", "n"), (&a, &b));
        assert_eq!(f.get("m-vs-n-a-right"), Some("6"));
        assert_eq!(f.get("m-vs-n-b-right"), Some("0"));
        assert_eq!(f.get("m-vs-n-both-right"), Some("1"));
        assert_eq!(f.get("m-vs-n-both-wrong"), Some("3"));
        assert_eq!(f.get("m-vs-n-discordant"), Some("6"));
        assert_eq!(f.get("m-vs-n-p"), Some("0.031"));
        assert_eq!(f.get("m-vs-n-verdict"), Some("a"));
        assert_eq!(f.get("m-accuracy"), Some("70.0"));
        assert_eq!(f.get("n-accuracy"), Some("10.0"));
        assert_eq!(f.get("n-test-size"), Some("10"));
        assert!(f.values.values().all(|v| v != PENDING));
    }

    #[test]
    fn noise_over_a_test_set_with_the_other_mode() {
        let outcome = |clean_right, noisy_right| ExampleOutcome {
            clean_right,
            noisy_right,
            same: clean_right == noisy_right,
            similarity: Vec::new(),
        };
        let own = vec![outcome(true, false); 8];
        let other: Vec<ExampleOutcome> = (0..8).map(|i| outcome(true, i < 7)).collect();
        let mut f = Facts::default();
        let names = vec!["m".to_string(), "n".to_string()];
        let mut pending = Facts::default();
        pending.add_pending_test_noise(&names);
        f.add_test_noise("m", &own, Some(&other));
        f.add_test_noise("n", &other, None);
        f.add_test_noise_pair(("m", "n"), (&own, &other));
        assert_eq!(f.get("m-clean-accuracy"), Some("100.0"));
        assert_eq!(f.get("m-noise-accuracy"), Some("0.0"));
        assert_eq!(f.get("m-other-noise-accuracy"), Some("87.5"));
        assert_eq!(f.get("m-noise-examples"), Some("8"));
        // The other mode alone right on 7 noisy examples: p = 2 / 2^7 = 0.016.
        assert_eq!(f.get("m-vs-other-noise-b-right"), Some("7"));
        assert_eq!(f.get("m-vs-other-noise-p"), Some("0.016"));
        assert_eq!(f.get("m-vs-other-noise-verdict"), Some("b"));
        assert_eq!(f.get("m-vs-n-noise-verdict"), Some("b"));
        assert_eq!(f.get("n-other-noise-accuracy"), None, "no other mode given");
        for name in f.values.keys() {
            assert_eq!(pending.get(name), Some(PENDING), "{name}");
        }
        let mut g = Facts::default();
        g.add_consistency(
            "m",
            &[1.0f32, 0.9, 0.6].map(|c| Consistency {
                images: 998,
                accuracy: 0.98,
                consistency: c,
            }),
        );
        assert_eq!(g.get("m-consistency-2"), Some("90.0"));
        assert_eq!(g.get("m-consistency-images"), Some("998"));
    }
}
