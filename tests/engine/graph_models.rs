//! `convscope/1` graphs: layers that name their `inputs` (residual `add`, `concat`, `mul`),
//! hand-computed outputs, every wiring error naming its layer, the round trip through a file,
//! the memory-saving forward pass, and training refusing graphs.

use convscope::engine::train::check_trainable;
use convscope::engine::{Model, RunOptions, Shape, Source};
use convscope::io::{load_model, parse_model, save_model};
use ndarray::Array3;
use serde_json::{Value, json};
use std::path::Path;

/// Input 1@2x2 = [[1, 2], [3, -4]].
/// - `a`: conv 1x1 weight 2, bias 0 -> [[2, 4], [6, -8]]
/// - `r`: relu(a) -> [[2, 4], [6, 0]]
/// - `sum`: add(r, input) -> [[3, 6], [9, -4]] (the skip connection reads the input)
/// - `cat`: concat(sum, a) -> 2@2x2: [[3, 6], [9, -4]] then [[2, 4], [6, -8]]
/// - `gap`: global average pooling -> [3.5, 1.0] as 2@1x1
/// - `se`: mul(cat, gap) -> channel 0 times 3.5, channel 1 times 1
fn residual() -> Value {
    json!({
        "format": "convscope/1", "name": "res",
        "input": {"channels": 1, "height": 2, "width": 2},
        "layers": [
            {"type": "conv2d", "name": "a", "out_channels": 1, "kernel": 1,
             "weight": [[[[2.0]]]], "bias": [0.0]},
            {"type": "relu", "name": "r"},
            {"type": "add", "name": "sum", "inputs": ["r", "input"]},
            {"type": "concat", "name": "cat", "inputs": ["sum", "a"]},
            {"type": "global_avg_pool", "name": "gap"},
            {"type": "mul", "name": "se", "inputs": ["cat", "gap"]}
        ]
    })
}

fn parse(v: &Value) -> Result<Model, String> {
    parse_model(Path::new("g.json"), &v.to_string(), Path::new(".")).map_err(|e| e.to_string())
}

fn input() -> Array3<f32> {
    Array3::from_shape_vec((1, 2, 2), vec![1., 2., 3., -4.]).unwrap()
}

#[test]
fn a_graph_computes_the_hand_worked_values() {
    let m = parse(&residual()).unwrap();
    assert!(!m.is_chain());
    assert_eq!(m.sources(2), &[Source::Layer(1), Source::Input]);
    assert_eq!(
        m.sources(4),
        &[Source::Layer(3)],
        "no inputs: the layer before"
    );
    assert_eq!(m.shapes()[3], Shape::maps(2, 2, 2));
    let out = m.forward_all(&input(), &RunOptions::default()).unwrap();
    assert_eq!(out[2].values(), vec![3., 6., 9., -4.]);
    assert_eq!(out[3].values(), vec![3., 6., 9., -4., 2., 4., 6., -8.]);
    assert_eq!(out[4].values(), vec![3.5, 1.0]);
    assert_eq!(
        out[5].values(),
        vec![10.5, 21., 31.5, -14., 2., 4., 6., -8.]
    );
}

#[test]
fn the_memory_saving_pass_visits_the_same_outputs() {
    let m = parse(&residual()).unwrap();
    let all = m.forward_all(&input(), &RunOptions::default()).unwrap();
    let mut seen = Vec::new();
    let last = m
        .forward_visit(input(), &RunOptions::default(), |i, t| {
            seen.push((i, t.clone()))
        })
        .unwrap();
    assert_eq!(seen.len(), all.len());
    for (i, t) in seen {
        assert_eq!(t, all[i], "stage {i}");
    }
    assert_eq!(Some(&last), all.last());
}

