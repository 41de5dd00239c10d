//! The built-in lesson, walked headlessly in both languages on the real sample models: every
//! step leaves the app as the step says before and after its reveal, whatever was done
//! before, every number in its texts resolves to what the network in the app computed, its
//! prose stays short enough for a room, and what its words claim holds for those numbers.

use crate::support::{H, app, apply, apply_now, repo, wait_for_jobs};
use convscope::app::{Command, ConvscopeApp, Lang, Tab};
use convscope::engine::PoolMode;
use convscope::lesson::facts::grouped;
use convscope::lesson::{
    Lesson, PROSE_LIMITS, PoolChoice, Rendered, View, effective, prose_chars, revealed,
};
use egui_kittest::kittest::Queryable;
use std::path::PathBuf;

fn sample_models() -> PathBuf {
    repo("sample_models")
}

/// The app on the sample models in `lang`, large enough for the lesson panel beside the views.
fn harness(lang: Lang) -> H {
    app()
        .size(egui::vec2(1600.0, 1000.0))
        .lang(lang)
        .models_in(&[sample_models()])
        .no_dialogs()
        .build()
}

/// Whether some widget's label is exactly `text`.
fn shows_exactly(h: &H, text: &str) -> bool {
    h.query_all_by_label(text).next().is_some()
}

