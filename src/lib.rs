//! convscope: see a convolutional network work.
//!
//! Data flows one way: [`io`] reads files into an [`engine::Model`] and input tensors, the
//! engine computes every layer's output, [`analysis`] measures them, and the GUI draws them.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod data;
pub mod engine;
pub mod io;
pub mod lesson;
pub mod viz;