/// The forward pass computes activations, batch norms and sums in their input's memory when
/// nothing later reads that input: the same outputs as the trace, whether or not a later
/// layer still reads the input (`a` is read by `n` and by `s`; `r`, `s`, `t` are read once).
#[test]
fn in_place_layers_leave_the_outputs_later_layers_read() {
    let v = json!({
        "format": "convscope/1", "name": "inplace",
        "input": {"channels": 2, "height": 2, "width": 3},
        "layers": [
            {"type": "conv2d", "name": "a", "out_channels": 2, "kernel": 1,
             "weight": [[[[2.0]], [[-1.0]]], [[[0.5]], [[1.0]]]], "bias": [0.0, -1.0]},
            {"type": "batch_norm", "name": "n", "weight": [2.0, 0.5], "bias": [0.1, -0.2],
             "running_mean": [1.0, -1.0], "running_var": [4.0, 1.0]},
            {"type": "relu", "name": "r"},
            {"type": "add", "name": "s", "inputs": ["r", "a"]},
            {"type": "relu6", "name": "t"},
            {"type": "batch_norm", "name": "u", "weight": [1.0, 3.0], "bias": [0.0, 1.0],
             "running_mean": [0.5, 0.0], "running_var": [1.0, 2.0]}
        ]
    });
    let m = parse(&v).unwrap();
    let x = Array3::from_shape_fn((2, 2, 3), |(c, y, x)| (c * 6 + y * 3 + x) as f32 - 5.5);
    let all = m.forward_all(&x, &RunOptions::default()).unwrap();
    let mut seen = Vec::new();
    let last = m
        .forward_visit(x.clone(), &RunOptions::default(), |i, t| {
            seen.push((i, t.clone()))
        })
        .unwrap();
    for (i, t) in seen {
        assert_eq!(t, all[i], "stage {i}");
    }
    assert_eq!(Some(&last), all.last());
    // The sum read `a` as it was, not as batch-normed or rectified in place.
    let (a, r, s) = (all[0].values(), all[2].values(), all[3].values());
    for ((a, r), s) in a.iter().zip(&r).zip(&s) {
        assert_eq!(a + r, *s);
    }
}

fn error_of(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = residual();
    edit(&mut v);
    let err = parse(&v).expect_err("the edited graph must be refused");
    assert!(err.starts_with("g.json: "), "names the file: {err}");
    err
}

#[test]
fn wiring_errors_name_the_layer_and_the_problem() {
    let e = error_of(|v| v["layers"][2]["inputs"] = json!(["r", "nope"]));
    assert!(
        e.contains("layer sum") && e.contains("\"nope\" is not the name of a layer"),
        "{e}"
    );
    let e = error_of(|v| v["layers"][2]["inputs"] = json!(["r", "cat"]));
    assert!(
        e.contains("layer sum") && e.contains("comes after this layer"),
        "{e}"
    );
    let e = error_of(|v| v["layers"][2]["inputs"] = json!(["sum", "r"]));
    assert!(
        e.contains("layer sum") && e.contains("its own output"),
        "{e}"
    );
    let e = error_of(|v| v["layers"][2]["inputs"] = json!([]));
    assert!(e.contains("layer sum") && e.contains("is empty"), "{e}");
    let e = error_of(|v| v["layers"][2]["inputs"] = json!("r"));
    assert!(
        e.contains("sum") && e.contains("not a list of layer names"),
        "{e}"
    );
    // add: 1@2x2 and 2@2x2
    let e = error_of(|v| {
        v["layers"][5] = json!({"type": "add", "name": "bad", "inputs": ["cat", "a"]})
    });
    assert!(
        e.contains("layer bad") && e.contains("2 @ 2x2 and 1 @ 2x2"),
        "{e}"
    );
    // concat: 2x2 maps and 1x1 maps
    let e = error_of(|v| {
        v["layers"][5] = json!({"type": "concat", "name": "bad", "inputs": ["cat", "gap"]})
    });
    assert!(
        e.contains("layer bad") && e.contains("one size (2x2)"),
        "{e}"
    );
    // a one-input layer given two
    let e = error_of(|v| v["layers"][1]["inputs"] = json!(["a", "input"]));
    assert!(
        e.contains("layer r") && e.contains("reads one input, not 2"),
        "{e}"
    );
    // add without inputs reads only the layer before
    let e = error_of(|v| {
        v["layers"][2].as_object_mut().unwrap().remove("inputs");
    });
    assert!(e.contains("layer sum") && e.contains("at least two"), "{e}");
}

