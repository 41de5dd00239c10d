//! The backward pass of each layer family: given what the forward pass saw and the gradient of
//! the loss with respect to the layer's output, the gradients with respect to its input and its
//! parameters. Each function is small and checked against central differences in `tests`.

use crate::engine::Activation;
use crate::engine::conv::{Conv2d, Window, col2im};
use crate::engine::dense::Dense;
use ndarray::{
    Array1, Array3, ArrayView1, ArrayView2, ArrayView3, ArrayViewMut1, ArrayViewMut2, Axis,
    linalg::general_mat_mul,
};

/// Convolution: adds `dL/dW` ([out, in*kh*kw]) and `dL/db` into `grad_weight`/`grad_bias` and
/// returns `dL/dx` when `need_input` (the first layer does not need it).
///
/// `cols` is the forward pass's `im2col` of the input, so `y = W cols + b` and
/// `dW = dy cols^T`, `db = sum of dy over positions`, `dx = col2im(W^T dy)`.
pub fn conv_backward(
    conv: &Conv2d,
    input_dim: (usize, usize, usize),
    cols: ArrayView2<f32>,
    dy: ArrayView3<f32>,
    mut grad_weight: ArrayViewMut2<f32>,
    grad_bias: Option<ArrayViewMut1<f32>>,
    need_input: bool,
) -> Option<Array3<f32>> {
    let (out_c, oh, ow) = dy.dim();
    let dy = dy.as_standard_layout();
    let dy_mat = dy
        .view()
        .into_shape_with_order((out_c, oh * ow))
        .expect("standard layout");
    general_mat_mul(1.0, &dy_mat, &cols.t(), 1.0, &mut grad_weight);
    if let Some(mut gb) = grad_bias {
        gb += &dy_mat.sum_axis(Axis(1));
    }
    if !need_input {
        return None;
    }
    let weights = conv.weight_matrix();
    let dcols = weights.t().dot(&dy_mat);
    Some(col2im(&dcols, input_dim, &conv.window(), (oh, ow)))
}

/// Dense: adds `dW = dy x^T` and `db = dy`; returns `dx = W^T dy` when `need_input`.
pub fn dense_backward(
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
pub fn activation_backward(f: Activation, x: &[f32], y: &[f32], dy: &[f32]) -> Vec<f32> {
    x.iter()
        .zip(y)
        .zip(dy)
        .map(|((&x, &y), &g)| g * f.derivative(x, y))
        .collect()
}

/// Max pooling: each output's gradient goes to the input value that won its window
/// (`argmax` holds flat `y*W + x` indices per channel, as [`crate::engine::pool::max_pool`]).
pub fn max_pool_backward(
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

/// Average pooling (padding counted in the divisor): every input in a window receives
/// `dy / (kh*kw)`.
pub fn avg_pool_backward(
    dy: ArrayView3<f32>,
    window: &Window,
    input_dim: (usize, usize, usize),
) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let (c, oh, ow) = dy.dim();
    let (kh, kw) = window.kernel;
    let (sh, sw) = window.stride;
    let (ph, pw) = window.padding;
    let scale = 1.0 / (kh * kw) as f32;
    let mut dx = Array3::<f32>::zeros(input_dim);
    for ch in 0..c {
        for oy in 0..oh {
            for ox in 0..ow {
                let g = dy[[ch, oy, ox]] * scale;
                for ky in 0..kh {
                    let iy = (oy * sh + ky) as i64 - ph as i64;
                    if iy < 0 || iy >= h as i64 {
                        continue;
                    }
                    for kx in 0..kw {
                        let ix = (ox * sw + kx) as i64 - pw as i64;
                        if ix >= 0 && ix < w as i64 {
                            dx[[ch, iy as usize, ix as usize]] += g;
                        }
                    }
                }
            }
        }
    }
    dx
}

/// Global average pooling: each map's gradient is spread evenly over its `H*W` values.
pub fn global_avg_pool_backward(dy: &[f32], input_dim: (usize, usize, usize)) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let scale = 1.0 / (h * w).max(1) as f32;
    Array3::from_shape_fn(input_dim, |(c, _, _)| {
        dy.get(c).copied().unwrap_or(0.0) * scale
    })
}

/// Dropout: the gradient flows only through kept units, scaled as the forward pass scaled them
/// (`factors` holds `0` or `1/(1-p)` per unit).
pub fn dropout_backward(dy: &[f32], factors: &[f32]) -> Vec<f32> {
    dy.iter().zip(factors).map(|(g, f)| g * f).collect()
}

/// Softmax followed by cross-entropy, fused: from the logits `z` and the true class, the loss
/// `-log softmax(z)[label]` and its gradient `softmax(z) - onehot(label)`.
pub fn softmax_cross_entropy(logits: &[f32], label: usize) -> (f32, Vec<f32>) {
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
