//! The open lesson as plain data: which lesson, which step, whether its answer is revealed, and
//! the numbers of the models the step compares with. A step's setup is a complete default with
//! every earlier step's setup (and reveal) on top and then its own ([`effective`], and
//! [`revealed`] after the reveal), and the app applies every key of it, so jumping to a step
//! (or "Reset step") gives the same app whatever the student did before (see `setup.rs`). No
//! drawing here (see `view.rs`).

use crate::engine::Model;
use crate::lesson::{Facts, Lesson, PoolChoice, Step, View, WindowChoice};

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
    /// The lessons to choose from (built in and in the teacher's folder).
    pub picker: super::picker::Picker,
}

/// The setup before any step says anything: the explorer on the input stage, pooling and its
/// window as trained, no dropout, no noise (seed 0), no lab shift or sweep, the arithmetic
/// panel closed, no learning curves compared. The model and the sample have no default: the
/// first step names them (or the app keeps what is open).
fn complete_default() -> Step {
    Step {
        stage: Some("input".into()),
        pool: Some(PoolChoice::Trained),
        window: Some(WindowChoice::AsTrained),
        dropout: Some(0.0),
        view: Some(View::Explorer),
        shift: Some([0, 0]),
        arithmetic: Some(false),
        noise: Some("none".into()),
        noise_seed: Some(0),
        compare_modes: Some(false),
        ..Step::default()
    }
}

/// `s`'s setup keys on top of `out`; with `own`, also what belongs to its own step only (the
/// sweep, the compared models, the views, the question).
fn overlay(out: &mut Step, s: &Step, own: bool) {
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
        out.id = s.id.clone();
        out.sweep = s.sweep;
        out.compare_modes = s.compare_modes.or(Some(false));
        out.compare = s.compare.clone();
        out.show = s.show.clone();
        out.choices = s.choices.clone();
        out.answer = s.answer.clone();
        out.summary = s.summary;
        out.reveal = s.reveal.clone();
    }
}

/// What applies at step `index` before its reveal: the complete default, every earlier step
/// with its reveal folded in (the class saw them revealed), then the step itself. `sweep`,
/// `compare`, `show` and the question belong to their own step only; what no step set is the
/// default (no history compared, no sweep, …), which the app applies as well.
pub fn effective(steps: &[Step], index: usize) -> Step {
    let mut out = complete_default();
    for (i, s) in steps.iter().enumerate().take(index + 1) {
        let own = i == index;
        overlay(&mut out, s, own);
        if !own && let Some(r) = &s.reveal {
            overlay(&mut out, r, false);
        }
    }
    out
}

/// What applies at step `index` once the teacher revealed its answer: [`effective`] with the
/// step's `[step.reveal]` on top (its own sweep and compared models replacing the step's when
/// it names them).
pub fn revealed(steps: &[Step], index: usize) -> Step {
    let mut out = effective(steps, index);
    if let Some(r) = steps.get(index).and_then(|s| s.reveal.as_deref()) {
        overlay(&mut out, r, false);
        if r.sweep.is_some() {
            out.sweep = r.sweep;
            out.compare_modes = r.compare_modes.or(Some(false));
        }
        if !r.compare.is_empty() {
            out.compare = r.compare.clone();
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

    #[test]
    fn what_no_step_sets_is_the_default_and_reveals_count_once_revealed() {
        let steps = vec![
            Step {
                id: "a".into(),
                history_with: Some("fc-overfit".into()),
                ..Step::default()
            },
            Step {
                id: "b".into(),
                pool: Some(PoolChoice::Max),
                reveal: Some(Box::new(Step {
                    pool: Some(PoolChoice::Avg),
                    sweep: Some(SweepChoice::X),
                    ..Step::default()
                })),
                ..Step::default()
            },
            Step {
                id: "c".into(),
                ..Step::default()
            },
        ];
        let a = effective(&steps, 0);
        assert_eq!(a.stage.as_deref(), Some("input"));
        assert_eq!(a.pool, Some(PoolChoice::Trained));
        assert_eq!(a.window, Some(WindowChoice::AsTrained));
        assert_eq!(a.dropout, Some(0.0));
        assert_eq!(a.shift, Some([0, 0]));
        assert_eq!(a.arithmetic, Some(false));
        assert_eq!(a.noise.as_deref(), Some("none"));
        assert_eq!(a.view, Some(View::Explorer));
        // Before the reveal the question is asked on max; after it, average with its sweep.
        let b = effective(&steps, 1);
        assert_eq!(b.pool, Some(PoolChoice::Max));
        assert_eq!(b.sweep, None);
        assert_eq!(b.history_with.as_deref(), Some("fc-overfit"));
        let after = revealed(&steps, 1);
        assert_eq!(after.pool, Some(PoolChoice::Avg));
        assert_eq!(after.sweep, Some(SweepChoice::X));
        // The next step starts from what the class saw: the reveal, without its sweep.
        let c = effective(&steps, 2);
        assert_eq!(c.pool, Some(PoolChoice::Avg));
        assert_eq!(c.sweep, None);
        assert!(c.reveal.is_none());
        assert_eq!(revealed(&steps, 2), c);
    }
}
