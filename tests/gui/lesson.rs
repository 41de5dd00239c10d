//! The built-in lesson, walked headlessly in both languages on the real sample models: every
//! step leaves the app as the step says, and every number in its text resolves to what the
//! network in the app computed.

use crate::support::{H, app, apply, apply_now, repo, wait_for_jobs};
use convscope::app::{Command, ConvscopeApp, Lang, Tab};
use convscope::engine::PoolMode;
use convscope::lesson::facts::grouped;
use convscope::lesson::{Lesson, PoolChoice, View, effective};
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

fn check_step(h: &H, lesson: &Lesson, index: usize, code: &str) {
    let app = h.state();
    let ex = &app.explorer;
    let setup = effective(&lesson.steps, index);
    let at = format!("{code} step {} ({})", index + 1, setup.id);
    assert_eq!(app.lesson.step, index, "{at}");
    assert_eq!(app.lesson.error, None, "{at}");
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
    assert!(text.unknown.is_empty(), "{at}: unknown {:?}", text.unknown);
    assert!(text.pending.is_empty(), "{at}: pending {:?}", text.pending);
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
    claims_hold(&setup.id, &facts, &at);
    // The panel shows the step's title and its first paragraph, numbers filled in.
    let first = text.text.split('\n').next().unwrap();
    h.get_by_label(&title);
    h.get_by_label(first);
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
        "max-keeps" => assert_eq!(num("pool1-max"), num("relu1-max"), "{at}"),
        "avg-smooths" => {
            assert!(num("pool1-max") < num("relu1-max"), "{at}");
            assert_eq!(num("pool1-mean"), num("relu1-mean"), "{at}");
        }
        "shift" => {
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
                    "{at}: {twin}"
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
        for index in 0..lesson.steps.len() {
            if index > 0 {
                h.key_press(egui::Key::PageDown);
                h.run();
                wait_for_jobs(&mut h);
            }
            check_step(&h, &lesson, index, lang.code());
        }
        // PageDown at the last step stays there; PageUp goes back.
        h.key_press(egui::Key::PageDown);
        h.run();
        assert_eq!(h.state().lesson.step, lesson.steps.len() - 1);
        h.key_press(egui::Key::PageUp);
        h.run();
        wait_for_jobs(&mut h);
        check_step(&h, &lesson, lesson.steps.len() - 2, lang.code());
    }
}

#[test]
fn reset_step_undoes_what_the_student_changed() {
    let mut h = harness(Lang::En);
    apply(&mut h, Command::OpenLesson("pooling-and-fc".into()));
    let lesson = Lesson::builtin("pooling-and-fc").unwrap();
    let step = lesson
        .steps
        .iter()
        .position(|s| s.id == "avg-smooths")
        .unwrap();
    apply(&mut h, Command::LessonStep(step));
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, step, "en");
    // The student flips pooling back, walks to another stage and opens another model.
    h.key_press(egui::Key::M);
    h.key_press(egui::Key::End);
    h.run();
    let digits_gap = sample_models().join("digits-gap.json");
    apply_now(&mut h, Command::OpenModel(digits_gap));
    wait_for_jobs(&mut h);
    assert_ne!(h.state().explorer.pool_mode, PoolMode::Avg);
    h.get_by_label("Reset step").click();
    h.run();
    wait_for_jobs(&mut h);
    check_step(&h, &lesson, step, "en");
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
