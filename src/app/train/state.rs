//! The Train tab's state as plain data: the settings a teacher varies, the run on a worker
//! thread (start, pause, resume, stop), what it has reported so far, and the earlier runs kept
//! for comparing. The worker trains through [`crate::data::recipe`], as `convscope train`
//! does, so the same settings give the same weights. No drawing here (see `train_view.rs`);
//! the UI thread only reads what the worker sent.

use crate::data::DataSpec;
use crate::data::augment::Augment;
use crate::data::recipe::Recipe;
use crate::engine::train::{BatchStats, EpochStats, OptimizerKind, TrainConfig};
use crate::engine::{Model, PoolMode, Tensor};
use ndarray::Array3;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

/// Earlier runs kept on the plots beside the current one.
pub const KEPT_RUNS: usize = 5;
/// A snapshot of the weights (kernels, feature maps, "follow training") every this many steps.
pub const SNAPSHOT_STEPS: u64 = 100;
/// Training-set sizes offered: the over-fitting knob.
pub const TRAIN_SIZES: [usize; 3] = [500, 2000, 8000];

/// Which labelled set to train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataChoice {
    /// The MNIST subset bundled in `assets/data/mnist` (8000 train, 998 test).
    Mnist,
    /// The Fashion-MNIST subset bundled in `assets/data/fashion-mnist` (8000, 1000).
    Fashion,
    /// The generated shapes set (64x64 RGB).
    Shapes,
    /// The spoken digits (FSDD) bundled in `assets/data/fsdd` (2250 train, 250 test: the
    /// recordings numbered 0-4 of each speaker and digit), for an audio model.
    Speech,
}

impl DataChoice {
    pub const ALL: [DataChoice; 4] = [
        DataChoice::Mnist,
        DataChoice::Fashion,
        DataChoice::Shapes,
        DataChoice::Speech,
    ];

    /// The set as the CLI's `--data` names it, with `train_size` images to train on.
    pub fn spec(self, train_size: usize) -> Result<DataSpec, String> {
        let folder = |name: &str| {
            bundled_data_dir(name).ok_or_else(|| format!("assets/data/{name}: not found"))
        };
        Ok(match self {
            DataChoice::Mnist => DataSpec::Mnist(folder("mnist")?),
            DataChoice::Fashion => DataSpec::Fashion(folder("fashion-mnist")?),
            DataChoice::Shapes => {
                DataSpec::Shapes(Some(train_size.clamp(1, crate::data::MAX_SHAPES)))
            }
            DataChoice::Speech => DataSpec::Fsdd(crate::data::fsdd::FsddSpec {
                dir: folder("fsdd")?,
                held_out: None,
            }),
        })
    }
}

/// The first `assets/data/NAME` folder found beside the sources, the program or the working
/// folder.
pub fn bundled_data_dir(name: &str) -> Option<PathBuf> {
    let mut roots = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        roots.push(dir);
    }
    if let Ok(dir) = std::env::current_dir() {
        roots.push(dir);
    }
    roots
        .into_iter()
        .map(|r| r.join("assets/data").join(name))
        .find(|d| d.is_dir())
}

/// Which architecture to train (its weights are always drawn anew from the seed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ArchChoice {
    /// The model open in the explorer, re-initialised.
    #[default]
    Current,
    /// A sample model's architecture, by its file.
    Sample { name: String, path: PathBuf },
}

/// What a teacher varies between runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSettings {
    pub arch: ArchChoice,
    pub data: DataChoice,
    pub train_size: usize,
    pub epochs: usize,
    pub lr: f32,
    pub batch: usize,
    pub seed: u64,
    /// Every pooling layer in this mode (`None`: as the architecture says).
    pub pool: Option<PoolMode>,
    /// Every dropout layer at this rate, one added when there is none (`None`: as the
    /// architecture says).
    pub dropout: Option<f32>,
    pub weight_decay: f32,
    pub augment: Augment,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            arch: ArchChoice::Current,
            data: DataChoice::Mnist,
            train_size: 500,
            epochs: 10,
            lr: 1e-3,
            batch: 32,
            seed: 1,
            pool: None,
            dropout: None,
            weight_decay: 0.0,
            augment: Augment::default(),
        }
    }
}

impl TrainSettings {
    /// The run these settings describe, as `convscope train` would get it from its flags.
    pub fn recipe(&self) -> Result<Recipe, String> {
        let data = self.data.spec(self.train_size)?;
        let train_limit = (self.data != DataChoice::Shapes).then_some(self.train_size);
        Ok(Recipe {
            data,
            train_limit,
            fresh_data: false,
            pool: self.pool,
            dropout: self.dropout,
            augment: self.augment,
            config: TrainConfig {
                epochs: self.epochs.max(1),
                batch: self.batch.max(1),
                lr: self.lr,
                lr_decay: 1.0,
                optimizer: OptimizerKind::adam(),
                weight_decay: self.weight_decay,
                seed: self.seed,
            },
            validation: None,
        })
    }
}

/// One epoch's numbers as the plots draw them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochPoint {
    pub stats: EpochStats,
    /// Mean cross-entropy on the test set after the epoch (inference mode).
    pub test_loss: Option<f32>,
}

/// The weights at one moment, and what they make of the explorer's input.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub step: u64,
    pub model: Model,
    /// The first convolution's output on the explorer's input, when it fits the network.
    pub first_maps: Option<Tensor>,
    /// Where the first convolution is (its layer index).
    pub first_conv: Option<usize>,
}

/// What the worker reports.
#[allow(clippy::large_enum_variant)]
pub enum Report {
    Started {
        arch_name: String,
        train_size: usize,
        test_size: usize,
        batches: usize,
        parameters: usize,
    },
    Batch {
        stats: BatchStats,
        active_seconds: f64,
    },
    Epoch(EpochPoint),
    Snapshot(Box<Snapshot>),
    /// The trained model with its training record (also after a stop).
    Finished {
        model: Box<Model>,
        stopped: bool,
    },
    Failed(String),
}

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
    /// Where it was saved last.
    pub saved: Option<PathBuf>,
    pub error: Option<String>,
}

/// Weight of the newest batch in the smoothed curves.
const SMOOTHING: f64 = 0.05;

impl Run {
    fn new(number: usize, settings: TrainSettings) -> Run {
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

    fn batch(&mut self, stats: &BatchStats, active_seconds: f64) {
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

/// Pause and stop, shared with the worker.
#[derive(Default)]
pub(crate) struct Control {
    pub(crate) pause: AtomicBool,
    pub(crate) stop: AtomicBool,
}

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
                run.error = Some(e);
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
        let worker = crate::app::train_worker::Worker {
            tx,
            control: control.clone(),
            probe: probe.clone(),
            ctx: ctx.clone(),
        };
        crate::app::shell::background::spawn(move || worker.run(arch, recipe));
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
                Report::Finished { model, stopped } => {
                    run.model = Some(*model);
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

/// Where the worker gets the architecture.
pub(crate) enum ArchSource {
    Model(Box<Model>),
    File(PathBuf),
}