/// Checks step `index` as it is on screen, before (`open`) or after its reveal.
fn check_step(h: &H, lesson: &Lesson, index: usize, code: &str, open: bool) {
    let app = h.state();
    let ex = &app.explorer;
    let setup = if open {
        revealed(&lesson.steps, index)
    } else {
        effective(&lesson.steps, index)
    };
    let at = format!("{code} step {} ({}) revealed {open}", index + 1, setup.id);
    assert_eq!(app.lesson.step, index, "{at}");
    assert_eq!(app.lesson.revealed, open, "{at}");
    assert_eq!(app.lesson.error, None, "{at}");
    // What no step set is the default, applied like the rest.
    assert_eq!(app.view.compare_history, setup.history_with, "{at}");
    let [dx, dy] = setup.shift.expect("a shift, by default none");
    assert_eq!((app.lab.settings.dx, app.lab.settings.dy), (dx, dy), "{at}");
    if setup.sweep.is_none() {
        assert!(app.lab.sweep.is_none() && app.lab.job.is_none(), "{at}");
    }
    assert_eq!(app.view.show, setup.show, "{at}");
    if let Some(model) = &setup.model {
        let stem = ex.model_path.as_ref().and_then(|p| p.file_stem()).unwrap();
        assert_eq!(stem.to_string_lossy(), *model, "{at}");
    }
    if let Some(sample) = &setup.sample {
        assert_eq!(&ex.input.name, sample, "{at}");
    }
    if let Some(stage) = &setup.stage {
        let shown = match ex.stage {
            0 => "input".to_string(),
            i => ex.net.layers()[i - 1].name.clone(),
        };
        assert_eq!(&shown, stage, "{at}");
    }
    match setup.pool {
        Some(PoolChoice::Max) => assert_eq!(ex.pool_mode, PoolMode::Max, "{at}"),
        Some(PoolChoice::Avg) => assert_eq!(ex.pool_mode, PoolMode::Avg, "{at}"),
        _ => {}
    }
    if let Some(view) = setup.view {
        let tab = match view {
            View::Explorer => Tab::Explorer,
            View::Lab => Tab::Lab,
            View::Train => Tab::Train,
        };
        assert_eq!(app.view.tab, tab, "{at}");
    }
    if let Some(open) = setup.arithmetic {
        assert_eq!(app.view.arith.show, open, "{at}");
    }
    if let Some(rate) = setup.dropout {
        assert_eq!(ex.dropout.enabled, rate > 0.0, "{at}");
    }
    if let Some(noise) = &setup.noise {
        let want = convscope::analysis::robustness::parse_noise_or_none(noise).unwrap();
        assert_eq!(ex.noise.noise(), want, "{at}");
        assert_eq!(ex.noise.seed, setup.noise_seed.unwrap_or(0), "{at}");
        if want.is_some() {
            assert_ne!(
                ex.pixels, ex.clean_pixels,
                "{at}: the network reads the noisy input"
            );
            // The similarity the text quotes is the app's own (input stage).
            let sim = ex.noise_similarity()[0] as f64;
            let facts = app.lesson_facts();
            assert_eq!(
                facts.get("noise-input-similarity"),
                Some(convscope::lesson::facts::percent(sim).as_str()),
                "{at}"
            );
        } else {
            assert_eq!(ex.pixels, ex.clean_pixels, "{at}");
        }
    }

    // Every number resolves, and is the app's own.
    let facts = app.lesson_facts();
    let (title, text) = lesson.step_text(code, index, &facts).unwrap();
    let step = &lesson.steps[index];
    let mut parts: Vec<(String, Rendered)> = vec![("prose".into(), text.clone())];
    for part in ["question", "evidence", "verdict"]
        .into_iter()
        .map(String::from)
        .chain(step.choices.iter().map(|c| format!("choice-{c}")))
    {
        if let Some(r) = lesson.step_part(code, index, &part, &facts) {
            parts.push((part, r));
        }
    }
    for (part, r) in &parts {
        assert!(r.unknown.is_empty(), "{at} {part}: unknown {:?}", r.unknown);
        assert!(r.pending.is_empty(), "{at} {part}: pending {:?}", r.pending);
    }
    // Prose a room can read, its numbers filled in.
    if let Some((_, limit)) = PROSE_LIMITS.iter().find(|(c, _)| *c == code) {
        let n = prose_chars(&text.text);
        assert!(
            n <= *limit,
            "{at}: {n} characters of prose, at most {limit}"
        );
    }
    assert_eq!(
        facts.get("params"),
        Some(grouped(ex.net.parameter_count()).as_str())
    );
    for (layer, out) in ex.net.layers().iter().zip(&ex.trace[1..]) {
        let values = grouped(out.shape().len());
        assert_eq!(
            facts.get(&format!("{}-values", layer.name)),
            Some(values.as_str())
        );
    }
    if let Some(label) = ex.prediction_label() {
        assert_eq!(facts.get("prediction"), Some(label.as_str()), "{at}");
    }
    if setup.sweep.is_some() {
        compared_sweeps_are_the_engines(app, &setup.compare, &facts, &at);
    }
    if open {
        claims_hold(&setup.id, &facts, &at);
    }
    // The panel shows the step's title, its question and its first paragraph, numbers filled
    // in and without Markdown's backticks.
    let first = text.text.split('\n').next().unwrap().replace('`', "");
    h.get_by_label(&title);
    h.get_by_label(&first);
    if let Some(q) = lesson.step_part(code, index, "question", &facts) {
        h.get_by_label(&q.text);
    }
    // The evidence and the verdict wait for the reveal; the right choice is marked then.
    let table = lesson.evidence(code, index, &facts);
    let verdict = lesson.step_part(code, index, "verdict", &facts);
    if let Some((table, _)) = &table {
        let cell = table.rows.iter().flatten().skip(1).find(|c| !c.is_empty());
        let cell = cell.expect("a number in the table");
        if open {
            assert!(shows_exactly(h, cell), "{at}: {cell} in the table");
        }
    }
    if let Some(v) = &verdict {
        let first = v.text.split('\n').next().unwrap();
        assert_eq!(shows_exactly(h, first), open, "{at}: the verdict");
    }
    let marked = h.query_all_by_label_contains("✔").count();
    let answers = usize::from(open && step.answer.is_some());
    assert_eq!(marked, answers, "{at}: the right choice marked");
}

