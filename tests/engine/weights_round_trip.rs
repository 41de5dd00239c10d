//! A model with inline weights and the same model saved with safetensors weights give
//! identical outputs, bit for bit; and the safetensors side refuses what it cannot use.

use convscope::engine::{RunOptions, Tensor};
use convscope::io::{load_model, parse_model, save_model};
use ndarray::Array3;
use serde_json::json;
use std::path::Path;

fn inline_model() -> serde_json::Value {
    // Weights from a fixed formula so the test needs no RNG. Shapes: 2@7x6 -> conv (3x3,
    // stride 2x1, padding 1x0) 3@4x4 -> avg pool (2x2, stride 1, padding 1) 3@5x5 -> 75.
    let w = |n: usize, salt: usize| -> Vec<f32> {
        (0..n)
            .map(|i| (((i * 7919 + salt * 104_729) % 1000) as f32 / 500.0) - 1.0)
            .collect()
    };
    let conv = w(3 * 2 * 3 * 3, 1);
    let conv_w: Vec<Vec<Vec<Vec<f32>>>> = (0..3)
        .map(|o| {
            (0..2)
                .map(|i| {
                    (0..3)
                        .map(|y| {
                            (0..3)
                                .map(|x| conv[((o * 2 + i) * 3 + y) * 3 + x])
                                .collect()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let dense = w(4 * 75, 2);
    let dense_w: Vec<Vec<f32>> = (0..4)
        .map(|o| dense[o * 75..(o + 1) * 75].to_vec())
        .collect();
    json!({
        "format": "convscope/1",
        "input": {"channels": 2, "height": 7, "width": 6},
        "layers": [
            {"type": "conv2d", "name": "0", "out_channels": 3, "kernel": 3, "stride": [2, 1], "padding": [1, 0], "weight": conv_w, "bias": w(3, 3)},
            {"type": "tanh"},
            {"type": "pool2d", "mode": "avg", "kernel": [2, 2], "stride": 1, "padding": 1},
            {"type": "flatten"},
            {"type": "dense", "name": "3", "out_features": 4, "weight": dense_w, "bias": w(4, 4)},
        ]
    })
}

/// The inline model, and the same model saved as `saved.json` + `saved.safetensors` in a
/// fresh folder (kept alive by the returned guard).
fn inline_and_saved() -> (
    convscope::engine::Model,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let inline = parse_model(
        Path::new("inline.json"),
        &inline_model().to_string(),
        Path::new("."),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.json");
    save_model(&inline, &path).unwrap();
    (inline, dir, path)
}

#[test]
fn inline_and_safetensors_give_identical_outputs() {
    let (inline, dir, path) = inline_and_saved();
    assert!(dir.path().join("saved.safetensors").exists());
    let saved = load_model(&path).unwrap();
    let x = Array3::from_shape_fn((2, 7, 6), |(c, y, x)| ((c * 42 + y * 6 + x) as f32).sin());
    let a = inline.forward_all(&x, &RunOptions::default()).unwrap();
    let b = saved.forward_all(&x, &RunOptions::default()).unwrap();
    assert_eq!(a, b);
    assert!(matches!(a.last(), Some(Tensor::Vector(v)) if v.len() == 4));
}

#[test]
fn unused_and_wrongly_typed_tensors_are_refused() {
    let (_, _dir, path) = inline_and_saved();
    // Drop the dense layer from the JSON: its tensors are now unused, which would silently
    // change the network.
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["layers"].as_array_mut().unwrap().pop();
    std::fs::write(&path, v.to_string()).unwrap();
    let e = load_model(&path).unwrap_err().to_string();
    assert!(
        e.contains("saved.safetensors") && e.contains("3.weight"),
        "{e}"
    );
}
