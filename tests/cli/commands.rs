//! The `convscope` binary: `inspect` writes every activation and a manifest, errors are one
//! line naming the file with no partial result, `bench` prints its JSON line, `train
//! --fresh-data` records that it drew new shapes each epoch, and a closed output pipe ends a
//! command quietly.

use crate::support::{convscope, convscope_command, fixture};
use convscope::engine::RunOptions;
use convscope::io::{load_model, npy};
use ndarray::{Array3, ArrayD};
use ndarray_npy::ReadNpyExt;
use std::path::{Path, PathBuf};
use std::process::Output;

fn read(path: &Path) -> ArrayD<f32> {
    ArrayD::read_npy(std::fs::File::open(path).unwrap()).unwrap()
}

/// A white vertical bar on black, 8x8.
fn bar_png(dir: &Path) -> PathBuf {
    let img = image::GrayImage::from_fn(8, 8, |x, _| {
        image::Luma([if (3..5).contains(&x) { 255 } else { 0 }])
    });
    let p = dir.join("bar.png");
    img.save(&p).unwrap();
    p
}

#[test]
fn inspect_writes_every_layer_and_the_numbers_are_the_engines() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let model_path = fixture("models/edge-detector.json");
    let image = bar_png(dir.path());
    let o = convscope(&[
        "inspect",
        "--model",
        model_path.to_str().unwrap(),
        "--image",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("prediction: vertical"), "{stdout}");

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 7);
    assert_eq!(layers[0]["file"], "01_sobel.npy");
    assert_eq!(layers[0]["shape"], serde_json::json!([2, 8, 8]));
    assert_eq!(layers[2]["shape"], serde_json::json!([2, 4, 4]));

    // The files hold exactly what the engine computes from input.npy.
    let model = load_model(&model_path).unwrap();
    let input: Array3<f32> = npy::read_input_npy(&out.join("input.npy")).unwrap();
    // The bar: columns 3 and 4 at (1 - 0.5) / 0.5 = 1, elsewhere -1.
    assert_eq!(input[[0, 0, 3]], 1.0);
    assert_eq!(input[[0, 0, 0]], -1.0);
    let outputs = model.forward_all(&input, &RunOptions::default()).unwrap();
    for (entry, t) in layers.iter().zip(&outputs) {
        let saved = read(&out.join(entry["file"].as_str().unwrap()));
        assert_eq!(saved, t.to_dyn());
    }
}

#[test]
fn inspect_input_npy_with_shift_and_pool_override() {
    let dir = tempfile::tempdir().unwrap();
    let x = Array3::<f32>::from_shape_fn((1, 8, 8), |(_, y, x)| (y * 8 + x) as f32 / 64.0);
    let xp = dir.path().join("x.npy");
    npy::write_npy(&xp, &x.clone().into_dyn()).unwrap();
    let out = dir.path().join("o");
    let model = fixture("models/edge-detector.json");
    let o = convscope(&[
        "inspect",
        "--model",
        model.to_str().unwrap(),
        "--input-npy",
        xp.to_str().unwrap(),
        "--shift",
        "-1,2",
        "--fill",
        "wrap",
        "--pool",
        "avg",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // --input-npy is used as is, only shifted (wrap): input[y][x] = x[y-2][x+1].
    let input = read(&out.join("input.npy"));
    assert_eq!(input[[0, 2, 0]], x[[0, 0, 1]]);
    assert_eq!(input[[0, 0, 7]], x[[0, 6, 0]]);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"pool\": \"avg\""), "{manifest}");
}

fn assert_clean_failure(o: &Output, names: &str, out: &Path) {
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(names), "stderr does not name {names}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !out.join("manifest.json").exists(),
        "a partial result was left"
    );
}

