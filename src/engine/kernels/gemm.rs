//! Convolution as a matrix product: `out[o, p] = bias[o] + sum_k W[o, k] * cols[k, p]`, with
//! `cols` im2col's unfolding of the input ([`super::im2col`], in blocks of output pixels) or
//! the input itself for a 1x1 convolution at stride 1 without padding. The product is
//! [`super::packed`]'s: the weights packed once per model, the columns gathered straight into
//! the order its register tile reads them.

use super::Clamp;
use super::packed::PackedWeights;
use crate::engine::layers::conv::Conv2d;
use ndarray::{Array3, ArrayView3};

/// Multiply-adds below which a product stays on the calling thread: handing half of it to
/// another thread costs a wake-up (tens of microseconds, more on a virtual machine), worth
/// it only for the large layers. At 8 M, MobileNetV2 (layers of at most 20 M) ran slower on
/// two threads than on one (8.5 ms against 6.6); at 32 M it runs as on one (6.8), while
/// ResNet-18's 3x3 layers (115-231 M) are still split (15.7 ms on two, 24.4 on one).
pub(super) const SPLIT_MACS: usize = 1 << 25;

/// A pointer that may cross to another rayon thread: each thread writes only its own block
/// of the output.
#[derive(Clone, Copy)]
pub struct Shared(pub *mut f32);
// SAFETY: used only where each thread writes a disjoint part of the output.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
impl Shared {
    /// The pointer (a method, so closures capture the whole `Shared`, not its field).
    pub fn get(self) -> *mut f32 {
        self.0
    }
}

/// The output's values, each channel filled with its bias (or zero).
pub(super) fn bias_filled(conv: &Conv2d, plane: usize) -> Vec<f32> {
    let out_channels = conv.out_channels();
    let mut out = Vec::with_capacity(out_channels * plane);
    for c in 0..out_channels {
        let b = conv.bias.as_ref().map_or(0.0, |b| b[c]);
        out.extend(std::iter::repeat_n(b, plane));
    }
    out
}

/// A 1x1 convolution at stride 1 without padding: `W . X` with the input [C, H*W] gathered
/// in place (other geometries go through im2col; both are [`super::im2col::forward`]).
pub fn pointwise_forward(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    packed: Option<&PackedWeights>,
    clamp: Option<Clamp>,
) -> Array3<f32> {
    super::im2col::forward(conv, input, packed, clamp)
}

/// Any convolution: im2col and a matrix product per group ([`super::im2col`]).
pub fn im2col_forward(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    packed: Option<&PackedWeights>,
    clamp: Option<Clamp>,
) -> Array3<f32> {
    super::im2col::forward(conv, input, packed, clamp)
}
