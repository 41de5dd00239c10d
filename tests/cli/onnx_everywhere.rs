//! Issue 12: "anywhere a model is accepted, a `.onnx` file works directly". `inspect` and
//! `bench` are covered elsewhere (own_models_doc.rs, graphs.rs); here `sweep`, `consistency`,
//! `robustness`, `render` and `eval` each run on the LeNet-5 that PyTorch exported
//! (tests/fixtures/onnx/lenet5-ts.onnx, 1x28x28 in, 10 classes) and say something about it.

use crate::support::{repo, stdout_of};
use convscope::io::InputSettings;
use convscope::io::onnx::load_onnx;
use std::path::Path;

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
    stdout_of(&[
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

    let eval = stdout_of(&["eval", "--model", model, "--data", &data]);
    assert!(eval.contains('%'), "an accuracy: {eval}");

    let consistency = stdout_of(&[
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

    let robustness = stdout_of(&[
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
    stdout_of(&[
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
