//! Gradients at inference: how a chosen value deep in the network (a class score, a channel's
//! activation) changes with the network's input and with every stage on the way, for the
//! attribution methods and feature visualisation.
//!
//! Unlike training (`train/`), nothing here updates weights or runs batch statistics: batch
//! norm uses its running statistics, dropout is off unless [`RunOptions`] switches it on, and
//! any network convscope opens is taken back through, graphs included (a stage read by several
//! layers gathers the sum of their gradients). `vjp.rs` holds each layer's step back,
//! `adjoint.rs` the resampling layers' (padding, resizing, picking channels, blurring).
//!
//! Stages are numbered as everywhere else: stage 0 is the input, stage `j + 1` the output of
//! layer `j`.

mod adjoint;
pub(crate) mod transposed;
mod vjp;

#[cfg(test)]
mod tests;

use super::graph::Source;
use super::layer::{LayerKind, RunOptions};
use super::model::Model;
use super::tensor::Tensor;
use ndarray::Array3;

/// A forward pass kept whole for going back through it: the input and every layer's output.
#[derive(Debug, Clone)]
pub struct Trace {
    pub input: Tensor,
    pub outputs: Vec<Tensor>,
    pub options: RunOptions,
}

impl Trace {
    /// Runs `model` on the normalised `input`, keeping every output.
    pub fn new(
        model: &Model,
        input: &Array3<f32>,
        options: &RunOptions,
    ) -> crate::engine::Result<Trace> {
        let outputs = model.forward_all(input, options)?;
        Ok(Trace {
            input: Tensor::Maps(input.clone()),
            outputs,
            options: *options,
        })
    }

    /// The value of stage `stage` (0: the input).
    pub fn stage(&self, stage: usize) -> &Tensor {
        match stage {
            0 => &self.input,
            s => &self.outputs[s - 1],
        }
    }

    fn source(&self, source: Source) -> &Tensor {
        match source {
            Source::Input => &self.input,
            Source::Layer(j) => &self.outputs[j],
        }
    }
}

/// The stage whose values are the class scores: the input of a final softmax (or log-softmax)
/// where the network ends with one (the logits, as the Grad-CAM paper takes), else the output.
pub fn score_stage(model: &Model) -> usize {
    let n = model.layers().len();
    match model.layers().last() {
        Some(l) if matches!(l.kind, LayerKind::Softmax | LayerKind::LogSoftmax) => {
            match model.sources(n - 1) {
                [Source::Layer(j)] => j + 1,
                _ => 0,
            }
        }
        _ => n,
    }
}

/// The gradient of `<seed, stage from>` with respect to every stage from `down_to` up to
/// `from`: `None` where no path leads from that stage to `from` (or below `down_to`).
/// `seed` has the shape of stage `from`'s values.
pub fn stage_gradients(
    model: &Model,
    trace: &Trace,
    from: usize,
    seed: Tensor,
    down_to: usize,
) -> Vec<Option<Tensor>> {
    let mut grads: Vec<Option<Tensor>> = vec![None; model.layers().len() + 1];
    grads[from] = Some(seed);
    for j in (down_to..from).rev() {
        let Some(dy) = grads[j + 1].take() else {
            continue;
        };
        let sources = model.sources(j);
        let wanted: Vec<bool> = sources.iter().map(|s| stage_of(*s) >= down_to).collect();
        if wanted.iter().any(|&w| w) {
            let inputs: Vec<&Tensor> = sources.iter().map(|s| trace.source(*s)).collect();
            let dxs = vjp::input_grads(model, j, &inputs, &trace.outputs[j], &dy, &trace.options);
            for ((source, dx), wanted) in sources.iter().zip(dxs).zip(wanted) {
                if wanted {
                    accumulate(&mut grads[stage_of(*source)], dx);
                }
            }
        }
        grads[j + 1] = Some(dy);
    }
    grads
}

/// The gradient of `<seed, stage from>` with respect to the network's input \[C,H,W\].
pub fn input_gradient(model: &Model, trace: &Trace, from: usize, seed: Tensor) -> Array3<f32> {
    let shape = trace.input.as_maps().expect("the input is maps").dim();
    stage_gradients(model, trace, from, seed, 0)
        .swap_remove(0)
        .and_then(|t| t.as_maps().cloned())
        .unwrap_or_else(|| Array3::zeros(shape))
}

/// A seed that picks one value of a stage: `1` at flat index `index`, `0` elsewhere.
pub fn one_hot_like(like: &Tensor, index: usize) -> Tensor {
    let mut seed = zeros_like(like);
    match &mut seed {
        Tensor::Maps(a) => {
            if let Some(v) = a.iter_mut().nth(index) {
                *v = 1.0;
            }
        }
        Tensor::Vector(v) => {
            if let Some(v) = v.get_mut(index) {
                *v = 1.0;
            }
        }
    }
    seed
}

pub(crate) fn zeros_like(t: &Tensor) -> Tensor {
    match t {
        Tensor::Maps(a) => Tensor::Maps(Array3::zeros(a.dim())),
        Tensor::Vector(v) => Tensor::Vector(ndarray::Array1::zeros(v.len())),
    }
}

fn stage_of(source: Source) -> usize {
    match source {
        Source::Input => 0,
        Source::Layer(j) => j + 1,
    }
}

/// Adds `dx` into the gradient gathered so far at a stage.
fn accumulate(into: &mut Option<Tensor>, dx: Tensor) {
    match (into.as_mut(), dx) {
        (None, dx) => *into = Some(dx),
        (Some(Tensor::Maps(a)), Tensor::Maps(b)) => *a += &b,
        (Some(Tensor::Vector(a)), Tensor::Vector(b)) => *a += &b,
        (Some(a), b) => unreachable!(
            "two gradients of one stage differ in shape ({} and {})",
            a.shape(),
            b.shape()
        ),
    }
}
