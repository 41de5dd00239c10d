//! The backward pass of each layer family: given what the forward pass saw and the gradient of
//! the loss with respect to the layer's output, the gradients with respect to its input and its
//! parameters. Each function is small and checked against central differences in `tests`.

use crate::engine::layers::activation::{Activation, Prelu};
use crate::engine::layers::adaptive_pool::adaptive_range;
use crate::engine::layers::conv::{Conv2d, col2im};
use crate::engine::layers::dense::Dense;
use crate::engine::layers::norm::BatchNorm;
use crate::engine::layers::pool::avg_pool_divisors;
use crate::engine::window::Window;
use ndarray::{
    Array1, Array2, Array3, ArrayView1, ArrayView3, ArrayViewMut1, ArrayViewMut2, Axis,
    linalg::general_mat_mul, s,
};

/// Convolution: adds `dL/dW` ([out, in/groups*kh*kw]) and `dL/db` into
/// `grad_weight`/`grad_bias` and returns `dL/dx` when `need_input` (the first layer does not
/// need it).
///
/// `cols[g]` is the forward pass's `im2col` of group `g`'s input channels, so for each group
/// `y_g = W_g cols_g + b_g` and `dW_g = dy_g cols_g^T`, `db = sum of dy over positions`,
/// `dx_g = col2im(W_g^T dy_g)`.
pub(crate) fn conv_backward(
    conv: &Conv2d,
    input_dim: (usize, usize, usize),
    cols: &[Array2<f32>],
    dy: ArrayView3<f32>,
    mut grad_weight: ArrayViewMut2<f32>,
    grad_bias: Option<ArrayViewMut1<f32>>,
    need_input: bool,
) -> Option<Array3<f32>> {
    let (out_c, oh, ow) = dy.dim();
    let groups = cols.len().max(1);
    let per_out = out_c / groups;
    let dy = dy.as_standard_layout();
    let dy_mat = dy
        .view()
        .into_shape_with_order((out_c, oh * ow))
        .expect("standard layout");
    for (g, cols) in cols.iter().enumerate() {
        let rows = g * per_out..(g + 1) * per_out;
        let mut gw = grad_weight.slice_mut(s![rows.clone(), ..]);
        general_mat_mul(1.0, &dy_mat.slice(s![rows, ..]), &cols.t(), 1.0, &mut gw);
    }
    if let Some(mut gb) = grad_bias {
        gb += &dy_mat.sum_axis(Axis(1));
    }
    need_input.then(|| conv_input_grad(conv, input_dim, dy.view()))
}

/// Convolution's `dL/dx` from the output gradient `dy` [out, oh, ow], by im2col's adjoint:
/// for each group `dx_g = col2im(W_g^T dy_g)`.
pub(crate) fn conv_input_grad(
    conv: &Conv2d,
    input_dim: (usize, usize, usize),
    dy: ArrayView3<f32>,
) -> Array3<f32> {
    let (out_c, oh, ow) = dy.dim();
    let groups = conv.groups.max(1);
    let per_out = out_c / groups;
    let dy = dy.as_standard_layout();
    let dy_mat = dy
        .view()
        .into_shape_with_order((out_c, oh * ow))
        .expect("standard layout");
    let weights = conv.weight_matrix();
    let (channels, h, w) = input_dim;
    let per_in = channels / groups;
    let mut dx = Array3::<f32>::zeros(input_dim);
    for g in 0..groups {
        let rows = g * per_out..(g + 1) * per_out;
        let dcols = weights
            .slice(s![rows.clone(), ..])
            .t()
            .dot(&dy_mat.slice(s![rows, ..]));
        let part = col2im(&dcols, (per_in, h, w), &conv.window(), (oh, ow));
        dx.slice_mut(s![g * per_in..(g + 1) * per_in, .., ..])
            .assign(&part);
    }
    dx
}

/// Dense: adds `dW = dy x^T` and `db = dy`; returns `dx = W^T dy` when `need_input`.
pub(crate) fn dense_backward(
    dense: &Dense,
    x: ArrayView1<f32>,
    dy: ArrayView1<f32>,
    mut grad_weight: ArrayViewMut2<f32>,
    grad_bias: Option<ArrayViewMut1<f32>>,
    need_input: bool,
) -> Option<Array1<f32>> {
    for (mut row, &g) in grad_weight.rows_mut().into_iter().zip(dy.iter()) {
        if g != 0.0 {
            row.scaled_add(g, &x);
        }
    }
    if let Some(mut gb) = grad_bias {
        gb += &dy;
    }
    need_input.then(|| dense.weight.t().dot(&dy))
}

