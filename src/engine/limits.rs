//! Sizes past which a model is refused before anything is allocated: every limit on a model
//! and its files lives here (docs/model-format.md, "Validation", states them).

/// Largest input height or width.
pub(crate) const MAX_SIDE: usize = 4096;
/// Largest number of input channels.
pub(crate) const MAX_INPUT_CHANNELS: usize = 16;
/// Largest number of channels or features a layer may produce.
pub(crate) const MAX_CHANNELS: usize = 65_536;
/// Largest kernel side.
pub(crate) const MAX_KERNEL: usize = 64;
/// Largest number of values in one layer's output (64 MiB of f32).
pub(crate) const MAX_ACTIVATION: usize = 16 * 1024 * 1024;
/// Largest number of parameters in one model, and in one weight tensor: 256 Mi values, 1 GiB
/// of f32 (VGG-16 has 138 M, its first dense layer alone 25088 x 4096 = 103 M).
pub(crate) const MAX_PARAMETERS: usize = 256 * 1024 * 1024;
/// Largest number of layers.
pub(crate) const MAX_LAYERS: usize = 1024;
/// Largest number of nodes in an ONNX graph, refused before the graph is read: sixteen per
/// layer, room for the shape plumbing and spelt-out activations exporters add (the largest
/// torchvision export, dynamo's, has a few thousand), while a graph at the limit is read in a
/// few tens of MB.
pub const MAX_ONNX_NODES: usize = 16 * MAX_LAYERS;
/// Largest number of other entries an ONNX graph lists (weights, inputs, outputs, value
/// infos): each decodes to a struct of a few hundred bytes however small it is in the file.
pub(crate) const MAX_ONNX_ENTRIES: usize = 4 * MAX_ONNX_NODES;
/// Largest number of fields (input and output names, attributes...) in all of an ONNX graph's
/// nodes together: sixteen a node on average (a Concat of fifty inputs is one of many).
pub(crate) const MAX_ONNX_NODE_FIELDS: usize = 16 * MAX_ONNX_NODES;
/// Largest safetensors weights file: 1 GiB (the f32 weights of `MAX_PARAMETERS`) plus 1 MiB
/// of header. It is memory-mapped, not read into memory first.
pub const MAX_WEIGHTS_BYTES: u64 = (MAX_PARAMETERS as u64) * 4 + (1 << 20);
/// Largest ONNX file: the float32 weights of `MAX_PARAMETERS` and 64 MiB for the graph. It is
/// read into one buffer whose slices the initializers are (no copy until each becomes a layer).
pub const MAX_ONNX_BYTES: u64 = (MAX_PARAMETERS as u64) * 4 + (64 << 20);
/// Largest model JSON (inline weights make it large).
pub(crate) const MAX_JSON_BYTES: u64 = 64 << 20;
