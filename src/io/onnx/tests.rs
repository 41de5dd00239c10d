//! Small graphs written node by node (as exporters write them) and what the reader makes of
//! them: layers, folded plumbing, and one-line refusals.

use super::proto::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto, tensor_shape_proto, type_proto,
};
use super::{OnnxModel, parse_onnx};
use crate::engine::{Activation, LayerKind, RunOptions, Shape};
use crate::io::InputSettings;
use ndarray::Array3;
use prost::Message;
use std::path::Path;

fn node(
    op: &str,
    name: &str,
    inputs: &[&str],
    output: &str,
    attribute: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        op_type: Some(op.into()),
        name: Some(name.into()),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        attribute,
        ..Default::default()
    }
}

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        ints: v.to_vec(),
        r#type: Some(7),
        ..Default::default()
    }
}

fn int(name: &str, v: i64) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        i: Some(v),
        r#type: Some(2),
        ..Default::default()
    }
}

fn float(name: &str, v: f32) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        f: Some(v),
        r#type: Some(1),
        ..Default::default()
    }
}

fn str_attr(name: &str, v: &str) -> AttributeProto {
    AttributeProto {
        name: Some(name.into()),
        s: Some(v.as_bytes().to_vec().into()),
        r#type: Some(3),
        ..Default::default()
    }
}

fn weights(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: dims.to_vec(),
        data_type: Some(1),
        raw_data: Some(
            values
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<u8>>()
                .into(),
        ),
        ..Default::default()
    }
}

fn int64s(name: &str, values: &[i64]) -> TensorProto {
    TensorProto {
        name: Some(name.into()),
        dims: vec![values.len() as i64],
        data_type: Some(7),
        int64_data: values.to_vec(),
        ..Default::default()
    }
}

