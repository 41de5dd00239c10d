//! The `learning` lesson's training runs, tiny (a few digits, one epoch, see [`TINY_RUNS`]):
//! a step's run starts when its answer is revealed and its numbers fill in from `…`; every
//! earlier run stays on the Train tab's axes, each with its own number; every number of every
//! step resolves in both languages and the prose stays short; going back, jumping and
//! "Reset step" show the same runs without training again.

use crate::lesson_layout::TINY_RUNS;
use crate::support::{H, PROJECTOR, app, apply, apply_and_step, repo, step_until, wait_for_jobs};
use convscope::app::{Command, ConvscopeApp, Lang, RunState, Tab, TrainSettings};
use convscope::lesson::{Lesson, PROSE_LIMITS, prose_chars, runs_until};
use std::time::Duration;

fn harness() -> H {
    app()
        .size(PROJECTOR)
        .lang(Lang::En)
        .models_in(&[repo("sample_models")])
        .no_dialogs()
        .with(|app| app.lesson.runs.cap = Some(TINY_RUNS))
        .build()
}

/// Draws frames until the step's runs have finished and the app has settled.
fn wait_for_runs(h: &mut H) {
    step_until(h, Duration::from_secs(600), "the lesson's runs", |a| {
        !a.lesson.runs.training() && !a.train.running()
    });
    wait_for_jobs(h);
}

/// The runs on the Train tab's axes: (number, state, epochs) of the earlier ones and the
/// current one, oldest first.
fn on_axes(app: &ConvscopeApp) -> Vec<(usize, RunState, usize)> {
    let t = &app.train;
    t.runs
        .iter()
        .chain(&t.current)
        .map(|r| (r.number, r.state, r.epochs.len()))
        .collect()
}

/// Every text of step `index` resolves (nothing unknown, nothing still measured), and its
/// prose is short enough.
fn texts_resolve(app: &ConvscopeApp, lesson: &Lesson, index: usize, code: &str) {
    let facts = app.lesson_facts();
    let at = format!("{code} step {}", index + 1);
    let (_, prose) = lesson.step_text(code, index, &facts).expect("prose");
    let step = &lesson.steps[index];
    let mut parts = vec![prose.clone()];
    for part in ["question", "evidence", "verdict"]
        .into_iter()
        .map(String::from)
        .chain(step.choices.iter().map(|c| format!("choice-{c}")))
    {
        parts.extend(lesson.step_part(code, index, &part, &facts));
    }
    for r in &parts {
        assert!(r.unknown.is_empty(), "{at}: unknown {:?}", r.unknown);
        assert!(r.pending.is_empty(), "{at}: pending {:?}", r.pending);
    }
    let (_, limit) = PROSE_LIMITS.iter().find(|(c, _)| *c == code).unwrap();
    let n = prose_chars(&prose.text);
    assert!(n <= *limit, "{at}: {n} characters of prose");
}

#[test]
fn each_step_starts_its_run_and_the_runs_stay_on_the_axes() {
    let mut h = harness();
    let lesson = Lesson::builtin("learning").unwrap();
    apply(&mut h, Command::OpenLesson("learning".into()));
    wait_for_jobs(&mut h);
    for index in 0..lesson.steps.len() {
        apply_and_step(&mut h, Command::LessonStep(index));
        wait_for_runs(&mut h);
        let app = h.state();
        let before = runs_until(&lesson.steps, index, false);
        assert_eq!(on_axes(app).len(), before.len(), "step {}", index + 1);
        if index > 0 {
            assert_eq!(app.view.tab, Tab::Train, "step {}", index + 1);
        }
        if !lesson.asks(index) {
            continue;
        }
        let after = runs_until(&lesson.steps, index, true);
        let starts = after.len() > before.len();
        // Before the reveal the new run's numbers wait.
        if let Some((name, _)) = after.last().filter(|_| starts) {
            let facts = app.lesson_facts();
            assert_eq!(facts.get(&format!("{name}-test-accuracy")), Some("…"));
            // What the run is asked to do is known at once.
            assert_ne!(facts.get(&format!("{name}-train-size")), Some("…"));
        }
        apply_and_step(&mut h, Command::RevealLessonStep);
        if starts {
            assert!(
                h.state().train.running(),
                "step {}: the reveal trains",
                index + 1
            );
        }
        wait_for_runs(&mut h);
        let app = h.state();
        let axes = on_axes(app);
        assert_eq!(axes.len(), after.len(), "step {}", index + 1);
        for (i, (number, state, epochs)) in axes.iter().enumerate() {
            assert_eq!(*number, i + 1, "runs keep their numbers (colours)");
            assert_eq!(*state, RunState::Finished);
            assert_eq!(*epochs, TINY_RUNS.epochs);
        }
        texts_resolve(app, &lesson, index, "en");
    }
    // The same runs, in Chinese: nothing trains again.
    apply(&mut h, Command::SetLanguage(Lang::Zh));
    for index in 0..lesson.steps.len() {
        apply(&mut h, Command::LessonStep(index));
        apply(&mut h, Command::RevealLessonStep);
        wait_for_jobs(&mut h);
        assert!(!h.state().train.running(), "step {}", index + 1);
        texts_resolve(h.state(), &lesson, index, "zh");
    }

    // Going back shows a step as walking there did, without training again.
    let dropout = lesson.steps.iter().position(|s| s.id == "dropout").unwrap();
    apply(&mut h, Command::LessonStep(dropout));
    apply(&mut h, Command::RevealLessonStep);
    wait_for_jobs(&mut h);
    let screen = |app: &ConvscopeApp| (on_axes(app), app.lesson_facts(), app.view.tab);
    let seen = screen(h.state());
    assert_eq!(seen.0.len(), 3);
    apply(&mut h, Command::LessonStep(1));
    assert_eq!(on_axes(h.state()).len(), 0, "step 2 asks before its run");
    apply(&mut h, Command::LessonStep(dropout));
    apply(&mut h, Command::RevealLessonStep);
    assert!(!h.state().train.running());
    assert_eq!(screen(h.state()), seen);

    // A run started by hand, another tab: Reset step gives the step back.
    apply(
        &mut h,
        Command::SetTrainSettings(TrainSettings {
            train_size: 500,
            epochs: 100,
            ..TrainSettings::default()
        }),
    );
    apply_and_step(&mut h, Command::StartTraining);
    assert!(h.state().train.running());
    apply_and_step(&mut h, Command::ShowTab(Tab::Explorer));
    apply_and_step(&mut h, Command::ResetLessonStep);
    apply(&mut h, Command::RevealLessonStep);
    wait_for_jobs(&mut h);
    assert!(!h.state().train.running(), "the hand-started run gave way");
    assert_eq!(screen(h.state()), seen);
}
