//! The Train tab: train an architecture on a bundled data set and watch it learn. `settings`
//! is what a teacher varies, `state` the run on a worker thread (`worker`, talking through
//! `protocol`) and the runs kept for comparing, `run` one run's record; `view`, `plots` and
//! `snapshot` draw it, `apply` applies its commands.

pub mod apply;
pub mod plots;
pub mod protocol;
pub mod run;
pub mod settings;
pub mod snapshot;
pub mod state;
pub mod view;
pub mod worker;

pub use run::{Run, RunState};
pub use settings::{ArchChoice, DataChoice, TrainSettings};
pub use state::Training;
