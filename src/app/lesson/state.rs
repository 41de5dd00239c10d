//! The open lesson as plain data: which lesson, which step, whether its answer is revealed, and
//! the numbers of the models the step compares with. A step's setup is a complete default with
//! every earlier step's setup (and reveal) on top and then its own
//! ([`crate::lesson::effective`], and [`crate::lesson::revealed`] after the reveal), and the
//! app applies every key of it, so jumping to a step (or "Reset step") gives the same app
//! whatever the student did before (see `setup.rs`). No drawing here (see `view.rs`).

use crate::engine::Model;
use crate::lesson::{Facts, Lesson};

/// The lesson being taught and where in it the class is.
#[derive(Debug, Default)]
pub struct LessonState {
    pub lesson: Option<Lesson>,
    pub step: usize,
    /// The step's evidence, verdict and right choice are shown (and its reveal applied); a
    /// step that asks nothing is revealed from the start.
    pub revealed: bool,
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
    /// What the steps measure over test sets, kept between steps (see `evidence.rs`).
    pub evidence: super::evidence::Evidence,
    /// The lesson's training runs, kept between steps (see `runs.rs`).
    pub runs: super::runs::LessonRuns,
    /// The lessons to choose from (built in and in the teacher's folder).
    pub picker: super::picker::Picker,
    /// The handout being written for the Lessons tab, and how it went.
    pub handout: super::handout_job::HandoutJob,
}
