//! The `convscope` command line: each test runs the built binary.
//!
//! One test binary per area, not one per file: each binary links the whole crate (the GUI
//! stack included), and thirty of them filled a CI machine's disk.

mod bench;
mod channel_examples;
mod commands;
mod error_messages;
mod explain;
mod graphs;
mod handout;
mod hostile_files;
mod install_files;
mod lessons;
mod limits;
mod onnx_everywhere;
mod own_models_doc;
mod record;
mod render;
mod robustness;
mod support;
mod train_parity;
mod visualize;
