//! The steps back through layers that move or mix values without weights to learn: padding,
//! resizing, picking channels, the blur of anti-aliased pooling (each the transpose of its
//! linear forward pass: every output's gradient goes back to the inputs it read, with the
//! weights it read them with), and layer normalisation.

use crate::engine::layers::channels::PickChannels;
use crate::engine::layers::norm::LayerNorm;
use crate::engine::layers::pool::{binomial, reflect};
use crate::engine::layers::resample::{Pad2d, Resize};
use crate::engine::tensor::Tensor;
use ndarray::{Array1, Array3, Axis};

/// Picking channels: each output channel's gradient goes back to the channel it copied (a
/// channel picked twice gathers both).
pub(super) fn pick_channels(
    pick: &PickChannels,
    input_dim: (usize, usize, usize),
    dy: &Array3<f32>,
) -> Array3<f32> {
    let mut dx = Array3::zeros(input_dim);
    for (k, &from) in pick.from.iter().enumerate() {
        let mut plane = dx.index_axis_mut(Axis(0), from);
        plane += &dy.index_axis(Axis(0), k);
    }
    dx
}

/// Padding: every output cell's gradient goes back to the input cell it copied (mirrored and
/// repeated borders send several cells' gradients to one input cell).
pub(super) fn pad(pad: &Pad2d, input_dim: (usize, usize, usize), dy: &Array3<f32>) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let (c, oh, ow) = dy.dim();
    let [t, l, _, _] = pad.pads;
    let rows: Vec<usize> = (0..oh).map(|y| pad.source(y, t, h)).collect();
    let cols: Vec<usize> = (0..ow).map(|x| pad.source(x, l, w)).collect();
    let mut dx = Array3::zeros(input_dim);
    for ch in 0..c {
        for (y, &iy) in rows.iter().enumerate() {
            for (x, &ix) in cols.iter().enumerate() {
                dx[[ch, iy, ix]] += dy[[ch, y, x]];
            }
        }
    }
    dx
}

/// Resizing: each output cell's gradient goes back to the (up to four) input cells it
/// interpolated, with their weights.
pub(super) fn resize(
    resize: &Resize,
    input_dim: (usize, usize, usize),
    dy: &Array3<f32>,
) -> Array3<f32> {
    let (_, h, w) = input_dim;
    let (c, oh, ow) = dy.dim();
    let rows = resize.taps(oh, h, resize.scale.0);
    let cols = resize.taps(ow, w, resize.scale.1);
    let mut dx = Array3::zeros(input_dim);
    for ch in 0..c {
        for (y, &(y0, y1, fy)) in rows.iter().enumerate() {
            for (x, &(x0, x1, fx)) in cols.iter().enumerate() {
                let g = dy[[ch, y, x]];
                dx[[ch, y0, x0]] += g * (1.0 - fy) * (1.0 - fx);
                dx[[ch, y0, x1]] += g * (1.0 - fy) * fx;
                dx[[ch, y1, x0]] += g * fy * (1.0 - fx);
                dx[[ch, y1, x1]] += g * fy * fx;
            }
        }
    }
    dx
}

/// The blur-and-subsample of anti-aliased max pooling
/// ([`crate::engine::layers::pool::blur_subsample_to`]) taken back: columns first, then rows,
/// to the dense (stride-1 max-pooled) maps of `dense_dim`.
pub(super) fn blur_subsample(
    dy: &Array3<f32>,
    taps: usize,
    stride: (usize, usize),
    dense_dim: (usize, usize, usize),
) -> Array3<f32> {
    let (channels, height, width) = dense_dim;
    let (_, oh, ow) = dy.dim();
    let filter = binomial(taps);
    let before = (taps.max(1) as i64 - 1) / 2;
    let mut d_rows = Array3::<f32>::zeros((channels, oh, width));
    for c in 0..channels {
        for oy in 0..oh {
            for ox in 0..ow {
                let g = dy[[c, oy, ox]];
                for (t, &f) in filter.iter().enumerate() {
                    let ix = reflect((ox * stride.1) as i64 + t as i64 - before, width);
                    d_rows[[c, oy, ix]] += f * g;
                }
            }
        }
    }
    let mut dx = Array3::<f32>::zeros(dense_dim);
    for c in 0..channels {
        for oy in 0..oh {
            for (t, &f) in filter.iter().enumerate() {
                let iy = reflect((oy * stride.0) as i64 + t as i64 - before, height);
                for x in 0..width {
                    dx[[c, iy, x]] += f * d_rows[[c, oy, x]];
                }
            }
        }
    }
    dx
}

/// Layer normalisation over the channels at each position: with `xhat` the normalised input
/// and `g = dy * weight`, `dx = (g - mean(g) - xhat * mean(g * xhat)) / std`.
pub(super) fn layer_norm(ln: &LayerNorm, x: &Tensor, dy: &Tensor) -> Tensor {
    let n = ln.weight.len();
    let (xv, dyv) = (x.values(), dy.values());
    let positions = xv.len() / n.max(1);
    // Maps hold channel `c` of position `p` at `c * positions + p`; a vector is one position.
    let at = |c: usize, p: usize| c * positions + p;
    let mut dx = vec![0f32; xv.len()];
    for p in 0..positions {
        let mean = (0..n).map(|c| xv[at(c, p)] as f64).sum::<f64>() / n as f64;
        let var = (0..n)
            .map(|c| (xv[at(c, p)] as f64 - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        let inv = 1.0 / (var + ln.eps as f64).sqrt();
        let xhat = |c: usize| (xv[at(c, p)] as f64 - mean) * inv;
        let g = |c: usize| dyv[at(c, p)] as f64 * ln.weight[c] as f64;
        let mean_g = (0..n).map(g).sum::<f64>() / n as f64;
        let mean_gx = (0..n).map(|c| g(c) * xhat(c)).sum::<f64>() / n as f64;
        for c in 0..n {
            dx[at(c, p)] = ((g(c) - mean_g - xhat(c) * mean_gx) * inv) as f32;
        }
    }
    match x {
        Tensor::Maps(a) => Tensor::Maps(Array3::from_shape_vec(a.dim(), dx).expect("sized")),
        Tensor::Vector(_) => Tensor::Vector(Array1::from(dx)),
    }
}
