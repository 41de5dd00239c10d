//! The translation lab's state as plain data: the shift and fill the person chose, the
//! shifted input's trace and how every stage changed, and the sweep running on a thread.
//! No drawing here (see `view.rs`); tests assert on it.

use crate::analysis::sweep::{compare, stage_names, stage_strides};
use crate::analysis::{
    ShiftResult, SweepAxis, argmax, mean_by_distance, probabilities, shifts, sweep, trace,
};
use crate::app::explorer::run::{BACKGROUND_ABOVE, multiply_adds};
use crate::app::explorer::state::Explorer;
use crate::engine::{self, LayerKind, Model, PoolMode, RunOptions, Tensor};
use crate::io::{Fill, network_input};
use ndarray::Array3;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

/// What the person sets in the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabSettings {
    pub dx: i32,
    pub dy: i32,
    pub fill: Fill,
    pub axis: SweepAxis,
    /// Run the sweep once per pooling mode and overlay the curves.
    pub compare_modes: bool,
}

impl Default for LabSettings {
    fn default() -> Self {
        LabSettings {
            dx: 0,
            dy: 0,
            fill: Fill::Zero,
            axis: SweepAxis::X,
            compare_modes: false,
        }
    }
}

/// The largest shift the sliders offer: a quarter of the input's larger side (7 for 28x28).
pub fn max_shift(model: &Model) -> i32 {
    (model.input.width.max(model.input.height) / 4).max(1) as i32
}

/// One pooling mode's sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepRun {
    pub mode: PoolMode,
    pub results: Vec<ShiftResult>,
    /// The class the unshifted input gets in this mode.
    pub original_class: usize,
}

impl SweepRun {
    /// Where a result sits on the plot's x axis: the shift along x or y, or the distance
    /// (rounded to whole pixels, as [`mean_by_distance`] bins it) on the grid.
    fn x(axis: SweepAxis, r: &ShiftResult) -> f64 {
        match axis {
            SweepAxis::X => r.dx as f64,
            SweepAxis::Y => r.dy as f64,
            SweepAxis::Both => (((r.dx * r.dx + r.dy * r.dy) as f64).sqrt()).round(),
        }
    }

    /// A curve against shift: along x or y every shift in order; on the grid the mean at each
    /// distance.
    pub fn series(&self, axis: SweepAxis, value: impl Fn(&ShiftResult) -> f32) -> Vec<[f64; 2]> {
        if axis == SweepAxis::Both {
            return mean_by_distance(&self.results, value)
                .into_iter()
                .map(|(d, v)| [d, v])
                .collect();
        }
        let mut pts: Vec<[f64; 2]> = self
            .results
            .iter()
            .map(|r| [Self::x(axis, r), value(r) as f64])
            .collect();
        pts.sort_by(|a, b| a[0].total_cmp(&b[0]));
        pts
    }

    /// Where the prediction changed: for each x with a change, the share of the shifts there
    /// whose class is not the unshifted one's (1 along x or y; on the grid, the share of the
    /// shifts at that distance).
    pub fn changes(&self, axis: SweepAxis) -> Vec<(f64, f64)> {
        let changed = |r: &ShiftResult| (r.predicted != self.original_class) as u8 as f32;
        self.series(axis, changed)
            .into_iter()
            .filter(|p| p[1] > 0.0)
            .map(|p| (p[0], p[1]))
            .collect()
    }
}

/// A finished sweep and what it was run on.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepData {
    pub axis: SweepAxis,
    pub fill: Fill,
    pub runs: Vec<SweepRun>,
    pub stage_names: Vec<String>,
    /// The stages worth a curve: conv, pooling, dense and softmax (the input and
    /// activations/flatten would only repeat their neighbours).
    pub plotted: Vec<usize>,
    /// The explorer's generation the sweep was started for.
    pub generation: u64,
}

