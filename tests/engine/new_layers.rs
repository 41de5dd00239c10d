//! The layers added for real courses' nets (batch norm, PReLU, the newer activations,
//! adaptive and global max pooling, log-softmax) in `convscope/1`: each parses, infers its
//! shape, survives a save and load bit for bit, and a wrong value is refused with its layer
//! and field named. Their numbers are checked against onnxruntime in `reference_onnx.rs`.

use convscope::engine::{Activation, LayerKind, RunOptions, Shape};
use convscope::io::{load_model, parse_model, save_model};
use ndarray::Array3;
use serde_json::{Value, json};
use std::path::Path;

/// 2x5x5 input -> batch norm (inline statistics) -> every new activation -> prelu per channel
/// -> adaptive avg to 3x3 (5 does not divide by 3) -> adaptive max to 2x2 -> global max pool
/// -> flatten -> batch norm over the vector -> dense -> log_softmax.
fn model_json() -> Value {
    json!({
        "format": "convscope/1", "name": "new-layers",
        "input": {"channels": 2, "height": 5, "width": 5},
        "layers": [
            {"type": "batch_norm", "name": "bn", "eps": 0.001,
             "weight": [1.5, 0.5], "bias": [0.1, -0.2],
             "running_mean": [0.2, -0.1], "running_var": [0.8, 2.0]},
            {"type": "relu6"},
            {"type": "clip", "min": -0.5},
            {"type": "hardtanh", "min": -2, "max": 2},
            {"type": "elu", "alpha": 0.7},
            {"type": "selu"},
            {"type": "gelu"},
            {"type": "gelu", "approximate": "tanh"},
            {"type": "silu"},
            {"type": "hardswish"},
            {"type": "hardsigmoid", "alpha": 0.2},
            {"type": "prelu", "name": "pr", "weight": [0.1, 0.3]},
            {"type": "adaptive_pool2d", "name": "aa", "mode": "avg", "output": 3},
            {"type": "adaptive_pool2d", "name": "am", "mode": "max", "output": [2, 2]},
            {"type": "global_max_pool", "name": "gmp"},
            {"type": "flatten"},
            {"type": "batch_norm", "name": "bn1d",
             "weight": [1, 2], "bias": [0, 0], "running_mean": [0, 0], "running_var": [1, 1]},
            {"type": "dense", "name": "fc", "out_features": 3,
             "weight": [[1, -1], [0.5, 0.5], [-1, 2]], "bias": [0, 0.1, 0.2]},
            {"type": "log_softmax"}
        ]
    })
}

fn parse(v: &Value) -> Result<convscope::engine::Model, String> {
    parse_model(Path::new("m.json"), &v.to_string(), Path::new(".")).map_err(|e| e.to_string())
}

fn input() -> Array3<f32> {
    Array3::from_shape_fn((2, 5, 5), |(c, y, x)| {
        ((c * 25 + y * 5 + x) as f32 * 0.37).sin() * 3.0
    })
}

#[test]
fn every_new_layer_parses_with_its_shape_and_kind() {
    let m = parse(&model_json()).unwrap();
    let kinds: Vec<&str> = m.layers().iter().map(|l| l.kind.type_name()).collect();
    assert_eq!(
        kinds,
        [
            "batch_norm",
            "relu6",
            "clip",
            "clip",
            "elu",
            "selu",
            "gelu",
            "gelu",
            "silu",
            "hardswish",
            "hardsigmoid",
            "prelu",
            "adaptive_pool2d",
            "adaptive_pool2d",
            "global_max_pool",
            "flatten",
            "batch_norm",
            "dense",
            "log_softmax"
        ]
    );
    let shapes = m.shapes();
    assert_eq!(shapes[12], Shape::maps(2, 3, 3));
    assert_eq!(shapes[13], Shape::maps(2, 2, 2));
    assert_eq!(shapes[14], Shape::maps(2, 1, 1));
    assert_eq!(shapes[16], Shape::Vector(2));
    assert_eq!(
        m.layers()[2].kind,
        LayerKind::Activation(Activation::Clip {
            min: -0.5,
            max: f32::INFINITY
        })
    );
    assert_eq!(
        m.layers()[10].kind,
        LayerKind::Activation(Activation::Hardsigmoid {
            alpha: 0.2,
            beta: 0.5
        })
    );
    // gamma and beta of both batch norms, 2 PReLU slopes, the dense layer.
    assert_eq!(m.parameter_count(), 4 + 4 + 2 + 6 + 3);
    assert!(m.ends_in_classes(), "log_softmax gives one score per class");
    // log-softmax output: the exp sums to one.
    let out = m
        .forward(&input(), &RunOptions::default())
        .unwrap()
        .values();
    let sum: f32 = out.iter().map(|v| v.exp()).sum();
    assert!((sum - 1.0).abs() < 1e-5, "{out:?}");
}

