//! GUI behaviour, driven headlessly with egui_kittest (no display, no file dialog).
//!
//! One test binary per area, not one per file: each binary links the whole crate (the GUI
//! stack included), and thirty of them filled a CI machine's disk.

mod answers;
mod arith;
mod big_network;
mod canvas;
mod channel_examples;
mod class_labels;
mod explain;
mod explorer;
mod file_browser;
mod graph_strip;
mod input_settings;
mod lab;
mod lab_status;
mod legibility;
mod lesson;
mod lesson_evidence;
mod lesson_layout;
mod lesson_learning;
mod lesson_picker;
mod messages;
mod monkey;
mod new_layers;
mod noise;
mod record;
mod speech;
mod speech_axes;
mod startup;
mod steady;
mod strip_names;
mod support;
mod train;
mod train_layout;
mod unfamiliar;
mod views;