/// Each compared model's sweep numbers are what the engine gives for that model on the same
/// input over the same shifts, in the mode it was trained with.
fn compared_sweeps_are_the_engines(
    app: &ConvscopeApp,
    compare: &[String],
    facts: &convscope::lesson::Facts,
    at: &str,
) {
    let data = app.lab.sweep.as_ref().expect("the step's sweep is done");
    let shifts: Vec<(i32, i32)> = data.runs[0].results.iter().map(|r| (r.dx, r.dy)).collect();
    for name in compare {
        let model = convscope::io::load_model(&sample_models().join(format!("{name}.json")))
            .expect("a sample model");
        let options = convscope::engine::RunOptions {
            pool_mode: convscope::app::trained_pool_mode(&model),
            dropout: None,
        };
        let results = convscope::analysis::sweep(
            &model,
            &app.explorer.pixels,
            &shifts,
            data.fill,
            &options,
            &|| true,
        )
        .expect("sweeps");
        let original = results
            .iter()
            .find(|r| (r.dx, r.dy) == (0, 0))
            .expect("the unshifted input")
            .predicted;
        // Over the shifted runs only: the unshifted one is what they are compared with.
        let shifted: Vec<_> = results.iter().filter(|r| (r.dx, r.dy) != (0, 0)).collect();
        let changed = shifted.iter().filter(|r| r.predicted != original).count();
        let want = convscope::lesson::facts::percent(changed as f64 / shifted.len() as f64);
        assert_eq!(
            facts.get(&format!("{name}-sweep-changed")),
            Some(want.as_str()),
            "{at}: {name}"
        );
    }
}

/// What a step's words claim about its numbers holds for the numbers the app computed (so a
/// retrained sample model cannot silently turn a step's text into a false statement).
fn claims_hold(step: &str, facts: &convscope::lesson::Facts, at: &str) {
    let num = |name: &str| -> f64 {
        let v = facts.get(name).unwrap_or_else(|| panic!("{at}: no {name}"));
        v.replace(',', "")
            .parse()
            .unwrap_or_else(|_| panic!("{at}: {name} = {v}"))
    };
    let verdict = |name: &str| -> &str {
        facts
            .get(&format!("{name}-verdict"))
            .unwrap_or_else(|| panic!("{at}: no {name}-verdict"))
    };
    match step {
        "downsample" => {
            assert!(num("pool1-values") < num("relu1-values"), "{at}");
            // "conv2's multiply-adds and fc's weights shrink in the same proportion".
            let kept = num("pool1-kept") / 100.0;
            let shrink = num("conv2-macs") / num("pool1-without-conv2-macs");
            assert!((shrink - kept).abs() < 1e-3, "{at}: {shrink} {kept}");
            assert!(num("pool1-without-fc-params") > num("fc-params"), "{at}");
        }
        "max-keeps" => {
            // The peak survives; the mean rises.
            assert_eq!(num("pool1-max"), num("relu1-max"), "{at}");
            assert!(num("pool1-mean") > num("relu1-mean"), "{at}");
        }
        "avg-smooths" => {
            assert!(num("pool1-max") < num("relu1-max"), "{at}");
            assert_eq!(num("pool1-mean"), num("relu1-mean"), "{at}");
        }
        // The marked answer is what the paired test says.
        "avg-twin" => assert_eq!(verdict("digits-max-vs-digits-avg"), "tie", "{at}"),
        "noise" => {
            // The same weights: average pooling keeps pool1 closer to its clean run, and with
            // max pooling pool1 is less similar than the input (what the words say).
            let sim = |mode: &str, stage: &str| num(&format!("noise-{mode}-{stage}-similarity"));
            assert!(sim("avg", "pool1") > sim("max", "pool1"), "{at}");
            assert!(sim("max", "pool1") < sim("max", "input"), "{at}");
            assert_eq!(sim("max", "input"), sim("avg", "input"), "{at}");
        }
        "images-speech" => {
            // "Only for shapes, not speech".
            assert_eq!(verdict("shapes-max-vs-shapes-avg"), "a", "{at}");
            assert_ne!(verdict("speech-max-vs-speech-avg"), "b", "{at}");
            assert_ne!(verdict("digits-max-vs-digits-avg"), "b", "{at}");
        }
        "shift-equivariance" => {
            // Moved along, conv1 matches almost exactly; at the same places it does not; the
            // ReLU gives more of the rise from conv1 to pool1 than pooling does.
            assert!(num("sweep-conv1-aligned") > 99.0, "{at}");
            assert!(num("sweep-conv1-mean") < num("sweep-conv1-aligned"), "{at}");
            let relu = num("sweep-relu1-mean") - num("sweep-conv1-mean");
            let pool = num("sweep-pool1-mean") - num("sweep-relu1-mean");
            assert!(relu > pool && pool > 0.0, "{at}: relu {relu}, pool {pool}");
        }
        "shift-tolerance" | "summary" => {
            // Pooling adds some tolerance, shifted data far more; none is invariant.
            for bound in 1..=3 {
                let c = |name: &str| num(&format!("{name}-consistency-{bound}"));
                assert!(c("digits-max-shift") - c("digits-max") > 0.0, "{at}");
                assert!(c("digits-max-shift") < 100.0, "{at}");
                if step == "shift-tolerance" {
                    assert!(c("digits-max") > c("digits-nopool"), "{at}");
                }
            }
            if step == "shift-tolerance" {
                let c = |name: &str| num(&format!("{name}-consistency-3"));
                let data = c("digits-max-shift") - c("digits-max");
                assert!(data > c("digits-max") - c("digits-nopool"), "{at}");
                // Blur-max keeps pool2 more similar on the same weights: less aliasing.
                assert!(
                    num("sweep-blurmax-pool2-mean") > num("sweep-max-pool2-mean"),
                    "{at}"
                );
            }
        }
        "fc-params" => assert!(num("fc1-params-share") > 50.0, "{at}"),
        "overfit" => {
            assert!(num("train-accuracy") > num("test-accuracy"), "{at}");
            assert_eq!(verdict("fc-overfit-vs-fc-8k"), "b", "{at}");
        }
        "dropout" => {
            // "Our test set cannot tell".
            assert_eq!(verdict("fc-overfit-vs-fc-dropout"), "tie", "{at}");
            assert_eq!(verdict("fc-overfit-vs-fc-l2"), "tie", "{at}");
        }
        "alternatives" => {
            // "Neither" matches digits-max.
            assert_eq!(verdict("digits-max-vs-digits-stride"), "a", "{at}");
            assert_eq!(verdict("digits-max-vs-digits-gap"), "a", "{at}");
        }
        _ => {}
    }
}

