//! The open lesson as plain data: which lesson, which step, and the numbers of the models the
//! step compares with. A step's setup is every earlier step's setup with its own on top
//! ([`effective`]), so jumping to a step (or "Reset step") gives the same app whatever the
//! student did before (see `setup.rs`). No drawing here (see `view.rs`).

use crate::engine::Model;
use crate::lesson::{Facts, Lesson, Step};

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
    /// What the steps measure over test sets, kept between steps (see `evidence.rs`).
    pub evidence: super::evidence::Evidence,
}

/// What applies at a step: the fold of every step up to it. `sweep` and `compare` belong to
/// their own step only.
pub fn effective(steps: &[Step], index: usize) -> Step {
    let mut out = Step::default();
    for (i, s) in steps.iter().enumerate().take(index + 1) {
        let own = i == index;
        out.id = s.id.clone();
        macro_rules! keep {
            ($($f:ident),*) => {$(if s.$f.is_some() { out.$f = s.$f.clone(); })*};
        }
        keep!(
            model,
            sample,
            stage,
            pool,
            window,
            dropout,
            view,
            shift,
            arithmetic,
            history_with,
            noise,
            noise_seed
        );
        if own {
            out.sweep = s.sweep;
            out.compare_modes = s.compare_modes;
            out.compare = s.compare.clone();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::SweepChoice;

    #[test]
    fn a_step_inherits_earlier_settings_but_not_their_sweeps() {
        let steps = vec![
            Step {
                id: "a".into(),
                model: Some("digits-max".into()),
                stage: Some("pool1".into()),
                sweep: Some(SweepChoice::X),
                compare: vec!["digits-gap".into()],
                ..Step::default()
            },
            Step {
                id: "b".into(),
                stage: Some("fc".into()),
                ..Step::default()
            },
        ];
        let b = effective(&steps, 1);
        assert_eq!(b.id, "b");
        assert_eq!(b.model.as_deref(), Some("digits-max"));
        assert_eq!(b.stage.as_deref(), Some("fc"));
        assert_eq!(b.sweep, None);
        assert!(b.compare.is_empty());
        let a = effective(&steps, 0);
        assert_eq!(a.sweep, Some(SweepChoice::X));
        assert_eq!(a.compare, ["digits-gap"]);
    }
}
