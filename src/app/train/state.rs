//! The Train tab's state as plain data: the settings a teacher varies, the run on a worker
//! thread (start, pause, resume, stop), what it has reported so far, and the earlier runs kept
//! for comparing. The worker trains through [`crate::data::recipe`], as `convscope train`
//! does, so the same settings give the same weights. No drawing here (see `view.rs`); the UI
//! thread only reads what the worker sent (see `protocol.rs`).

use super::protocol::{ArchSource, Control, Report, Snapshot};
use super::run::{Run, RunState};
use super::settings::{ArchChoice, TrainSettings};
use super::worker::Worker;
use crate::app::shell::background;
use crate::engine::Model;
use ndarray::Array3;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

/// Earlier runs kept on the plots beside the current one.
pub(crate) const KEPT_RUNS: usize = 5;

/// The worker thread of the run in progress.
struct Job {
    rx: Receiver<Report>,
    control: Arc<Control>,
    /// The explorer's input (normalised) the worker shows feature maps of; replaced when the
    /// input changes.
    probe: Arc<Mutex<Option<Array3<f32>>>>,
}

impl Drop for Job {
    /// A run nobody watches any more stops.
    fn drop(&mut self) {
        self.control.stop.store(true, Ordering::Relaxed);
    }
}

/// The Train tab's state.
#[derive(Default)]
pub struct Training {
    pub settings: TrainSettings,
    /// The run in progress or the last one; earlier ones are in `runs`.
    pub current: Option<Run>,
    /// Finished runs kept for comparing, oldest first.
    pub runs: Vec<Run>,
    /// The latest weights the worker sent.
    pub snapshot: Option<Snapshot>,
    /// Bumped whenever `snapshot` changes, so views redraw its textures.
    pub snapshot_serial: u64,
    /// The explorer shows the weights as they are now.
    pub follow: bool,
    job: Option<Job>,
    started: usize,
    /// The input last handed to the worker.
    probe: Option<Array3<f32>>,
}

impl Training {
    pub fn running(&self) -> bool {
        self.current.as_ref().is_some_and(Run::is_active)
    }

