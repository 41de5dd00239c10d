//! A lesson step's evidence over test sets (`paired`, `consistency`, `test_noise`) and the
//! noise control on one input: measured off the UI thread while frames keep coming, shown as
//! `…` until done, kept for when the class comes back, and equal to what the analyses give
//! when run directly on the same test digits (as `convscope consistency` and
//! `convscope robustness` run them).

use crate::support::{H, app, apply_now, repo, wait_for_jobs};
use convscope::analysis::consistency::consistency;
use convscope::analysis::paired::mcnemar_exact;
use convscope::analysis::robustness::{
    Noise, NoiseKind, example_seed, noisy, parse_noise_or_none, robustness,
};
use convscope::analysis::similarity::same_position;
use convscope::app::Command;
use convscope::data::{self, DataSpec, Dataset};
use convscope::engine::train::{Examples, evaluate};
use convscope::engine::{Model, PoolMode, RunOptions};
use convscope::io::{Fill, load_model, network_input};
use convscope::lesson::facts::{PENDING, p_value, percent};
use convscope::lesson::{Facts, Lesson};
use std::path::Path;
use std::time::{Duration, Instant};

const STEPS: &str = r#"id = "evidence"

[[step]]
id = "measured"
model = "digits-max"
sample = "digit_7"
stage = "pool1"
noise = "saltpepper:0.1"
noise_seed = 0
paired = [["digits-max", "digits-avg"]]
consistency = ["digits-max"]
test_noise = ["digits-max"]

[[step]]
id = "missing"
paired = [["digits-max", "no-such-model"]]
"#;

const TEXTS: &str = "lesson-title = Evidence
measured-title = Measured
measured = p { $digits-max-vs-digits-avg-p }, { $digits-max-consistency-2 }%, { $digits-max-noise-accuracy }%, { $noise-max-pool1-similarity }%, { $noise-salt } salt.
missing-title = Missing
missing = p { $digits-max-vs-no-such-model-p }.
missing-question = Which is right more often?
";

fn model(name: &str) -> Model {
    load_model(&repo("sample_models").join(format!("{name}.json"))).expect("a sample model")
}

fn test_digits() -> Dataset {
    data::load(&DataSpec::Mnist(repo("assets/data/mnist")))
        .expect("the bundled digits")
        .test
}

/// Whether each test digit is read right, by the engine's own evaluation (the one that
/// measured the stored test accuracy).
fn right(m: &Model, set: &Dataset) -> Vec<bool> {
    let inputs = set.network_inputs(&m.input).expect("digits");
    let labels = set.labels();
    let examples = Examples {
        inputs: &inputs,
        labels: &labels,
    };
    let (_, predicted) = evaluate(m, examples).expect("evaluates");
    predicted.iter().zip(&labels).map(|(p, l)| p == l).collect()
}

fn fact<'a>(facts: &'a Facts, name: &str) -> &'a str {
    facts.get(name).unwrap_or_else(|| panic!("no {name}"))
}

/// Opens the lesson and draws frames until its evidence is measured: how long that took,
/// how many frames were drawn meanwhile and the slowest of them.
fn open_and_measure(h: &mut H, path: &Path) -> (Duration, usize, Duration) {
    apply_now(h, Command::OpenLesson(path.to_string_lossy().into_owned()));
    h.step();
    let facts = h.state().lesson_facts();
    for name in [
        "digits-max-vs-digits-avg-p",
        "digits-max-accuracy",
        "digits-max-consistency-3",
        "digits-max-noise-accuracy",
        "digits-max-vs-other-noise-verdict",
    ] {
        assert_eq!(
            facts.get(name),
            Some(PENDING),
            "{name} before it is measured"
        );
    }
    let start = Instant::now();
    let (mut frames, mut slowest) = (0, Duration::ZERO);
    while h.state().busy() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the evidence was not measured in 5 minutes"
        );
        let frame = Instant::now();
        h.step();
        slowest = slowest.max(frame.elapsed());
        frames += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    (start.elapsed(), frames, slowest)
}

