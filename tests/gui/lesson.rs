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
        let changed = results.iter().filter(|r| r.predicted != original).count();
        let want = convscope::lesson::facts::percent(changed as f64 / results.len() as f64);
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
    match step {
        "downsample" => {
            assert!(num("pool1-values") < num("relu1-values"), "{at}");
            assert!(num("digits-nopool-params") > num("params"), "{at}");
            assert!(num("digits-gap-params") < num("params"), "{at}");
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
        "shift" => {
            // The answer does change for some shifts ("no").
            assert!(num("sweep-max-changed") > 0.0, "{at}");
            // Later stages change less than the input, but they do change.
            assert!(
                num("sweep-max-pool2-mean") > num("sweep-max-input-mean"),
                "{at}"
            );
            assert!(num("sweep-max-pool2-mean") < 100.0, "{at}");
            // The twins trained on shifted digits change their answer less often on the same
            // shifts than digits-max and digits-avg (each in its own mode); their pool2 moves
            // about as much as before, their fc less: what the words say.
            for (twin, base) in [
                ("digits-max-shift-", "sweep-max-"),
                ("digits-avg-shift-", "digits-avg-sweep-"),
            ] {
                let twin = format!("{twin}sweep-");
                let stat = |prefix: &str, what: &str| num(&format!("{prefix}{what}"));
                assert!(
                    stat(&twin, "changed") < stat(base, "changed"),
                    "{at}: {twin} {} {}",
                    stat(&twin, "changed"),
                    stat(base, "changed")
                );
                assert!(
                    stat(&twin, "fc-mean") > stat(base, "fc-mean"),
                    "{at}: {twin}"
                );
                let pool2 = stat(&twin, "pool2-mean") - stat(base, "pool2-mean");
                assert!(pool2.abs() < 10.0, "{at}: {twin} pool2 moved by {pool2}");
            }
        }
        "noise" => {
            // The noise changed the input, and from pool1 on the average twin stays closer
            // to its clean run than the max twin does (the words say so).
            assert!(num("noise-input-similarity") < 100.0, "{at}");
            for stage in ["pool1", "pool2", "fc"] {
                assert!(
                    num(&format!("digits-avg-noise-{stage}-similarity"))
                        > num(&format!("noise-{stage}-similarity")),
                    "{at}: {stage}"
                );
            }
        }
        "fc-params" => assert!(num("fc1-params-share") > 50.0, "{at}"),
        "overfit" => assert!(num("train-accuracy") > num("test-accuracy"), "{at}"),
        "dropout" => {
            // "The intervals overlap": every two of the three.
            let names = ["fc-overfit-", "", "fc-l2-"];
            for a in names {
                for b in names {
                    let acc = |n: &str| num(&format!("{n}test-accuracy"));
                    let margin = |n: &str| num(&format!("{n}test-accuracy-margin"));
                    let apart = (acc(a) - acc(b)).abs();
                    assert!(apart < margin(a) + margin(b), "{at}: {a} {b}");
                }
            }
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
        let press = |h: &mut H, key| {
            h.key_press(key);
            h.run();
            wait_for_jobs(h);
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
    // The last step compares the learning curves with fc-overfit's, with dropout on.
    let last = lesson.steps.len() - 1;
    apply(&mut h, Command::LessonStep(last));
    wait_for_jobs(&mut h);
    assert!(h.state().view.compare_history.is_some());
    assert!(h.state().explorer.dropout.enabled);
    // PageUp: the step before compares nothing, and dropout is off.
    h.key_press(egui::Key::PageUp);
    h.run();
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, last - 1, "en", false);
    assert_eq!(h.state().view.compare_history, None);
    assert!(!h.state().explorer.dropout.enabled);
    // Jumping to the shift step and back leaves no sweep and no shift behind.
    apply(&mut h, Command::LessonStep(step_of(&lesson, "shift")));
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
