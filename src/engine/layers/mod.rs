//! What each kind of layer computes, one file per family: its parameters (a small struct with
//! a `Copy` or plain-data config), the shape it produces and a plain forward pass. How a
//! convolution is computed fast lives in `kernels/`; how a layer is wired into a network in
//! `graph.rs` and `model/`.

pub mod activation;
pub mod adaptive_pool;
pub mod conv;
pub mod dense;
pub mod kinds;
pub mod merge;
pub mod norm;
pub mod pool;