    pub fn paused(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|r| r.state == RunState::Paused)
    }

    /// Whether the worker has reached the pause: it may finish the step it was on after
    /// Pause (a while on a busy machine), and has reported every step it took once this
    /// is true.
    pub fn pause_reached(&self) -> bool {
        self.paused()
            && self
                .job
                .as_ref()
                .is_some_and(|job| job.control.waiting.load(Ordering::SeqCst))
    }

    /// Starts a run of `arch` (`Current`: the explorer's `current` model) with the settings;
    /// `probe` is the explorer's input as that model takes it. The last run moves to the
    /// compared runs.
    pub fn start(&mut self, current: &Model, probe: Option<Array3<f32>>, ctx: &egui::Context) {
        self.stop();
        if let Some(old) = self.current.take() {
            self.keep(old);
        }
        self.started += 1;
        let settings = self.settings.clone();
        let mut run = Run::new(self.started, settings.clone());
        let recipe = match settings.recipe() {
            Ok(r) => r,
            Err(e) => {
                run.state = RunState::Failed;
                run.error = Some(e.to_string());
                self.current = Some(run);
                return;
            }
        };
        let arch = match &settings.arch {
            ArchChoice::Current => ArchSource::Model(Box::new(current.clone())),
            ArchChoice::Sample { path, .. } => ArchSource::File(path.clone()),
        };
        let (tx, rx) = channel();
        let control = Arc::new(Control::default());
        self.probe = probe.clone();
        let probe = Arc::new(Mutex::new(probe));
        let worker = Worker {
            tx,
            control: control.clone(),
            probe: probe.clone(),
            ctx: ctx.clone(),
        };
        background::spawn(move || worker.run(arch, recipe));
        self.current = Some(run);
        self.snapshot = None;
        self.snapshot_serial += 1;
        self.job = Some(Job { rx, control, probe });
    }

    fn keep(&mut self, run: Run) {
        if run.epochs.is_empty() && run.batch_loss.is_empty() {
            return;
        }
        self.runs.push(run);
        if self.runs.len() > KEPT_RUNS {
            self.runs.remove(0);
        }
    }

    pub fn pause(&mut self) {
        if let (Some(job), Some(run)) = (&self.job, &mut self.current)
            && run.state == RunState::Running
        {
            job.control.pause.store(true, Ordering::Relaxed);
            run.state = RunState::Paused;
        }
    }

    pub fn resume(&mut self) {
        if let (Some(job), Some(run)) = (&self.job, &mut self.current)
            && run.state == RunState::Paused
        {
            job.control.pause.store(false, Ordering::Relaxed);
            run.state = RunState::Running;
        }
    }

    /// Asks the worker to stop after the step it is on; it still reports the model.
    pub fn stop(&mut self) {
        if let Some(job) = &self.job {
            job.control.stop.store(true, Ordering::Relaxed);
            job.control.pause.store(false, Ordering::Relaxed);
        }
    }

    /// Stops the run in progress and forgets it at once (its reports are not waited for):
    /// for a lesson that no longer wants it.
    pub(crate) fn abandon(&mut self) {
        self.job = None;
        self.current = None;
        self.snapshot = None;
        self.snapshot_serial += 1;
    }

    /// Shows `earlier` and `current` on the plots in place of what was there (a lesson's
    /// runs, kept by the lesson); nothing runs.
    pub(crate) fn show_runs(&mut self, earlier: Vec<Run>, current: Option<Run>) {
        self.job = None;
        self.runs = earlier;
        self.current = current;
        self.snapshot = None;
        self.snapshot_serial += 1;
    }

    /// Forgets the compared runs.
    pub fn clear_runs(&mut self) {
        self.runs.clear();
    }

    /// Feeds the worker the explorer's input for its feature maps, when it changed.
    pub fn update_probe(&mut self, pixels: &Array3<f32>) {
        if self.job.is_none() || self.probe.as_ref() == Some(pixels) {
            return;
        }
        self.probe = Some(pixels.clone());
        if let Some(job) = &self.job
            && let Ok(mut p) = job.probe.lock()
        {
            *p = Some(pixels.clone());
        }
    }

    /// Takes in what the worker sent since the last call. Returns whether a new snapshot
    /// arrived.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else { return false };
        let reports: Vec<Report> = job.rx.try_iter().collect();
        let mut new_snapshot = false;
        let mut done = false;
        for report in reports {
            let Some(run) = &mut self.current else { break };
            match report {
                Report::Started {
                    arch_name,
                    train_size,
                    test_size,
                    batches,
                    parameters,
                } => {
                    run.arch_name = arch_name;
                    run.train_size = train_size;
                    run.test_size = test_size;
                    run.batches_per_epoch = batches;
                    run.parameters = parameters;
                    if run.state == RunState::Preparing {
                        run.state = RunState::Running;
                    }
                }
                Report::Batch {
                    stats,
                    active_seconds,
                } => run.batch(&stats, active_seconds),
                Report::Epoch(point) => run.epochs.push(point),
                Report::Snapshot(s) => {
                    self.snapshot = Some(*s);
                    self.snapshot_serial += 1;
                    new_snapshot = true;
                }
                Report::Finished {
                    model,
                    stopped,
                    test_right,
                } => {
                    run.model = Some(*model);
                    run.test_right = test_right;
                    run.state = if stopped {
                        RunState::Stopped
                    } else {
                        RunState::Finished
                    };
                    done = true;
                }
                Report::Failed(e) => {
                    run.error = Some(e);
                    run.state = RunState::Failed;
                    done = true;
                }
            }
        }
        if done {
            self.job = None;
        }
        new_snapshot
    }

    /// The trained model of the current run, when it has one.
    pub fn trained(&self) -> Option<&Model> {
        self.current.as_ref().and_then(|r| r.model.as_ref())
    }
}
