//! The Train tab: train an architecture on a bundled data set and watch it learn. `settings`
//! is what a teacher varies, `state` the run on a worker thread (`worker`, talking through
//! `protocol`) and the runs kept for comparing, `run` one run's record; `view`, `plots` and
//! `snapshot` draw it, `apply` applies its commands.

pub(crate) mod apply;
pub(crate) mod plots;
pub(crate) mod protocol;
pub(crate) mod run;
pub(crate) mod settings;
pub(crate) mod snapshot;
pub(crate) mod state;
pub(crate) mod view;
pub(crate) mod worker;