/// An element-wise activation: `dx = dy * f'(x)`, with `y = f(x)` from the forward pass.
pub(crate) fn activation_backward(f: Activation, x: &[f32], y: &[f32], dy: &[f32]) -> Vec<f32> {
    x.iter()
        .zip(y)
        .zip(dy)
        .map(|((&x, &y), &g)| g * f.derivative(x, y))
        .collect()
}

/// Max pooling: each output's gradient goes to the input value that won its window
/// (`argmax` holds flat `y*W + x` indices per channel, as
/// [`crate::engine::layers::pool::max_pool`]).
pub(crate) fn max_pool_backward(
    dy: ArrayView3<f32>,
    argmax: &[u32],
    input_dim: (usize, usize, usize),
) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let mut dx = Array3::<f32>::zeros(input_dim);
    let plane = h * w;
    let dst = dx.as_slice_mut().expect("fresh array");
    let (c, oh, ow) = dy.dim();
    for ch in 0..c {
        for (i, &g) in dy.index_axis(Axis(0), ch).iter().enumerate() {
            let at = argmax[ch * oh * ow + i] as usize;
            if at < plane {
                dst[ch * plane + at] += g;
            }
        }
    }
    dx
}

/// Average pooling: every input in a window receives `dy / divisor`, the divisor the forward
/// pass used (the window's positions inside the padded input with `count_include_pad`, else
/// only those inside the input).
pub(crate) fn avg_pool_backward(
    dy: ArrayView3<f32>,
    window: &Window,
    count_include_pad: bool,
    input_dim: (usize, usize, usize),
) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let (c, oh, ow) = dy.dim();
    let (kh, kw) = window.kernel;
    let (sh, sw) = window.stride;
    let (ph, pw) = window.padding;
    let divisors = avg_pool_divisors((h, w), window, count_include_pad);
    // The input range of output `o` along one axis.
    let range = |o: usize, n: usize, k: usize, s: usize, p: usize| {
        let start = (o * s) as i64 - p as i64;
        (start.max(0) as usize)..((start + k as i64).min(n as i64).max(0) as usize)
    };
    let mut dx = Array3::<f32>::zeros(input_dim);
    for ch in 0..c {
        for oy in 0..oh {
            let rows = range(oy, h, kh, sh, ph);
            for ox in 0..ow {
                let divisor = divisors.get(oy * ow + ox).copied().unwrap_or(1).max(1);
                let g = dy[[ch, oy, ox]] / divisor as f32;
                for iy in rows.clone() {
                    for ix in range(ox, w, kw, sw, pw) {
                        dx[[ch, iy, ix]] += g;
                    }
                }
            }
        }
    }
    dx
}

/// Adaptive average pooling: each output's gradient is spread evenly over its window.
pub(crate) fn adaptive_avg_pool_backward(
    dy: ArrayView3<f32>,
    input_dim: (usize, usize, usize),
) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let (c, oh, ow) = dy.dim();
    let mut dx = Array3::<f32>::zeros(input_dim);
    for ch in 0..c {
        for oy in 0..oh {
            let rows = adaptive_range(oy, h, oh);
            for ox in 0..ow {
                let cols = adaptive_range(ox, w, ow);
                let g = dy[[ch, oy, ox]] / (rows.len() * cols.len()).max(1) as f32;
                for iy in rows.clone() {
                    for ix in cols.clone() {
                        dx[[ch, iy, ix]] += g;
                    }
                }
            }
        }
    }
    dx
}

/// PReLU: `dx = dy` where `x >= 0`, else `slope * dy`; adds `dy * x` over the negative inputs
/// of each channel into its slope's gradient (one shared slope gathers them all).
/// `per_channel` is H*W for maps, 1 for a vector.
pub(crate) fn prelu_backward(
    prelu: &Prelu,
    x: &[f32],
    dy: &[f32],
    per_channel: usize,
    grad_weight: &mut [f32],
) -> Vec<f32> {
    let shared = prelu.weight.len() == 1;
    x.iter()
        .zip(dy)
        .enumerate()
        .map(|(i, (&x, &g))| {
            let c = i / per_channel.max(1);
            if x >= 0.0 {
                g
            } else {
                grad_weight[if shared { 0 } else { c }] += g * x;
                prelu.slope(c) * g
            }
        })
        .collect()
}

/// Batch norm in training mode over a batch: each channel normalised by the batch's mean and
/// (biased) variance over every example and position, then scaled by gamma and shifted by
/// beta. `xs[e]` is example `e` flattened (channel-major, `per_channel` values per channel).
#[derive(Debug, Clone)]
pub(crate) struct BatchNormForward {
    pub ys: Vec<Vec<f32>>,
    /// The normalised inputs, kept for the backward pass.
    pub xhats: Vec<Vec<f32>>,
    pub mean: Vec<f32>,
    pub var: Vec<f32>,
    pub inv_std: Vec<f32>,
}