#[test]
fn a_graph_saves_and_loads_to_the_same_numbers() {
    let m = parse(&residual()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("res.json");
    save_model(&m, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    // Chained layers write no `inputs`: only the three merges do.
    assert_eq!(text.matches("\"inputs\"").count(), 3, "{text}");
    let back = load_model(&path).unwrap();
    assert_eq!(back.all_sources(), m.all_sources());
    let o = RunOptions::default();
    assert_eq!(
        back.forward_all(&input(), &o).unwrap(),
        m.forward_all(&input(), &o).unwrap()
    );
}

#[test]
fn training_refuses_a_graph_and_says_why() {
    let m = parse(&residual()).unwrap();
    let e = check_trainable(&m).unwrap_err().to_string();
    assert!(
        e.contains("layer sum") && e.contains("chains of layers"),
        "{e}"
    );
}

/// Weights [out][in][k][k] from a fixed sequence, between -0.5 and 0.5.
fn weights(out: usize, per_in: usize, k: usize, seed: usize) -> Value {
    let at = |i: usize| (((i * 7919 + seed * 104_729) % 1000) as f32 / 1000.0) - 0.5;
    let mut i = 0;
    let mut next = || {
        i += 1;
        at(i)
    };
    json!(
        (0..out)
            .map(|_| (0..per_in)
                .map(|_| (0..k).map(|_| (0..k).map(|_| next()).collect()).collect())
                .collect())
            .collect::<Vec<Vec<Vec<Vec<f32>>>>>()
    )
}

/// The forward pass lets a convolution apply the ReLU or clip after it as it writes its
/// output (every kernel: im2col at stride 2, the pointwise product, depthwise, direct), but
/// not when something else reads the convolution's output too: the same numbers, to the
/// bit, as the trace that runs every layer on its own.
#[test]
fn a_clamp_after_a_convolution_gives_the_same_numbers_as_its_own_layer() {
    let conv = |name: &str, out: usize, per_in: usize, k: usize, extra: Value| {
        let mut v = json!({"type": "conv2d", "name": name, "out_channels": out, "kernel": k,
            "weight": weights(out, per_in, k, out + k), "bias": vec![0.05; out]});
        for (key, value) in extra.as_object().unwrap() {
            v[key] = value.clone();
        }
        v
    };
    let v = json!({
        "format": "convscope/1", "name": "clamps",
        "input": {"channels": 3, "height": 20, "width": 20},
        "layers": [
            conv("strided", 40, 3, 3, json!({"stride": 2, "padding": 1})),
            {"type": "relu", "name": "r1"},
            conv("expand", 48, 40, 1, json!({})),
            {"type": "relu6", "name": "r2"},
            conv("depthwise", 48, 1, 3, json!({"padding": 1, "groups": 48})),
            {"type": "clip", "name": "c3", "min": -0.2, "max": 0.3},
            conv("direct", 8, 48, 3, json!({"padding": 1})),
            {"type": "relu", "name": "r4"},
            conv("shared", 8, 8, 3, json!({"padding": 1})),
            {"type": "relu", "name": "r5"},
            {"type": "add", "name": "sum", "inputs": ["r5", "shared"]}
        ]
    });
    let m = parse(&v).unwrap();
    let kernels: Vec<&str> = [0, 2, 4, 6]
        .iter()
        .map(|&i| m.conv_kernel(i).unwrap().name())
        .collect();
    assert_eq!(
        kernels,
        ["im2col-gemm", "pointwise-gemm", "depthwise", "direct"]
    );
    let x = Array3::from_shape_fn((3, 20, 20), |(c, y, x)| {
        ((c * 400 + y * 20 + x) % 37) as f32 / 9.0 - 2.0
    });
    let all = m.forward_all(&x, &RunOptions::default()).unwrap();
    let fused = m.forward(&x, &RunOptions::default()).unwrap();
    assert_eq!(&fused, all.last().unwrap());
    // Each activation clamped something: the test would notice a clamp left out.
    for a in [1, 3, 5, 7, 9] {
        assert_ne!(all[a], all[a - 1], "layer {a} changes its input");
    }
}
