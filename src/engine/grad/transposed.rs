//! A stride-1 convolution's input gradient as a convolution, run by the fast forward kernels:
//! `dx[i] = sum_o dy[o] W[i - o + p]` is `dy` correlated with the kernel flipped in both
//! directions, input and output channels swapped (per group), and padding `d(k-1) - p` on
//! each side. Most of a ResNet's or MobileNet's convolutions are stride 1; the others (and a
//! padding larger than the kernel reaches) go back through im2col's adjoint.

use crate::engine::kernels::packed::PackedWeights;
use crate::engine::kernels::{self, ConvKernel, forward_packed};
use crate::engine::layers::conv::Conv2d;
use ndarray::{Array3, Array4, ArrayView3};
use std::sync::{Arc, OnceLock};

/// The convolution whose forward pass on `dy` is `conv`'s input gradient, when `conv` has
/// stride 1 and its padding does not reach past the kernel.
pub(super) fn transposed(conv: &Conv2d) -> Option<Conv2d> {
    if conv.stride != (1, 1) {
        return None;
    }
    let (out, per_in, kh, kw) = conv.weight.dim();
    let (dh, dw) = conv.dilation;
    let reach = (dh * (kh - 1), dw * (kw - 1));
    let start = conv.padding;
    let end = conv.padding_end.unwrap_or(conv.padding);
    if start.0 > reach.0 || start.1 > reach.1 || end.0 > reach.0 || end.1 > reach.1 {
        return None;
    }
    let groups = conv.groups.max(1);
    let per_out = out / groups;
    // W'[g*per_in + c, j, a, b] = W[g*per_out + j, c, kh-1-a, kw-1-b], by flat index (a
    // closure per element took longer than the gradient it serves on ResNet-18).
    let w = conv.weight.as_standard_layout();
    let src = w.as_slice().expect("standard layout");
    let mut dst = vec![0f32; src.len()];
    let taps = kh * kw;
    for g in 0..groups {
        for j in 0..per_out {
            for c in 0..per_in {
                let from = ((g * per_out + j) * per_in + c) * taps;
                let to = ((g * per_in + c) * per_out + j) * taps;
                for t in 0..taps {
                    // Tap (a, b) reads (kh-1-a, kw-1-b): the flat tap index reversed.
                    dst[to + t] = src[from + taps - 1 - t];
                }
            }
        }
    }
    let weight = Array4::from_shape_vec((per_in * groups, per_out, kh, kw), dst)
        .expect("the weights' own size");
    let padding = (reach.0 - start.0, reach.1 - start.1);
    let padding_end = (reach.0 - end.0, reach.1 - end.1);
    Some(Conv2d {
        weight,
        bias: None,
        stride: (1, 1),
        padding,
        padding_end: (padding_end != padding).then_some(padding_end),
        dilation: conv.dilation,
        groups,
    })
}

/// A convolution's transposed convolution, its kernel for the gradients it reads and its
/// packed weights: made once per layer, on the first gradient through it.
pub(crate) struct Transposed {
    conv: Conv2d,
    kernel: ConvKernel,
    packed: Option<PackedWeights>,
}

impl Transposed {
    fn new(conv: &Conv2d, dy_dim: (usize, usize, usize)) -> Option<Transposed> {
        let conv = transposed(conv)?;
        let kernel = ConvKernel::choose(&conv, dy_dim);
        let packed = kernel.packs().then(|| kernels::pack(&conv, kernel));
        Some(Transposed {
            conv,
            kernel,
            packed,
        })
    }
}

/// Each layer's [`Transposed`] (or `None`: not a stride-1 convolution), kept by the model as
/// its packed weights are; clones share them, and two caches always compare equal.
#[derive(Default)]
pub(crate) struct TransposeCache(Vec<OnceLock<Option<Arc<Transposed>>>>);

impl TransposeCache {
    pub(crate) fn new(layers: usize) -> TransposeCache {
        TransposeCache((0..layers).map(|_| OnceLock::new()).collect())
    }

