//! A convolution tried with another padding and stride: the same weights run on the same
//! input maps, so a class can check the output-size formula `(H + 2P - K) / S + 1` (rounded
//! down) against the maps the engine really makes.

use crate::engine::Conv2d;
use ndarray::{Array3, ArrayView3};

/// The largest padding and stride a try may ask for (beyond them nothing new is learnt and
/// a big padding only makes maps of zeros).
pub const MAX_TRY: usize = 8;

/// Padding (on every side) and stride to try a convolution with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConvTry {
    pub padding: usize,
    pub stride: usize,
}

impl ConvTry {
    /// Whether both are in range: a stride of at least 1, neither above [`MAX_TRY`].
    pub fn is_valid(self) -> bool {
        (1..=MAX_TRY).contains(&self.stride) && self.padding <= MAX_TRY
    }

    /// The convolution's own padding and stride (its top/left ones, along the rows).
    pub fn of(conv: &Conv2d) -> ConvTry {
        ConvTry {
            padding: conv.padding.0,
            stride: conv.stride.0,
        }
    }
}

/// The output-size formula along one side: `(side + 2 * padding - kernel) / stride + 1`,
/// rounded down; `None` when the kernel does not fit (no output at all) or the stride is 0.
pub fn output_side(side: usize, kernel: usize, t: ConvTry) -> Option<usize> {
    let span = (side + 2 * t.padding).checked_sub(kernel)?;
    (t.stride > 0).then(|| span / t.stride + 1)
}

/// `(28 + 2×1 - 3) / 1 + 1 = 28`: the output-size formula along one side, its result
/// rounded down as the engine rounds it; `None` when the kernel does not fit.
pub fn size_formula(side: usize, kernel: usize, t: ConvTry) -> Option<String> {
    let out = output_side(side, kernel, t)?;
    Some(format!(
        "({side} + 2×{} - {kernel}) / {} + 1 = {out}",
        t.padding, t.stride
    ))
}

/// `conv`'s weights and biases run on `input` with `t`'s padding on every side and its
/// stride along both axes (dilation and groups kept). `None` when the try is out of range,
/// the input has another number of channels, or the kernel does not fit.
pub fn rerun(conv: &Conv2d, input: ArrayView3<f32>, t: ConvTry) -> Option<Array3<f32>> {
    let (c, h, w) = input.dim();
    if !t.is_valid() || c != conv.in_channels() {
        return None;
    }
    let tried = Conv2d {
        padding: (t.padding, t.padding),
        padding_end: None,
        stride: (t.stride, t.stride),
        ..conv.clone()
    };
    let (oh, ow) = tried.window().output_size(h, w);
    if oh < 1 || ow < 1 {
        return None;
    }
    Some(tried.forward(input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array, array};

    /// A 3x3 kernel of ones, no bias.
    fn ones() -> Conv2d {
        Conv2d {
            weight: Array::ones((1, 1, 3, 3)),
            ..Conv2d::default()
        }
    }

    #[test]
    fn the_formula_rounds_down() {
        let t = |padding, stride| ConvTry { padding, stride };
        // (28 + 2 - 3) / 1 + 1 = 28; (28 - 3) / 1 + 1 = 26; (28 + 2 - 3) / 2 + 1 = 13 + 1 = 14
        // (27 / 2 = 13.5 rounded down); (28 - 3) / 2 + 1 = 12 + 1 = 13.
        assert_eq!(output_side(28, 3, t(1, 1)), Some(28));
        assert_eq!(output_side(28, 3, t(0, 1)), Some(26));
        assert_eq!(output_side(28, 3, t(1, 2)), Some(14));
        assert_eq!(output_side(28, 3, t(0, 2)), Some(13));
        assert_eq!(output_side(2, 3, t(0, 1)), None, "the kernel does not fit");
        assert_eq!(output_side(28, 3, t(0, 0)), None);
        assert_eq!(
            size_formula(28, 3, t(1, 2)).as_deref(),
            Some("(28 + 2×1 - 3) / 2 + 1 = 14")
        );
    }

    #[test]
    fn a_rerun_makes_maps_of_the_formulas_size_with_the_same_weights() {
        // Input 1x4x4 = 1..16. Without padding, stride 1: 2x2 outputs, the sums of the four
        // 3x3 windows: 1+2+3+5+6+7+9+10+11 = 54, then 63, 90, 99.
        let input = Array::from_shape_vec((1, 4, 4), (1..=16).map(|v| v as f32).collect()).unwrap();
        let conv = ones();
        let t = |padding, stride| ConvTry { padding, stride };
        let out = rerun(&conv, input.view(), t(0, 1)).unwrap();
        assert_eq!(out, array![[[54.0, 63.0], [90.0, 99.0]]]);
        // Padding 1, stride 2: (4 + 2 - 3) / 2 + 1 = 2 per side; the top-left window covers
        // the zeros of the padding and 1, 2, 5, 6: 14.
        let out = rerun(&conv, input.view(), t(1, 2)).unwrap();
        assert_eq!(out.dim(), (1, 2, 2));
        assert_eq!(out[[0, 0, 0]], 14.0);
        for (p, s) in [(0, 1), (1, 1), (2, 3), (0, 2)] {
            let side = output_side(4, 3, t(p, s)).unwrap();
            let out = rerun(&conv, input.view(), t(p, s)).unwrap();
            assert_eq!(out.dim(), (1, side, side), "padding {p}, stride {s}");
        }
    }

    #[test]
    fn out_of_range_tries_and_wrong_inputs_give_nothing() {
        let input = Array::zeros((1, 4, 4));
        let conv = ones();
        let t = |padding, stride| ConvTry { padding, stride };
        assert!(rerun(&conv, input.view(), t(0, 0)).is_none());
        assert!(rerun(&conv, input.view(), t(MAX_TRY + 1, 1)).is_none());
        assert!(rerun(&conv, Array::zeros((2, 4, 4)).view(), t(1, 1)).is_none());
        assert!(rerun(&conv, Array::zeros((1, 2, 2)).view(), t(0, 1)).is_none());
        assert_eq!(ConvTry::of(&conv), t(0, 1));
    }
}