/// The stages (input = 0) whose layer is conv, pooling, dense or softmax.
pub(crate) fn plotted_stages(model: &Model) -> Vec<usize> {
    model
        .layers()
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            matches!(
                l.kind,
                LayerKind::Conv2d(_)
                    | LayerKind::Pool2d(_)
                    | LayerKind::GlobalAvgPool
                    | LayerKind::GlobalMaxPool
                    | LayerKind::AdaptivePool(_)
                    | LayerKind::Dense(_)
                    | LayerKind::Softmax
                    | LayerKind::LogSoftmax
            )
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The shifted input's trace being computed, and the settings it is for.
struct ShiftedJob {
    rx: Receiver<engine::Result<Vec<Tensor>>>,
    key: (u64, i32, i32, Fill),
}

/// What a sweep is run on: the explorer's generation, the axis, the fill and the pooling modes.
type SweepKey = (u64, SweepAxis, Fill, Vec<PoolMode>);

/// A sweep running on a worker thread.
pub struct SweepJob {
    rx: Receiver<engine::Result<SweepData>>,
    key: SweepKey,
    done: Arc<AtomicUsize>,
    total: usize,
    /// Set to ask the worker to stop.
    cancel: Arc<AtomicBool>,
}

impl SweepJob {
    /// Share of the shifts finished, 0..=1.
    pub fn progress(&self) -> f32 {
        self.done.load(Ordering::Relaxed) as f32 / self.total.max(1) as f32
    }
}

impl Drop for SweepJob {
    /// A job nobody waits for any more stops working.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[derive(Default)]
pub struct Lab {
    pub settings: LabSettings,
    /// The shifted input's trace (input first), on the same network as the explorer's.
    pub shifted: Vec<Tensor>,
    /// How each stage changed, computed by `analysis::sweep::compare`.
    pub result: Option<ShiftResult>,
    /// Cumulative stride (y, x) of each stage, the input first.
    pub strides: Vec<(usize, usize)>,
    pub names: Vec<String>,
    /// Class probabilities of the shifted input (empty when the network has no classes).
    pub shifted_probabilities: Vec<f32>,
    /// Bumped whenever `shifted` changes, so views redraw their textures.
    pub generation: u64,
    /// What the last computation was for: the explorer's generation and the settings' shift.
    key: Option<(u64, i32, i32, Fill)>,
    pub job: Option<SweepJob>,
    /// The shifted input's run on a worker thread, for a network too big for a frame.
    shifted_job: Option<ShiftedJob>,
    pub sweep: Option<SweepData>,
    /// Bumped whenever a sweep finishes, so views redraw what they drew from `sweep`.
    pub sweep_serial: u64,
    pub last_error: Option<String>,
}

impl Lab {
    /// Recomputes the shifted trace when the shift, fill or the explorer's network, pooling or
    /// input changed since last time. Returns whether it recomputed.
    pub fn sync(&mut self, ex: &Explorer) -> bool {
        let m = max_shift(&ex.net);
        self.settings.dx = self.settings.dx.clamp(-m, m);
        self.settings.dy = self.settings.dy.clamp(-m, m);
        let key = (
            ex.generation,
            self.settings.dx,
            self.settings.dy,
            self.settings.fill,
        );
        if let Some(job) = &self.shifted_job
            && let Ok(result) = job.rx.try_recv()
        {
            let arrived = job.key;
            self.shifted_job = None;
            if arrived == key {
                self.use_shifted(ex, result);
                return true;
            }
        }
        if self.key == Some(key) {
            return false;
        }
        self.key = Some(key);
        let LabSettings { dx, dy, fill, .. } = self.settings;
        let input = network_input(&ex.pixels, &ex.net.input, dx, dy, fill);
        let options = ex.run_options();
        if multiply_adds(&ex.net) > BACKGROUND_ABOVE {
            // A big network's shifted run goes to a worker thread (a newer one replaces it):
            // the lab keeps showing the previous shift until it arrives.
            let (tx, rx) = channel();
            let net = Arc::clone(&ex.net);
            crate::app::shell::background::spawn(move || {
                tx.send(trace(&net, &input, &options)).ok();
            });
            self.shifted_job = Some(ShiftedJob { rx, key });
            return false;
        }
        let result = trace(&ex.net, &input, &options);
        self.use_shifted(ex, result);
        true
    }

    /// Compares a shifted run with the explorer's maps and keeps it.
    fn use_shifted(&mut self, ex: &Explorer, result: engine::Result<Vec<Tensor>>) {
        let LabSettings { dx, dy, .. } = self.settings;
        match result {
            Ok(shifted) if shifted.len() == ex.trace.len() => {
                self.strides = stage_strides(&ex.net);
                self.names = stage_names(&ex.net);
                self.result = Some(compare(&ex.net, &ex.trace, &shifted, dx, dy, &self.strides));
                self.shifted_probabilities = if ex.probabilities.is_empty() {
                    Vec::new()
                } else {
                    shifted
                        .last()
                        .map(|t| probabilities(&ex.net, t))
                        .unwrap_or_default()
                };
                self.shifted = shifted;
                self.last_error = None;
            }
            Ok(_) => self.last_error = Some("the shifted trace has a different length".into()),
            Err(e) => self.last_error = Some(e.to_string()),
        }
        self.generation += 1;
    }

    /// Moves the shift by (`ddx`, `ddy`) pixels within the sliders' range.
    pub fn nudge(&mut self, ddx: i32, ddy: i32, model: &Model) {
        let m = max_shift(model);
        self.settings.dx = (self.settings.dx + ddx).clamp(-m, m);
        self.settings.dy = (self.settings.dy + ddy).clamp(-m, m);
    }

    /// Whether the shift is a whole number of cells of stage `stage` (its cumulative stride
    /// divides dx and dy), i.e. whether an aligned comparison means anything there.
    pub fn whole_cells(&self, stage: usize) -> bool {
        self.strides.get(stage).is_some_and(|&(sy, sx)| {
            self.settings.dx.rem_euclid(sx.max(1) as i32) == 0
                && self.settings.dy.rem_euclid(sy.max(1) as i32) == 0
        })
    }

    /// The prediction before and after the shift: (original class, its probability before,
    /// its probability after, the class the shifted input gets).
    pub fn prediction_change(&self, ex: &Explorer) -> Option<(usize, f32, f32, usize)> {
        let (top, before) = ex.prediction()?;
        let after = *self.shifted_probabilities.get(top)?;
        Some((top, before, after, argmax(&self.shifted_probabilities)))
    }

    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Whether the shifted input's run is on a worker thread (the lab looks again next frame).
    pub fn shifting(&self) -> bool {
        self.shifted_job.is_some()
    }

    /// What a sweep started now would be run on.
    fn sweep_key(&self, ex: &Explorer) -> SweepKey {
        let modes = if self.settings.compare_modes {
            PoolMode::ALL.to_vec()
        } else {
            vec![ex.pool_mode]
        };
        (ex.generation, self.settings.axis, self.settings.fill, modes)
    }

    /// Whether the sweep the settings ask for, on the explorer's network and input as they
    /// are, is running or done (so that setting a lesson step up again does not restart it).
    pub fn has_sweep_for(&self, ex: &Explorer) -> bool {
        let key = self.sweep_key(ex);
        if let Some(job) = &self.job {
            return job.key == key;
        }
        self.sweep.as_ref().is_some_and(|d| {
            let modes: Vec<PoolMode> = d.runs.iter().map(|r| r.mode).collect();
            (d.generation, d.axis, d.fill, modes) == key
        })
    }

    /// Starts the sweep over the current axis on a worker thread (a running one is replaced).
    pub fn start_sweep(&mut self, ex: &Explorer, ctx: &egui::Context) {
        let model = ex.net.clone();
        let pixels: Array3<f32> = ex.pixels.clone();
        let base = ex.run_options();
        let key = self.sweep_key(ex);
        let modes = key.3.clone();
        let list = shifts(self.settings.axis, max_shift(&model));
        let (axis, fill) = (self.settings.axis, self.settings.fill);
        let generation = ex.generation;
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let total = list.len() * modes.len();
        let (tx, rx) = channel();
        let (counter, stop) = (Arc::clone(&done), Arc::clone(&cancel));
        let ctx = ctx.clone();
        crate::app::shell::background::spawn(move || {
            let tick = || {
                counter.fetch_add(1, Ordering::Relaxed);
                ctx.request_repaint();
                !stop.load(Ordering::Relaxed)
            };
            let run = || -> engine::Result<SweepData> {
                let mut runs = Vec::with_capacity(modes.len());
                for mode in modes {
                    let options = RunOptions {
                        pool_mode: Some(mode),
                        ..base
                    };
                    let results = sweep(&model, &pixels, &list, fill, &options, &tick)?;
                    let original_class = crate::analysis::unshifted_class(&results);
                    runs.push(SweepRun {
                        mode,
                        results,
                        original_class,
                    });
                }
                Ok(SweepData {
                    axis,
                    fill,
                    runs,
                    stage_names: stage_names(&model),
                    plotted: plotted_stages(&model),
                    generation,
                })
            };
            tx.send(run()).ok();
            ctx.request_repaint();
        });
        // Replacing a running job drops it, which stops its worker.
        self.job = Some(SweepJob {
            rx,
            key,
            done,
            total,
            cancel,
        });
    }

    /// Stops the running sweep, if any; the curves of the last finished one stay.
    pub fn cancel_sweep(&mut self) {
        self.job = None;
    }

    /// Takes the sweep's result when it has finished.
    pub fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        match job.rx.try_recv() {
            Ok(Ok(data)) => {
                self.sweep = Some(data);
                self.sweep_serial += 1;
                self.job = None;
            }
            Ok(Err(e)) => {
                self.last_error = Some(e.to_string());
                self.job = None;
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.last_error = Some("the sweep stopped without a result".into());
                self.job = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(dx: i32, dy: i32, predicted: usize) -> ShiftResult {
        ShiftResult {
            dx,
            dy,
            stages: Vec::new(),
            predicted,
            original_class_probability: 0.5,
        }
    }

    #[test]
    fn changes_are_one_per_shift_along_an_axis_and_a_share_per_distance_on_the_grid() {
        let run = SweepRun {
            mode: PoolMode::Max,
            results: vec![
                result(-1, 0, 3),
                result(0, 0, 7),
                result(2, 0, 7),
                result(1, 0, 2),
            ],
            original_class: 7,
        };
        assert_eq!(run.changes(SweepAxis::X), vec![(-1.0, 1.0), (1.0, 1.0)]);
        // On the grid: distance 1 has (-1,0) changed, (0,1) kept and (1,0) changed: 2 of 3.
        let grid = SweepRun {
            mode: PoolMode::Max,
            results: vec![
                result(0, 0, 7),
                result(-1, 0, 3),
                result(0, 1, 7),
                result(1, 0, 2),
                result(2, 1, 7),
            ],
            original_class: 7,
        };
        let changes = grid.changes(SweepAxis::Both);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].0, 1.0);
        assert!((changes[0].1 - 2.0 / 3.0).abs() < 1e-6);
    }
}
