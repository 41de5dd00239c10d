//! The engine, readers and analyses through the library, against stored reference outputs.
//!
//! One test binary per area, not one per file: each binary links the whole crate (the GUI
//! stack included), and thirty of them filled a CI machine's disk.

mod arithmetic;
mod attribution;
mod consistency;
mod drawing_accuracy;
mod graph_models;
mod lesson_evidence;
mod memory;
mod model_validation;
mod new_layers;
mod onnx_builder;
mod onnx_graph;
mod onnx_hostile;
mod onnx_idioms;
mod onnx_import;
mod onnx_norm_spelt;
mod pooling_claims;
mod reference_layers;
mod reference_onnx;
mod sample_models;
mod train_mnist_small;
mod weights_round_trip;
