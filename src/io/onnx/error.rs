//! What can be wrong with an ONNX model, by kind: the model as a whole ([`OnnxError`]), one
//! node of its graph ([`NodeError`], always reported with the node's name and operator), or
//! one of its tensors ([`TensorError`]). Each message says what is wrong and, where there is
//! something to do, what; the file's name is added by the `FileError` that carries them.

use crate::engine::limits;
use std::path::PathBuf;
use thiserror::Error;

/// An ONNX model convscope cannot open, and why.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OnnxError {
    #[error("is not an ONNX model (protobuf: {0})")]
    NotOnnx(prost::DecodeError),
    #[error("imports no standard ONNX operator set")]
    NoOperatorSet,
    #[error("uses ONNX opset {0}; export with opset 13 or newer (opset_version=13)")]
    OldOperatorSet(i64),
    #[error("has no graph")]
    NoGraph,
    #[error(
        "lists the initializer {0:?} twice; ONNX names each value once, so which one is meant is unknown: export the model again (onnx.checker.check_model finds such copies)"
    )]
    DuplicateInitializer(String),
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("has {} inputs ({}): convscope runs networks with one image input", names.len(), names.join(", "))]
    Inputs { names: Vec<String> },
    #[error(
        "input {name:?} has {rank} dimensions; convscope takes images [batch, channels, height, width]"
    )]
    InputRank { name: String, rank: usize },
    #[error(
        "input {name:?} leaves its number of channels open: export with a fixed-size example input"
    )]
    OpenChannels { name: String },
    #[error(
        "the input size is fixed at {}x{} in the model; the size {}x{} given does not fit it",
        fixed[0], fixed[1], given[0], given[1]
    )]
    SizeFixed {
        fixed: [usize; 2],
        given: [usize; 2],
    },
    #[error(
        "input {name:?} leaves its height or width open: give the size (--size 224, \"size\" in {sidecar}, or the app's input settings)"
    )]
    OpenSize { name: String, sidecar: String },
    #[error("has no output")]
    NoOutput,
    #[error("has {0} outputs: convscope runs networks with one output")]
    Outputs(usize),
    /// A node the reader cannot map, named with its operator.
    #[error("node {node} ({op}): {problem}")]
    Node {
        node: String,
        op: String,
        problem: Box<NodeError>,
    },
    #[error(
        "the graph makes more than {} stages, past the limit (src/engine/limits.rs): open a smaller network, or export a part of it",
        limits::MAX_LAYERS
    )]
    TooManyLayers,
    #[error(
        "the graph has {count} nodes, more than the {limit} convscope reads (src/engine/limits.rs): open a smaller network, or export a part of it",
        limit = limits::MAX_ONNX_NODES
    )]
    TooManyNodes { count: usize },
    #[error(
        "the graph lists {count} weights, inputs, outputs and value infos, more than the {limit} convscope reads (src/engine/limits.rs): open a smaller network, or export it again without extra value infos"
    )]
    TooManyEntries { count: usize, limit: usize },
    #[error(
        "the graph's nodes have {count} inputs, outputs and attributes together, more than the {limit} convscope reads (src/engine/limits.rs): open a smaller network, or export it again"
    )]
    TooManyNodeFields { count: usize, limit: usize },
    #[error(
        "has a node with a graph inside (If, Loop or Scan): convscope reads networks without control flow; export with a fixed input so that the exporter unrolls it"
    )]
    Subgraph,
    #[error(
        "the graph output {0:?} is not the last layer's output: convscope shows the network's output as its last stage"
    )]
    OutputNotLast(String),
    #[error("the graph ends with the padding of node {0}: nothing takes it over")]
    EndsInPadding(String),
    #[error("the graph output {0:?} does not depend on the input")]
    ConstantOutput(String),
    #[error("the graph output {0:?} is made by no node")]
    OutputNotMade(String),
    /// The element-wise arithmetic that makes the graph's output cannot become stages.
    #[error(transparent)]
    Output(Box<NodeError>),
}

/// A model's `metadata_props` value that is not what its key needs.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("metadata {key:?}: {value:?} is not {what}")]
pub struct MetadataError {
    pub key: String,
    pub value: String,
    pub what: &'static str,
}

