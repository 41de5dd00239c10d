//! Every way a model file can be wrong gives an error that names the file, the layer and the
//! field, without a panic and before any large allocation.

use convscope::engine::{RunOptions, Shape};
use convscope::io::{load_model, parse_model};
use serde_json::{Value, json};
use std::path::Path;

/// A small valid model with inline weights: conv 1->2 (3x3, padding 1), relu, 2x2 max pool,
/// flatten, dense 2*2*2 -> 3, softmax, on a 1x4x4 input.
fn valid() -> Value {
    json!({
        "format": "convscope/1", "name": "tiny",
        "input": {"channels": 1, "height": 4, "width": 4, "mean": [0.5], "std": [0.25]},
        "labels": ["a", "b", "c"],
        "layers": [
            {"type": "conv2d", "name": "conv1", "out_channels": 2, "kernel": 3, "padding": 1,
             "weight": [[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]], [[[1, 0, -1], [2, 0, -2], [1, 0, -1]]]],
             "bias": [0.0, 0.5]},
            {"type": "relu"},
            {"type": "pool2d", "name": "pool1", "mode": "max", "kernel": 2},
            {"type": "flatten"},
            {"type": "dense", "name": "fc", "out_features": 3,
             "weight": [[1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]],
             "bias": [0, 0, 0]},
            {"type": "softmax"}
        ]
    })
}

fn parse(v: &Value) -> Result<convscope::engine::Model, String> {
    parse_model(Path::new("m.json"), &v.to_string(), Path::new(".")).map_err(|e| e.to_string())
}

fn error_of(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = valid();
    edit(&mut v);
    let err = parse(&v).expect_err("the edited model must be refused");
    assert!(
        err.starts_with("m.json: "),
        "error does not name the file: {err}"
    );
    err
}

#[test]
fn the_valid_model_loads_with_inferred_shapes() {
    let m = parse(&valid()).unwrap();
    assert_eq!(
        m.shapes(),
        &[
            Shape::maps(2, 4, 4),
            Shape::maps(2, 4, 4),
            Shape::maps(2, 2, 2),
            Shape::Vector(8),
            Shape::Vector(3),
            Shape::Vector(3)
        ]
    );
    assert_eq!(m.parameter_count(), 2 * 9 + 2 + 8 * 3 + 3);
    // Unnamed layers get TYPE_INDEX names.
    assert_eq!(m.layers()[1].name, "relu_1");
    let out = m
        .forward(&ndarray::Array3::zeros((1, 4, 4)), &RunOptions::default())
        .unwrap();
    assert!((out.values().iter().sum::<f32>() - 1.0).abs() < 1e-6);
}

#[test]
fn wrong_weight_shape_names_layer_and_tensor() {
    let e = error_of(|v| v["layers"][0]["weight"] = json!([[[[1, 2], [3, 4]]]]));
    assert!(
        e.contains("conv1") && e.contains("weight") && e.contains("[2, 1, 3, 3]"),
        "{e}"
    );
}

#[test]
fn missing_tensor_without_weights_file() {
    let e = error_of(|v| {
        v["layers"][4].as_object_mut().unwrap().remove("weight");
    });
    assert!(
        e.contains("fc") && e.contains("fc.weight") && e.contains("missing"),
        "{e}"
    );
}

#[test]
fn dense_input_size_that_does_not_match() {
    // Without the pool the dense layer would get 32 values, not 8.
    let e = error_of(|v| {
        v["layers"].as_array_mut().unwrap().remove(2);
    });
    assert!(e.contains("fc") && e.contains("[3, 32]"), "{e}");
}

#[test]
fn spatial_size_that_shrinks_to_zero() {
    let e = error_of(|v| v["layers"][2]["kernel"] = json!(5));
    assert!(e.contains("pool1") && e.contains("shrinks to zero"), "{e}");
}

#[test]
fn unknown_type_and_unknown_field() {
    let e = error_of(|v| v["layers"][1] = json!({"type": "batchnorm"}));
    assert!(e.contains("layer 1") && e.contains("batchnorm"), "{e}");
    let e = error_of(|v| v["layers"][1]["inplace"] = json!(true));
    assert!(e.contains("layer 1") && e.contains("inplace"), "{e}");
    let e = error_of(|v| v["colour"] = json!("red"));
    assert!(e.contains("colour"), "{e}");
}

#[test]
fn non_finite_weights() {
    // JSON has no NaN; a number too large for f32 becomes infinity.
    let e = error_of(|v| v["layers"][0]["weight"][0][0][0][0] = json!(1e300));
    assert!(e.contains("conv1") && e.contains("not finite"), "{e}");
}

#[test]
fn dims_past_sane_limits_are_refused_before_allocating() {
    let e = error_of(|v| v["input"]["height"] = json!(50_000));
    assert!(e.contains("height") && e.contains("50000"), "{e}");
    let e = error_of(|v| v["layers"][0]["out_channels"] = json!(1_000_000_000u64));
    assert!(e.contains("out_channels"), "{e}");
    let e = error_of(|v| {
        v["layers"][4]["out_features"] = json!(4_000_000_000u64);
        v["layers"][4].as_object_mut().unwrap().remove("weight");
    });
    assert!(
        e.contains("fc") && (e.contains("limit") || e.contains("between")),
        "{e}"
    );
}

#[test]
fn labels_count_must_match_outputs() {
    let e = error_of(|v| v["labels"] = json!(["a", "b"]));
    assert!(
        e.contains("labels") && e.contains("2 labels for 3 outputs"),
        "{e}"
    );
}

#[test]
fn format_and_weights_name_are_checked() {
    let e = error_of(|v| v["format"] = json!("onnx"));
    assert!(e.contains("convscope/1"), "{e}");
    for bad in ["../w.safetensors", "sub/w.safetensors", "..", "/etc/passwd"] {
        let e = error_of(|v| v["weights"] = json!(bad));
        assert!(e.contains("bare file name"), "{bad}: {e}");
    }
}

#[test]
fn mean_and_std_must_fit_the_channels() {
    let e = error_of(|v| v["input"]["std"] = json!([0.0]));
    assert!(e.contains("std"), "{e}");
    let e = error_of(|v| v["input"]["mean"] = json!([0.1, 0.2]));
    assert!(
        e.contains("mean") && e.contains("2 values for 1 channels"),
        "{e}"
    );
}

#[test]
fn broken_files_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.json");
    std::fs::write(&p, "{\"format\": \"convscope/1\", \"layers\": [").unwrap();
    let e = load_model(&p).unwrap_err().to_string();
    assert!(e.contains("broken.json"), "{e}");
    let e = load_model(&dir.path().join("absent.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("absent.json"), "{e}");
    // A weights file that is not safetensors.
    let mut v = valid();
    v["weights"] = json!("w.safetensors");
    v["layers"][4].as_object_mut().unwrap().remove("weight");
    v["layers"][4].as_object_mut().unwrap().remove("bias");
    std::fs::write(
        dir.path().join("w.safetensors"),
        b"\x08\x00\x00\x00\x00\x00\x00\x00{garbage",
    )
    .unwrap();
    std::fs::write(&p, v.to_string()).unwrap();
    let e = load_model(&p).unwrap_err().to_string();
    assert!(
        e.contains("w.safetensors") && e.contains("safetensors"),
        "{e}"
    );
}