    fn get(&self, i: usize, conv: &Conv2d, dy_dim: (usize, usize, usize)) -> Option<&Transposed> {
        self.0
            .get(i)?
            .get_or_init(|| Transposed::new(conv, dy_dim).map(Arc::new))
            .as_deref()
    }
}

impl Clone for TransposeCache {
    fn clone(&self) -> TransposeCache {
        TransposeCache(
            self.0
                .iter()
                .map(|slot| {
                    let copy = OnceLock::new();
                    if let Some(t) = slot.get() {
                        let _ = copy.set(t.clone());
                    }
                    copy
                })
                .collect(),
        )
    }
}

impl PartialEq for TransposeCache {
    fn eq(&self, _: &TransposeCache) -> bool {
        true
    }
}

impl std::fmt::Debug for TransposeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TransposeCache({} layers)", self.0.len())
    }
}

/// Layer `i`'s (`conv`'s) input gradient (the input `input_dim`) from `dy`, by its transposed
/// convolution from `cache` where it has one.
pub(crate) fn input_grad(
    cache: &TransposeCache,
    i: usize,
    conv: &Conv2d,
    input_dim: (usize, usize, usize),
    dy: ArrayView3<f32>,
) -> Option<Array3<f32>> {
    let t = cache.get(i, conv, dy.dim())?;
    let dx = forward_packed(&t.conv, t.kernel, dy, t.packed.as_ref());
    (dx.dim() == input_dim).then_some(dx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::train::backward::conv_input_grad;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// The transposed convolution gives im2col's adjoint to float rounding, for plain,
    /// padded, asymmetric, dilated, grouped and depthwise convolutions.
    #[test]
    fn matches_the_adjoint_of_im2col() {
        let mut rng = StdRng::seed_from_u64(3);
        let cases = [
            // (in, out, k, pad, pad_end, dilation, groups, h, w)
            (3, 5, 3, (1, 1), None, (1, 1), 1, 9, 8),
            (4, 6, 3, (0, 0), None, (1, 1), 2, 7, 7),
            (8, 8, 3, (1, 1), None, (1, 1), 8, 10, 6),
            (2, 3, 5, (2, 1), Some((1, 2)), (1, 1), 1, 11, 9),
            (3, 4, 3, (2, 2), None, (2, 2), 1, 12, 12),
            (64, 32, 1, (0, 0), None, (1, 1), 1, 5, 5),
        ];
        for (cin, cout, k, pad, pad_end, dilation, groups, h, w) in cases {
            let conv = Conv2d {
                weight: Array4::from_shape_fn((cout, cin / groups, k, k), |_| {
                    rng.random_range(-1.0..1.0)
                }),
                bias: None,
                stride: (1, 1),
                padding: pad,
                padding_end: pad_end,
                dilation,
                groups,
            };
            let (oh, ow) = conv.window().output_size(h, w);
            let dy = Array3::from_shape_fn((cout, oh as usize, ow as usize), |_| {
                rng.random_range(-1.0..1.0)
            });
            let want = conv_input_grad(&conv, (cin, h, w), dy.view());
            let cache = TransposeCache::new(1);
            let got = input_grad(&cache, 0, &conv, (cin, h, w), dy.view()).expect("stride 1");
            let worst = (&got - &want).iter().fold(0f32, |m, d| m.max(d.abs()));
            assert!(worst < 1e-4, "{cin}->{cout} k{k} g{groups}: {worst}");
        }
    }

    #[test]
    fn strides_and_over_wide_padding_take_the_other_path() {
        let conv = |stride, padding| Conv2d {
            weight: Array4::zeros((2, 2, 3, 3)),
            stride,
            padding,
            ..Default::default()
        };
        assert!(transposed(&conv((2, 2), (1, 1))).is_none());
        assert!(transposed(&conv((1, 1), (3, 3))).is_none());
        assert!(transposed(&conv((1, 1), (2, 2))).is_some());
    }
}
