//! Element-wise non-linearities and softmax.

use super::kinds::LayerType;
use crate::engine::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// An element-wise function applied to every value of a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Activation {
    Relu,
    LeakyRelu {
        slope: f32,
    },
    Sigmoid,
    Tanh,
    /// `min(max(x, min), max)`: ReLU6 is `Clip { min: 0, max: 6 }`, Hardtanh `{ -1, 1 }`.
    Clip {
        min: f32,
        max: f32,
    },
    /// `x` for `x > 0`, else `alpha * (exp(x) - 1)`.
    Elu {
        alpha: f32,
    },
    /// `SCALE * elu(x, ALPHA)` with the self-normalising constants of Klambauer et al. 2017.
    Selu,
    /// `x * Phi(x)` (Phi the normal CDF, by `erf`), or its tanh approximation.
    Gelu {
        tanh: bool,
    },
    /// `x * sigmoid(x)` (also called swish).
    Silu,
    /// `x * relu6(x + 3) / 6`.
    Hardswish,
    /// `clamp(alpha * x + beta, 0, 1)`: PyTorch uses alpha 1/6, ONNX's default is 0.2.
    Hardsigmoid {
        alpha: f32,
        beta: f32,
    },
}

/// SELU's constants (PyTorch's and ONNX's).
pub(crate) const SELU_ALPHA: f32 = 1.673_263_2;
pub(crate) const SELU_SCALE: f32 = 1.050_701;

const SQRT_2_OVER_PI: f32 = 0.797_884_6;
const GELU_CUBIC: f32 = 0.044_715;
const INV_SQRT_2: f64 = std::f64::consts::FRAC_1_SQRT_2;

/// `exp(x)` with no call and no branch, so that a loop of it vectorises (`libm`'s `expf` is a
/// call per value: EfficientNet-B0's SiLU passes were a third of its time). As Cephes'
/// `expf`: `x = n ln 2 + r` with `|r| <= ln 2 / 2`, a polynomial for `exp(r)`, times `2^n`
/// built in the exponent bits; within 2 ulp of the exact value on [-87.3, 88.3] (checked
/// against f64 in the tests; 1.01 measured), and `x` is clamped to that range first (below it
/// `exp` is under 2^-126, above it near f32's largest value). A NaN stays NaN.
///
/// The polynomial is `1 + r + r^2 q(r)` with `q` of degree 4, fitted for the least largest
/// relative error on that interval (3e-9, a twentieth of f32's rounding; the fit is
/// `scripts/fit-exp-polynomial.py`). Cephes' degree-5 `q` was one multiply-add more for no
/// better result (the same 1.01 ulp measured), and EfficientNet-B0's pass is 1.3% faster
/// without it.
///
/// The reduction and the polynomial are fused multiply-adds (`mul_add`, one rounding each):
/// a vector FMA in the AVX2 and AVX-512 loops, the same single rounding from libm's `fmaf`
/// elsewhere, so every path gives the same numbers. Separate multiplies and adds were half
/// as many operations again: EfficientNet-B0's pass, whose SiLUs are mostly this `exp`,
/// went 14.1 -> 13.3 ms.
#[inline(always)]
fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 in two parts: the first exact in a few bits, so `n * LN2_HI` is exact.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // 1.5 * 2^23: adding it rounds to the nearest integer n (|n| < 2^22) without `round`,
    // which the baseline x86-64 has no vector instruction for, and leaves n in the low bits.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.33, 88.37);
    let shifted = x.mul_add(LOG2_E, ROUND);
    let n = shifted - ROUND;
    let r = (-n).mul_add(LN2_LO, (-n).mul_add(LN2_HI, x));
    let p: f32 = 1.381_453_8e-3;
    let p = p.mul_add(r, 8.368_745e-3);
    let p = p.mul_add(r, 4.166_839e-2);
    let p = p.mul_add(r, 1.666_652_1e-1);
    let p = p.mul_add(r, 0.499_999_94);
    let p = p.mul_add(r * r, r) + 1.0;
    // 2^n from n's bits in `shifted` (0x4B40_0000 + n): integer operations only, where
    // `n as i32` (saturating, NaN to 0) would be a scalar conversion per lane. n is in
    // [-126, 127], so 2^n is a normal number. (For a NaN, `p` is NaN whatever 2^n is.)
    let two_n = f32::from_bits(shifted.to_bits().wrapping_sub(0x4B40_0000 - 127) << 23);
    p * two_n
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `x * sigmoid(x)`, as `x / (1 + exp(-x))`: one rounding less than `x` times the rounded
/// sigmoid, and one multiply less a value (EfficientNet-B0's SiLU loop 7% faster).
#[inline(always)]
fn silu(x: f32) -> f32 {
    x / (1.0 + exp(-x))
}