/// Why one node cannot be read. Shown after `node NAME (OPERATOR): `.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum NodeError {
    /// An operator the reader has no mapping for, with the list of those it has and what to
    /// do.
    #[error(
        "operator {op} is not supported; supported: {supported}. Export again with the other exporter or another opset (torch.onnx.export with or without dynamo=True, tf2onnx --opset), or replace the module"
    )]
    Unsupported { op: String, supported: String },
    /// An operator the reader maps on the network's data but cannot evaluate on constants.
    #[error(
        "operator {op} on constants is not supported; supported: {supported}. Export again with constant folding on (torch.onnx.export's do_constant_folding=True), or compute the constant in the model's code"
    )]
    UnsupportedOnConstants { op: String, supported: String },
    /// Several inputs depend on the network's input, and the operator does not join branches.
    #[error(
        "operator {op} with {inputs} inputs that depend on the network's input: only {joining} join branches"
    )]
    CannotJoin {
        op: String,
        inputs: usize,
        joining: String,
    },
    #[error(
        "operator domain {0:?} is not supported: only the standard ONNX operators are (export without custom ops)"
    )]
    Domain(String),
    #[error("its input {0:?} is made by no node before it")]
    InputNotMade(String),
    #[error(
        "its input {input:?} took the bias node {bias_node} adds after it was made; only that Add may read it"
    )]
    ReadsBiasedValue { input: String, bias_node: String },
    #[error(
        "input {index} ({input:?}) depends on the network's input; it must be a constant (a weight)"
    )]
    NotConstant { index: usize, input: String },
    #[error("has no {what} (input {index})")]
    MissingInput { what: &'static str, index: usize },
    #[error("the network's data reaches it as input {0}, not as input 0")]
    DataNotFirst(usize),
    #[error("initializer {name:?} {problem}")]
    Initializer { name: String, problem: TensorError },
    /// A tensor given in an attribute (a Constant's value).
    #[error(transparent)]
    Tensor(#[from] TensorError),
    /// Element-wise arithmetic that is none of the engine's activations.
    #[error(
        "the element-wise arithmetic ending at node {node} is none of the activations convscope has ({candidates})"
    )]
    NotAnActivation { node: String, candidates: String },
    #[error(
        "it follows the padding with {value} of node {pad}: {op} takes over only padding with zeros"
    )]
    PaddingNotZero { pad: String, value: f32, op: String },
    #[error(
        "it follows the zero padding of node {pad}, which {op} takes over only after an activation that is never negative (ReLU, ReLU6, sigmoid) or as padding with -inf"
    )]
    ZeroPaddingBeforeMax { pad: String, op: String },
    #[error(
        "it follows the padding of node {pad}, which only {takers} can take over (pad inside the layer instead)"
    )]
    PaddingNotTaken { pad: String, takers: String },
    /// The layer the node becomes does not fit the data that reaches it (the engine's check).
    #[error(transparent)]
    Layer(#[from] crate::engine::Error),
    /// An attribute, input or shape of a supported operator that convscope does not map; the
    /// text says which and what to do instead.
    #[error("{0}")]
    Refused(String),
}

/// [`NodeError::Refused`] with `message`.
pub(super) fn refused(message: impl Into<String>) -> NodeError {
    NodeError::Refused(message.into())
}

/// Why a tensor (an initializer, a constant, external data) cannot be read. Shown after the
/// tensor's name where it has one.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TensorError {
    #[error("has a negative dimension {0}")]
    NegativeDimension(i64),
    #[error("of shape {dims:?} holds more than {limit} values, past the limit")]
    TooLarge { dims: Vec<usize>, limit: usize },
    #[error("has {bytes} bytes of data for {count} values of {dtype}")]
    ByteCount {
        bytes: usize,
        count: usize,
        dtype: String,
    },
    #[error(
        "is {0}: only float32/float64 weights and integer shapes are read (export with model.float())"
    )]
    DataType(String),
    #[error(
        "holds its values twice, as raw_data and as {0}; ONNX allows one, so which is meant is unknown: export the model again"
    )]
    TwoSources(&'static str),
    #[error("holds {got} values for its shape {dims:?} ({expected})")]
    ValueCount {
        got: usize,
        dims: Vec<usize>,
        expected: usize,
    },
    #[error("external data without a \"location\"")]
    NoLocation,
    #[error(
        "external data location {0:?} must be a file in the model's folder (no absolute path, no \"..\"): keep the data file beside the model and name it by its file name"
    )]
    Location(String),
    #[error(
        "external data location {location:?} leads through a symbolic link to {real:?}, outside the model's folder: copy the data file itself beside the model (cp -L)"
    )]
    Outside { location: String, real: PathBuf },
    #[error("external data {key} {value:?} is not a number")]
    NotANumber { key: &'static str, value: String },
    #[error(
        "external data {}: {reason}; keep the model's data file beside it as the exporter wrote it",
        path.display()
    )]
    Unreadable { path: PathBuf, reason: String },
    #[error("{0}")]
    Read(String),
}
