//! How a convolution is computed, separate from what it means (`layers/conv.rs`). Every
//! kernel gives the same numbers to float rounding; which one runs depends only on the layer's
//! geometry and input size, so it is picked once, when a model is built
//! ([`ConvKernel::choose`]), and `convscope bench` reports the choice per layer.
//!
//! - `direct`: stride-1 convolution straight from the padded input, a block of output
//!   channels by one or two vectors of pixels in registers (the small teaching nets).
//! - [`im2col`]: the input padded and split into phase planes once (`phases`), then per
//!   block of output pixels the columns gathered straight into the panel order of
//!   [`packed`]'s register tile (`tile`; a last few columns `tail`) and multiplied with the
//!   weights (packed once per model, `PackCache`) while they are in the cache; a 1x1
//!   convolution at stride 1 without padding gathers its columns from the input itself.
//! - `depthwise`: one input channel per group (MobileNet's depthwise convolutions): on wide
//!   maps with AVX-512, each channel's rows straight from its plane; otherwise blocks of 16 or
//!   8 channels side by side in the vector lanes, transposed in and out of a padded buffer;
//!   the channels left over one at a time, from phase planes.
//! - `winograd`: F(4x4, 3x3) for 3x3 convolutions at stride 1 with 64+ channels on maps of
//!   16+ tiles (ResNet's): a quarter of the multiply-adds, 36 products through [`packed`]
//!   with weights transformed once per model, within 1e-5 of the output range.
//! - `weight_grad`: training's weight gradient where the forward pass ran `direct`.
//!
//! `isa` says which vector instructions this CPU has; `shared` holds what several kernels
//! use (the `Epilogue` of a fused activation, the output pointer threads share).
//!
//! A layer's work is shared between threads along the seams it has on one thread (im2col's
//! blocks of output pixels, or the matrix product's panels of weights when there are too few
//! blocks, or one block of columns per thread when there are too few blocks but enough
//! columns; depthwise by runs of blocks of channels; the direct kernel by blocks of rows, by
//! the crew only and from 4 M multiply-adds up), so the numbers
//! do not depend on the thread count. Who shares it is `crew`'s choice: in a pass that has
//! the threads to itself (`crew::lone`), helpers that stay awake between layers, from about a
//! million multiply-adds up; elsewhere (a sweep, which already runs one pass per core)
//! rayon's threads, for the large layers only.

pub(crate) mod columns;
pub mod crew;
pub(crate) mod depthwise;
pub(crate) mod direct;
pub mod im2col;
pub(crate) mod isa;
#[cfg(target_arch = "x86_64")]
pub(crate) mod masked;
pub(crate) mod matvec;
pub mod packed;
pub(crate) mod phases;
pub(crate) mod shared;
pub(crate) mod tail;
pub(crate) mod tile;
pub(crate) mod weight_grad;
pub(crate) mod winograd;

pub(crate) use shared::Epilogue;

use crate::engine::layers::conv::Conv2d;
use ndarray::{Array3, ArrayView3};
use packed::PackedWeights;
use std::sync::{Arc, OnceLock};

/// The ways to compute a convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvKernel {
    /// `direct`: stride 1, few output channels per group, rows at least one vector wide.
    Direct,
    /// [`im2col`]'s matrix product without im2col: 1x1, stride 1, no padding, one group.
    Pointwise,
    /// [`im2col`]: im2col and a matrix product (everything else).
    Im2colGemm,
    /// `depthwise`: one input channel per group.
    Depthwise,
    /// `winograd`: F(4x4, 3x3), for 3x3 convolutions at stride 1 with one group.
    Winograd,
}

/// Output channels per group up to which [`direct`] beats im2col + matrix product at stride 1
/// (measured with `cargo bench --bench conv_kernels`: at 64 channels of 56x56 the matrix
/// product is ahead, at 16 the direct kernel).
const DIRECT_MAX_CHANNELS: usize = 32;

/// The same for a 1x1 layer whose input the matrix product reads in place
/// ([`im2col::reads_in_place`]): with no copy before it, the product was 5-20% faster at 24
/// and 32 output channels (MobileNetV2's and EfficientNet-B0's projections on 56x56 and 28x28
/// maps), and at 16 on a 112x112 map 8% slower to 8% faster from network to network.
const DIRECT_MAX_CHANNELS_1X1: usize = 16;

impl ConvKernel {
    /// The name `convscope bench` prints.
    pub fn name(self) -> &'static str {
        match self {
            ConvKernel::Direct => "direct",
            ConvKernel::Pointwise => "pointwise-gemm",
            ConvKernel::Im2colGemm => "im2col-gemm",
            ConvKernel::Depthwise => "depthwise",
            ConvKernel::Winograd => "winograd",
        }
    }

    /// The kernel for `conv` on an input of `channels` x `height` x `width` (a shape the
    /// model has checked).
    pub fn choose(conv: &Conv2d, (channels, height, width): (usize, usize, usize)) -> ConvKernel {
        let (out, per_in, kh, kw) = conv.weight.dim();
        let groups = conv.groups.max(1);
        if groups > 1 && per_in == 1 && groups == channels {
            return ConvKernel::Depthwise;
        }
        let (oh, ow) = conv.window().output_size(height, width);
        let no_padding = conv.padding == (0, 0) && conv.window().pad_end() == (0, 0);
        let pointwise = (kh, kw) == (1, 1) && conv.stride == (1, 1) && no_padding && groups == 1;
        let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
        let direct_max = if pointwise && im2col::reads_in_place(oh * ow) {
            DIRECT_MAX_CHANNELS_1X1
        } else {
            DIRECT_MAX_CHANNELS
        };
        if conv.stride == (1, 1) && out / groups <= direct_max && direct::applies(ow) {
            return ConvKernel::Direct;
        }
        if winograd::applies(conv) && winograd::wins((per_in, out), (oh as i64, ow as i64)) {
            return ConvKernel::Winograd;
        }
        if pointwise {
            return ConvKernel::Pointwise;
        }
        ConvKernel::Im2colGemm
    }
}