#[test]
fn walks_the_builtin_lesson_in_both_languages() {
    for lang in Lang::ALL {
        let mut h = harness(lang);
        let s = lang.strings();
        h.get_by_label(s.lessons).click();
        h.run();
        let lesson = Lesson::builtin("pooling-and-fc").unwrap();
        h.get_by_label(&lesson.title(lang.code())).click();
        h.run();
        wait_for_jobs(&mut h);
        // A step measuring evidence shows a spinner, which repaints until the measurement
        // is done: draw frame by frame until then, and let the app settle after.
        let press = |h: &mut H, key| {
            h.key_press(key);
            h.step();
            wait_for_jobs(h);
            h.run();
        };
        for index in 0..lesson.steps.len() {
            if index > 0 {
                press(&mut h, egui::Key::PageDown);
            }
            if lesson.asks(index) {
                check_step(&h, &lesson, index, lang.code(), false);
                // Space reveals, and so does PageDown on a step not revealed yet.
                let key = if index % 2 == 0 {
                    egui::Key::Space
                } else {
                    egui::Key::PageDown
                };
                press(&mut h, key);
                assert_eq!(h.state().lesson.step, index, "the reveal stays on the step");
            }
            check_step(&h, &lesson, index, lang.code(), true);
        }
        // PageDown at the last step, revealed, stays there; PageUp goes back, unrevealed.
        let last = lesson.steps.len() - 1;
        press(&mut h, egui::Key::PageDown);
        assert_eq!(h.state().lesson.step, last);
        assert!(h.state().lesson.revealed);
        press(&mut h, egui::Key::PageUp);
        check_step(&h, &lesson, last - 1, lang.code(), !lesson.asks(last - 1));
    }
}

/// The index of the built-in lesson's step `id`.
fn step_of(lesson: &Lesson, id: &str) -> usize {
    lesson.steps.iter().position(|s| s.id == id).unwrap()
}

