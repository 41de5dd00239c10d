//! The layers real courses use against an independent implementation: one small random model
//! per layer and attribute combination (conv dilation, groups, depthwise, asymmetric and "same"
//! padding; pooling ceil_mode with and without a change of size, count_include_pad 0/1,
//! asymmetric pads; global max pooling; batch norm over maps and vectors; every new
//! activation; log-softmax; adaptive pooling to sizes that do and do not divide), with every
//! layer's expected output made by tests/reference/make_layer_reference.py: onnxruntime 1.32,
//! or PyTorch for adaptive pooling (ONNX has no such operator).
//!
//! Each output must match to 1e-4 of the layer's range (its largest value minus its smallest,
//! or its largest magnitude when that is larger). `cargo test --test engine reference_layers --
//! --nocapture` prints the worst error of each case.

use convscope::engine::{RunOptions, Tensor};
use convscope::io::{load_model, npy};
use ndarray::ArrayD;
use ndarray_npy::ReadNpyExt;
use std::path::Path;

fn read(path: &Path) -> ArrayD<f32> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ArrayD::<f32>::read_npy(file).unwrap()
}

#[test]
fn every_new_layer_matches_the_reference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference_layers");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let model = load_model(&dir.join("model.json")).unwrap_or_else(|e| panic!("{case}: {e}"));
        let input = npy::read_input_npy(&dir.join("input.npy")).unwrap();
        let outputs = model.forward_all(&input, &RunOptions::default()).unwrap();
        let mut worst = 0f32;
        for (i, out) in outputs.iter().enumerate() {
            let want = read(&dir.join(format!("{:02}.npy", i + 1)));
            let got: ArrayD<f32> = match out {
                Tensor::Maps(a) => a.clone().into_dyn(),
                Tensor::Vector(v) => v.clone().into_dyn(),
            };
            assert_eq!(
                got.shape(),
                want.shape(),
                "{case}: layer {} ({}) has the wrong shape",
                i + 1,
                model.layers()[i].name
            );
            let (lo, hi) = want
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            let magnitude = want.iter().fold(0f32, |m, v| m.max(v.abs()));
            let range = (hi - lo).max(magnitude).max(f32::MIN_POSITIVE);
            for (g, w) in got.iter().zip(want.iter()) {
                let err = (g - w).abs() / range;
                worst = worst.max(err);
                if err > 1e-4 {
                    failures.push(format!(
                        "{case}: layer {} ({}): {g} vs reference {w} (range {range})",
                        i + 1,
                        model.layers()[i].kind.type_name()
                    ));
                    break;
                }
            }
        }
        println!("{case:32} worst error {worst:.2e} of the range");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(dirs.len() >= 50, "{} cases: fixtures missing", dirs.len());
}
