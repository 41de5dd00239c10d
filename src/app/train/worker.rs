//! The Train tab's worker thread: loads the architecture and the data, trains through
//! [`crate::data::recipe`] as `convscope train` does, and reports every step, epoch and
//! snapshot over a channel. Pause waits inside the step hook, stop ends at the next step.

use super::protocol::{ArchSource, Control, EpochPoint, Report, SNAPSHOT_STEPS, Snapshot};
use crate::data::recipe::{Recipe, RecipeError};
use crate::engine::train::{BatchStats, EpochStats, Examples, TrainHooks};
use crate::engine::{LayerKind, Model, RunOptions};
use ndarray::Array3;
use rayon::prelude::*;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a run stopped before its last epoch: the model file, the data, the recipe or the
/// training itself, each in its own words (the Train tab shows the text).
#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error(transparent)]
    Model(#[from] crate::io::FileError),
    #[error(transparent)]
    Data(#[from] crate::data::Error),
    #[error(transparent)]
    Recipe(#[from] RecipeError),
    #[error(transparent)]
    Training(#[from] crate::engine::Error),
}

pub(super) struct Worker {
    pub(super) tx: Sender<Report>,
    pub(super) control: Arc<Control>,
    pub(super) probe: Arc<Mutex<Option<Array3<f32>>>>,
    pub(super) ctx: egui::Context,
}

impl Worker {
    fn send(&self, report: Report) {
        self.tx.send(report).ok();
        self.ctx.request_repaint();
    }

    pub(super) fn run(self, arch: ArchSource, recipe: Recipe) {
        if let Err(e) = self.train(arch, &recipe) {
            self.send(Report::Failed(e.to_string()));
        }
    }

    fn train(&self, arch: ArchSource, recipe: &Recipe) -> Result<(), RunError> {
        let arch = match arch {
            ArchSource::Model(m) => *m,
            ArchSource::File(path) => crate::io::load_model(&path)?,
        };
        let split = crate::data::load_for(&recipe.data, &arch)?;
        let name = arch.info.name.clone();
        let mut prepared = recipe.prepare(&arch, &name, split)?;
        let test_inputs: Vec<Array3<f32>> = prepared.test_examples().inputs.to_vec();
        let test_labels: Vec<usize> = prepared.test_examples().labels.to_vec();
        self.send(Report::Started {
            arch_name: name.clone(),
            train_size: prepared.train_set.len(),
            test_size: prepared.test_set.len(),
            batches: prepared
                .train_set
                .len()
                .div_ceil(recipe.config.batch.max(1)),
            parameters: prepared.model.parameter_count(),
        });
        let mut hooks = WorkerHooks {
            worker: self,
            test: Examples {
                inputs: &test_inputs,
                labels: &test_labels,
            },
            clock: Clock::new(),
            last_repaint: Instant::now(),
        };
        hooks.snapshot(&prepared.model, 0);
        let history = prepared.train(recipe, &mut hooks)?;
        let wall = hooks.clock.active();
        let stopped = history.len() < recipe.config.epochs;
        let (_, _, record) = prepared.record(recipe, &history, wall)?;
        let test_right = right_answers(&prepared.model, prepared.test_examples());
        let mut model = prepared.model;
        model.info.training = record;
        model.info.name = format!("{name}-trained");
        hooks.snapshot(&model, u64::MAX);
        self.send(Report::Finished {
            model: Box::new(model),
            stopped,
            test_right,
        });
        Ok(())
    }
}

/// Training time with the pauses left out.
struct Clock {
    started: Instant,
    paused: Duration,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            started: Instant::now(),
            paused: Duration::ZERO,
        }
    }

    fn active(&self) -> f64 {
        (self.started.elapsed().saturating_sub(self.paused)).as_secs_f64()
    }
}

struct WorkerHooks<'a> {
    worker: &'a Worker,
    test: Examples<'a>,
    clock: Clock,
    last_repaint: Instant,
}

impl WorkerHooks<'_> {
    fn snapshot(&self, model: &Model, step: u64) {
        let first_conv = model
            .layers()
            .iter()
            .position(|l| matches!(l.kind, LayerKind::Conv2d(_)));
        let probe = self.worker.probe.lock().ok().and_then(|p| p.clone());
        let first_maps = match (first_conv, &probe) {
            (Some(i), Some(x)) => model
                .forward_all(x, &RunOptions::default())
                .ok()
                .and_then(|trace| trace.into_iter().nth(i + 1)),
            _ => None,
        };
        let input = probe.filter(|_| first_maps.is_some());
        self.worker.send(Report::Snapshot(Box::new(Snapshot {
            step,
            model: model.clone(),
            first_maps,
            first_conv,
            input,
        })));
    }

    /// Waits while paused; whether to go on.
    fn wait_while_paused(&mut self) -> bool {
        let control = &self.worker.control;
        if control.pause.load(Ordering::Relaxed) {
            let since = Instant::now();
            control.waiting.store(true, Ordering::SeqCst);
            while control.pause.load(Ordering::Relaxed) && !control.stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20));
            }
            control.waiting.store(false, Ordering::SeqCst);
            self.clock.paused += since.elapsed();
        }
        !control.stop.load(Ordering::Relaxed)
    }
}

impl TrainHooks for WorkerHooks<'_> {
    fn batch(&mut self, model: &Model, stats: &BatchStats) -> bool {
        self.worker
            .tx
            .send(Report::Batch {
                stats: *stats,
                active_seconds: self.clock.active(),
            })
            .ok();
        if stats.step.is_multiple_of(SNAPSHOT_STEPS) {
            self.snapshot(model, stats.step);
        } else if self.last_repaint.elapsed() > Duration::from_millis(100) {
            self.worker.ctx.request_repaint();
            self.last_repaint = Instant::now();
        }
        self.wait_while_paused()
    }

    fn epoch(&mut self, model: &Model, stats: &EpochStats) -> bool {
        let test_loss = test_loss(model, self.test);
        self.worker.send(Report::Epoch(EpochPoint {
            stats: *stats,
            test_loss,
        }));
        self.wait_while_paused()
    }
}

/// Whether `model` (inference mode) puts each example of `data` in its class, in order.
fn right_answers(model: &Model, data: Examples) -> Vec<bool> {
    (0..data.len())
        .into_par_iter()
        .map(|i| {
            let out = model
                .forward(&data.inputs[i], &RunOptions::default())
                .map(|t| t.values())
                .unwrap_or_default();
            crate::analysis::argmax(&out) == data.labels[i] && !out.is_empty()
        })
        .collect()
}

/// Mean cross-entropy of `model` on `data` (inference mode); `None` for an empty set or a
/// network without classes.
pub(crate) fn test_loss(model: &Model, data: Examples) -> Option<f32> {
    if data.is_empty() || !model.ends_in_classes() {
        return None;
    }
    let ends_in_softmax = matches!(
        model.layers().last().map(|l| &l.kind),
        Some(LayerKind::Softmax)
    );
    let total: f64 = (0..data.len())
        .into_par_iter()
        .map(|i| {
            let out = model
                .forward(&data.inputs[i], &RunOptions::default())
                .map(|t| t.values())
                .unwrap_or_default();
            let p = if ends_in_softmax {
                out
            } else {
                crate::engine::softmax(&out)
            };
            let q = p.get(data.labels[i]).copied().unwrap_or(0.0).max(1e-12);
            -(q as f64).ln()
        })
        .sum();
    Some((total / data.len() as f64) as f32)
}
