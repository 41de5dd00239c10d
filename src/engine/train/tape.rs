//! Examples through the network in training mode, remembering what the backward pass needs
//! (each layer's input, im2col columns, max-pool switches, dropout masks) on a [`Tape`];
//! `backprop.rs` takes them back again.
//!
//! Without batch norm every example goes through on its own ([`forward`]). Batch norm
//! normalises with the statistics of the whole batch, so a network with it runs a batch layer
//! by layer ([`forward_batch`]): every other layer still treats each example on its own, with
//! the same per-layer steps.

use super::backward::{BatchNormForward, batch_norm_train_forward};
use super::conv_direct;
use super::params::NormStats;
use crate::engine::error::{Error, Result};
use crate::engine::kernels::ConvKernel;
use crate::engine::layer::{Layer, LayerKind, RunOptions, dropout_mask};
use crate::engine::layers::adaptive_pool::AdaptivePool;
use crate::engine::layers::conv::im2col;
use crate::engine::layers::pool::{PoolMode, avg_pool_with, max_pool};
use crate::engine::model::Model;
use crate::engine::tensor::Tensor;
use ndarray::{Array1, Array2, Array3, linalg::general_mat_mul, s};
use std::sync::Arc;

/// What one layer's forward pass kept for its backward pass.
#[derive(Debug, Clone)]
pub(super) enum Saved {
    Nothing,
    /// One im2col matrix per group.
    Cols(Vec<Array2<f32>>),
    /// A convolution computed by the direct kernel: its backward pass reads the input.
    Direct,
    Argmax(Vec<u32>),
    /// `0` or `1/(1-p)` per unit.
    Factors(Vec<f32>),
    /// A batch norm's batch statistics and normalised inputs, shared by the batch's tapes
    /// (in the batch's order).
    Norm(Arc<BatchNormForward>),
}

/// The activations of one example: `values[0]` is the input, `values[i+1]` layer `i`'s output.
#[derive(Debug, Clone)]
pub(crate) struct Tape {
    pub values: Vec<Tensor>,
    pub(super) saved: Vec<Saved>,
}

/// Refuses models the backward pass cannot train (anti-aliased pooling has no backward here,
/// and it runs chains of layers, not graphs with branches).
pub fn check_trainable(model: &Model) -> Result<()> {
    if let Some(layer) = model
        .layers()
        .iter()
        .enumerate()
        .find(|(i, _)| model.sources(*i) != [crate::engine::graph::chained(*i)])
        .map(|(_, l)| l)
    {
        return Err(Error::BadField {
            layer: layer.name.clone(),
            field: "inputs".into(),
            message: "training runs chains of layers: this network branches or merges here (residual or concatenated outputs), so it can be opened and inspected but not trained".into(),
        });
    }
    for layer in model.layers() {
        if let LayerKind::Pool2d(p) = &layer.kind
            && p.mode == PoolMode::BlurMax
        {
            return Err(Error::BadField {
                layer: layer.name.clone(),
                field: "mode".into(),
                message: "blurmax pooling cannot be trained here; train with max or avg and switch the mode afterwards".into(),
            });
        }
    }
    Ok(())
}

/// Whether the network needs its batches run together (it has batch norm).
pub(crate) fn needs_batches(model: &Model) -> bool {
    model
        .layers()
        .iter()
        .any(|l| matches!(l.kind, LayerKind::BatchNorm(_)))
}

pub(super) fn maps(t: &Tensor) -> &Array3<f32> {
    t.as_maps()
        .expect("shapes are checked when the model is built")
}

pub(super) fn flat(t: &Tensor) -> Vec<f32> {
    t.values()
}

/// Values per channel of a tensor: H*W for maps, 1 for a vector.
pub(super) fn per_channel(t: &Tensor) -> usize {
    match t {
        Tensor::Maps(a) => a.dim().1 * a.dim().2,
        Tensor::Vector(_) => 1,
    }
}

