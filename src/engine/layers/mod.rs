//! What each kind of layer computes, one file per family: its parameters (a small struct with
//! a `Copy` or plain-data config), the shape it produces and a plain forward pass. How a
//! convolution is computed fast lives in `kernels/`; how a layer is wired into a network in
//! `graph.rs` and `model/`.

pub(crate) mod activation;
pub(crate) mod adaptive_pool;
pub(crate) mod conv;
pub(crate) mod dense;
pub(crate) mod kinds;
pub(crate) mod merge;
pub(crate) mod norm;
pub mod pool;
