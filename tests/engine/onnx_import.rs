//! PyTorch nets exported to ONNX by both of torch's exporters (TorchScript `-ts`, dynamo
//! `-dynamo`), opened by convscope and compared with onnxruntime at every stage and at the
//! output. The fixtures come from tests/reference/make_onnx_models.py (torch 2.15,
//! onnxruntime 1.32); each `.ort.safetensors` holds the input and onnxruntime's value of
//! every tensor of the graph by ONNX name.

use convscope::engine::{LayerKind, Model, RunOptions, Tensor};
use convscope::io::InputSettings;
use convscope::io::onnx::{OnnxModel, load_onnx};
use ndarray::Array3;
use safetensors::SafeTensors;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/onnx")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

fn floats(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// onnxruntime's values by ONNX name (batch axis kept in the shape).
fn reference(name: &str) -> BTreeMap<String, (Vec<usize>, Vec<f32>)> {
    reference_in(&fixtures(), name)
}

fn reference_in(dir: &Path, name: &str) -> BTreeMap<String, (Vec<usize>, Vec<f32>)> {
    let bytes = std::fs::read(dir.join(format!("{name}.ort.safetensors"))).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    st.tensors()
        .into_iter()
        .map(|(n, v)| (n, (v.shape().to_vec(), floats(v.data()))))
        .collect()
}

/// The largest difference from onnxruntime over all stages, as a fraction of each stage's
/// range; and how many stages were compared. Panics past `tolerance`.
fn compare(name: &str, tolerance: f32) -> (f32, usize) {
    compare_in(&fixtures(), name, tolerance)
}

pub fn compare_in(dir: &Path, name: &str, tolerance: f32) -> (f32, usize) {
    let OnnxModel { model, outputs, .. } =
        load_onnx(&dir.join(format!("{name}.onnx")), &InputSettings::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    let refs = reference_in(dir, name);
    let (shape, input) = &refs["input"];
    let input = Array3::from_shape_vec((shape[1], shape[2], shape[3]), input.clone()).unwrap();
    let got = model.forward_all(&input, &RunOptions::default()).unwrap();
    let mut worst = 0f32;
    let mut compared = 0;
    for (i, (out, onnx_name)) in got.iter().zip(&outputs).enumerate() {
        let Some((shape, want)) = refs.get(onnx_name) else {
            continue;
        };
        let values = match out {
            // A stage of data the graph holds channels-last ([1, H, W, C] after a Transpose,
            // as ConvNeXt's LayerNorm and Linear layers see it): compared in that order.
            Tensor::Maps(a) if shape.len() == 4 && a.dim() != (shape[1], shape[2], shape[3]) => {
                a.view().permuted_axes([1, 2, 0]).iter().copied().collect()
            }
            Tensor::Maps(a) => a.iter().copied().collect::<Vec<_>>(),
            Tensor::Vector(v) => v.to_vec(),
        };
        assert_eq!(
            values.len(),
            want.len(),
            "{name}: stage {} ({onnx_name}) has {} values, onnxruntime {shape:?}",
            model.layers()[i].name,
            values.len()
        );
        let (lo, hi) = want
            .iter()
            .fold((f32::MAX, f32::MIN), |(l, h), &v| (l.min(v), h.max(v)));
        let range = (hi - lo).max(1e-6);
        let err = values
            .iter()
            .zip(want)
            .map(|(g, w)| (g - w).abs() / range)
            .fold(0f32, f32::max);
        assert!(
            err <= tolerance,
            "{name}: stage {} ({onnx_name}) differs from onnxruntime by {err} of its range",
            model.layers()[i].name
        );
        worst = worst.max(err);
        compared += 1;
    }
    // The network's output is the last stage's, and the fast pass (activations applied by
    // the convolutions before them) ends the same.
    assert_eq!(outputs.last().map(String::as_str), Some("output"), "{name}");
    let last = model.forward(&input, &RunOptions::default()).unwrap();
    assert_eq!(Some(&last), got.last(), "{name}: the fused forward pass");
    eprintln!("{name}: {compared} stages, max error {worst:.2e} of the range");
    (worst, compared)
}

#[test]
fn lenet5_matches_onnxruntime_at_every_stage() {
    for exp in ["ts", "dynamo"] {
        let (_, stages) = compare(&format!("lenet5-{exp}"), 1e-4);
        // conv, tanh, pool, conv, tanh, pool, flatten, 3 dense + 2 tanh
        assert_eq!(stages, 12, "lenet5-{exp}");
    }
}

#[test]
fn tiny_matches_onnxruntime_at_every_stage() {
    for exp in ["ts", "dynamo"] {
        let (_, stages) = compare(&format!("tiny-{exp}"), 1e-4);
        assert_eq!(stages, 6, "tiny-{exp}");
    }
}

/// The fixture `NAME.onnx` opened as convscope opens it, or a panic naming it.
pub fn load(name: &str) -> Model {
    load_onnx(
        &fixtures().join(format!("{name}.onnx")),
        &InputSettings::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .model
}

/// A model's stage kinds, in order.
pub fn kinds(m: &Model) -> Vec<&'static str> {
    m.layers().iter().map(|l| l.kind.type_name()).collect()
}

#[test]
fn vgg_with_batchnorm_matches_onnxruntime_at_every_stage() {
    // TorchScript and dynamo fold each BatchNorm into its conv at export; `ts-keep` keeps
    // them, and they stay stages of their own.
    for (exp, stages) in [("ts", 14), ("dynamo", 14), ("ts-keep", 18)] {
        let name = format!("vgg-bn-{exp}");
        let (_, compared) = compare(&name, 1e-4);
        assert_eq!(compared, stages, "{name}");
        assert_eq!(kinds(&load(&name)).last(), Some(&"log_softmax"), "{name}");
    }
    let kept = kinds(&load("vgg-bn-ts-keep"));
    assert_eq!(kept.iter().filter(|k| **k == "batch_norm").count(), 4);
    assert_eq!(&kept[..3], ["conv2d", "batch_norm", "relu"]);
}

#[test]
fn mixed_activations_and_convolutions_match_onnxruntime_at_every_stage() {
    // ReLU6 (Clip), ELU, GELU (spelt out with Erf by TorchScript, one Gelu node in dynamo),
    // SiLU and Hardswish (spelt out as x * Sigmoid(x), x * HardSigmoid(x) by TorchScript):
    // each one stage, as in PyTorch.
    let want = [
        "conv2d",
        "relu6",
        "conv2d",
        "elu",
        "conv2d",
        "gelu",
        "pool2d",
        "conv2d",
        "silu",
        "pool2d",
        "hardswish",
        "global_avg_pool",
        "flatten",
        "dense",
    ];
    for exp in ["ts", "dynamo"] {
        let name = format!("mixed-{exp}");
        let (_, compared) = compare(&name, 1e-4);
        assert_eq!(compared, want.len(), "{name}");
        assert_eq!(kinds(&load(&name)), want, "{name}");
    }
    let m = load_onnx(&fixture("mixed-ts.onnx"), &InputSettings::default()).unwrap();
    let layers = m.model.layers();
    let conv = |i: usize| match &layers[i].kind {
        LayerKind::Conv2d(c) => (c.dilation, c.groups),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        [conv(0), conv(2), conv(4)],
        [((2, 2), 1), ((1, 1), 4), ((1, 1), 8)]
    );
    let LayerKind::Pool2d(avg) = &layers[9].kind else {
        panic!("avg pool")
    };
    assert!(!avg.count_include_pad);
    // The spelt-out GELU is named after its last node.
    assert_eq!(layers[5].name, "/5/Mul_1");
}

#[test]
fn the_rest_of_the_layer_set_matches_onnxruntime_at_every_stage() {
    // PReLU, SELU, LeakyReLU, Hardtanh, Hardsigmoid, tanh-GELU; "same" padding with an even
    // kernel (auto_pad in TorchScript, asymmetric pads in dynamo); ceil_mode pooling that
    // makes 29 -> 15 and 4 -> 3; ZeroPad2d before average and max pooling; a dilated
    // depthwise conv; global max pooling; BatchNorm1d (folded into the Gemm by dynamo).
    for (exp, stages) in [("ts", 20), ("ts-keep", 20), ("dynamo", 19)] {
        let name = format!("acts-{exp}");
        let (_, compared) = compare(&name, 1e-4);
        assert_eq!(compared, stages, "{name}");
    }
    let m = load_onnx(&fixture("acts-ts.onnx"), &InputSettings::default()).unwrap();
    let shapes = m.model.shapes();
    assert_eq!(shapes[2], convscope::engine::Shape::maps(8, 15, 15));
    let kinds = kinds(&load("acts-ts"));
    for k in [
        "prelu",
        "selu",
        "clip",
        "leaky_relu",
        "hardsigmoid",
        "gelu",
        "global_max_pool",
        "batch_norm",
        "log_softmax",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
}

#[test]
fn stages_are_named_after_nodes() {
    let m = load_onnx(&fixture("tiny-ts.onnx"), &InputSettings::default()).unwrap();
    let names: Vec<&str> = m.model.layers().iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "/0/Conv",
            "/1/Relu",
            "/2/MaxPool",
            "/3/Flatten",
            "/4/Gemm",
            "/5/Softmax"
        ]
    );
}

#[test]
fn converting_to_convscope_json_gives_the_same_numbers_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["lenet5-ts", "tiny-dynamo"] {
        let onnx = load_onnx(&fixture(&format!("{name}.onnx")), &InputSettings::default())
            .unwrap()
            .model;
        let out = dir.path().join(format!("{name}.json"));
        convscope::io::save_model(&onnx, &out).unwrap();
        assert!(dir.path().join(format!("{name}.safetensors")).exists());
        let json = convscope::io::load_model(&out).unwrap();
        let refs = reference(name);
        let (shape, input) = &refs["input"];
        let input = Array3::from_shape_vec((shape[1], shape[2], shape[3]), input.clone()).unwrap();
        let a = onnx.forward_all(&input, &RunOptions::default()).unwrap();
        let b = json.forward_all(&input, &RunOptions::default()).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            let (x, y) = (x.values(), y.values());
            assert!(
                x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()),
                "{name}"
            );
        }
        let names = |m: &convscope::engine::Model| -> Vec<String> {
            m.layers().iter().map(|l| l.name.clone()).collect()
        };
        assert_eq!(names(&onnx), names(&json));
    }
}

