//! Small ONNX models written with the crate's own protobuf messages, for the tests that try
//! hostile files: a valid base to break (a 1x1 convolution and a ReLU on a 1x4x4 input), and
//! chains of many nodes. Shared by the engine tests and (through `#[path]`) the CLI tests.

#![allow(dead_code)]

use convscope::io::onnx::proto::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto, tensor_shape_proto, type_proto,
};
use prost::Message;

/// A node of `op` reading `inputs` and making `output`.
pub fn node(op: &str, name: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        op_type: Some(op.into()),
        name: Some(name.into()),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..Default::default()
    }
}

/// A float32 tensor with its values as raw little-endian bytes.
pub fn floats(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
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

/// A float32 tensor whose values are in `location`, a file beside the model, at `offset`.
pub fn external(name: &str, dims: &[i64], location: &str, offset: u64, length: u64) -> TensorProto {
    let entry = |k: &str, v: String| StringStringEntryProto {
        key: Some(k.into()),
        value: Some(v),
    };
    TensorProto {
        name: Some(name.into()),
        dims: dims.to_vec(),
        data_type: Some(1),
        data_location: Some(1),
        external_data: vec![
            entry("location", location.into()),
            entry("offset", offset.to_string()),
            entry("length", length.to_string()),
        ],
        ..Default::default()
    }
}

/// A value of shape `dims` (`[]`: left unsaid, as graph outputs often are).
pub fn value(name: &str, dims: &[i64]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|&d| tensor_shape_proto::Dimension {
            value: Some(tensor_shape_proto::dimension::Value::DimValue(d)),
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

/// A model of opset `opset` on a 1x1x4x4 input `x`, ending in `output`.
pub fn model(
    opset: i64,
    nodes: Vec<NodeProto>,
    initializer: Vec<TensorProto>,
    output: &str,
) -> ModelProto {
    ModelProto {
        ir_version: Some(8),
        opset_import: vec![OperatorSetIdProto {
            domain: Some(String::new()),
            version: Some(opset),
        }],
        graph: Some(GraphProto {
            node: nodes,
            initializer,
            input: vec![value("x", &[1, 1, 4, 4])],
            output: vec![value(output, &[])],
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The valid base: a 1x1 convolution of weight `w` (2.0, bias 0.5), then a ReLU.
pub fn conv_relu(w: TensorProto) -> ModelProto {
    model(
        17,
        vec![
            node("Conv", "conv", &["x", "w", "b"], "c"),
            node("Relu", "relu", &["c"], "y"),
        ],
        vec![w, floats("b", &[1], &[0.5])],
        "y",
    )
}

/// [`conv_relu`] with its weight inline, as bytes.
pub fn conv_relu_bytes() -> Vec<u8> {
    conv_relu(floats("w", &[1, 1, 1, 1], &[2.0])).encode_to_vec()
}

/// A chain of `n` ReLU nodes on the input, each reading the one before (`relu0` reads `x`);
/// the graph's output is the last one's.
pub fn relu_chain(n: usize) -> Vec<u8> {
    let names: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
    let nodes = (0..n)
        .map(|i| {
            let input = if i == 0 { "x" } else { names[i - 1].as_str() };
            node("Relu", &format!("relu{i}"), &[input], &names[i])
        })
        .collect();
    model(17, nodes, vec![], names.last().map_or("x", String::as_str)).encode_to_vec()
}

/// A chain of `n` nodes of which every `every`-th is a ReLU (a stage) and the others Identity
/// nodes (no stage): many nodes, few layers.
pub fn sparse_relu_chain(n: usize, every: usize) -> Vec<u8> {
    let names: Vec<String> = (0..n).map(|i| format!("v{i}")).collect();
    let nodes = (0..n)
        .map(|i| {
            let input = if i == 0 { "x" } else { names[i - 1].as_str() };
            let op = if i % every == 0 { "Relu" } else { "Identity" };
            node(op, &format!("n{i}"), &[input], &names[i])
        })
        .collect();
    model(17, nodes, vec![], names.last().map_or("x", String::as_str)).encode_to_vec()
}
