//! One training run's record: its settings, how far it got, its curves (per epoch, and per
//! batch smoothed) and the trained model once done.

use super::protocol::EpochPoint;
use super::settings::TrainSettings;
use crate::engine::Model;
use crate::engine::train::BatchStats;
use std::path::PathBuf;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Preparing,
    Running,
    Paused,
    Finished,
    Stopped,
    Failed,
}

/// A run's record: its settings and curves, and the trained model once done.
#[derive(Debug, Clone)]
pub struct Run {
    /// 1, 2, 3... in the order started.
    pub number: usize,
    pub settings: TrainSettings,
    pub arch_name: String,
    pub state: RunState,
    pub train_size: usize,
    pub test_size: usize,
    pub batches_per_epoch: usize,
    pub parameters: usize,
    pub epochs: Vec<EpochPoint>,
    /// Per-batch training loss, smoothed, against the epoch (fractional).
    pub batch_loss: Vec<[f64; 2]>,
    /// Per-batch training accuracy, smoothed, likewise.
    pub batch_accuracy: Vec<[f64; 2]>,
    smoothed: Option<(f64, f64)>,
    pub images_done: usize,
    /// Seconds spent training (pauses left out).
    pub active_seconds: f64,
    pub model: Option<Model>,
    /// Which test examples the trained model reads right, in the test set's order.
    pub test_right: Vec<bool>,
    /// Where it was saved last.
    pub saved: Option<PathBuf>,
    pub error: Option<String>,
}

/// Weight of the newest batch in the smoothed curves.
const SMOOTHING: f64 = 0.05;

impl Run {
    /// A finished run's training and test accuracy measured once it was trained (inference mode:
    /// no dropout, the digits unshifted), as its model's record keeps them. The epochs' own
    /// training accuracy is counted while the weights change and dropout is on, so it differs.
    pub fn after_training(&self) -> Option<(f64, f64)> {
        if self.state != RunState::Finished {
            return None;
        }
        let record = &self.model.as_ref()?.info.training;
        Some((
            record["train_accuracy"].as_f64()?,
            record["test_accuracy"].as_f64()?,
        ))
    }

    pub(super) fn new(number: usize, settings: TrainSettings) -> Run {
        Run {
            number,
            settings,
            arch_name: String::new(),
            state: RunState::Preparing,
            train_size: 0,
            test_size: 0,
            batches_per_epoch: 0,
            parameters: 0,
            epochs: Vec::new(),
            batch_loss: Vec::new(),
            batch_accuracy: Vec::new(),
            smoothed: None,
            images_done: 0,
            active_seconds: 0.0,
            model: None,
            test_right: Vec::new(),
            saved: None,
            error: None,
        }
    }

    /// Images per second so far.
    pub fn throughput(&self) -> Option<f64> {
        (self.active_seconds > 0.05 && self.images_done > 0)
            .then(|| self.images_done as f64 / self.active_seconds)
    }

    /// Seconds left at the present speed.
    pub fn seconds_left(&self) -> Option<f64> {
        let total = self.train_size * self.settings.epochs;
        let rate = self.throughput()?;
        Some(total.saturating_sub(self.images_done) as f64 / rate)
    }

    /// Share of the run done, 0..=1.
    pub fn progress(&self) -> f32 {
        let total = (self.train_size * self.settings.epochs).max(1);
        (self.images_done as f32 / total as f32).min(1.0)
    }

    pub fn is_active(&self) -> bool {
        matches!(
            self.state,
            RunState::Preparing | RunState::Running | RunState::Paused
        )
    }

    pub(super) fn batch(&mut self, stats: &BatchStats, active_seconds: f64) {
        self.images_done += stats.examples;
        self.active_seconds = active_seconds;
        let x = (stats.epoch - 1) as f64 + stats.batch as f64 / stats.batches.max(1) as f64;
        let accuracy = stats.correct as f64 / stats.examples.max(1) as f64;
        let (loss, acc) = match self.smoothed {
            Some((l, a)) => (
                l + SMOOTHING * (stats.loss as f64 - l),
                a + SMOOTHING * (accuracy - a),
            ),
            None => (stats.loss as f64, accuracy),
        };
        self.smoothed = Some((loss, acc));
        self.batch_loss.push([x, loss]);
        self.batch_accuracy.push([x, acc]);
    }
}