/// Output [out, oh, ow] of `conv` on `input` by `kernel`. The caller has checked the input's
/// channel count and that the output is not empty (the model does this once, when it is
/// built); `kernel` may be any of them (every one handles every geometry it is given, the
/// direct kernel by handing back to im2col where it does not apply).
pub(crate) fn forward(conv: &Conv2d, kernel: ConvKernel, input: ArrayView3<f32>) -> Array3<f32> {
    forward_packed(conv, kernel, input, None)
}

/// `forward` with the weights already packed for the matrix product ([`im2col::pack`]),
/// as the model keeps them; `None` packs them here when the kernel needs them.
pub fn forward_packed(
    conv: &Conv2d,
    kernel: ConvKernel,
    input: ArrayView3<f32>,
    packed: Option<&PackedWeights>,
) -> Array3<f32> {
    forward_fused(conv, kernel, input, packed, None)
}

/// [`forward_packed`] followed by `epilogue` (the activation after the convolution: ReLU,
/// ReLU6, SiLU, sigmoid, hard-swish, hard-sigmoid), applied by the kernel while the values it
/// has just written are in the cache: the same numbers as a pass of its own over the output,
/// without reading it all back from memory.
pub(crate) fn forward_fused(
    conv: &Conv2d,
    kernel: ConvKernel,
    input: ArrayView3<f32>,
    packed: Option<&PackedWeights>,
    epilogue: Option<Epilogue>,
) -> Array3<f32> {
    match kernel {
        ConvKernel::Direct => match direct::forward(conv, input) {
            Some(mut out) => {
                if let Some(epilogue) = epilogue {
                    epilogue.apply_array(&mut out);
                }
                out
            }
            None => im2col::forward(conv, input, packed, epilogue),
        },
        // A 1x1 convolution at stride 1 without padding: `W . X` with the input [C, H*W]
        // gathered in place (`im2col::forward` tells it from the other geometries).
        ConvKernel::Pointwise => im2col::forward(conv, input, packed, epilogue),
        ConvKernel::Im2colGemm => im2col::forward(conv, input, packed, epilogue),
        ConvKernel::Depthwise => depthwise::forward(conv, input, epilogue),
        ConvKernel::Winograd => winograd::forward(conv, input, packed, epilogue),
    }
}

impl Conv2d {
    /// Output [out, oh, ow], by the kernel [`ConvKernel::choose`] picks for this input size.
    /// The caller has checked the input's channel count and that the output is not empty
    /// (the model does this once, when it is built).
    pub fn forward(&self, input: ArrayView3<f32>) -> Array3<f32> {
        self.forward_with(ConvKernel::choose(self, input.dim()), input)
    }

    /// [`Conv2d::forward`] by a given kernel (the one the model picked when it was built).
    pub(crate) fn forward_with(&self, kernel: ConvKernel, input: ArrayView3<f32>) -> Array3<f32> {
        forward(self, kernel, input)
    }
}

impl ConvKernel {
    /// Whether this kernel reads packed weights ([`im2col::pack`]).
    pub fn packs(self) -> bool {
        matches!(
            self,
            ConvKernel::Pointwise | ConvKernel::Im2colGemm | ConvKernel::Winograd
        )
    }
}

/// The weights of `conv` as `kernel` reads them (`forward_packed`): im2col's packing, or for
/// [`ConvKernel::Winograd`] the transformed weights (where it applies to `conv`).
pub fn pack(conv: &Conv2d, kernel: ConvKernel) -> PackedWeights {
    if kernel == ConvKernel::Winograd && winograd::applies(conv) {
        winograd::pack(conv)
    } else {
        im2col::pack(conv)
    }
}

/// Each layer's packed weights, made on its first pass and kept (a model's weights change
/// only through `Model::layers_mut`, which starts a new cache). Clones share what is packed;
/// two caches always compare equal (they hold nothing the layers do not say).
#[derive(Default)]
pub(crate) struct PackCache(Vec<OnceLock<Arc<PackedWeights>>>);

impl PackCache {
    /// An empty cache for `layers` layers.
    pub(crate) fn new(layers: usize) -> PackCache {
        PackCache((0..layers).map(|_| OnceLock::new()).collect())
    }

    /// Layer `i`'s packed weights for `kernel`, packed from `conv` on first use.
    pub(crate) fn get(
        &self,
        i: usize,
        conv: &Conv2d,
        kernel: ConvKernel,
    ) -> Option<&PackedWeights> {
        let slot = self.0.get(i)?;
        Some(slot.get_or_init(|| Arc::new(pack(conv, kernel))))
    }
}

impl Clone for PackCache {
    fn clone(&self) -> PackCache {
        PackCache(
            self.0
                .iter()
                .map(|slot| {
                    let copy = OnceLock::new();
                    if let Some(p) = slot.get() {
                        let _ = copy.set(Arc::clone(p));
                    }
                    copy
                })
                .collect(),
        )
    }
}

impl PartialEq for PackCache {
    fn eq(&self, _: &PackCache) -> bool {
        true
    }
}

impl std::fmt::Debug for PackCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let packed = self.0.iter().filter(|s| s.get().is_some()).count();
        write!(f, "PackCache({packed} of {} layers packed)", self.0.len())
    }
}

#[cfg(test)]
pub(crate) mod tests;
