//! Examples through the network in training mode, remembering what the backward pass needs
//! (each layer's input, im2col columns, max-pool switches, dropout masks), then back again.
//!
//! Without batch norm every example goes through on its own ([`forward`], [`backward`]). Batch
//! norm normalises with the statistics of the whole batch, so a network with it runs a batch
//! layer by layer ([`forward_batch`], [`backward_batch`]): every other layer still treats each
//! example on its own, with the same per-layer steps.

use super::backward::{
    BatchNormForward, activation_backward, adaptive_avg_pool_backward, avg_pool_backward,
    batch_norm_backward, batch_norm_train_forward, conv_backward, dense_backward, dropout_backward,
    global_avg_pool_backward, max_pool_backward, prelu_backward, softmax_cross_entropy,
};
use super::conv_direct;
use super::params::{Grads, NormStats, first_slots};
use crate::engine::error::{Error, Result};
use crate::engine::kernels::ConvKernel;
use crate::engine::layer::{Layer, LayerKind, RunOptions, dropout_mask};
use crate::engine::layers::activation::argmax;
use crate::engine::layers::adaptive_pool::AdaptivePool;
use crate::engine::layers::conv::{Conv2d, im2col};
use crate::engine::layers::dense::Dense;
use crate::engine::layers::pool::{PoolMode, avg_pool_with, max_pool};
use crate::engine::model::Model;
use crate::engine::tensor::Tensor;
use ndarray::{Array1, Array2, Array3, ArrayViewMut1, ArrayViewMut2, linalg::general_mat_mul, s};
use std::sync::Arc;

