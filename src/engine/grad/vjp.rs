//! One layer's step back at inference: from the gradient at its output (`dy`) to the gradient
//! at each of its inputs (a vector-Jacobian product), with the layer run as the forward pass
//! ran it (the pooling mode and dropout of [`RunOptions`]). Convolution, pooling and the
//! activations reuse the training formulas of `train/backward.rs`.

use super::{adjoint, transposed};
use crate::engine::layer::{LayerKind, RunOptions, dropout_mask, layer_dropout_seed};
use crate::engine::layers::activation::Activation;
use crate::engine::layers::adaptive_pool::AdaptivePool;
use crate::engine::layers::merge::Merge;
use crate::engine::layers::pool::{Pool2d, PoolMode, max_pool};
use crate::engine::model::Model;
use crate::engine::tensor::Tensor;
use crate::engine::train::backward::{
    activation_backward, adaptive_avg_pool_backward, avg_pool_backward, conv_input_grad,
    global_avg_pool_backward, max_pool_backward,
};
use crate::engine::window::Window;
use ndarray::{Array1, Array3, Axis};

fn maps(t: &Tensor) -> &Array3<f32> {
    t.as_maps()
        .expect("shapes are checked when the model is built")
}

/// `values` in the shape of `like`.
fn shaped_like(like: &Tensor, values: Vec<f32>) -> Tensor {
    match like {
        Tensor::Maps(a) => Tensor::Maps(Array3::from_shape_vec(a.dim(), values).expect("sized")),
        Tensor::Vector(_) => Tensor::Vector(Array1::from(values)),
    }
}

/// The gradient at each input of layer `index` (in the order of its sources), given its
/// inputs, its output `y` and the gradient `dy` at its output.
pub(super) fn input_grads(
    model: &Model,
    index: usize,
    inputs: &[&Tensor],
    y: &Tensor,
    dy: &Tensor,
    options: &RunOptions,
) -> Vec<Tensor> {
    let layer = &model.layers()[index];
    if let LayerKind::Merge(merge) = &layer.kind {
        return merge_grads(*merge, inputs, dy);
    }
    let x = inputs[0];
    let dx = match &layer.kind {
        LayerKind::Conv2d(conv) => {
            let (dim, dy) = (maps(x).dim(), maps(dy).view());
            Tensor::Maps(
                transposed::input_grad(model.transposed(), index, conv, dim, dy)
                    .unwrap_or_else(|| conv_input_grad(conv, dim, dy)),
            )
        }
        LayerKind::Dense(dense) => {
            let dy = dy.as_vector().expect("dense gives a vector");
            Tensor::Vector(dense.weight.t().dot(dy))
        }
        LayerKind::Activation(f) => activation_grad(*f, x, y, dy),
        LayerKind::Prelu(prelu) => {
            let per = per_channel(x);
            let d = x
                .values()
                .iter()
                .zip(dy.values())
                .enumerate()
                .map(|(i, (&x, g))| {
                    if x >= 0.0 {
                        g
                    } else {
                        prelu.slope(i / per) * g
                    }
                })
                .collect();
            shaped_like(x, d)
        }
        LayerKind::Pool2d(pool) => {
            let mode = options.pool_mode.unwrap_or(pool.mode);
            Tensor::Maps(pool_grad(&Pool2d { mode, ..*pool }, maps(x), maps(dy)))
        }
        LayerKind::AdaptivePool(pool) => Tensor::Maps(adaptive_grad(pool, maps(x), maps(dy))),
        LayerKind::GlobalMaxPool => {
            let pool = AdaptivePool {
                mode: PoolMode::Max,
                output: (1, 1),
            };
            Tensor::Maps(adaptive_grad(&pool, maps(x), maps(dy)))
        }
        LayerKind::GlobalAvgPool => {
            Tensor::Maps(global_avg_pool_backward(&dy.values(), maps(x).dim()))
        }
        LayerKind::BatchNorm(bn) => {
            let (scale, _) = bn.scale_shift();
            let per = per_channel(x);
            let d = dy
                .values()
                .iter()
                .enumerate()
                .map(|(i, g)| g * scale[i / per])
                .collect();
            shaped_like(x, d)
        }
        LayerKind::LayerNorm(ln) => adjoint::layer_norm(ln, x, dy),
        LayerKind::PickChannels(pick) => {
            Tensor::Maps(adjoint::pick_channels(pick, maps(x).dim(), maps(dy)))
        }
        LayerKind::Pad2d(pad) => Tensor::Maps(adjoint::pad(pad, maps(x).dim(), maps(dy))),
        LayerKind::Resize(resize) => Tensor::Maps(adjoint::resize(resize, maps(x).dim(), maps(dy))),
        LayerKind::Flatten => shaped_like(x, dy.values()),
        LayerKind::Dropout { p } => match options.dropout {
            None => dy.clone(),
            Some(run) => {
                let p = run.rate.unwrap_or(*p).clamp(0.0, 0.999);
                let mask = dropout_mask(dy.shape().len(), p, layer_dropout_seed(run.seed, index));
                let scale = 1.0 / (1.0 - p);
                let d = dy
                    .values()
                    .iter()
                    .zip(mask)
                    .map(|(g, keep)| if keep { g * scale } else { 0.0 })
                    .collect();
                shaped_like(x, d)
            }
        },
        LayerKind::Softmax => {
            // dx = y * (dy - <dy, y>).
            let (yv, dyv) = (y.values(), dy.values());
            let dot: f32 = yv.iter().zip(&dyv).map(|(a, b)| a * b).sum();
            shaped_like(x, yv.iter().zip(&dyv).map(|(y, g)| y * (g - dot)).collect())
        }
        LayerKind::LogSoftmax => {
            // dx = dy - softmax(x) * sum(dy).
            let dyv = dy.values();
            let total: f32 = dyv.iter().sum();
            let d = y
                .values()
                .iter()
                .zip(&dyv)
                .map(|(y, g)| g - y.exp() * total)
                .collect();
            shaped_like(x, d)
        }
        LayerKind::Merge(_) => unreachable!("handled above"),
    };
    vec![dx]
}