#[test]
fn evidence_is_measured_off_the_ui_thread_and_matches_the_analyses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evidence.toml");
    std::fs::write(&path, STEPS).unwrap();
    std::fs::write(dir.path().join("evidence.en.ftl"), TEXTS).unwrap();
    // Copies of the two models, so that this test measures them itself: the evidence the other
    // tests measured in this process was measured on the repository's files.
    let models = tempfile::tempdir().unwrap();
    for name in ["digits-max", "digits-avg"] {
        for ext in ["json", "safetensors"] {
            let file = format!("{name}.{ext}");
            std::fs::copy(repo("sample_models").join(&file), models.path().join(&file)).unwrap();
        }
    }
    let mut h = app()
        .size(egui::vec2(1600.0, 1000.0))
        .models_in(&[models.path().to_path_buf()])
        .no_dialogs()
        .build();
    let (took, frames, slowest) = open_and_measure(&mut h, &path);
    // The frames went on while the test sets were measured: none waited for them.
    eprintln!("evidence measured in {took:?}; {frames} frames meanwhile, the slowest {slowest:?}");
    assert!(frames >= 10, "{frames} frames in {took:?}");
    assert!(slowest * 4 < took, "a frame of {slowest:?} in {took:?}");
    wait_for_jobs(&mut h);
    let app = h.state();
    assert_eq!(app.lesson.evidence.errors(), Vec::<&str>::new());
    let facts = app.lesson_facts();
    let lesson = Lesson::load(&path.to_string_lossy()).unwrap();
    let text = lesson.step_text("en", 0, &facts).unwrap().1;
    assert!(
        text.pending.is_empty() && text.unknown.is_empty(),
        "{text:?}"
    );

    // paired: the same counts as the engine's evaluation of both models on the test digits,
    // and each model's measured accuracy is the one its record stores.
    let digits = test_digits();
    let (max, avg) = (model("digits-max"), model("digits-avg"));
    let (a, b) = (right(&max, &digits), right(&avg, &digits));
    let a_only = a.iter().zip(&b).filter(|(x, y)| **x && !**y).count();
    let b_only = a.iter().zip(&b).filter(|(x, y)| !**x && **y).count();
    assert_eq!(
        fact(&facts, "digits-max-vs-digits-avg-a-right"),
        a_only.to_string()
    );
    assert_eq!(
        fact(&facts, "digits-max-vs-digits-avg-b-right"),
        b_only.to_string()
    );
    assert_eq!(
        fact(&facts, "digits-max-vs-digits-avg-p"),
        p_value(mcnemar_exact(a_only, b_only))
    );
    for (name, m) in [("digits-max", &max), ("digits-avg", &avg)] {
        let stored = m.info.training["test_accuracy"].as_f64().unwrap();
        assert_eq!(fact(&facts, &format!("{name}-accuracy")), percent(stored));
        assert_eq!(fact(&facts, &format!("{name}-test-size")), "998");
    }

    // consistency: `convscope consistency --max-shift K --pool max` (seed 0, zero fill).
    let trained = RunOptions::default();
    for k in [1, 2, 3] {
        let image = |i: usize| (digits.pixels(i), digits.label(i));
        let r = consistency(&max, digits.len(), &image, k, Fill::Zero, &trained, 0).unwrap();
        assert_eq!(
            fact(&facts, &format!("digits-max-consistency-{k}")),
            percent(r.consistency as f64),
            "{k} px"
        );
    }

    // test_noise: `convscope robustness --noise saltpepper:0.1 --seed 0` in max and in avg.
    let noise = Noise {
        kind: NoiseKind::SaltPepper,
        level: 0.1,
    };
    let example = |i: usize| {
        let clean = digits.pixels(i);
        let dirty = noisy(&clean, noise, (0.0, 1.0), example_seed(0, i));
        Ok::<_, String>((clean, dirty, digits.label(i)))
    };
    for (key, mode) in [("", None), ("other-", Some(PoolMode::Avg))] {
        let options = RunOptions {
            pool_mode: mode,
            dropout: None,
        };
        let r = robustness(&max, digits.len(), &example, &options).unwrap();
        assert_eq!(
            fact(&facts, &format!("digits-max-{key}noise-accuracy")),
            percent(r.noisy_accuracy as f64)
        );
        assert_eq!(
            fact(&facts, &format!("digits-max-{key}clean-accuracy")),
            percent(r.clean_accuracy as f64)
        );
    }

    // The noise control on this input: the same weights in max and in avg, each noisy run
    // against its own clean run, from the pixels the explorer shows.
    let ex = &app.explorer;
    assert_eq!(
        ex.noise.noise(),
        parse_noise_or_none("saltpepper:0.1").unwrap()
    );
    let input = |p| network_input(p, &max.input, 0, 0, Fill::Zero);
    // forward_all gives one output per layer, the input not included.
    let pool1 = max.layers().iter().position(|l| l.name == "pool1").unwrap();
    for mode in [PoolMode::Max, PoolMode::Avg] {
        let options = RunOptions {
            pool_mode: Some(mode),
            dropout: None,
        };
        let clean = max.forward_all(&input(&ex.clean_pixels), &options).unwrap();
        let dirty = max.forward_all(&input(&ex.pixels), &options).unwrap();
        let similarity = same_position(&clean[pool1], &dirty[pool1]);
        assert_eq!(
            fact(&facts, &format!("noise-{}-pool1-similarity", mode.as_str())),
            percent(similarity as f64)
        );
    }
    let salt = ex
        .clean_pixels
        .iter()
        .zip(&ex.pixels)
        .filter(|(c, n)| c != n && **n == 1.0)
        .count();
    let pepper = ex
        .clean_pixels
        .iter()
        .zip(&ex.pixels)
        .filter(|(c, n)| c != n && **n == 0.0)
        .count();
    assert_eq!(fact(&facts, "noise-salt"), salt.to_string());
    assert_eq!(fact(&facts, "noise-pepper"), pepper.to_string());
    assert!(salt > 0 && pepper > 0, "salt {salt}, pepper {pepper}");

    // A model the app does not have is an error in words, not a number that never comes.
    apply_now(&mut h, Command::NextLessonStep);
    h.step();
    let app = h.state();
    let errors = app.lesson.evidence.errors();
    assert!(
        errors.len() == 1 && errors[0].contains("no-such-model"),
        "{errors:?}"
    );
    let facts = app.lesson_facts();
    let text = lesson.step_text("en", 1, &facts).unwrap().1;
    assert_eq!(text.unknown, ["digits-max-vs-no-such-model-p"]);

    // Back at the first step its evidence is there at once: measured once, kept.
    apply_now(&mut h, Command::PrevLessonStep);
    h.step();
    assert!(!h.state().lesson.evidence.measuring());
    let facts = h.state().lesson_facts();
    assert_ne!(fact(&facts, "digits-max-consistency-1"), PENDING);
}