#[test]
fn bad_inputs_fail_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let good = fixture("models/edge-detector.json");
    let image = bar_png(dir.path());
    // A broken model.
    let bad_model = dir.path().join("broken.json");
    std::fs::write(&bad_model, "{\"format\": \"convscope/1\"").unwrap();
    let o = convscope(&[
        "inspect",
        "--model",
        bad_model.to_str().unwrap(),
        "--image",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_failure(&o, "broken.json", &out);
    // A corrupt image.
    let bad_image = dir.path().join("corrupt.png");
    std::fs::write(&bad_image, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let o = convscope(&[
        "inspect",
        "--model",
        good.to_str().unwrap(),
        "--image",
        bad_image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_failure(&o, "corrupt.png", &out);
    // An .npy of the wrong shape.
    let wrong = dir.path().join("wrong.npy");
    npy::write_npy(&wrong, &Array3::<f32>::zeros((3, 8, 8)).into_dyn()).unwrap();
    let o = convscope(&[
        "inspect",
        "--model",
        good.to_str().unwrap(),
        "--input-npy",
        wrong.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_clean_failure(&o, "wrong.npy", &out);
}

#[test]
fn bench_prints_one_json_line() {
    let model = fixture("models/edge-detector.json");
    let o = convscope(&["bench", "--model", model.to_str().unwrap(), "--iters", "20"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).trim()).unwrap();
    assert_eq!(line["shifts"], 289);
    assert!(line["forward_us"].as_f64().unwrap() > 0.0);
    assert!(line["forward_all_threads_us"].as_f64().unwrap() > 0.0);
    assert!(line["sweep_ms"].as_f64().unwrap() > 0.0);
    // Each convolution names the kernel it ran with; other layers name none.
    let layers = line["layer_us"].as_array().unwrap();
    let kernels: Vec<_> = layers.iter().filter_map(|l| l["kernel"].as_str()).collect();
    assert!(!kernels.is_empty(), "{layers:?}");
    for k in kernels {
        assert!(
            [
                "direct",
                "pointwise-gemm",
                "im2col-gemm",
                "depthwise",
                "winograd"
            ]
            .contains(&k),
            "{k}"
        );
    }
}

/// A network small enough to train on shapes in a test: 8x8 average pooling of the 64x64 RGB
/// input, then one dense layer to the five classes.
const TINY_SHAPES_ARCH: &str = r#"{
  "format": "convscope/1",
  "name": "tiny",
  "input": {"channels": 3, "height": 64, "width": 64, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]},
  "layers": [
    {"type": "pool2d", "name": "pool", "mode": "avg", "kernel": 8, "stride": 8},
    {"type": "flatten", "name": "flatten"},
    {"type": "dense", "name": "fc", "out_features": 5},
    {"type": "softmax", "name": "softmax"}
  ]
}"#;

#[test]
fn train_with_fresh_data_says_so_and_is_refused_on_mnist() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("tiny.json");
    std::fs::write(&arch, TINY_SHAPES_ARCH).unwrap();
    let out = dir.path().join("m.json");
    let train = |data: &str| {
        convscope(&[
            "train",
            "--arch",
            arch.to_str().unwrap(),
            "--data",
            data,
            "--fresh-data",
            "--epochs",
            "2",
            "--seed",
            "1",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let o = train("shapes:20");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let training = &model["training"];
    assert_eq!(training["fresh_data"], true);
    assert_eq!(training["dataset"], "shapes:20");
    assert_eq!(training["history"].as_array().unwrap().len(), 2);

    std::fs::remove_file(&out).unwrap();
    let o = train("mnist:tests/fixtures/mnist-small");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--fresh-data"), "{err}");
    assert!(!out.exists(), "a model was written");
}

/// Cosine similarity computed here from two .npy files, independently of the analysis module.
fn cosine_of_files(a: &Path, b: &Path) -> f64 {
    let (a, b) = (read(a), read(b));
    let dot: f64 = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| *x as f64 * *y as f64)
        .sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    if na == 0.0 && nb == 0.0 {
        1.0
    } else if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

#[test]
fn sweep_numbers_equal_separate_inspect_runs() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture("models/edge-detector.json");
    let image = bar_png(dir.path());
    let csv = dir.path().join("sweep.csv");
    let o = convscope(&[
        "sweep",
        "--model",
        model.to_str().unwrap(),
        "--image",
        image.to_str().unwrap(),
        "--max-shift",
        "2",
        "--pool",
        "max,avg",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 10, "5 shifts x 2 pooling modes");
    let original = dir.path().join("orig");
    for pool in ["max", "avg"] {
        let run = |dx: i32, out: &Path| {
            let shift = format!("{dx},0");
            let o = convscope(&[
                "inspect",
                "--model",
                model.to_str().unwrap(),
                "--image",
                image.to_str().unwrap(),
                "--pool",
                pool,
                "--shift",
                &shift,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        };
        run(0, &original);
        for dx in [-2, 1, 2] {
            let shifted = dir.path().join(format!("{pool}{dx}"));
            run(dx, &shifted);
            let row = rows
                .iter()
                .find(|r| r[0] == pool && r[1] == dx.to_string() && r[2] == "0")
                .unwrap();
            let manifest: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(shifted.join("manifest.json")).unwrap(),
            )
            .unwrap();
            let mut files = vec!["input.npy".to_string()];
            files.extend(
                manifest["layers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["file"].as_str().unwrap().to_string()),
            );
            for (stage, file) in files.iter().enumerate() {
                let col = 3 + 2 * stage;
                assert!(header[col].ends_with("_same"));
                let want = cosine_of_files(&original.join(file), &shifted.join(file));
                let got: f64 = row[col].parse().unwrap();
                assert!(
                    (got - want).abs() < 2e-6,
                    "{pool} dx={dx} {}: sweep {got} vs inspect {want}",
                    header[col]
                );
            }
        }
    }
}

#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    // `convscope eval ... | head -1`: the reader goes away before the results are written.
    // The read end is closed right after the spawn, long before the model and data are loaded.
    let mut child = convscope_command()
        .args([
            "eval",
            "--model",
            "sample_models/digits-max.json",
            "--data",
            &format!("mnist:{}", fixture("mnist-small").display()),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{stderr}");
}
