//! What several kernels share: the clamp of a fused activation, a pointer that rayon threads
//! writing disjoint parts of one output may share, an output started from the bias, and the
//! size from which a matrix product is split across threads.

use super::isa::Isa;
use crate::engine::layers::activation::Activation;
use crate::engine::layers::conv::Conv2d;
use ndarray::{Array, Dimension};

/// What a convolution applies to its output as it writes it (`super::forward_fused`): a
/// clamp, in the register tile before the values are stored, or one of the smooth
/// activations (SiLU, sigmoid, hard-swish, hard-sigmoid), by the matrix product over each
/// block of rows it has just finished (while they are in the cache) and by the other kernels
/// over each channel or output. The same numbers as the activation's own pass
/// ([`Activation::apply_all`]), one pass over the maps less.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Epilogue {
    Clamp(Clamp),
    Map(Activation),
}

impl Epilogue {
    /// The activation as an epilogue (a clamp where it is one); `None` for those a
    /// convolution does not apply (tanh, GELU, ELU...: rare after a convolution).
    pub(crate) fn of(activation: Activation) -> Option<Epilogue> {
        if let Some(clamp) = Clamp::of(activation) {
            return Some(Epilogue::Clamp(clamp));
        }
        match activation {
            Activation::Sigmoid
            | Activation::Silu
            | Activation::Hardswish
            | Activation::Hardsigmoid { .. } => Some(Epilogue::Map(activation)),
            _ => None,
        }
    }

    /// The clamp, when it is one (the register tiles apply it).
    pub(crate) fn clamp(self) -> Option<Clamp> {
        match self {
            Epilogue::Clamp(clamp) => Some(clamp),
            Epilogue::Map(_) => None,
        }
    }

    /// The activation applied after the values are stored, when it is not a clamp.
    pub(crate) fn map(self) -> Option<Activation> {
        match self {
            Epilogue::Clamp(_) => None,
            Epilogue::Map(f) => Some(f),
        }
    }

    /// Every value through it, in place.
    pub(crate) fn apply_all(self, values: &mut [f32]) {
        match self {
            Epilogue::Clamp(clamp) => clamp.apply_all(values),
            Epilogue::Map(f) => f.apply_all(values),
        }
    }

    /// Every value of an array through it, in place.
    pub(crate) fn apply_array<D: Dimension>(self, a: &mut Array<f32, D>) {
        match a.as_slice_mut() {
            Some(values) => self.apply_all(values),
            None => match self {
                Epilogue::Clamp(clamp) => a.mapv_inplace(|v| clamp.apply(v)),
                Epilogue::Map(f) => a.mapv_inplace(|v| f.apply(v)),
            },
        }
    }
}

/// An activation that is a clamp, `min(max(x, min), max)` (ReLU, ReLU6, Hardtanh), which a
/// convolution kernel can apply as it writes its output (`super::forward_fused`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clamp {
    pub min: f32,
    pub max: f32,
}

impl Clamp {
    /// The activation as a clamp a convolution can apply as it writes its output (ReLU and
    /// `Clip`: the same values as [`Activation::map`]); `None` for the others.
    pub(crate) fn of(activation: Activation) -> Option<Clamp> {
        match activation {
            Activation::Relu => Some(Clamp {
                min: 0.0,
                max: f32::INFINITY,
            }),
            Activation::Clip { min, max } if !min.is_nan() && !max.is_nan() => {
                Some(Clamp { min, max })
            }
            _ => None,
        }
    }

    /// The clamped value, as the activation computes it (a NaN becomes `min`, as there).
    pub(crate) fn apply(self, v: f32) -> f32 {
        v.max(self.min).min(self.max)
    }

    /// Every value clamped in place (eight at a time where the CPU has AVX2).
    pub(crate) fn apply_all(self, values: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if Isa::available().contains(&Isa::Avx2) {
            // SAFETY: the CPU has AVX2.
            return unsafe { self.apply_all_avx2(values) };
        }
        values.iter_mut().for_each(|v| *v = self.apply(*v));
    }

    /// [`Clamp::apply_all`], the same loop compiled for AVX2.
    ///
    /// # Safety
    /// The CPU has AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn apply_all_avx2(self, values: &mut [f32]) {
        values.iter_mut().for_each(|v| *v = self.apply(*v));
    }
}

/// Multiply-adds below which a product stays on the calling thread: handing half of it to
/// another thread costs a wake-up (tens of microseconds, more on a virtual machine), worth
/// it only for the large layers. At 8 M, MobileNetV2 (layers of at most 20 M) ran slower on
/// two threads than on one (8.5 ms against 6.6); at 32 M it runs as on one (6.8), while
/// ResNet-18's 3x3 layers (115-231 M) are still split (15.7 ms on two, 24.4 on one).
pub(crate) const SPLIT_MACS: usize = 1 << 25;

/// A pointer that may cross to another rayon thread: each thread writes only its own block
/// of the output.
#[derive(Clone, Copy)]
pub(crate) struct Shared(pub *mut f32);
// SAFETY: used only where each thread writes a disjoint part of the output.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
impl Shared {
    /// The pointer (a method, so closures capture the whole `Shared`, not its field).
    pub(crate) fn get(self) -> *mut f32 {
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
