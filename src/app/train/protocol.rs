//! What the training worker and the UI thread say to each other: the reports the worker
//! sends (start, every batch and epoch, snapshots of the weights, the end) and the pause and
//! stop switches they share.

use crate::engine::train::{BatchStats, EpochStats};
use crate::engine::{Model, Tensor};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// A snapshot of the weights (kernels, feature maps, "follow training") every this many steps.
pub(crate) const SNAPSHOT_STEPS: u64 = 100;

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
    /// The input `first_maps` were computed from (as the model reads it, before
    /// normalisation): shown beside them, as the explorer's input may have changed since.
    pub input: Option<ndarray::Array3<f32>>,
}

/// What the worker reports.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Report {
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
    /// The trained model with its training record (also after a stop), and which test
    /// examples it reads right (in the test set's order: a lesson's paired comparisons).
    Finished {
        model: Box<Model>,
        stopped: bool,
        test_right: Vec<bool>,
    },
    Failed(String),
}

/// Pause and stop, shared with the worker.
#[derive(Default)]
pub(super) struct Control {
    pub(super) pause: AtomicBool,
    pub(super) stop: AtomicBool,
    /// Set by the worker while it waits in a pause: every step it took before is reported
    /// (it sends a step's report before it looks at `pause`).
    pub(super) waiting: AtomicBool,
}

/// Where the worker gets the architecture.
pub(super) enum ArchSource {
    Model(Box<Model>),
    File(PathBuf),
}