/// `x * relu6(x + 3) / 6`, the division a multiply by 1/6 (onnxruntime multiplies too: `x *
/// clamp(x / 6 + 1/2, 0, 1)`): within 2 ulp of the exact value (tested), and
/// MobileNetV3-Large's hard-swish loops no longer wait on the divider (its pass 1.3% faster).
#[inline(always)]
fn hardswish(x: f32) -> f32 {
    const SIXTH: f32 = 1.0 / 6.0;
    x * (x + 3.0).clamp(0.0, 6.0) * SIXTH
}

/// `f` on every value, in a loop the compiler vectorises for the widest instruction set the
/// kernels may use (`kernels::isa::Isa`, which `CONVSCOPE_ISA` narrows): the same operations in
/// every lane, so the same numbers on every path.
#[inline(always)]
fn each_value(values: &mut [f32], f: impl Fn(f32) -> f32 + Copy) {
    #[inline(always)]
    fn each(values: &mut [f32], f: impl Fn(f32) -> f32) {
        values.iter_mut().for_each(|v| *v = f(*v));
    }
    #[cfg(target_arch = "x86_64")]
    {
        /// [`each`] compiled for AVX2 and FMA.
        ///
        /// # Safety
        /// The CPU has AVX2 and FMA.
        #[target_feature(enable = "avx2,fma")]
        unsafe fn avx2(values: &mut [f32], f: impl Fn(f32) -> f32) {
            each(values, f)
        }
        /// [`each`] compiled for AVX-512.
        ///
        /// # Safety
        /// The CPU has AVX-512F, AVX2 and FMA.
        #[target_feature(enable = "avx512f,avx2,fma")]
        unsafe fn avx512(values: &mut [f32], f: impl Fn(f32) -> f32) {
            each(values, f)
        }
        use crate::engine::kernels::isa::Isa;
        match Isa::available().last() {
            // SAFETY: the CPU has the instructions (`Isa::available`).
            Some(Isa::Avx512) => return unsafe { avx512(values, f) },
            // SAFETY: as above.
            Some(Isa::Avx2) => return unsafe { avx2(values, f) },
            None => {}
        }
    }
    each(values, f)
}

/// `f(x)` for one value through [`each_value`]: compiled with FMA where the CPU has it, so a
/// function built on [`exp`]'s `mul_add`s costs no library call per step and gives the
/// numbers of the vectorised loops (a scalar `mul_add` without FMA in the build is a call to
/// libm's `fmaf`: ConvNeXt-Tiny's GELUs one value at a time went from about 40 to 110 ms).
#[inline(always)]
fn one_value(x: f32, f: impl Fn(f32) -> f32 + Copy) -> f32 {
    let mut v = [x];
    each_value(&mut v, f);
    v[0]
}

/// `x * Phi(x)`, with no call and no branch so that a loop of it vectorises (`libm`'s `erf` in
/// f64 was a call per value: ConvNeXt-Tiny's GELU passes were 22 of its 77 ms). `Phi(x)` is
/// `1 - erfc(z) / 2` for `x >= 0` and `erfc(z) / 2` below, `z = |x| / sqrt 2`, so the small
/// tail of a negative input is not the difference of two numbers near 1; `erfc(z)` by
/// Abramowitz and Stegun's 7.1.26, a polynomial in `t = 1 / (1 + p z)` times `e^-z^2`, within
/// 1.5e-7 of the exact value. Within 2.5e-7 of the f64 GELU times `max(1, |x|)` (checked in
/// the tests); PyTorch and onnxruntime use their own approximations of `erf` too.
#[inline(always)]
fn gelu_erf(x: f32) -> f32 {
    let z = x.abs() * std::f32::consts::FRAC_1_SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = -1.453_152_1 + t * 1.061_405_4;
    let poly = 1.421_413_7 + t * poly;
    let poly = -0.284_496_72 + t * poly;
    let poly = 0.254_829_6 + t * poly;
    let erfc = t * poly * exp(-(z * z));
    let phi = if x < 0.0 {
        0.5 * erfc
    } else {
        1.0 - 0.5 * erfc
    };
    x * phi
}