/// A value of [batch, dims...]; `None` dims are left open (a named dimension).
fn value(name: &str, dims: &[Option<i64>]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|d| tensor_shape_proto::Dimension {
            value: Some(match d {
                Some(v) => tensor_shape_proto::dimension::Value::DimValue(*v),
                None => tensor_shape_proto::dimension::Value::DimParam("n".into()),
            }),
            ..Default::default()
        })
        .collect();
    ValueInfoProto {
        name: Some(name.into()),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: Some(1),
                shape: Some(TensorShapeProto { dim }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn model_bytes(
    input: &[Option<i64>],
    nodes: Vec<NodeProto>,
    initializer: Vec<TensorProto>,
    output: &str,
) -> Vec<u8> {
    ModelProto {
        ir_version: Some(8),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(17),
        }],
        graph: Some(GraphProto {
            node: nodes,
            initializer,
            input: vec![value("x", input)],
            output: vec![value(output, &[])],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec()
}

fn open_with(bytes: Vec<u8>, settings: InputSettings) -> Result<OnnxModel, String> {
    parse_onnx(Path::new("t.onnx"), bytes, Path::new("."), settings).map_err(|e| e.to_string())
}

fn open(bytes: Vec<u8>) -> Result<OnnxModel, String> {
    open_with(bytes, InputSettings::default())
}

const X: &[Option<i64>] = &[Some(1), Some(1), Some(4), Some(4)];

#[test]
fn an_unknown_operator_is_one_line_naming_node_and_op() {
    let bytes = model_bytes(
        X,
        vec![node("LRN", "norm1", &["x"], "y", vec![])],
        vec![],
        "y",
    );
    let e = open(bytes).unwrap_err();
    assert!(
        e.starts_with("t.onnx: node norm1 (LRN): operator LRN is not supported; supported: Conv"),
        "{e}"
    );
    // It ends with what to do.
    assert!(
        e.ends_with(
            ". Export again with the other exporter or another opset (torch.onnx.export with or without dynamo=True, tf2onnx --opset), or replace the module"
        ),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
}

/// Two nodes reading the input: since the graph engine, a branch is a layer reading what it
/// names (it used to be refused); the network's output is the graph's output, the last stage.
#[test]
fn a_branch_reads_what_it_names() {
    let nodes = vec![
        node("Flatten", "f1", &["x"], "a", vec![]),
        node("Flatten", "f2", &["x"], "b", vec![]),
    ];
    let m = open(model_bytes(X, nodes, vec![], "b")).expect("a branch loads");
    let names: Vec<&str> = m.model.layers().iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["f1", "f2"]);
    assert_eq!(m.outputs, ["a", "b"]);
}

#[test]
fn shape_plumbing_before_reshape_folds_and_gemm_takes_alpha_beta() {
    // x.view(x.size(0), -1) as the TorchScript exporter writes it, then Gemm(transB=1).
    let nodes = vec![
        node("Shape", "shape", &["x"], "s", vec![]),
        node(
            "Constant",
            "zero",
            &[],
            "i0",
            vec![AttributeProto {
                name: Some("value".into()),
                t: Some(TensorProto {
                    dims: vec![],
                    data_type: Some(7),
                    int64_data: vec![0],
                    ..Default::default()
                }),
                ..Default::default()
            }],
        ),
        node("Gather", "batch", &["s", "i0"], "n", vec![int("axis", 0)]),
        node("Unsqueeze", "unsq", &["n", "axes"], "n1", vec![]),
        node(
            "Concat",
            "cat",
            &["n1", "minus1"],
            "target",
            vec![int("axis", 0)],
        ),
        node("Reshape", "view", &["x", "target"], "flat", vec![]),
        node(
            "Gemm",
            "fc",
            &["flat", "w", "b"],
            "y",
            vec![int("transB", 1), float("alpha", 2.0), float("beta", 0.5)],
        ),
    ];
    let w: Vec<f32> = (0..32).map(|i| i as f32 * 0.1).collect();
    let inits = vec![
        int64s("axes", &[0]),
        int64s("minus1", &[-1]),
        weights("w", &[2, 16], &w),
        weights("b", &[2], &[1.0, -1.0]),
    ];
    let m = open(model_bytes(X, nodes, inits, "y")).unwrap();
    let kinds: Vec<&str> = m
        .model
        .layers()
        .iter()
        .map(|l| l.kind.type_name())
        .collect();
    assert_eq!(kinds, ["flatten", "dense"]);
    assert_eq!(m.outputs, ["flat", "y"]);
    let x = Array3::from_shape_fn((1, 4, 4), |(_, i, j)| (i * 4 + j) as f32);
    let out = m
        .model
        .forward(&x, &RunOptions::default())
        .unwrap()
        .values();
    // y_k = 2 * sum_i w[k,i] x_i + 0.5 b_k
    for (k, got) in out.iter().enumerate() {
        let dot: f32 = (0..16).map(|i| w[k * 16 + i] * i as f32).sum();
        let want = 2.0 * dot + 0.5 * [1.0, -1.0][k];
        assert!((got - want).abs() < 1e-3, "{k}: {got} vs {want}");
    }
}

#[test]
fn matmul_then_add_is_one_dense_layer_with_bias() {
    let nodes = vec![
        node("Flatten", "flat", &["x"], "f", vec![]),
        node("MatMul", "mm", &["f", "w"], "p", vec![]),
        node("Add", "add", &["p", "b"], "y", vec![]),
    ];
    let inits = vec![
        weights("w", &[16, 3], &[0.5; 48]),
        weights("b", &[3], &[1.0, 2.0, 3.0]),
    ];
    let m = open(model_bytes(X, nodes, inits, "y")).unwrap();
    assert_eq!(m.model.layers().len(), 2);
    assert_eq!(m.model.layers()[1].name, "mm");
    assert_eq!(m.outputs[1], "y");
    let out = m
        .model
        .forward(&Array3::ones((1, 4, 4)), &RunOptions::default())
        .unwrap();
    assert_eq!(out.values(), [9.0, 10.0, 11.0]);
}

#[test]
fn zero_padding_folds_into_the_next_conv_not_into_max_pooling() {
    let pad = |to: &str| node("Pad", "pad", &["x", "pads"], to, vec![]);
    let inits = || {
        vec![
            int64s("pads", &[0, 0, 1, 1, 0, 0, 1, 1]),
            weights("w", &[2, 1, 3, 3], &[1.0; 18]),
        ]
    };
    let conv = node(
        "Conv",
        "conv",
        &["p", "w"],
        "y",
        vec![ints("kernel_shape", &[3, 3])],
    );
    let m = open(model_bytes(X, vec![pad("p"), conv], inits(), "y")).unwrap();
    let LayerKind::Conv2d(c) = &m.model.layers()[0].kind else {
        panic!("a conv")
    };
    assert_eq!(c.padding, (1, 1));
    assert_eq!(m.model.output_shape(), Shape::maps(2, 4, 4));
    let pool = node(
        "MaxPool",
        "pool",
        &["p"],
        "y",
        vec![ints("kernel_shape", &[2, 2])],
    );
    let e = open(model_bytes(X, vec![pad("p"), pool], inits(), "y")).unwrap_err();
    assert!(
        e.contains("node pool (MaxPool)") && e.contains("zero padding of node pad"),
        "{e}"
    );
}

#[test]
fn clip_from_zero_is_relu_and_dropout_is_a_stage() {
    let nodes = vec![
        node("Clip", "clip", &["x", "lo"], "c", vec![]),
        node("Dropout", "drop", &["c", "ratio"], "y", vec![]),
    ];
    let inits = vec![weights("lo", &[], &[0.0]), weights("ratio", &[], &[0.25])];
    let m = open(model_bytes(X, nodes, inits, "y")).unwrap();
    let kinds: Vec<&LayerKind> = m.model.layers().iter().map(|l| &l.kind).collect();
    assert_eq!(
        kinds,
        [
            &LayerKind::Activation(Activation::Relu),
            &LayerKind::Dropout { p: 0.25 }
        ]
    );
}

#[test]
fn an_open_input_size_needs_a_size() {
    let dynamic: &[Option<i64>] = &[None, Some(1), None, None];
    let bytes = || {
        model_bytes(
            dynamic,
            vec![node("Relu", "r", &["x"], "y", vec![])],
            vec![],
            "y",
        )
    };
    let e = open(bytes()).unwrap_err();
    assert!(e.contains("--size"), "{e}");
    let settings = InputSettings {
        size: Some([6, 8]),
        ..Default::default()
    };
    let m = open_with(bytes(), settings).unwrap();
    assert_eq!((m.model.input.height, m.model.input.width), (6, 8));
}

#[test]
fn ceil_mode_rounds_up_even_where_it_changes_the_size() {
    let pool = |k: i64| {
        node(
            "MaxPool",
            "pool",
            &["x"],
            "y",
            vec![
                ints("kernel_shape", &[k, k]),
                ints("strides", &[k, k]),
                int("ceil_mode", 1),
            ],
        )
    };
    // 4 / 2: the same either way; 4 / 3: floor 1, ceil 2.
    for (k, side) in [(2, 2), (3, 2)] {
        let m = open(model_bytes(X, vec![pool(k)], vec![], "y")).unwrap();
        assert_eq!(m.model.output_shape(), Shape::maps(1, side, side), "k={k}");
    }
}

#[test]
fn zero_padding_reaches_max_pooling_only_over_values_never_negative() {
    let pads = || int64s("pads", &[0, 0, 1, 1, 0, 0, 1, 1]);
    let pool = || {
        node(
            "MaxPool",
            "pool",
            &["p"],
            "y",
            vec![ints("kernel_shape", &[3, 3]), ints("strides", &[3, 3])],
        )
    };
    // After ReLU zeros never win a window the -inf padding would not: one layer, padded.
    let nodes = vec![
        node("Relu", "relu", &["x"], "r", vec![]),
        node("Pad", "pad", &["r", "pads"], "p", vec![]),
        pool(),
    ];
    let m = open(model_bytes(X, nodes, vec![pads()], "y")).unwrap();
    let LayerKind::Pool2d(p) = &m.model.layers()[1].kind else {
        panic!("a pool")
    };
    assert_eq!((p.window.padding, p.window.pad_end()), ((1, 1), (1, 1)));
    assert_eq!(m.model.output_shape(), Shape::maps(1, 2, 2));
    // Padding with -inf is max pooling's own padding, whatever comes before.
    let nodes = vec![
        node("Pad", "pad", &["x", "pads", "ninf"], "p", vec![]),
        pool(),
    ];
    let inits = vec![pads(), weights("ninf", &[], &[f32::NEG_INFINITY])];
    assert!(open(model_bytes(X, nodes, inits, "y")).is_ok());
    // Padding with 2 is no layer's padding.
    let nodes = vec![
        node("Pad", "pad", &["x", "pads", "two"], "p", vec![]),
        pool(),
    ];
    let inits = vec![pads(), weights("two", &[], &[2.0])];
    let e = open(model_bytes(X, nodes, inits, "y")).unwrap_err();
    assert!(e.contains("node pad (Pad): padding with 2"), "{e}");
}

#[test]
fn asymmetric_and_same_padding_and_groups_reach_the_conv() {
    let conv = |attrs: Vec<AttributeProto>| {
        model_bytes(
            &[Some(1), Some(4), Some(5), Some(5)],
            vec![node("Conv", "conv", &["x", "w"], "y", attrs)],
            vec![weights("w", &[4, 2, 2, 2], &[0.5; 32])],
            "y",
        )
    };
    let m = open(conv(vec![
        int("group", 2),
        str_attr("auto_pad", "SAME_UPPER"),
        ints("dilations", &[2, 2]),
    ]))
    .unwrap();
    let LayerKind::Conv2d(c) = &m.model.layers()[0].kind else {
        panic!("a conv")
    };
    // Dilated 2x2 spans 3: one row and column of padding on each side.
    assert_eq!(
        (c.groups, c.dilation, c.padding, c.padding_end),
        (2, (2, 2), (1, 1), None)
    );
    let m = open(conv(vec![int("group", 2), ints("pads", &[0, 0, 1, 1])])).unwrap();
    let LayerKind::Conv2d(c) = &m.model.layers()[0].kind else {
        panic!("a conv")
    };
    assert_eq!((c.padding, c.padding_end), ((0, 0), Some((1, 1))));
    assert_eq!(m.model.output_shape(), Shape::maps(4, 5, 5));
    let e = open(conv(vec![int("group", 4)])).unwrap_err();
    assert!(
        e.contains("node conv (Conv): weight of shape [4, 2, 2, 2] with group=4 does not take the 4 channels"),
        "{e}"
    );
}

#[test]
fn batch_normalization_is_its_own_stage_and_training_mode_is_refused() {
    let bn = |attrs: Vec<AttributeProto>| {
        model_bytes(
            &[Some(1), Some(2), Some(3), Some(3)],
            vec![node(
                "BatchNormalization",
                "bn",
                &["x", "g", "b", "m", "v"],
                "y",
                attrs,
            )],
            vec![
                weights("g", &[2], &[1.0, 2.0]),
                weights("b", &[2], &[0.0, 1.0]),
                weights("m", &[2], &[0.5, -0.5]),
                weights("v", &[2], &[4.0, 1.0]),
            ],
            "y",
        )
    };
    let m = open(bn(vec![float("epsilon", 0.0), float("momentum", 0.75)])).unwrap_err();
    assert!(
        m.contains("node bn (BatchNormalization)") && m.contains("eps"),
        "{m}"
    );
    let m = open(bn(vec![float("momentum", 0.75)])).unwrap();
    let LayerKind::BatchNorm(b) = &m.model.layers()[0].kind else {
        panic!("batch norm")
    };
    // ONNX's momentum keeps the old statistics; PyTorch's is the step towards the new.
    assert_eq!(b.momentum, 0.25);
    let out = m
        .model
        .forward(&Array3::ones((2, 3, 3)), &RunOptions::default())
        .unwrap()
        .values();
    // (1 - 0.5) / sqrt(4 + 1e-5) * 1 + 0 and (1 + 0.5) / sqrt(1 + 1e-5) * 2 + 1.
    assert!(
        (out[0] - 0.25).abs() < 1e-5 && (out[9] - 4.0).abs() < 1e-4,
        "{out:?}"
    );
    let e = open(bn(vec![int("training_mode", 1)])).unwrap_err();
    assert!(e.contains("training mode") && !e.contains('\n'), "{e}");
}

#[test]
fn activations_map_with_their_parameters_and_odd_ones_are_refused() {
    let act = |op: &str, attrs: Vec<AttributeProto>, inits: Vec<TensorProto>, inputs: &[&str]| {
        open(model_bytes(
            X,
            vec![node(op, "a", inputs, "y", attrs)],
            inits,
            "y",
        ))
        .map(|m| m.model.layers()[0].kind.clone())
    };
    let clip = act(
        "Clip",
        vec![],
        vec![weights("lo", &[], &[-1.0]), weights("hi", &[], &[1.0])],
        &["x", "lo", "hi"],
    );
    assert_eq!(
        clip,
        Ok(LayerKind::Activation(Activation::Clip {
            min: -1.0,
            max: 1.0
        }))
    );
    assert_eq!(
        act("HardSigmoid", vec![], vec![], &["x"]),
        Ok(LayerKind::Activation(Activation::Hardsigmoid {
            alpha: 0.2,
            beta: 0.5
        }))
    );
    assert_eq!(
        act("Elu", vec![float("alpha", 0.5)], vec![], &["x"]),
        Ok(LayerKind::Activation(Activation::Elu { alpha: 0.5 }))
    );
    assert_eq!(
        act(
            "Gelu",
            vec![str_attr("approximate", "tanh")],
            vec![],
            &["x"]
        ),
        Ok(LayerKind::Activation(Activation::Gelu { tanh: true }))
    );
    let e = act("Selu", vec![float("alpha", 2.0)], vec![], &["x"]).unwrap_err();
    assert!(e.contains("node a (Selu): Selu with alpha 2"), "{e}");
    // A slope per channel must line up with the channels: [1] is one slope, and [C] would
    // broadcast along the width in ONNX.
    let slope = |dims: &[i64]| vec![weights("s", dims, &[0.25])];
    assert!(act("PRelu", vec![], slope(&[1]), &["x", "s"]).is_ok());
    let wide: &[Option<i64>] = &[Some(1), Some(1), Some(4), Some(1)];
    let e = open(model_bytes(
        wide,
        vec![node("PRelu", "p", &["x", "s"], "y", vec![])],
        vec![weights("s", &[4], &[0.25; 4])],
        "y",
    ))
    .unwrap_err();
    assert!(e.contains("node p (PRelu): slope of shape [4]"), "{e}");
}

#[test]
fn dilated_pooling_is_one_line_naming_the_node() {
    let pool = node(
        "MaxPool",
        "pool",
        &["x"],
        "y",
        vec![ints("kernel_shape", &[2, 2]), ints("dilations", &[2, 2])],
    );
    let e = open(model_bytes(X, vec![pool], vec![], "y")).unwrap_err();
    assert_eq!(
        e,
        "t.onnx: node pool (MaxPool): dilations (2, 2): dilated pooling is not supported"
    );
}

#[test]
fn metadata_props_give_labels_and_normalisation_and_user_settings_win() {
    let mut proto = ModelProto::decode(
        &model_bytes(
            X,
            vec![node("Flatten", "f", &["x"], "y", vec![])],
            vec![],
            "y",
        )[..],
    )
    .unwrap();
    let labels: Vec<String> = (0..16).map(|i| format!("c{i}")).collect();
    for (k, v) in [
        ("mean", "[0.5]".to_string()),
        ("std", "0.25".into()),
        ("labels", labels.join("\n")),
    ] {
        proto
            .metadata_props
            .push(super::proto::StringStringEntryProto {
                key: Some(k.into()),
                value: Some(v),
            });
    }
    let m = open(proto.encode_to_vec()).unwrap().model;
    assert_eq!(
        (m.input.mean.clone(), m.input.std.clone()),
        (vec![0.5], vec![0.25])
    );
    assert_eq!(m.info.labels, labels);
    let user = InputSettings {
        mean: Some(vec![0.1]),
        ..Default::default()
    };
    let m = open_with(proto.encode_to_vec(), user).unwrap().model;
    assert_eq!((m.input.mean, m.input.std), (vec![0.1], vec![0.25]));
}

#[test]
fn not_protobuf_is_one_line() {
    let e = open(b"\x08\xff\xff\xff".to_vec()).unwrap_err();
    assert!(e.contains("is not an ONNX model"), "{e}");
}