/// What one layer's forward pass kept for its backward pass.
#[derive(Debug, Clone)]
enum Saved {
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
pub struct Tape {
    pub values: Vec<Tensor>,
    saved: Vec<Saved>,
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
pub fn needs_batches(model: &Model) -> bool {
    model
        .layers()
        .iter()
        .any(|l| matches!(l.kind, LayerKind::BatchNorm(_)))
}

fn maps(t: &Tensor) -> &Array3<f32> {
    t.as_maps()
        .expect("shapes are checked when the model is built")
}

fn flat(t: &Tensor) -> Vec<f32> {
    t.values()
}

/// Values per channel of a tensor: H*W for maps, 1 for a vector.
fn per_channel(t: &Tensor) -> usize {
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
pub fn forward(model: &Model, input: Array3<f32>, dropout_seed: u64) -> Tape {
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

/// The logits the loss is computed on: the softmax (or log-softmax) layer's input when the
/// network ends with one, else the last output.
fn logits_index(model: &Model) -> usize {
    let n = model.layers().len();
    match model.layers().last() {
        Some(l) if matches!(l.kind, LayerKind::Softmax | LayerKind::LogSoftmax) => n - 1,
        _ => n,
    }
}

/// The loss of a tape (softmax cross-entropy against `label`) and whether its prediction is right.
pub(crate) fn loss_of(model: &Model, tape: &Tape, label: usize) -> (f32, bool) {
    let logits = flat(&tape.values[logits_index(model)]);
    let (loss, _) = softmax_cross_entropy(&logits, label);
    (loss, argmax(&logits) == label)
}

/// The gradient of softmax cross-entropy at the logits, shaped like them, and the loss.
fn start_gradient(model: &Model, tape: &Tape, label: usize) -> (Tensor, f32) {
    let start = logits_index(model);
    let logits = flat(&tape.values[start]);
    let (loss, dlogits) = softmax_cross_entropy(&logits, label);
    (reshape_like(&tape.values[start], dlogits), loss)
}

/// Back-propagates through layer `index` of one example (every layer but batch norm), adding
/// its parameters' gradients into `grads`. `None` when nothing below needs the input gradient.
fn backward_layer(
    model: &Model,
    tape: &Tape,
    index: usize,
    grad: &Tensor,
    slot: Option<usize>,
    grads: &mut Grads,
) -> Option<Tensor> {
    let layer = &model.layers()[index];
    let x = &tape.values[index];
    let y = &tape.values[index + 1];
    let need_input = index > 0;
    match (&layer.kind, &tape.saved[index]) {
        (LayerKind::Conv2d(conv), saved @ (Saved::Cols(_) | Saved::Direct)) => {
            let slot = slot.expect("a conv layer has a slot");
            conv_layer_backward(conv, saved, x, grad, &mut grads.tensors[slot..], need_input)
        }
        (LayerKind::Dense(dense), _) => {
            let slot = slot.expect("a dense layer has a slot");
            dense_layer_backward(dense, x, grad, &mut grads.tensors[slot..], need_input)
        }
        (
            LayerKind::Pool2d(_) | LayerKind::AdaptivePool(_) | LayerKind::GlobalMaxPool,
            Saved::Argmax(argmax),
        ) => Some(Tensor::Maps(max_pool_backward(
            maps(grad).view(),
            argmax,
            maps(x).dim(),
        ))),
        (LayerKind::Pool2d(pool), _) => Some(Tensor::Maps(avg_pool_backward(
            maps(grad).view(),
            &pool.window,
            pool.count_include_pad,
            maps(x).dim(),
        ))),
        (LayerKind::AdaptivePool(_), _) => Some(Tensor::Maps(adaptive_avg_pool_backward(
            maps(grad).view(),
            maps(x).dim(),
        ))),
        (LayerKind::GlobalAvgPool, _) => Some(Tensor::Maps(global_avg_pool_backward(
            &grad.values(),
            maps(x).dim(),
        ))),
        (LayerKind::Activation(f), _) => {
            let d = activation_backward(*f, &flat(x), &flat(y), &grad.values());
            Some(reshape_like(x, d))
        }
        (LayerKind::Prelu(prelu), _) => {
            let slot = slot.expect("a prelu layer has a slot");
            let d = prelu_backward(
                prelu,
                &flat(x),
                &grad.values(),
                per_channel(x),
                &mut grads.tensors[slot],
            );
            Some(reshape_like(x, d))
        }
        (LayerKind::Dropout { .. }, Saved::Factors(factors)) => {
            Some(reshape_like(x, dropout_backward(&grad.values(), factors)))
        }
        (LayerKind::Flatten, _) => Some(reshape_like(x, grad.values())),
        (LayerKind::Softmax, _) => {
            // A softmax in the middle of a network: dx = y * (dy - <dy, y>).
            let yv = flat(y);
            let dy = grad.values();
            let dot: f32 = yv.iter().zip(&dy).map(|(a, b)| a * b).sum();
            let d = yv.iter().zip(&dy).map(|(y, g)| y * (g - dot)).collect();
            Some(reshape_like(x, d))
        }
        (LayerKind::LogSoftmax, _) => {
            // In the middle of a network: dx = dy - softmax(x) * sum(dy).
            let dy = grad.values();
            let total: f32 = dy.iter().sum();
            let d = flat(y)
                .iter()
                .zip(&dy)
                .map(|(y, g)| g - y.exp() * total)
                .collect();
            Some(reshape_like(x, d))
        }
        (kind, _) => unreachable!(
            "layer {} ({}) has no saved state",
            layer.name,
            kind.type_name()
        ),
    }
}

/// A convolution's step of [`backward_layer`]: its weight (and bias) gradients added into
/// `slots` (the weight's first), its input gradient when `need_input`.
fn conv_layer_backward(
    conv: &Conv2d,
    saved: &Saved,
    x: &Tensor,
    grad: &Tensor,
    slots: &mut [Vec<f32>],
    need_input: bool,
) -> Option<Tensor> {
    let (out, ci, kh, kw) = conv.weight.dim();
    let (gw, rest) = slots.split_at_mut(1);
    let gw =
        ArrayViewMut2::from_shape((out, ci * kh * kw), &mut gw[0]).expect("sized from the model");
    let gb = conv
        .bias
        .as_ref()
        .map(|_| ArrayViewMut1::from(&mut rest[0][..]));
    // The forward pass's path decides the backward one: im2col columns kept, or the
    // direct kernel (nothing kept).
    match saved {
        Saved::Cols(cols) => conv_backward(
            conv,
            maps(x).dim(),
            cols,
            maps(grad).view(),
            gw,
            gb,
            need_input,
        ),
        _ => conv_direct::backward(conv, maps(x).view(), maps(grad).view(), gw, gb, need_input),
    }
    .map(Tensor::Maps)
}

/// A dense layer's step of [`backward_layer`], as [`conv_layer_backward`].
fn dense_layer_backward(
    dense: &Dense,
    x: &Tensor,
    grad: &Tensor,
    slots: &mut [Vec<f32>],
    need_input: bool,
) -> Option<Tensor> {
    let (gw, rest) = slots.split_at_mut(1);
    let gw =
        ArrayViewMut2::from_shape(dense.weight.dim(), &mut gw[0]).expect("sized from the model");
    let gb = dense
        .bias
        .as_ref()
        .map(|_| ArrayViewMut1::from(&mut rest[0][..]));
    let xv = x.as_vector().expect("dense takes a vector");
    let dy = grad.as_vector().expect("dense gives a vector");
    dense_backward(dense, xv.view(), dy.view(), gw, gb, need_input).map(Tensor::Vector)
}

/// Back-propagates softmax cross-entropy against `label` through `tape`, adding every
/// parameter's gradient into `grads`. Returns the loss.
pub fn backward(model: &Model, tape: &Tape, label: usize, grads: &mut Grads) -> f32 {
    backward_batch(model, std::slice::from_ref(tape), &[label], grads)
}

/// [`backward`] for a batch from [`forward_batch`]: the sum of the examples' losses and of
/// their gradients (batch norm's couples the examples).
pub(crate) fn backward_batch(
    model: &Model,
    tapes: &[Tape],
    labels: &[usize],
    grads: &mut Grads,
) -> f32 {
    let start = logits_index(model);
    let slots = first_slots(model);
    let mut loss = 0.0;
    let mut current: Vec<Option<Tensor>> = tapes
        .iter()
        .zip(labels)
        .map(|(tape, &label)| {
            let (g, l) = start_gradient(model, tape, label);
            loss += l;
            Some(g)
        })
        .collect();
    for index in (0..start).rev() {
        if current.iter().all(Option::is_none) {
            break;
        }
        let layer = &model.layers()[index];
        if let LayerKind::BatchNorm(bn) = &layer.kind {
            let Some(Saved::Norm(forward)) = tapes.first().map(|t| &t.saved[index]) else {
                unreachable!("a batch norm layer saves its batch statistics");
            };
            let dys: Vec<Vec<f32>> = current
                .iter()
                .map(|g| g.as_ref().map_or_else(Vec::new, Tensor::values))
                .collect();
            let views: Vec<&[f32]> = dys.iter().map(Vec::as_slice).collect();
            let slot = slots[index].expect("a batch norm layer has a slot");
            let (gamma, beta) = grads.tensors[slot..].split_at_mut(1);
            let per = per_channel(&tapes[0].values[index]);
            let dxs = batch_norm_backward(bn, forward, &views, per, &mut gamma[0], &mut beta[0]);
            for ((g, dx), tape) in current.iter_mut().zip(dxs).zip(tapes) {
                *g = (index > 0).then(|| reshape_like(&tape.values[index], dx));
            }
            continue;
        }
        for (g, tape) in current.iter_mut().zip(tapes) {
            if let Some(grad) = g.take() {
                *g = backward_layer(model, tape, index, &grad, slots[index], grads);
            }
        }
    }
    loss
}

fn reshape_like(like: &Tensor, values: Vec<f32>) -> Tensor {
    match like {
        Tensor::Maps(a) => {
            Tensor::Maps(Array3::from_shape_vec(a.dim(), values).expect("same length"))
        }
        Tensor::Vector(_) => Tensor::Vector(Array1::from(values)),
    }
}
