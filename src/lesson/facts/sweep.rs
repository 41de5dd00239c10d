//! A translation sweep summed up for a lesson: how often a shift changes the answer, near and
//! far, and how similar each stage stays, at the same positions (invariance) and moved along
//! with the shift (equivariance). Only the shifted runs count: the unshifted one is the
//! reference every other run is compared with, and counting it would flatter every number.

use super::{Facts, PENDING, percent};
use crate::analysis::ShiftResult;
use crate::engine::{Model, PoolMode};

/// Shifts of at most this many pixels (along x and along y) are `near`, larger ones `far`.
pub const NEAR_SHIFT: i32 = 2;

/// The stage names of a sweep's results: the input, then every layer.
fn stage_names(model: &Model) -> impl Iterator<Item = &str> {
    std::iter::once("input").chain(model.layers().iter().map(|l| &*l.name))
}

/// The mean of `values` in percent, `None` for none.
fn mean_percent(values: impl Iterator<Item = f32>) -> Option<String> {
    let (sum, n) = values.fold((0.0f64, 0usize), |(s, n), v| (s + v as f64, n + 1));
    (n > 0).then(|| percent(sum / n as f64))
}

impl Facts {
    /// A translation sweep's summary (see [`Facts::add_sweep_under`]) under `sweep-`, or with
    /// a mode under `sweep-max-`, `sweep-avg-`, `sweep-blurmax-`.
    pub fn add_sweep(
        &mut self,
        model: &Model,
        mode: Option<PoolMode>,
        original_class: usize,
        results: &[ShiftResult],
    ) {
        let prefix = match mode {
            Some(m) => format!("sweep-{}-", m.as_str()),
            None => "sweep-".into(),
        };
        self.add_sweep_under(&prefix, model, original_class, results);
    }

    /// A translation sweep's summary under `PREFIX`, over the shifted runs only (the
    /// unshifted run is left out): `PREFIXshifts` (how many), `PREFIXchanged` (the percentage
    /// whose top class is not the unshifted input's), the same split by size as
    /// `PREFIXshifts-near`/`PREFIXchanged-near` (at most [`NEAR_SHIFT`] pixels along each
    /// axis) and `PREFIXshifts-far`/`PREFIXchanged-far`; for the input and every layer
    /// `PREFIXSTAGE-mean` (mean cosine similarity to the unshifted run at the same positions,
    /// in percent) and, where some shift is a whole number of the stage's cells,
    /// `PREFIXSTAGE-aligned` (the same after moving the unshifted run along with the shift:
    /// equivariance) over `PREFIXSTAGE-aligned-shifts` shifts.
    pub fn add_sweep_under(
        &mut self,
        prefix: &str,
        model: &Model,
        original_class: usize,
        results: &[ShiftResult],
    ) {
        let moved: Vec<&ShiftResult> = results.iter().filter(|r| (r.dx, r.dy) != (0, 0)).collect();
        if moved.is_empty() {
            return;
        }
        let (near, far): (Vec<&ShiftResult>, Vec<&ShiftResult>) = moved
            .iter()
            .partition(|r| r.dx.abs().max(r.dy.abs()) <= NEAR_SHIFT);
        for (suffix, part) in [("", &moved), ("-near", &near), ("-far", &far)] {
            self.set(format!("{prefix}shifts{suffix}"), part.len().to_string());
            if !part.is_empty() {
                let changed = part
                    .iter()
                    .filter(|r| r.predicted != original_class)
                    .count();
                self.set(
                    format!("{prefix}changed{suffix}"),
                    percent(changed as f64 / part.len() as f64),
                );
            }
        }
        for (i, name) in stage_names(model).enumerate() {
            let stage = |r: &&ShiftResult| r.stages.get(i).copied();
            if let Some(mean) =
                mean_percent(moved.iter().filter_map(stage).map(|s| s.same_position))
            {
                self.set(format!("{prefix}{name}-mean"), mean);
            }
            let aligned: Vec<f32> = moved
                .iter()
                .filter_map(stage)
                .filter_map(|s| s.aligned)
                .collect();
            self.set(
                format!("{prefix}{name}-aligned-shifts"),
                aligned.len().to_string(),
            );
            if let Some(mean) = mean_percent(aligned.into_iter()) {
                self.set(format!("{prefix}{name}-aligned"), mean);
            }
        }
    }