/// One layer in training mode on one example (every layer but batch norm).
/// `kernel` is the convolution kernel the model chose for this layer.
fn forward_layer(
    layer: &Layer,
    kernel: Option<ConvKernel>,
    x: &Tensor,
    index: usize,
    dropout_seed: u64,
) -> (Tensor, Saved) {
    match &layer.kind {
        LayerKind::Conv2d(conv) => {
            let x = maps(x);
            if let Some(out) = conv_direct::forward(conv, kernel, x.view()) {
                return (Tensor::Maps(out), Saved::Direct);
            }
            let (_, h, w) = x.dim();
            let window = conv.window();
            let (oh, ow) = window.output_size(h, w);
            let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
            let groups = conv.groups.max(1);
            let per_in = conv.weight.dim().1;
            let per_out = conv.out_channels() / groups;
            let out_c = conv.out_channels();
            let mut out = Array2::<f32>::zeros((out_c, oh * ow));
            if let Some(bias) = &conv.bias {
                for (mut row, &b) in out.rows_mut().into_iter().zip(bias.iter()) {
                    row.fill(b);
                }
            }
            let weights = conv.weight_matrix();
            let mut all_cols = Vec::with_capacity(groups);
            for g in 0..groups {
                let channels = x.slice(s![g * per_in..(g + 1) * per_in, .., ..]);
                let cols = im2col(channels, &window, (oh, ow));
                let rows = g * per_out..(g + 1) * per_out;
                let mut out_g = out.slice_mut(s![rows.clone(), ..]);
                general_mat_mul(1.0, &weights.slice(s![rows, ..]), &cols, 1.0, &mut out_g);
                all_cols.push(cols);
            }
            let out = out
                .into_shape_with_order((out_c, oh, ow))
                .expect("contiguous output");
            (Tensor::Maps(out), Saved::Cols(all_cols))
        }
        LayerKind::Pool2d(pool) if pool.mode == PoolMode::Max => {
            let (out, argmax) = max_pool(maps(x).view(), &pool.window);
            (Tensor::Maps(out), Saved::Argmax(argmax))
        }
        LayerKind::Pool2d(pool) => (
            Tensor::Maps(avg_pool_with(
                maps(x).view(),
                &pool.window,
                pool.count_include_pad,
            )),
            Saved::Nothing,
        ),
        LayerKind::AdaptivePool(pool) => {
            let (out, argmax) = pool.forward_with_argmax(maps(x).view());
            let saved = match pool.mode {
                PoolMode::Avg => Saved::Nothing,
                _ => Saved::Argmax(argmax),
            };
            (Tensor::Maps(out), saved)
        }
        LayerKind::GlobalMaxPool => {
            let pool = AdaptivePool {
                mode: PoolMode::Max,
                output: (1, 1),
            };
            let (out, argmax) = pool.forward_with_argmax(maps(x).view());
            (Tensor::Maps(out), Saved::Argmax(argmax))
        }
        LayerKind::Dropout { p } => {
            let p = p.clamp(0.0, 0.999);
            let scale = 1.0 / (1.0 - p);
            let seed = crate::engine::layer::layer_dropout_seed(dropout_seed, index);
            let factors: Vec<f32> = dropout_mask(x.shape().len(), p, seed)
                .into_iter()
                .map(|keep| if keep { scale } else { 0.0 })
                .collect();
            let mut out = x.clone();
            match &mut out {
                Tensor::Maps(a) => a.iter_mut().zip(&factors).for_each(|(v, f)| *v *= f),
                Tensor::Vector(a) => a.iter_mut().zip(&factors).for_each(|(v, f)| *v *= f),
            }
            (out, Saved::Factors(factors))
        }
        _ => (
            layer.forward(x, index, &RunOptions::default()),
            Saved::Nothing,
        ),
    }
}

/// Runs `input` (normalised, the model's input shape) in training mode. `dropout_seed` draws
/// each dropout layer's mask; the model must pass [`check_trainable`]. A batch norm layer
/// normalises this one example by its own statistics (a batch of one): use
/// [`forward_batch`] to train with batch norm.
pub(crate) fn forward(model: &Model, input: Array3<f32>, dropout_seed: u64) -> Tape {
    forward_batch(model, vec![input], &[dropout_seed])
        .0
        .pop()
        .expect("one tape per input")
}

/// Runs a batch in training mode, layer by layer: batch norm layers normalise with the
/// batch's statistics (returned, for the running statistics). `seeds[e]` draws example `e`'s
/// dropout masks.
pub(crate) fn forward_batch(
    model: &Model,
    inputs: Vec<Array3<f32>>,
    seeds: &[u64],
) -> (Vec<Tape>, Vec<NormStats>) {
    let layers = model.layers();
    let mut tapes: Vec<Tape> = inputs
        .into_iter()
        .map(|x| {
            let mut values = Vec::with_capacity(layers.len() + 1);
            values.push(Tensor::Maps(x));
            Tape {
                values,
                saved: Vec::with_capacity(layers.len()),
            }
        })
        .collect();
    let mut stats = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        if let LayerKind::BatchNorm(bn) = &layer.kind {
            let xs: Vec<Vec<f32>> = tapes
                .iter()
                .map(|t| flat(t.values.last().expect("the input is there")))
                .collect();
            let per = tapes.first().map_or(1, |t| {
                per_channel(t.values.last().expect("the input is there"))
            });
            let views: Vec<&[f32]> = xs.iter().map(Vec::as_slice).collect();
            let forward = Arc::new(batch_norm_train_forward(bn, &views, per));
            stats.push(NormStats {
                layer: index,
                mean: forward.mean.clone(),
                var: forward.var.clone(),
                count: xs.len() * per,
            });
            for (tape, y) in tapes.iter_mut().zip(&forward.ys) {
                let like = tape.values.last().expect("the input is there");
                let y = reshape_like(like, y.clone());
                tape.values.push(y);
                tape.saved.push(Saved::Norm(forward.clone()));
            }
            continue;
        }
        for (tape, &seed) in tapes.iter_mut().zip(seeds) {
            let x = tape.values.last().expect("the input is there");
            let (out, keep) = forward_layer(layer, model.conv_kernel(index), x, index, seed);
            tape.values.push(out);
            tape.saved.push(keep);
        }
    }
    (tapes, stats)
}

/// `values` in the shape of `like`.
pub(super) fn reshape_like(like: &Tensor, values: Vec<f32>) -> Tensor {
    match like {
        Tensor::Maps(a) => {
            Tensor::Maps(Array3::from_shape_vec(a.dim(), values).expect("same length"))
        }
        Tensor::Vector(_) => Tensor::Vector(Array1::from(values)),
    }
}