pub(crate) fn batch_norm_train_forward(
    bn: &BatchNorm,
    xs: &[&[f32]],
    per_channel: usize,
) -> BatchNormForward {
    let channels = bn.channels();
    let count = (xs.len() * per_channel).max(1) as f64;
    let mut mean = vec![0f64; channels];
    let mut var = vec![0f64; channels];
    for x in xs {
        for (i, &v) in x.iter().enumerate() {
            mean[i / per_channel] += v as f64;
        }
    }
    mean.iter_mut().for_each(|m| *m /= count);
    for x in xs {
        for (i, &v) in x.iter().enumerate() {
            let d = v as f64 - mean[i / per_channel];
            var[i / per_channel] += d * d;
        }
    }
    var.iter_mut().for_each(|v| *v /= count);
    let inv_std: Vec<f32> = var
        .iter()
        .map(|&v| (1.0 / (v + bn.eps as f64).sqrt()) as f32)
        .collect();
    let mean: Vec<f32> = mean.into_iter().map(|m| m as f32).collect();
    let mut ys = Vec::with_capacity(xs.len());
    let mut xhats = Vec::with_capacity(xs.len());
    for x in xs {
        let xhat: Vec<f32> = x
            .iter()
            .enumerate()
            .map(|(i, &v)| (v - mean[i / per_channel]) * inv_std[i / per_channel])
            .collect();
        ys.push(
            xhat.iter()
                .enumerate()
                .map(|(i, &h)| h * bn.weight[i / per_channel] + bn.bias[i / per_channel])
                .collect(),
        );
        xhats.push(xhat);
    }
    BatchNormForward {
        ys,
        xhats,
        mean,
        var: var.into_iter().map(|v| v as f32).collect(),
        inv_std,
    }
}

/// Batch norm's backward over the batch: with `M` values per channel,
/// `dgamma = sum dy*xhat`, `dbeta = sum dy`,
/// `dx = gamma * inv_std / M * (M*dy - sum dy - xhat * sum dy*xhat)`.
pub(crate) fn batch_norm_backward(
    bn: &BatchNorm,
    forward: &BatchNormForward,
    dys: &[&[f32]],
    per_channel: usize,
    grad_gamma: &mut [f32],
    grad_beta: &mut [f32],
) -> Vec<Vec<f32>> {
    let channels = bn.channels();
    let count = (dys.len() * per_channel).max(1) as f64;
    let mut sum_dy = vec![0f64; channels];
    let mut sum_dy_xhat = vec![0f64; channels];
    for (dy, xhat) in dys.iter().zip(&forward.xhats) {
        for (i, (&g, &h)) in dy.iter().zip(xhat).enumerate() {
            sum_dy[i / per_channel] += g as f64;
            sum_dy_xhat[i / per_channel] += g as f64 * h as f64;
        }
    }
    for c in 0..channels {
        grad_gamma[c] += sum_dy_xhat[c] as f32;
        grad_beta[c] += sum_dy[c] as f32;
    }
    dys.iter()
        .zip(&forward.xhats)
        .map(|(dy, xhat)| {
            dy.iter()
                .zip(xhat)
                .enumerate()
                .map(|(i, (&g, &h))| {
                    let c = i / per_channel;
                    let k = bn.weight[c] as f64 * forward.inv_std[c] as f64 / count;
                    (k * (count * g as f64 - sum_dy[c] - h as f64 * sum_dy_xhat[c])) as f32
                })
                .collect()
        })
        .collect()
}

/// Global average pooling: each map's gradient is spread evenly over its `H*W` values.
pub(crate) fn global_avg_pool_backward(
    dy: &[f32],
    input_dim: (usize, usize, usize),
) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let scale = 1.0 / (h * w).max(1) as f32;
    Array3::from_shape_fn(input_dim, |(c, _, _)| {
        dy.get(c).copied().unwrap_or(0.0) * scale
    })
}

/// Dropout: the gradient flows only through kept units, scaled as the forward pass scaled them
/// (`factors` holds `0` or `1/(1-p)` per unit).
pub(crate) fn dropout_backward(dy: &[f32], factors: &[f32]) -> Vec<f32> {
    dy.iter().zip(factors).map(|(g, f)| g * f).collect()
}

/// Softmax followed by cross-entropy, fused: from the logits `z` and the true class, the loss
/// `-log softmax(z)[label]` and its gradient `softmax(z) - onehot(label)`.
pub(crate) fn softmax_cross_entropy(logits: &[f32], label: usize) -> (f32, Vec<f32>) {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&z| (z - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    let log_sum = sum.ln() + max;
    let loss = log_sum - logits.get(label).copied().unwrap_or(0.0);
    let grad = exps
        .iter()
        .enumerate()
        .map(|(i, &e)| e / sum - if i == label { 1.0 } else { 0.0 })
        .collect();
    (loss, grad)
}