fn gelu_tanh(x: f32) -> f32 {
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)).tanh())
}

impl Activation {
    /// ReLU6, MobileNet's activation.
    pub(crate) const RELU6: Activation = Activation::Clip { min: 0.0, max: 6.0 };

    /// Why the parameters cannot be used (not finite, or `min > max`), else `None`.
    pub(crate) fn invalid_parameters(self) -> Option<String> {
        let values: &[(&str, f32)] = match self {
            Activation::LeakyRelu { slope } => &[("slope", slope)],
            Activation::Clip { min, max } => {
                if min > max {
                    return Some(format!("min {min} is above max {max}"));
                }
                &[("min", min), ("max", max)]
            }
            Activation::Elu { alpha } => &[("alpha", alpha)],
            Activation::Hardsigmoid { alpha, beta } => &[("alpha", alpha), ("beta", beta)],
            _ => &[],
        };
        // `Clip` may be open on one side (ONNX Clip without max): infinities are fine there.
        let open_ok = matches!(self, Activation::Clip { .. });
        values
            .iter()
            .find(|(_, v)| v.is_nan() || (!open_ok && v.is_infinite()))
            .map(|(field, v)| format!("{field} is {v}, not a finite number"))
    }

    pub(crate) fn apply(self, x: f32) -> f32 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::LeakyRelu { slope } => {
                if x >= 0.0 {
                    x
                } else {
                    slope * x
                }
            }
            Activation::Sigmoid => one_value(x, sigmoid),
            Activation::Tanh => x.tanh(),
            Activation::Clip { min, max } => x.max(min).min(max),
            Activation::Elu { alpha } => {
                if x > 0.0 {
                    x
                } else {
                    alpha * x.exp_m1()
                }
            }
            Activation::Selu => SELU_SCALE * if x > 0.0 { x } else { SELU_ALPHA * x.exp_m1() },
            Activation::Gelu { tanh: false } => one_value(x, gelu_erf),
            Activation::Gelu { tanh: true } => gelu_tanh(x),
            Activation::Silu => one_value(x, silu),
            Activation::Hardswish => hardswish(x),
            Activation::Hardsigmoid { alpha, beta } => (alpha * x + beta).clamp(0.0, 1.0),
        }
    }

    /// The derivative at input `x`, given the output `y = apply(x)` (cheaper for sigmoid and
    /// tanh). At a kink it takes the side PyTorch takes (ReLU: 0 at 0).
    pub(crate) fn derivative(self, x: f32, y: f32) -> f32 {
        match self {
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu { slope } => {
                if x >= 0.0 {
                    1.0
                } else {
                    slope
                }
            }
            Activation::Sigmoid => y * (1.0 - y),
            Activation::Tanh => 1.0 - y * y,
            Activation::Clip { min, max } => {
                if x > min && x < max {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Elu { alpha } => {
                if x > 0.0 {
                    1.0
                } else {
                    y + alpha
                }
            }
            Activation::Selu => {
                if x > 0.0 {
                    SELU_SCALE
                } else {
                    y + SELU_SCALE * SELU_ALPHA
                }
            }
            Activation::Gelu { tanh: false } => {
                let x64 = x as f64;
                let cdf = 0.5 * (1.0 + libm::erf(x64 * INV_SQRT_2));
                let pdf = (-0.5 * x64 * x64).exp() / (2.0 * std::f64::consts::PI).sqrt();
                (cdf + x64 * pdf) as f32
            }
            Activation::Gelu { tanh: true } => {
                let inner = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
                let t = inner.tanh();
                let dinner = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x);
                0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * dinner
            }
            Activation::Silu => {
                let s = one_value(x, sigmoid);
                s * (1.0 + x * (1.0 - s))
            }
            Activation::Hardswish => {
                if x <= -3.0 {
                    0.0
                } else if x >= 3.0 {
                    1.0
                } else {
                    (2.0 * x + 3.0) / 6.0
                }
            }
            Activation::Hardsigmoid { alpha, beta } => {
                let z = alpha * x + beta;
                if z > 0.0 && z < 1.0 { alpha } else { 0.0 }
            }
        }
    }

    /// The function applied to every value of a tensor. The match happens once, outside the
    /// loop, so each loop is a plain (vectorisable) map.
    pub(crate) fn map(self, t: &Tensor) -> Tensor {
        fn each(t: &Tensor, f: impl Fn(f32) -> f32) -> Tensor {
            match t {
                Tensor::Maps(a) => Tensor::Maps(a.mapv(f)),
                Tensor::Vector(v) => Tensor::Vector(v.mapv(f)),
            }
        }
        // One closure per common function, so each loop is inlined and vectorised (through
        // `apply`, a call and a match per value: MobileNetV2's ReLU6 passes took as long as
        // its convolutions).
        match self {
            Activation::Relu => each(t, |x| x.max(0.0)),
            Activation::LeakyRelu { slope } => {
                each(t, move |x| if x >= 0.0 { x } else { slope * x })
            }
            Activation::Clip { min, max } => each(t, move |x| x.max(min).min(max)),
            // The vectorised loops of `apply_all` (one call for the whole tensor).
            Activation::Sigmoid
            | Activation::Silu
            | Activation::Hardswish
            | Activation::Gelu { tanh: false }
            | Activation::Hardsigmoid { .. } => {
                let mut out = t.clone();
                self.map_in_place(&mut out);
                out
            }
            Activation::Tanh => each(t, f32::tanh),
            other => each(t, move |x| other.apply(x)),
        }
    }

    /// [`Activation::map`] in place (the forward pass, when nothing else reads the input).
    pub(crate) fn map_in_place(self, t: &mut Tensor) {
        let values = match t {
            Tensor::Maps(a) => a.as_slice_mut(),
            Tensor::Vector(v) => v.as_slice_mut(),
        };
        match values {
            Some(values) => self.apply_all(values),
            None => match t {
                Tensor::Maps(a) => a.mapv_inplace(|x| self.apply(x)),
                Tensor::Vector(v) => v.mapv_inplace(|x| self.apply(x)),
            },
        }
    }

    /// Every value through the function in place: [`Activation::apply`]'s numbers, the
    /// common functions in vectorised loops (as a convolution applies them to the output
    /// it has just written, `kernels::Epilogue`).
    pub(crate) fn apply_all(self, values: &mut [f32]) {
        match self {
            Activation::Relu => each_value(values, |x| x.max(0.0)),
            Activation::LeakyRelu { slope } => {
                each_value(values, move |x| if x >= 0.0 { x } else { slope * x })
            }
            Activation::Clip { min, max } => each_value(values, move |x| x.max(min).min(max)),
            Activation::Sigmoid => each_value(values, sigmoid),
            Activation::Silu => each_value(values, silu),
            Activation::Gelu { tanh: false } => each_value(values, gelu_erf),
            Activation::Hardswish => each_value(values, hardswish),
            Activation::Hardsigmoid { alpha, beta } => {
                each_value(values, move |x| (alpha * x + beta).clamp(0.0, 1.0))
            }
            Activation::Tanh => values.iter_mut().for_each(|v| *v = v.tanh()),
            other => values.iter_mut().for_each(|v| *v = other.apply(*v)),
        }
    }
}