#[test]
fn reset_step_undoes_what_the_student_changed() {
    let mut h = harness(Lang::En);
    apply(&mut h, Command::OpenLesson("pooling-and-fc".into()));
    let lesson = Lesson::builtin("pooling-and-fc").unwrap();
    let step = step_of(&lesson, "avg-smooths");
    apply(&mut h, Command::LessonStep(step));
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, step, "en", false);
    // The reveal switches to average pooling on the same weights.
    h.get_by_label("Reveal").click();
    h.run();
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, step, "en", true);
    assert_eq!(h.state().explorer.pool_mode, PoolMode::Avg);
    // The student flips pooling back, walks to another stage, turns noise on, compares
    // learning curves, opens the arithmetic panel and another model.
    h.key_press(egui::Key::M);
    h.key_press(egui::Key::End);
    h.key_press(egui::Key::N);
    h.run();
    apply(&mut h, Command::CompareHistory(Some("fc-overfit".into())));
    apply(&mut h, Command::StepCell(0, 1, 0));
    let digits_gap = sample_models().join("digits-gap.json");
    apply_now(&mut h, Command::OpenModel(digits_gap));
    wait_for_jobs(&mut h);
    assert_ne!(h.state().explorer.pool_mode, PoolMode::Avg);
    // Reset step gives the step back as it opened: not revealed.
    h.get_by_label("Reset step").click();
    h.run();
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, step, "en", false);
    assert!(!h.state().view.arith.show);
    assert_eq!(h.state().explorer.noise.noise(), None);
}

#[test]
fn going_back_gives_a_step_as_walking_there_does() {
    let mut h = harness(Lang::En);
    apply(&mut h, Command::OpenLesson("pooling-and-fc".into()));
    let lesson = Lesson::builtin("pooling-and-fc").unwrap();
    // The dropout step compares the learning curves with fc-overfit's, with dropout on.
    let dropout = step_of(&lesson, "dropout");
    apply(&mut h, Command::LessonStep(dropout));
    wait_for_jobs(&mut h);
    assert_eq!(
        h.state().view.compare_history.as_deref(),
        Some("fc-overfit")
    );
    assert!(h.state().explorer.dropout.enabled);
    // PageUp: the step before compares with fc-8k's curves, and dropout is off.
    h.key_press(egui::Key::PageUp);
    h.run();
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, dropout - 1, "en", false);
    assert_eq!(h.state().view.compare_history.as_deref(), Some("fc-8k"));
    assert!(!h.state().explorer.dropout.enabled);
    // Jumping to the shift step and back leaves no sweep and no shift behind.
    apply(
        &mut h,
        Command::LessonStep(step_of(&lesson, "shift-tolerance")),
    );
    wait_for_jobs(&mut h);
    apply(&mut h, Command::LessonStep(step_of(&lesson, "max-keeps")));
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, step_of(&lesson, "max-keeps"), "en", false);
    assert_eq!(h.state().view.tab, Tab::Explorer);
}

#[test]
fn f2_shows_the_lessons_and_a_lesson_can_be_closed() {
    let mut h = harness(Lang::En);
    h.key_press(egui::Key::F2);
    h.run();
    assert!(h.state().view.show_lesson);
    h.get_by_label("Pooling and fully-connected layers").click();
    h.run();
    wait_for_jobs(&mut h);
    assert!(h.state().lesson.lesson.is_some());
    // Without a lesson, PageDown moves through the stages again.
    h.get_by_label("Close lesson").click();
    h.run();
    assert!(h.state().lesson.lesson.is_none());
    let stage = h.state().explorer.stage;
    h.key_press(egui::Key::PageDown);
    h.run();
    assert_eq!(h.state().explorer.stage, stage + 1);
}

#[test]
fn a_broken_lesson_file_stops_the_command_line_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("mine.toml");
    std::fs::write(
        &toml,
        "id = \"mine\"\n[[step]]\nid = \"one\"\npool = \"maximum\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("mine.en.ftl"), "lesson-title = M\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_convscope"))
        .arg("--lesson")
        .arg(&toml)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.toml, line 4") && err.contains("maximum"),
        "{err}"
    );
}
