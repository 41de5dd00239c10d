//! The open lesson as plain data: which lesson, which step, and the numbers of the models the
//! step compares with. A step's setup is every earlier step's setup with its own on top
//! ([`crate::lesson::effective`]), so jumping to a step (or "Reset step") gives the same app whatever the
//! student did before (see `setup.rs`). No drawing here (see `view.rs`).

use crate::engine::Model;
use crate::lesson::{Facts, Lesson};

/// The lesson being taught and where in it the class is.
#[derive(Debug, Default)]
pub struct LessonState {
    pub lesson: Option<Lesson>,
    pub step: usize,
    /// Numbers of the sample models the current step compares with.
    pub compared: Facts,
    /// Those models, to run on the app's input while noise is on.
    pub compared_models: Vec<(String, Model)>,
    /// The compared models' runs on the noisy input, for the explorer generation they were
    /// computed for (the text is redrawn every frame; the runs only when the input changes).
    pub noise_runs: std::cell::RefCell<Option<(u64, Facts)>>,
    /// The compared models' translation sweeps on the app's input, over the shifts of the
    /// step's sweep, for the explorer generation they were computed for.
    pub sweep_runs: std::cell::RefCell<Option<(u64, Facts)>>,
    /// Why the last lesson or step could not be opened or set up.
    pub error: Option<String>,
}