fn per_channel(t: &Tensor) -> usize {
    match t {
        Tensor::Maps(a) => (a.dim().1 * a.dim().2).max(1),
        Tensor::Vector(_) => 1,
    }
}

fn activation_grad(f: Activation, x: &Tensor, y: &Tensor, dy: &Tensor) -> Tensor {
    shaped_like(
        x,
        activation_backward(f, &x.values(), &y.values(), &dy.values()),
    )
}

/// Pooling: max sends each output's gradient to its window's winner (recomputed: the first
/// maximum, as PyTorch), average spreads it over the window, anti-aliased max pooling goes
/// back through its blur and then its stride-1 max.
fn pool_grad(pool: &Pool2d, x: &Array3<f32>, dy: &Array3<f32>) -> Array3<f32> {
    match pool.mode {
        PoolMode::Max => {
            let (_, argmax) = max_pool(x.view(), &pool.window);
            max_pool_backward(dy.view(), &argmax, x.dim())
        }
        PoolMode::Avg => {
            avg_pool_backward(dy.view(), &pool.window, pool.count_include_pad, x.dim())
        }
        PoolMode::BlurMax => {
            let dense_window = Window {
                stride: (1, 1),
                ceil_mode: false,
                ..pool.window
            };
            let (dense, argmax) = max_pool(x.view(), &dense_window);
            let d_dense = adjoint::blur_subsample(dy, pool.blur, pool.window.stride, dense.dim());
            max_pool_backward(d_dense.view(), &argmax, x.dim())
        }
    }
}

fn adaptive_grad(pool: &AdaptivePool, x: &Array3<f32>, dy: &Array3<f32>) -> Array3<f32> {
    match pool.mode {
        PoolMode::Avg => adaptive_avg_pool_backward(dy.view(), x.dim()),
        _ => {
            let (_, argmax) = pool.forward_with_argmax(x.view());
            max_pool_backward(dy.view(), &argmax, x.dim())
        }
    }
}

/// Add passes `dy` to every input; concat hands each input its own channels (or entries);
/// mul scales `dy` by the other input, summed over each map where one input is a weight per
/// channel (squeeze-and-excitation).
fn merge_grads(merge: Merge, inputs: &[&Tensor], dy: &Tensor) -> Vec<Tensor> {
    match merge {
        Merge::Add => inputs.iter().map(|_| dy.clone()).collect(),
        Merge::Concat => {
            let mut start = 0;
            inputs
                .iter()
                .map(|x| match (x, dy) {
                    (Tensor::Maps(a), Tensor::Maps(d)) => {
                        let c = a.dim().0;
                        let part = d.slice_axis(Axis(0), (start..start + c).into()).to_owned();
                        start += c;
                        Tensor::Maps(part)
                    }
                    _ => {
                        let n = x.shape().len();
                        let d = dy.values()[start..start + n].to_vec();
                        start += n;
                        shaped_like(x, d)
                    }
                })
                .collect()
        }
        Merge::Mul => {
            let (a, b) = (inputs[0], inputs[1]);
            vec![mul_grad(a, b, dy), mul_grad(b, a, dy)]
        }
    }
}

/// The gradient at `x` of `x * other` (element by element, or per channel where one side is
/// one value per channel), given `dy` in the product's shape.
fn mul_grad(x: &Tensor, other: &Tensor, dy: &Tensor) -> Tensor {
    let dyv = dy.values();
    if x.shape().len() == other.shape().len() {
        let d = x
            .values()
            .iter()
            .zip(other.values())
            .zip(&dyv)
            .map(|((_, o), g)| o * g)
            .collect();
        return shaped_like(x, d);
    }
    let per = dyv.len() / x.shape().len().min(other.shape().len()).max(1);
    if x.shape().len() < other.shape().len() {
        // `x` is the weight of each channel: the sum over its map of dy * map.
        let o = other.values();
        let d = (0..x.shape().len())
            .map(|c| {
                let r = c * per..(c + 1) * per;
                o[r.clone()].iter().zip(&dyv[r]).map(|(o, g)| o * g).sum()
            })
            .collect();
        shaped_like(x, d)
    } else {
        // `x` is the maps: dy scaled by each channel's weight.
        let w = other.values();
        let d = dyv
            .iter()
            .enumerate()
            .map(|(i, g)| g * w[i / per])
            .collect();
        shaped_like(x, d)
    }
}
