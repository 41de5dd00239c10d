//! Issue 12: "anywhere a model is accepted, a `.onnx` file works directly". `inspect` and
//! `bench` are covered elsewhere (own_models_doc.rs, graphs.rs); here `sweep`, `consistency`,
//! `robustness`, `render` and `eval` each run on the LeNet-5 that PyTorch exported
//! (tests/fixtures/onnx/lenet5-ts.onnx, 1x28x28 in, 10 classes) and say something about it.

use convscope::io::InputSettings;
use convscope::io::onnx::load_onnx;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs the CLI; its stdout, or a panic with its stderr.
fn run(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_convscope"))
        .args(args)
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn every_command_that_takes_a_model_takes_an_onnx_file() {
    let model = repo("tests/fixtures/onnx/lenet5-ts.onnx");
    let model = model.to_str().unwrap();
    let digit = repo("assets/samples/digit_7.png");
    let digit = digit.to_str().unwrap();
    let data = format!("mnist:{}", repo("tests/fixtures/mnist-small").display());
    let onnx = load_onnx(Path::new(model), &InputSettings::default()).expect("loads");
    let first = onnx.model.layers()[0].name.clone();

    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("sweep.csv");
    run(&[
        "sweep",
        "--model",
        model,
        "--image",
        digit,
        "--max-shift",
        "1",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let sweep = std::fs::read_to_string(&csv).expect("the sweep's CSV");
    assert!(
        sweep.contains(&first),
        "the sweep names the stages: {sweep}"
    );

    let eval = run(&["eval", "--model", model, "--data", &data]);
    assert!(eval.contains('%'), "an accuracy: {eval}");

    let consistency = run(&[
        "consistency",
        "--model",
        model,
        "--data",
        &data,
        "--limit",
        "20",
        "--max-shift",
        "1",
        "--pool",
        "max,avg",
    ]);
    assert!(consistency.contains('%'), "{consistency}");

    let robustness = run(&[
        "robustness",
        "--model",
        model,
        "--data",
        &data,
        "--noise",
        "gaussian:0.1",
        "--pool",
        "max",
    ]);
    assert!(robustness.contains("gaussian"), "{robustness}");

    let png = dir.path().join("maps.png");
    run(&[
        "render",
        "--model",
        model,
        "--image",
        digit,
        "--layer",
        &first,
        "--out",
        png.to_str().unwrap(),
    ]);
    let picture = image::open(&png).expect("a PNG");
    assert!(picture.width() > 28 && picture.height() > 0);
}