    /// Marks sweep values as still being measured, so a step shows `…` rather than a stale
    /// or unknown number while its sweep runs: the open model's under `sweep-` and, per
    /// mode in `modes`, under `sweep-MODE-`.
    pub fn add_pending_sweep(&mut self, model: &Model, modes: &[PoolMode]) {
        let mut prefixes = vec!["sweep-".to_string()];
        prefixes.extend(modes.iter().map(|m| format!("sweep-{}-", m.as_str())));
        for p in prefixes {
            self.add_pending_sweep_under(&p, model);
        }
    }

    /// Every name [`Facts::add_sweep_under`] sets under `prefix`, as [`PENDING`].
    pub fn add_pending_sweep_under(&mut self, prefix: &str, model: &Model) {
        for suffix in ["", "-near", "-far"] {
            self.set(format!("{prefix}shifts{suffix}"), PENDING);
            self.set(format!("{prefix}changed{suffix}"), PENDING);
        }
        for name in stage_names(model) {
            for key in ["mean", "aligned", "aligned-shifts"] {
                self.set(format!("{prefix}{name}-{key}"), PENDING);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::sweep::StageChange;
    use crate::engine::zoo;

    fn shift(dx: i32, predicted: usize, same: f32, aligned: Option<f32>) -> ShiftResult {
        let change = StageChange {
            same_position: same,
            aligned,
        };
        ShiftResult {
            dx,
            dy: 0,
            stages: vec![change; 10],
            predicted,
            original_class_probability: 0.5,
        }
    }

    #[test]
    fn the_unshifted_run_does_not_count_and_sizes_are_split() {
        // Shifts -3..=3 along x; class 7 unshifted. Changed at -3, +2 and +3: 3 of the 6
        // shifted runs (50%; counting the unshifted run would make it 3 of 7, 42.9%). Near
        // (|dx| <= 2): -2, -1, +1, +2 -> 1 of 4 changed; far: -3, +3 -> 2 of 2.
        let results = vec![
            shift(-3, 1, 0.2, None),
            shift(-2, 7, 0.4, Some(0.9)),
            shift(-1, 7, 0.6, None),
            shift(0, 7, 1.0, Some(1.0)),
            shift(1, 7, 0.6, None),
            shift(2, 4, 0.4, Some(0.7)),
            shift(3, 1, 0.2, None),
        ];
        let model = zoo::digits(1, PoolMode::Max);
        let mut f = Facts::default();
        f.add_sweep(&model, None, 7, &results);
        assert_eq!(f.get("sweep-shifts"), Some("6"));
        assert_eq!(f.get("sweep-changed"), Some("50.0"));
        assert_eq!(f.get("sweep-shifts-near"), Some("4"));
        assert_eq!(f.get("sweep-changed-near"), Some("25.0"));
        assert_eq!(f.get("sweep-changed-far"), Some("100.0"));
        // Mean similarity over the six shifted runs: (0.2+0.4+0.6)*2/6 = 0.4.
        assert_eq!(f.get("sweep-relu1-mean"), Some("40.0"));
        // Aligned where defined, the unshifted run left out: (0.9 + 0.7) / 2.
        assert_eq!(f.get("sweep-conv1-aligned"), Some("80.0"));
        assert_eq!(f.get("sweep-conv1-aligned-shifts"), Some("2"));
        f.add_sweep(&model, Some(PoolMode::BlurMax), 7, &results);
        assert_eq!(f.get("sweep-blurmax-changed"), Some("50.0"));
        let mut pending = Facts::default();
        pending.add_pending_sweep(&model, &[PoolMode::Avg]);
        for (name, _) in f
            .values
            .iter()
            .filter(|(k, _)| !k.starts_with("sweep-blurmax"))
        {
            assert_eq!(pending.get(name), Some(PENDING), "{name}");
            let avg = name.replacen("sweep-", "sweep-avg-", 1);
            assert_eq!(pending.get(&avg), Some(PENDING), "{avg}");
        }
    }
}
