//! Two classifiers compared on the same examples: which examples each gets right, and
//! McNemar's exact test on the examples where they disagree. Overlapping confidence
//! intervals of two accuracies cannot tell two models apart when the examples are shared; the
//! paired test can, because it looks only at the examples one gets right and the other wrong.

use super::sweep::{argmax, probabilities};
use crate::engine::{Model, Result, RunOptions};
use ndarray::Array3;
use rayon::prelude::*;

/// Whether `model` gets each of `count` examples right. `example(i)` gives example `i`'s
/// pixels before normalisation (as a data set hands them out) and its label.
pub fn correct(
    model: &Model,
    count: usize,
    example: &(dyn Fn(usize) -> (Array3<f32>, usize) + Sync),
    options: &RunOptions,
) -> Result<Vec<bool>> {
    (0..count)
        .into_par_iter()
        .map(|i| {
            let (mut pixels, label) = example(i);
            model.input.normalize(&mut pixels);
            let out = model.forward(&pixels, options)?;
            Ok(argmax(&probabilities(model, &out)) == label)
        })
        .collect()
}

/// The share of `true`s (0 for none).
pub fn accuracy(right: &[bool]) -> f64 {
    right.iter().filter(|&&r| r).count() as f64 / right.len().max(1) as f64
}

/// Which side a paired comparison favours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The first model is right significantly more often.
    A,
    /// The second model is.
    B,
    /// The test set cannot tell them apart at the chosen level.
    Tie,
}

impl Verdict {
    /// `a`, `b` or `tie`: what a lesson's text selects on.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::A => "a",
            Verdict::B => "b",
            Verdict::Tie => "tie",
        }
    }
}

/// Two models' answers on the same examples, counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    pub examples: usize,
    /// Examples A gets right and B wrong.
    pub a_only: usize,
    /// Examples B gets right and A wrong.
    pub b_only: usize,
    pub both: usize,
    pub neither: usize,
    /// McNemar's exact two-sided p on the discordant examples ([`mcnemar_exact`]).
    pub p: f64,
}

/// The significance level below which a difference counts.
pub const ALPHA: f64 = 0.05;

impl Paired {
    /// Counts two models' right answers on the same examples (`a[i]` and `b[i]` are example
    /// `i`; the shorter list decides how many are compared).
    pub fn count(a: &[bool], b: &[bool]) -> Paired {
        let mut out = Paired {
            examples: a.len().min(b.len()),
            a_only: 0,
            b_only: 0,
            both: 0,
            neither: 0,
            p: 1.0,
        };
        for (&x, &y) in a.iter().zip(b) {
            match (x, y) {
                (true, false) => out.a_only += 1,
                (false, true) => out.b_only += 1,
                (true, true) => out.both += 1,
                (false, false) => out.neither += 1,
            }
        }
        out.p = mcnemar_exact(out.a_only, out.b_only);
        out
    }

    /// The side the test favours at level [`ALPHA`]; a tie when p >= ALPHA.
    pub fn verdict(&self) -> Verdict {
        if self.p >= ALPHA || self.a_only == self.b_only {
            Verdict::Tie
        } else if self.a_only > self.b_only {
            Verdict::A
        } else {
            Verdict::B
        }
    }
}

/// McNemar's exact test: with `b` examples only the first model gets right and `c` only the
/// second, the two-sided p of a fair coin giving a split at least as uneven as `b : c` in
/// `b + c` tosses (the binomial test of `b` successes in `b + c` at 1/2, as
/// `scipy.stats.binomtest(b, b + c, 0.5).pvalue` computes it). 1 when there is nothing to
/// compare.
pub fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // The binomial(n, 1/2) probabilities of 0..=k in logs, so that n in the thousands neither
    // overflows a binomial coefficient nor underflows 2^-n: ln P(0) = -n ln 2 and
    // P(i + 1) = P(i) (n - i) / (i + 1).
    let mut log_p = -(n as f64) * std::f64::consts::LN_2;
    let mut logs = Vec::with_capacity(k + 1);
    for i in 0..=k {
        logs.push(log_p);
        log_p += ((n - i) as f64).ln() - ((i + 1) as f64).ln();
    }
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tail = top.exp() * logs.iter().map(|l| (l - top).exp()).sum::<f64>();
    // The distribution is symmetric: the two-sided p doubles the smaller tail (and is 1 when
    // the split is even, where both tails hold the middle).
    (2.0 * tail).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal up to the rounding of the sums in logs.
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-300)
    }

    #[test]
    fn small_cases_by_hand() {
        // 6 : 0 -> 2 * (1/2)^6 = 1/32.
        assert!(close(mcnemar_exact(6, 0), 1.0 / 32.0));
        assert!(close(mcnemar_exact(0, 6), 1.0 / 32.0));
        // 5 : 1 -> 2 * (1 + 6) / 64 = 14/64.
        assert!(close(mcnemar_exact(5, 1), 14.0 / 64.0));
        // 3 : 0 -> 2/8; an even split or none at all -> 1.
        assert!(close(mcnemar_exact(3, 0), 0.25));
        assert_eq!(mcnemar_exact(10, 10), 1.0);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
    }

    #[test]
    fn counts_and_verdicts() {
        let a = [true, true, true, false, true, true, true, true];
        let b = [true, false, false, false, false, false, false, false];
        let p = Paired::count(&a, &b);
        assert_eq!(
            (p.examples, p.a_only, p.b_only, p.both, p.neither),
            (8, 6, 0, 1, 1)
        );
        assert!(close(p.p, 1.0 / 32.0));
        assert_eq!(p.verdict(), Verdict::A);
        assert_eq!(Paired::count(&b, &a).verdict(), Verdict::B);
        // 5 : 0 gives p = 1/16, above 0.05: the set cannot tell.
        let p = Paired::count(&a[2..], &b[2..]);
        assert_eq!(p.a_only, 5);
        assert_eq!(p.verdict(), Verdict::Tie);
        assert_eq!(accuracy(&a), 7.0 / 8.0);
        assert_eq!(accuracy(&[]), 0.0);
    }
}
