//! Layer normalisation spelt out node by node (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt,
//! Div, Mul, Add), as TorchScript exports `F.layer_norm` below opset 17 and as a hand-written
//! LayerNorm over channels exports with either exporter: one layer_norm stage each, checked
//! against onnxruntime at every stage (fixtures from tests/reference/make_idiom_onnx.py), and
//! whatever is not exactly that refused in one line naming the node, its operator and what to
//! do.

use crate::onnx_builder::{floats, model, node};
use crate::onnx_import::{compare_in, fixtures, kinds, load};
use convscope::engine::{LayerKind, Model};
use convscope::io::InputSettings;
use convscope::io::onnx::load_onnx;
use convscope::io::onnx::proto::{NodeProto, TensorProto};
use prost::Message;

/// The layer norms of a model: name, eps, and whether weight and bias are the identity.
fn layer_norms(m: &Model) -> Vec<(String, f32, bool)> {
    m.layers()
        .iter()
        .filter_map(|l| match &l.kind {
            LayerKind::LayerNorm(ln) => Some((
                l.name.clone(),
                ln.eps,
                ln.weight.iter().all(|&w| w == 1.0) && ln.bias.iter().all(|&b| b == 0.0),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn layer_norm_over_channels_written_with_mean_is_one_stage_each() {
    for (exp, names) in [
        ("ts", ["/1/layer_norm", "/4/layer_norm"]),
        // The dynamo exporter's nodes have no module path: named after the last node.
        ("dynamo", ["node_add_1", "node_div_1"]),
    ] {
        let name = format!("ln-mean-{exp}");
        let (_, compared) = compare_in(&fixtures(), &name, 1e-4);
        let m = load(&name);
        let k = kinds(&m);
        // conv, layer norm (weight and bias taken in), GELU, conv, layer norm (no affine,
        // the square as d * d), ReLU, then the head: no per-channel scale stages.
        assert_eq!(
            k[..6],
            [
                "conv2d",
                "layer_norm",
                "gelu",
                "conv2d",
                "layer_norm",
                "relu"
            ],
            "{name}: {k:?}"
        );
        assert_eq!(k.iter().filter(|k| **k == "conv2d").count(), 2, "{name}");
        assert_eq!(
            layer_norms(&m),
            [
                (names[0].to_string(), 1e-6, false),
                (names[1].to_string(), 1e-5, true)
            ],
            "{name}"
        );
        assert!(compared >= 7, "{name}: {compared} stages compared");
    }
}

#[test]
fn convnext_at_opset_13_reads_as_it_does_at_opset_17() {
    // The same architecture exported with LayerNormalization nodes (opset 17) and with the
    // normalisation spelt out (opset 13): the same stages, one layer_norm per LayerNorm.
    let (_, compared) = compare_in(&fixtures(), "convnext-13-ts", 1e-4);
    let spelt = load("convnext-13-ts");
    let whole = load("convnext-small-ts");
    assert_eq!(kinds(&spelt), kinds(&whole));
    let names: Vec<String> = layer_norms(&spelt).into_iter().map(|(n, ..)| n).collect();
    assert_eq!(
        names,
        [
            "/1/layer_norm",
            "/2/block/block.2/layer_norm",
            "/3/layer_norm",
            "/5/block/block.2/layer_norm",
            "/7/layer_norm"
        ]
    );
    assert!(
        compared >= spelt.layers().len() - 2,
        "{compared} of {} stages",
        spelt.layers().len()
    );
}

fn axes(name: &str, v: &[i64]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: vec![v.len() as i64],
        data_type: Some(7),
        int64_data: v.to_vec(),
        ..Default::default()
    }
}

/// A 1x1 convolution of the 1x1x4x4 input, then `nodes` (ReduceMean's axes in `axes1`, a
/// number 2 in `two`, 1e-5 in `eps`), at opset 18; opened, or its one-line error.
fn open(nodes: Vec<NodeProto>, output: &str) -> Result<Model, String> {
    let mut all = vec![node("Conv", "conv", &["x", "w", "b"], "c")];
    all.extend(nodes);
    let init = vec![
        floats("w", &[1, 1, 1, 1], &[2.0]),
        floats("b", &[1], &[0.5]),
        axes("axes1", &[1]),
        floats("two", &[], &[2.0]),
        floats("three", &[], &[3.0]),
        floats("eps", &[], &[1e-5]),
    ];
    let bytes = model(18, all, init, output).encode_to_vec();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.onnx");
    std::fs::write(&path, bytes).expect("write");
    load_onnx(&path, &InputSettings::default())
        .map(|m| m.model)
        .map_err(|e| e.to_string())
}

/// ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div over the channels of `c`.
fn spelt(pow: &str) -> Vec<NodeProto> {
    vec![
        node("ReduceMean", "mean", &["c", "axes1"], "u"),
        node("Sub", "sub", &["c", "u"], "d"),
        node("Pow", "pow", &["d", pow], "d2"),
        node("ReduceMean", "var", &["d2", "axes1"], "v"),
        node("Add", "add", &["v", "eps"], "ve"),
        node("Sqrt", "sqrt", &["ve"], "s"),
        node("Div", "div", &["d", "s"], "n"),
    ]
}

#[test]
fn the_whole_normalisation_opens_and_a_part_of_it_is_refused_naming_node_and_next_step() {
    // The positive control: the seven nodes, then a ReLU reading the result.
    let mut nodes = spelt("two");
    nodes.push(node("Relu", "relu", &["n"], "y"));
    let m = open(nodes, "y").expect("layer norm spelt out opens");
    assert_eq!(kinds(&m), ["conv2d", "layer_norm", "relu"]);
    let next = "Export at opset 17 or newer (LayerNormalization), or write it with nn.LayerNorm";
    // The mean over the channels read by something else (CBAM's channel mean).
    let err = open(
        vec![
            node("ReduceMean", "mean", &["c", "axes1"], "u"),
            node("Relu", "relu", &["u"], "y"),
        ],
        "y",
    )
    .unwrap_err();
    assert!(
        err.contains(
            "t.onnx: node relu (Relu): it reads \"u\", the mean over the channels (from node mean), and Relu here is not the next step of a layer normalisation"
        ) && err.ends_with(next)
            && !err.contains('\n'),
        "{err}"
    );
    // The difference cubed, not squared.
    let mut nodes = spelt("three");
    nodes.push(node("Relu", "relu", &["n"], "y"));
    let err = open(nodes, "y").unwrap_err();
    assert!(
        err.contains(
            "t.onnx: node pow (Pow): it reads \"d\", the data minus its mean over the channels (from node mean), and Pow here is not the next step"
        ) && err.ends_with(next),
        "{err}"
    );
    // A graph that ends with the variance.
    let nodes = spelt("two")[..4].to_vec();
    let err = open(nodes, "v").unwrap_err();
    assert!(
        err.contains("t.onnx: its output \"v\" is the variance over the channels (from node mean)")
            && err.ends_with(next),
        "{err}"
    );
}