/// Which row of the table of layer kinds each function is (ReLU6 is a clip with its own
/// name).
impl From<Activation> for LayerType {
    fn from(f: Activation) -> LayerType {
        match f {
            Activation::Relu => LayerType::Relu,
            Activation::LeakyRelu { .. } => LayerType::LeakyRelu,
            Activation::Sigmoid => LayerType::Sigmoid,
            Activation::Tanh => LayerType::Tanh,
            Activation::Clip { .. } if f == Activation::RELU6 => LayerType::Relu6,
            Activation::Clip { .. } => LayerType::Clip,
            Activation::Elu { .. } => LayerType::Elu,
            Activation::Selu => LayerType::Selu,
            Activation::Gelu { .. } => LayerType::Gelu,
            Activation::Silu => LayerType::Silu,
            Activation::Hardswish => LayerType::Hardswish,
            Activation::Hardsigmoid { .. } => LayerType::Hardsigmoid,
        }
    }
}

/// Index of the largest value (the first on ties, NaNs skipped); 0 for an empty list.
pub fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
            if v > bv { (i, v) } else { (bi, bv) }
        })
        .0
}

/// PReLU: a leaky ReLU whose slope is learnt, one per channel (or one shared by all).
#[derive(Debug, Clone, PartialEq)]
pub struct Prelu {
    /// One slope per channel (a vector's features), or a single slope for every value.
    pub weight: ndarray::Array1<f32>,
}

