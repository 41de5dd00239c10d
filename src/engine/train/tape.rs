//! One example through the network in training mode, remembering what the backward pass needs
//! (each layer's input, im2col columns, max-pool switches, dropout masks), then back again.

use super::backward::{
    activation_backward, avg_pool_backward, conv_backward, dense_backward, dropout_backward,
    global_avg_pool_backward, max_pool_backward, softmax_cross_entropy,
};
use super::params::{Grads, first_slots};
use crate::engine::conv::im2col;
use crate::engine::pool::{avg_pool, max_pool};
use crate::engine::{
    Error, LayerKind, Model, PoolMode, Result, RunOptions, Tensor, argmax, dropout_mask,
};
use ndarray::{Array1, Array2, Array3, ArrayViewMut1, ArrayViewMut2, linalg::general_mat_mul};

/// What one layer's forward pass kept for its backward pass.
#[derive(Debug, Clone)]
enum Saved {
    Nothing,
    Cols(Array2<f32>),
    Argmax(Vec<u32>),
    /// `0` or `1/(1-p)` per unit.
    Factors(Vec<f32>),
}

/// The activations of one example: `values[0]` is the input, `values[i+1]` layer `i`'s output.
#[derive(Debug, Clone)]
pub struct Tape {
    pub values: Vec<Tensor>,
    saved: Vec<Saved>,
}

/// Refuses models the backward pass cannot train (anti-aliased pooling has no backward here).
pub fn check_trainable(model: &Model) -> Result<()> {
    for layer in model.layers() {
        if matches!(
            layer.kind,
            LayerKind::BatchNorm(_)
                | LayerKind::Prelu(_)
                | LayerKind::AdaptivePool(_)
                | LayerKind::GlobalMaxPool
        ) {
            return Err(Error::BadField {
                layer: layer.name.clone(),
                field: "type".into(),
                message: format!("{} layers cannot be trained yet", layer.kind.type_name()),
            });
        }
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

fn maps(t: &Tensor) -> &Array3<f32> {
    t.as_maps()
        .expect("shapes are checked when the model is built")
}

fn flat(t: &Tensor) -> Vec<f32> {
    t.values()
}

/// Runs `input` (normalised, the model's input shape) in training mode. `dropout_seed` draws
/// each dropout layer's mask; the model must pass [`check_trainable`].
pub fn forward(model: &Model, input: Array3<f32>, dropout_seed: u64) -> Tape {
    let layers = model.layers();
    let mut values = Vec::with_capacity(layers.len() + 1);
    let mut saved = Vec::with_capacity(layers.len());
    values.push(Tensor::Maps(input));
    for (index, layer) in layers.iter().enumerate() {
        let x = values.last().expect("the input is there");
        let (out, keep) = match &layer.kind {
            LayerKind::Conv2d(conv) => {
                let x = maps(x);
                let (_, h, w) = x.dim();
                let window = conv.window();
                let (oh, ow) = window.output_size(h, w);
                let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
                let cols = im2col(x.view(), &window, (oh, ow));
                let out_c = conv.out_channels();
                let mut out = Array2::<f32>::zeros((out_c, oh * ow));
                if let Some(bias) = &conv.bias {
                    for (mut row, &b) in out.rows_mut().into_iter().zip(bias.iter()) {
                        row.fill(b);
                    }
                }
                let weights = conv.weight_matrix();
                general_mat_mul(1.0, &weights, &cols, 1.0, &mut out);
                let out = out
                    .into_shape_with_order((out_c, oh, ow))
                    .expect("contiguous output");
                (Tensor::Maps(out), Saved::Cols(cols))
            }
            LayerKind::Pool2d(pool) if pool.mode == PoolMode::Max => {
                let (out, argmax) = max_pool(maps(x).view(), &pool.window);
                (Tensor::Maps(out), Saved::Argmax(argmax))
            }
            LayerKind::Pool2d(pool) => (
                Tensor::Maps(avg_pool(maps(x).view(), &pool.window)),
                Saved::Nothing,
            ),
            LayerKind::Dropout { p } => {
                let p = p.clamp(0.0, 0.999);
                let scale = 1.0 / (1.0 - p);
                let seed = crate::engine::layer_dropout_seed(dropout_seed, index);
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
        };
        values.push(out);
        saved.push(keep);
    }
    Tape { values, saved }
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
pub fn loss_of(model: &Model, tape: &Tape, label: usize) -> (f32, bool) {
    let logits = flat(&tape.values[logits_index(model)]);
    let (loss, _) = softmax_cross_entropy(&logits, label);
    (loss, argmax(&logits) == label)
}

/// Back-propagates softmax cross-entropy against `label` through `tape`, adding every
/// parameter's gradient into `grads`. Returns the loss.
pub fn backward(model: &Model, tape: &Tape, label: usize, grads: &mut Grads) -> f32 {
    let start = logits_index(model);
    let logits = flat(&tape.values[start]);
    let (loss, dlogits) = softmax_cross_entropy(&logits, label);
    let slots = first_slots(model);
    let layers = model.layers();
    let mut grad = match &tape.values[start] {
        Tensor::Maps(a) => Tensor::Maps(
            Array3::from_shape_vec(a.dim(), dlogits).expect("same length as the logits"),
        ),
        Tensor::Vector(_) => Tensor::Vector(Array1::from(dlogits)),
    };
    for index in (0..start).rev() {
        let layer = &layers[index];
        let x = &tape.values[index];
        let y = &tape.values[index + 1];
        let need_input = index > 0;
        let dx: Option<Tensor> = match (&layer.kind, &tape.saved[index]) {
            (LayerKind::Conv2d(conv), Saved::Cols(cols)) => {
                let slot = slots[index].expect("a conv layer has a slot");
                let (out, ci, kh, kw) = conv.weight.dim();
                let (gw, rest) = grads.tensors[slot..].split_at_mut(1);
                let gw = ArrayViewMut2::from_shape((out, ci * kh * kw), &mut gw[0])
                    .expect("sized from the model");
                let gb = conv
                    .bias
                    .as_ref()
                    .map(|_| ArrayViewMut1::from(&mut rest[0][..]));
                conv_backward(
                    conv,
                    maps(x).dim(),
                    cols.view(),
                    maps(&grad).view(),
                    gw,
                    gb,
                    need_input,
                )
                .map(Tensor::Maps)
            }
            (LayerKind::Dense(dense), _) => {
                let slot = slots[index].expect("a dense layer has a slot");
                let (gw, rest) = grads.tensors[slot..].split_at_mut(1);
                let gw = ArrayViewMut2::from_shape(dense.weight.dim(), &mut gw[0])
                    .expect("sized from the model");
                let gb = dense
                    .bias
                    .as_ref()
                    .map(|_| ArrayViewMut1::from(&mut rest[0][..]));
                let xv = x.as_vector().expect("dense takes a vector");
                let dy = grad.as_vector().expect("dense gives a vector");
                dense_backward(dense, xv.view(), dy.view(), gw, gb, need_input).map(Tensor::Vector)
            }
            (LayerKind::Pool2d(_), Saved::Argmax(argmax)) => Some(Tensor::Maps(max_pool_backward(
                maps(&grad).view(),
                argmax,
                maps(x).dim(),
            ))),
            (LayerKind::Pool2d(pool), _) => Some(Tensor::Maps(avg_pool_backward(
                maps(&grad).view(),
                &pool.window,
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
            (kind, _) => unreachable!(
                "layer {} ({}) has no saved state",
                layer.name,
                kind.type_name()
            ),
        };
        match dx {
            Some(d) => grad = d,
            None => break,
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
