//! A batch of tapes back through the network: softmax cross-entropy at the logits, then layer
//! by layer from the last to the first, each layer's gradient formula (`backward.rs`) applied
//! to what its forward pass kept, every parameter's gradient added into [`Grads`]. A batch
//! norm layer takes the whole batch at once (its statistics couple the examples); every other
//! layer each example on its own.

use super::backward::{
    activation_backward, adaptive_avg_pool_backward, avg_pool_backward, batch_norm_backward,
    conv_backward, dense_backward, dropout_backward, global_avg_pool_backward, max_pool_backward,
    prelu_backward, softmax_cross_entropy,
};
use super::conv_direct;
use super::params::{Grads, first_slots};
use super::tape::{Saved, Tape, flat, maps, per_channel, reshape_like};
use crate::engine::layer::LayerKind;
use crate::engine::layers::activation::argmax;
use crate::engine::layers::conv::Conv2d;
use crate::engine::layers::dense::Dense;
use crate::engine::model::Model;
use crate::engine::tensor::Tensor;
use ndarray::{ArrayViewMut1, ArrayViewMut2};

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
    let (gw, gb) = weight_and_bias(slots, (out, ci * kh * kw), conv.bias.is_some());
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
    let (gw, gb) = weight_and_bias(slots, dense.weight.dim(), dense.bias.is_some());
    let xv = x.as_vector().expect("dense takes a vector");
    let dy = grad.as_vector().expect("dense gives a vector");
    dense_backward(dense, xv.view(), dy.view(), gw, gb, need_input).map(Tensor::Vector)
}

/// A layer's weight gradient as a `rows` x `columns` matrix and, when it has a bias, its bias
/// gradient, from its slots (the weight's first, the bias's next).
fn weight_and_bias(
    slots: &mut [Vec<f32>],
    (rows, columns): (usize, usize),
    bias: bool,
) -> (ArrayViewMut2<'_, f32>, Option<ArrayViewMut1<'_, f32>>) {
    let (gw, rest) = slots.split_at_mut(1);
    let gw = ArrayViewMut2::from_shape((rows, columns), &mut gw[0]).expect("sized from the model");
    let gb = bias.then(|| ArrayViewMut1::from(&mut rest[0][..]));
    (gw, gb)
}

/// Back-propagates softmax cross-entropy against `label` through `tape`, adding every
/// parameter's gradient into `grads`. Returns the loss.
pub(crate) fn backward(model: &Model, tape: &Tape, label: usize, grads: &mut Grads) -> f32 {
    backward_batch(model, std::slice::from_ref(tape), &[label], grads)
}

/// [`backward`] for a batch from [`super::tape::forward_batch`]: the sum of the examples'
/// losses and of their gradients (batch norm's couples the examples).
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
