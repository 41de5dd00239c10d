//! convscope: see a convolutional network work.
//!
//! Data flows one way: [`io`] reads files into an [`engine::Model`] and input tensors, the
//! engine computes every layer's output, [`analysis`] measures them, and the GUI draws them.
//!
//! Every module here is `pub` because something outside the crate uses it (`main.rs`, the
//! tests, the benches, the example). Inside them, `pub(crate)` is the default: an item is
//! `pub` only when one of those uses it or it appears in something that is, so rustc can
//! report what nothing uses. `unreachable_pub` keeps it so.

#![warn(unreachable_pub)]

pub mod analysis;
pub mod app;
pub mod cli;
pub mod data;
pub mod engine;
pub mod io;
pub mod lesson;
pub mod viz;