#[test]
fn the_sidecar_names_the_classes_and_sets_normalisation() {
    let m = load_onnx(&fixture("tiny-ts.onnx"), &InputSettings::default())
        .unwrap()
        .model;
    assert_eq!(m.info.labels, ["circle", "square", "triangle"]);
    assert_eq!(
        (m.input.mean.clone(), m.input.std.clone()),
        (vec![0.5], vec![0.25])
    );
    // The same file through the one entry point every command uses.
    let same = convscope::io::load_model(&fixture("tiny-ts.onnx")).unwrap();
    assert_eq!(same.info.labels, m.info.labels);
}

/// torchvision's AlexNet and VGG11-BN with random weights, too big to commit: made by
/// tests/reference/make_big_onnx.py into $CONVSCOPE_BIG_ONNX (the numbers:
/// docs/performance.md#imported-onnx-models-stage-by-stage).
#[test]
#[ignore = "needs the big models made by tests/reference/make_big_onnx.py"]
fn big_torchvision_nets_match_onnxruntime() {
    let dir = PathBuf::from(
        std::env::var("CONVSCOPE_BIG_ONNX").unwrap_or_else(|_| "/tmp/convscope-big".into()),
    );
    for name in [
        "alexnet-ts",
        "alexnet-dynamo",
        "vgg11-bn-ts",
        "vgg11-bn-dynamo",
    ] {
        if dir.join(format!("{name}.onnx")).exists() {
            compare_in(&dir, name, 1e-4);
        } else {
            eprintln!("{name}: not in {}", dir.display());
        }
    }
}

/// Issue 12 item 4: an ONNX file past the limit is refused before it is read, saying which
/// limit and how big the file is.
#[test]
fn an_onnx_file_past_the_limit_is_refused_with_its_size_and_the_limit() {
    use convscope::engine::limits::MAX_ONNX_BYTES;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.onnx");
    // A sparse file: no disk space or time is spent on its bytes.
    let size = MAX_ONNX_BYTES + 1;
    std::fs::File::create(&path).unwrap().set_len(size).unwrap();
    let e = convscope::io::load_model(&path).unwrap_err().to_string();
    assert!(
        e.contains("huge.onnx")
            && e.contains(&format!("the file has {size} bytes"))
            && e.contains(&format!("past the limit of {MAX_ONNX_BYTES} bytes"))
            && e.contains("for an ONNX file"),
        "{e}"
    );
}