#[test]
fn a_saved_model_with_every_new_layer_loads_and_runs_bit_for_bit() {
    let m = parse(&model_json()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.json");
    save_model(&m, &path).unwrap();
    let back = load_model(&path).unwrap();
    assert_eq!(back.layers(), m.layers());
    let opts = RunOptions::default();
    assert_eq!(
        back.forward_all(&input(), &opts).unwrap(),
        m.forward_all(&input(), &opts).unwrap()
    );
}

#[test]
fn batch_norm_from_a_pytorch_state_dict_ignores_num_batches_tracked() {
    // A safetensors file as PyTorch writes it for BatchNorm2d(2): weight, bias, running
    // statistics and the step counter.
    let dir = tempfile::tempdir().unwrap();
    let f32s = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let data = [
        ("bn.weight", f32s(&[2.0, 1.0])),
        ("bn.bias", f32s(&[0.0, 1.0])),
        ("bn.running_mean", f32s(&[1.0, 0.0])),
        ("bn.running_var", f32s(&[4.0, 1.0])),
    ];
    let steps = 7i64.to_le_bytes().to_vec();
    let mut views: Vec<(String, safetensors::tensor::TensorView)> = data
        .iter()
        .map(|(n, d)| {
            let view =
                safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![2], d).unwrap();
            (n.to_string(), view)
        })
        .collect();
    views.push((
        "bn.num_batches_tracked".into(),
        safetensors::tensor::TensorView::new(safetensors::Dtype::I64, vec![], &steps).unwrap(),
    ));
    std::fs::write(
        dir.path().join("w.safetensors"),
        safetensors::tensor::serialize(views, None).unwrap(),
    )
    .unwrap();
    let text = json!({
        "format": "convscope/1", "weights": "w.safetensors",
        "input": {"channels": 2, "height": 1, "width": 1},
        "layers": [{"type": "batch_norm", "name": "bn", "eps": 1e-9}]
    })
    .to_string();
    std::fs::write(dir.path().join("m.json"), text).unwrap();
    let m = load_model(&dir.path().join("m.json")).unwrap();
    // channel 0: (3 - 1) / 2 * 2 + 0 = 2; channel 1: (3 - 0) / 1 * 1 + 1 = 4
    let out = m
        .forward(&Array3::from_elem((2, 1, 1), 3.0), &RunOptions::default())
        .unwrap();
    let v = out.values();
    assert!(
        (v[0] - 2.0).abs() < 1e-6 && (v[1] - 4.0).abs() < 1e-6,
        "{v:?}"
    );
}

#[test]
fn without_weights_batch_norm_and_prelu_start_as_pytorch_does() {
    let m = parse(&json!({
        "format": "convscope/1",
        "input": {"channels": 3, "height": 2, "width": 2},
        "layers": [{"type": "batch_norm"}, {"type": "prelu"}]
    }))
    .unwrap();
    let LayerKind::BatchNorm(bn) = &m.layers()[0].kind else {
        panic!("not a batch norm")
    };
    assert_eq!(bn.weight.to_vec(), vec![1.0; 3]);
    assert_eq!(bn.running_var.to_vec(), vec![1.0; 3]);
    let LayerKind::Prelu(p) = &m.layers()[1].kind else {
        panic!("not a prelu")
    };
    assert_eq!(p.weight.to_vec(), vec![0.25]);
}

fn error_of(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = model_json();
    edit(&mut v);
    parse(&v).expect_err("the edited model must be refused")
}

#[test]
fn wrong_values_name_the_layer_and_field() {
    let e = error_of(|v| v["layers"][7]["approximate"] = json!("fast"));
    assert!(e.contains("approximate") && e.contains("\"fast\""), "{e}");
    let e = error_of(|v| {
        v["layers"][3]["min"] = json!(3);
        v["layers"][3]["max"] = json!(1);
    });
    assert!(e.contains("min 3 is above max 1"), "{e}");
    let e = error_of(|v| v["layers"][0]["running_mean"] = json!([0.0, 0.0, 0.0]));
    assert!(e.contains("layer bn") && e.contains("running_mean"), "{e}");
    let e = error_of(|v| v["layers"][0]["running_var"] = json!([1.0, -1.0]));
    assert!(e.contains("running_var") && e.contains("below zero"), "{e}");
    let e = error_of(|v| v["layers"][0]["eps"] = json!(0));
    assert!(e.contains("eps"), "{e}");
    let e = error_of(|v| v["layers"][11]["weight"] = json!([0.1, 0.2, 0.3]));
    assert!(e.contains("layer pr") && e.contains("3 channels"), "{e}");
    let e = error_of(|v| v["layers"][12]["output"] = json!(0));
    assert!(e.contains("layer aa") && e.contains("output"), "{e}");
    let e = error_of(|v| v["layers"][12]["mode"] = json!("blurmax"));
    assert!(e.contains("layer aa") && e.contains("max or avg"), "{e}");
    let e = error_of(|v| v["layers"][4]["alpha"] = json!(null));
    assert!(e.contains("layer 4"), "{e}");
}

#[test]
fn a_vgg_sized_dense_layer_is_within_the_limits() {
    // VGG's first dense layer: 25088 x 4096 = 102.8 M weights, past the old 64 M limit. Without
    // a weights file the only complaint is the missing tensor, not its size.
    let e = parse(&json!({
        "format": "convscope/1",
        "input": {"channels": 8, "height": 56, "width": 56},
        "layers": [{"type": "flatten"}, {"type": "dense", "name": "fc", "out_features": 4096}]
    }))
    .unwrap_err();
    assert!(e.contains("tensor `fc.weight` is missing"), "{e}");
}

#[test]
fn a_weights_file_past_the_limit_is_refused_with_its_size_and_the_limit() {
    use convscope::engine::limits::MAX_WEIGHTS_BYTES;
    let dir = tempfile::tempdir().unwrap();
    // A sparse file: no disk space or time is spent on its bytes.
    let size = MAX_WEIGHTS_BYTES + 1;
    std::fs::File::create(dir.path().join("w.safetensors"))
        .unwrap()
        .set_len(size)
        .unwrap();
    let text = json!({
        "format": "convscope/1", "weights": "w.safetensors",
        "input": {"channels": 1, "height": 2, "width": 2}, "layers": [{"type": "flatten"}]
    });
    std::fs::write(dir.path().join("m.json"), text.to_string()).unwrap();
    let e = load_model(&dir.path().join("m.json"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("the file has {size} bytes"))
            && e.contains(&format!(
                "past the limit of {MAX_WEIGHTS_BYTES} bytes (1.00 GiB)"
            )),
        "{e}"
    );
}