impl Prelu {
    /// The slope of channel `c`.
    pub(crate) fn slope(&self, c: usize) -> f32 {
        if self.weight.len() == 1 {
            self.weight[0]
        } else {
            self.weight[c]
        }
    }

    /// `x` where `x >= 0`, else `slope(c) * x`; `c` is the map for maps and the feature for a
    /// vector. The caller has checked the slope count (the model does this once).
    pub(crate) fn forward(&self, input: &Tensor) -> Tensor {
        let mut out = input.clone();
        match &mut out {
            Tensor::Maps(a) => {
                for (c, mut plane) in a.outer_iter_mut().enumerate() {
                    let s = self.slope(c);
                    plane.mapv_inplace(|x| if x >= 0.0 { x } else { s * x });
                }
            }
            Tensor::Vector(v) => {
                for (c, x) in v.iter_mut().enumerate() {
                    if *x < 0.0 {
                        *x *= self.slope(c);
                    }
                }
            }
        }
        out
    }
}

/// Log-softmax over a vector: `x - max - ln(sum(exp(x - max)))`, finite where softmax's log
/// would underflow to -inf.
pub(crate) fn log_softmax(values: &[f32]) -> Vec<f32> {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        let n = values.len().max(1) as f32;
        return vec![-(n.ln()); values.len()];
    }
    let sum: f32 = values.iter().map(|&x| (x - max).exp()).sum();
    let log_sum = max + sum.ln();
    values.iter().map(|&x| x - log_sum).collect()
}

