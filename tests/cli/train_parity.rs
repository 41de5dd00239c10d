//! A run started from the app's Train tab (its state, headless, on a worker thread) gives the
//! same weights, bit for bit, as `convscope train` with the same settings and seed; and the
//! record it keeps is the CLI's. Runs on the MNIST subset bundled in assets/data/mnist.

use crate::support::convscope_command;
use convscope::app::{ArchChoice, DataChoice, RunState, TrainSettings, Training};
use convscope::data::augment::Augment;
use convscope::data::voice_augment::VoiceAugment;
use convscope::engine::{Model, PoolMode};
use convscope::io::{architecture::load_architecture, load_model};
use std::path::Path;
use std::time::{Duration, Instant};

/// Runs `settings` in the app's state until the worker is done (at most two minutes).
fn train_in_app(arch: &Model, settings: TrainSettings) -> Model {
    let ctx = egui::Context::default();
    let mut training = Training::default();
    training.settings = settings;
    training.start(arch, None, &ctx);
    let started = Instant::now();
    while training.running() {
        assert!(started.elapsed() < Duration::from_secs(120), "too slow");
        training.poll();
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = training.current.as_ref().expect("a run");
    assert_eq!(run.state, RunState::Finished, "{:?}", run.error);
    run.model.clone().expect("a trained model")
}

fn train_in_cli(args: &[&str], out: &Path) -> Model {
    let status = convscope_command()
        .arg("train")
        .args(args)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the CLI runs");
    assert!(status.success());
    load_model(out).expect("the CLI's model loads")
}

#[test]
fn the_app_and_the_cli_train_the_same_weights() {
    let arch = load_architecture(Path::new("sample_models/arch/fc.json")).expect("arch");
    let settings = TrainSettings {
        arch: ArchChoice::Current,
        data: DataChoice::Mnist,
        train_size: 160,
        epochs: 2,
        lr: 3e-3,
        batch: 16,
        seed: 7,
        pool: Some(PoolMode::Avg),
        dropout: Some(0.25),
        weight_decay: 1e-4,
        augment: Augment {
            shift: 1,
            noise: 0.05,
        },
        // Not for pictures: the recipe leaves them out.
        synthetic_voices: true,
        voice: VoiceAugment::all(),
    };
    let app = train_in_app(&arch, settings);
    let dir = std::env::temp_dir().join(format!("convscope-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let args = [
        "--arch",
        "sample_models/arch/fc.json",
        "--data",
        "mnist:assets/data/mnist",
        "--train-limit",
        "160",
        "--epochs",
        "2",
        "--lr",
        "0.003",
        "--batch",
        "16",
        "--seed",
        "7",
        "--pool",
        "avg",
        "--dropout",
        "0.25",
        "--weight-decay",
        "0.0001",
        "--augment-shift",
        "1",
        "--augment-noise",
        "0.05",
    ];
    let cli = train_in_cli(&args, &dir.join("cli.json"));
    assert_eq!(app.layers(), cli.layers(), "weights differ");
    // Saved and read back as the CLI's was, so both records went through the same JSON.
    convscope::io::save_model(&app, &dir.join("app.json")).expect("saves");
    let app = load_model(&dir.join("app.json")).expect("reloads");
    assert_eq!(app.layers(), cli.layers(), "weights differ after saving");
    // The records agree on everything but the wall time and how the folder was written.
    let strip = |m: &Model| {
        let mut t = m.info.training.clone();
        let dataset = t["dataset"].as_str().unwrap_or_default().to_string();
        assert!(dataset.ends_with("assets/data/mnist"), "{dataset}");
        t["wall_seconds"] = serde_json::Value::Null;
        t["dataset"] = serde_json::Value::Null;
        t
    };
    assert_eq!(strip(&app), strip(&cli));
    // Another seed gives other weights: the comparison above can fail.
    let other = train_in_cli(
        &[&args[..13], &["8"], &args[14..]].concat(),
        &dir.join("other.json"),
    );
    assert_ne!(app.layers(), other.layers());
    std::fs::remove_dir_all(&dir).ok();
}

/// Spoken digits from the Train tab (the packs in assets/data/fsdd and
/// assets/data/synthetic-voices) train the same speech network, bit for bit, as `convscope
/// train --data fsdd:assets/data/fsdd+assets/data/synthetic-voices --augment-voice ...`; 500
/// training recordings are spread over every speaker and digit, not the first 500 file names;
/// the synthetic voices add training recordings only, all of them, on top of the 500.
#[test]
fn speech_in_the_app_trains_as_the_cli() {
    let arch = load_architecture(Path::new("sample_models/arch/speech.json")).expect("arch");
    let settings = TrainSettings {
        arch: ArchChoice::Current,
        data: DataChoice::Speech,
        train_size: 500,
        epochs: 1,
        lr: 1e-3,
        batch: 32,
        seed: 3,
        pool: Some(PoolMode::Avg),
        dropout: None,
        weight_decay: 0.0,
        augment: Augment::default(),
        synthetic_voices: true,
        voice: VoiceAugment::classroom(),
    };
    let app = train_in_app(&arch, settings.clone());
    let dir = std::env::temp_dir().join(format!("convscope-speech-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let voice = VoiceAugment::classroom().to_string();
    let args = [
        "--arch",
        "sample_models/arch/speech.json",
        "--data",
        "fsdd:assets/data/fsdd+assets/data/synthetic-voices",
        "--train-limit",
        "500",
        "--epochs",
        "1",
        "--lr",
        "0.001",
        "--batch",
        "32",
        "--seed",
        "3",
        "--pool",
        "avg",
        "--augment-voice",
        &voice,
    ];
    let cli = train_in_cli(&args, &dir.join("cli.json"));
    assert_eq!(app.layers(), cli.layers(), "weights differ");
    let record = &app.info.training;
    // 500 of FSDD's and every one of the 1,596 synthetic voices' recordings.
    assert_eq!(record["train_size"], 500 + 1596);
    assert_eq!(
        record["test_size"], 250,
        "the voices are never test recordings"
    );
    assert_eq!(record["augment_voice"], voice.as_str());
    let dataset = record["dataset"].as_str().unwrap_or_default();
    assert!(
        dataset.contains("assets/data/fsdd+") && dataset.ends_with("assets/data/synthetic-voices"),
        "{dataset}"
    );
    let strip = |t: &serde_json::Value| {
        let mut t = t.clone();
        t["wall_seconds"] = serde_json::Value::Null;
        t["dataset"] = serde_json::Value::Null;
        t
    };
    assert_eq!(strip(record), strip(&cli.info.training));
    // One epoch on 500 recordings of every digit is far above chance (10%) on the 250 test
    // recordings; 500 of only zeros and ones could not be.
    let accuracy = record["test_accuracy"].as_f64().expect("accuracy");
    assert!(accuracy > 0.3, "test accuracy {accuracy}");
    // Without the variation the same run trains other weights: the comparison can fail.
    let plain = train_in_app(
        &arch,
        TrainSettings {
            voice: VoiceAugment::default(),
            ..settings
        },
    );
    assert_ne!(app.layers(), plain.layers());
    std::fs::remove_dir_all(&dir).ok();
}

/// `--validation N` holds the last N training digits out: training sees the same images (and
/// so makes the same weights) as without it, each epoch's held-out accuracy is measured on
/// those N (recomputed here), and the test set is measured once, at the end.
#[test]
fn a_validation_split_is_held_out_and_measured_each_epoch() {
    use convscope::data::{DataSpec, load_for};
    use convscope::engine::train::{Examples, evaluate};
    let dir = std::env::temp_dir().join(format!("convscope-validation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let common = [
        "--arch",
        "sample_models/arch/fc.json",
        "--data",
        "mnist:assets/data/mnist",
        "--train-limit",
        "100",
        "--epochs",
        "2",
        "--seed",
        "3",
    ];
    let held = train_in_cli(
        &[&common[..], &["--validation", "500"]].concat(),
        &dir.join("held.json"),
    );
    let plain = train_in_cli(&common, &dir.join("plain.json"));
    assert_eq!(
        held.layers(),
        plain.layers(),
        "the validation split leaked into training"
    );
    let t = &held.info.training;
    assert_eq!(t["validation_size"], 500);
    assert_eq!(t["train_size"], 100);
    assert_eq!(t["test_size"], 998);
    let history = t["history"].as_array().expect("a history");
    assert_eq!(history.len(), 2);
    for epoch in history {
        assert!(epoch.get("test_accuracy").is_none(), "{epoch}");
        assert!(epoch["validation_accuracy"].as_f64().is_some(), "{epoch}");
    }
    let split = load_for(
        &"mnist:assets/data/mnist".parse::<DataSpec>().unwrap(),
        &held,
    )
    .expect("the bundled digits");
    let (_, validation) = split.train.split_last(500);
    let inputs = validation.network_inputs(&held.input).expect("inputs");
    let labels = validation.labels();
    let (accuracy, _) = evaluate(
        &held,
        Examples {
            inputs: &inputs,
            labels: &labels,
        },
    )
    .expect("evaluates");
    assert_eq!(t["validation_accuracy"].as_f64(), Some(accuracy as f64));
    assert_eq!(
        history[1]["validation_accuracy"].as_f64(),
        Some(accuracy as f64),
        "the last epoch's point is the final model's validation accuracy"
    );
    // A split as big as the training set is refused, naming the sizes.
    let out = convscope_command()
        .arg("train")
        .args(common)
        .args(["--validation", "8000", "--out"])
        .arg(dir.join("none.json"))
        .output()
        .expect("the CLI runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--validation 8000") && err.contains("8000 training images"),
        "{err}"
    );
    assert!(!dir.join("none.json").exists());
    std::fs::remove_dir_all(&dir).ok();
}