/// Softmax over a vector, stable for large values: exp(x - max) / sum.
pub(crate) fn softmax(values: &[f32]) -> Vec<f32> {
    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        // All -inf (or a NaN): give a uniform answer rather than NaNs.
        let n = values.len().max(1) as f32;
        return vec![1.0 / n; values.len()];
    }
    let exps: Vec<f32> = values.iter().map(|&x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// One of every activation (two hard-sigmoids: ONNX's slope and PyTorch's), for the tests
/// that check each kind: its derivative here, its step back in `engine::grad`.
#[cfg(test)]
pub(crate) const EVERY_ACTIVATION: [Activation; 14] = [
    Activation::Relu,
    Activation::LeakyRelu { slope: 0.1 },
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::RELU6,
    Activation::Clip {
        min: -1.0,
        max: 1.0,
    },
    Activation::Elu { alpha: 0.7 },
    Activation::Selu,
    Activation::Gelu { tanh: false },
    Activation::Gelu { tanh: true },
    Activation::Silu,
    Activation::Hardswish,
    Activation::Hardsigmoid {
        alpha: 0.2,
        beta: 0.5,
    },
    Activation::Hardsigmoid {
        alpha: 1.0 / 6.0,
        beta: 0.5,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_the_first_of_equal_values_and_skips_nans() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0, -2.0]), 1);
        assert_eq!(argmax(&[f32::NAN, 0.5, 2.0]), 2);
        assert_eq!(argmax(&[]), 0);
    }

    #[test]
    fn relu_and_leaky_relu_by_hand() {
        assert_eq!(Activation::Relu.apply(-2.0), 0.0);
        assert_eq!(Activation::Relu.apply(3.0), 3.0);
        assert_eq!(Activation::LeakyRelu { slope: 0.1 }.apply(-2.0), -0.2);
        assert!((Activation::Sigmoid.apply(0.0) - 0.5).abs() < 1e-7);
        assert!((Activation::Tanh.apply(1.0) - 0.761_594_2).abs() < 1e-6);
    }

    #[test]
    fn softmax_sums_to_one_and_is_stable_for_large_logits() {
        // exp(1000) overflows f32; subtracting the max first keeps it finite.
        let p = softmax(&[1000.0, 1001.0, 1002.0]);
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        // Same as softmax([0,1,2]) = [0.0900, 0.2447, 0.6652].
        assert!((p[0] - 0.090_030_57).abs() < 1e-6);
        assert!((p[2] - 0.665_240_9).abs() < 1e-6);
        let q = softmax(&[-1e30, 0.0]);
        assert!(q.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn log_softmax_is_the_log_of_softmax_and_stays_finite() {
        // log softmax([0, ln 3]) = [ln 1/4, ln 3/4].
        let l = log_softmax(&[0.0, 3f32.ln()]);
        assert!((l[0] - 0.25f32.ln()).abs() < 1e-6 && (l[1] - 0.75f32.ln()).abs() < 1e-6);
        // softmax would round exp(-1000) to 0 and its log to -inf; log_softmax keeps -1000.
        let far = log_softmax(&[0.0, -1000.0]);
        assert!((far[1] + 1000.0).abs() < 1e-3, "{far:?}");
    }

    /// GELU without a call per value stays within 2.5e-7 of the f64 one times `max(1, |x|)`,
    /// from the far negative tail (where the product is tiny) to large inputs; a NaN stays NaN.
    #[test]
    fn gelu_erf_is_within_its_bound_of_f64() {
        let mut worst = 0.0f64;
        for i in -120_000..=120_000 {
            let x = i as f32 * 1e-4;
            let exact = 0.5 * x as f64 * (1.0 + libm::erf(x as f64 * INV_SQRT_2));
            let error = (gelu_erf(x) as f64 - exact).abs() / (x.abs() as f64).max(1.0);
            worst = worst.max(error);
        }
        assert!(worst < 2.5e-7, "worst error {worst:e}");
        assert!(gelu_erf(f32::NAN).is_nan());
        assert_eq!(gelu_erf(f32::INFINITY), f32::INFINITY);
        assert_eq!(gelu_erf(0.0), 0.0);
    }

    #[test]
    fn new_activations_by_hand() {
        let relu6 = Activation::RELU6;
        assert_eq!(
            (relu6.apply(-1.0), relu6.apply(3.0), relu6.apply(7.0)),
            (0.0, 3.0, 6.0)
        );
        // elu(-1) = e^-1 - 1 = -0.632 121
        assert!((Activation::Elu { alpha: 1.0 }.apply(-1.0) + 0.632_120_6).abs() < 1e-6);
        // gelu(1) = Phi(1) = 0.841 344 7; the tanh form gives 0.841 192
        assert!((Activation::Gelu { tanh: false }.apply(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((Activation::Gelu { tanh: true }.apply(1.0) - 0.841_192).abs() < 1e-5);
        // silu(1) = 1 * sigmoid(1) = 0.731 058 6
        assert!((Activation::Silu.apply(1.0) - 0.731_058_6).abs() < 1e-6);
        // hardswish(1) = 1 * 4/6
        assert!((Activation::Hardswish.apply(1.0) - 4.0 / 6.0).abs() < 1e-7);
        // hardsigmoid(1): PyTorch 1/6 + 0.5, ONNX default 0.2 + 0.5
        let torch = Activation::Hardsigmoid {
            alpha: 1.0 / 6.0,
            beta: 0.5,
        };
        let onnx = Activation::Hardsigmoid {
            alpha: 0.2,
            beta: 0.5,
        };
        assert!((torch.apply(1.0) - 2.0 / 3.0).abs() < 1e-7);
        assert!((onnx.apply(1.0) - 0.7).abs() < 1e-7);
        // selu(1) = scale; selu(-inf) -> -scale*alpha
        assert_eq!(Activation::Selu.apply(1.0), SELU_SCALE);
        assert!((Activation::Selu.apply(-50.0) + SELU_SCALE * SELU_ALPHA).abs() < 1e-5);
    }

    /// The vectorisable `exp` and the sigmoid and SiLU built on it, against f64 over the
    /// whole range where they are neither 0 nor 1 (and past it): within 2 ulp for `exp`,
    /// 3 for sigmoid, 2.5 for SiLU (one division after `exp`; 1.01, 2.15 and 2.03 measured).
    #[test]
    fn exp_sigmoid_and_silu_are_within_a_few_ulp() {
        let ulps = |got: f32, want: f64| {
            let want32 = want as f32;
            let ulp = (f32::from_bits(want32.abs().to_bits() + 1) - want32.abs()) as f64;
            ((got as f64 - want) / ulp.max(f32::MIN_POSITIVE as f64)).abs()
        };
        let mut worst = [0.0f64; 3];
        let mut x = -87.0f32;
        while x < 88.0 {
            let e = ulps(exp(x), (x as f64).exp());
            let s = ulps(sigmoid(x), 1.0 / (1.0 + (-x as f64).exp()));
            let si = ulps(silu(x), x as f64 / (1.0 + (-x as f64).exp()));
            for (w, v) in worst.iter_mut().zip([e, s, si]) {
                *w = w.max(v);
            }
            x += 0.000_731;
        }
        assert!(
            worst[0] <= 2.0 && worst[1] <= 3.0 && worst[2] <= 2.5,
            "{worst:?}"
        );
        // Past the range: 0 and 1 (to within f32's smallest normal), finite, and NaN kept.
        assert!(sigmoid(-200.0) < 1e-37 && sigmoid(-200.0) >= 0.0);
        assert_eq!(sigmoid(200.0), 1.0);
        assert_eq!(sigmoid(f32::INFINITY), 1.0);
        assert!(sigmoid(f32::NEG_INFINITY).abs() < 1e-37);
        assert!(silu(-200.0).abs() < 1e-34);
        assert!(sigmoid(f32::NAN).is_nan() && silu(f32::NAN).is_nan() && exp(f32::NAN).is_nan());
    }

    /// `apply_all` (the vectorised loops a fused convolution runs) gives `apply`'s numbers
    /// bit for bit, for every activation, on every instruction-set path this CPU runs.
    #[test]
    fn apply_all_is_apply_on_every_path() {
        use crate::engine::kernels::isa::Path;
        let mut inputs: Vec<f32> = (-2000..2000).map(|i| i as f32 * 0.013).collect();
        inputs.extend([
            0.0,
            -0.0,
            -3.0,
            3.0,
            -90.0,
            90.0,
            1e30,
            -1e30,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ]);
        for f in EVERY_ACTIVATION {
            let want: Vec<f32> = inputs.iter().map(|&x| f.apply(x)).collect();
            for path in Path::runnable() {
                let mut got = inputs.clone();
                path.run(|| f.apply_all(&mut got));
                for ((g, w), x) in got.iter().zip(&want).zip(&inputs) {
                    assert!(
                        g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                        "{f:?} {path:?} at {x}: {g} vs {w}"
                    );
                }
            }
        }
    }

    #[test]
    fn derivatives_match_central_differences_away_from_kinks() {
        let all = EVERY_ACTIVATION;
        // Points that avoid every kink (0, +-1, +-3, 6, -2.5 and 2.5 for alpha 0.2).
        let points = [
            -4.1f32, -2.7, -1.3, -0.6, -0.2, 0.3, 0.8, 1.7, 2.2, 4.4, 6.5,
        ];
        for f in all {
            for &x in &points {
                let h = 1e-3f64;
                let numeric = (f.apply((x as f64 + h) as f32) as f64
                    - f.apply((x as f64 - h) as f32) as f64)
                    / (2.0 * h);
                let analytic = f.derivative(x, f.apply(x)) as f64;
                assert!(
                    (numeric - analytic).abs() < 2e-3 * (1.0 + analytic.abs()),
                    "{f:?} at {x}: {analytic} vs {numeric}"
                );
            }
        }
    }

    /// Hard-swish against f64 where it is neither 0 nor x: within 2 ulp.
    #[test]
    fn hardswish_is_within_two_ulp() {
        let mut x = -3.0f32;
        while x < 3.0 {
            let want = x as f64 * (x as f64 + 3.0) / 6.0;
            let got = hardswish(x) as f64;
            let ulp = f32::EPSILON as f64 * want.abs().max(f32::MIN_POSITIVE as f64);
            assert!(
                (got - want).abs() <= 2.0 * ulp,
                "hardswish({x}) = {got}, not {want}"
            );
            x += 0.000_37;
        }
        assert_eq!(hardswish(-3.5), 0.0);
        assert_eq!(hardswish(4.0), 4.0);
    }
}
