//! 2-D convolution (cross-correlation, as PyTorch's `Conv2d`): its parameters and geometry,
//! and im2col (shared with training). How it is computed lives in `kernels/`, which also
//! gives [`Conv2d::forward`].

use crate::engine::window::Window;
use ndarray::{Array1, Array2, Array3, Array4, ArrayView3};

/// Unfolds `input` \[C,H,W\] into columns [C*kh*kw, oh*ow]: row `(c,ky,kx)` holds, for every
/// output position, the input value under that kernel tap (0 in the padding).
pub(crate) fn im2col(
    input: ArrayView3<f32>,
    window: &Window,
    out_hw: (usize, usize),
) -> Array2<f32> {
    let (channels, _, _) = input.dim();
    let (kh, kw) = window.kernel;
    let mut cols = vec![0.0; channels * kh * kw * out_hw.0 * out_hw.1];
    im2col_into(input, window, out_hw, &mut cols);
    Array2::from_shape_vec((channels * kh * kw, out_hw.0 * out_hw.1), cols).expect("sized above")
}

/// [`im2col`] into `dst` (of exactly C*kh*kw*oh*ow values), writing every value once.
pub(crate) fn im2col_into(
    input: ArrayView3<f32>,
    window: &Window,
    out_hw: (usize, usize),
    dst: &mut [f32],
) {
    let (channels, height, width) = input.dim();
    let (kh, kw) = window.kernel;
    let (sh, sw) = window.stride;
    let (ph, pw) = window.padding;
    let (dh, dw) = window.dilation;
    let (oh, ow) = out_hw;
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    for c in 0..channels {
        let plane = &src[c * height * width..(c + 1) * height * width];
        for ky in 0..kh {
            let ky = ky * dh; // the tap's row offset; `row` below uses the tap's index
            let (oy_lo, oy_hi) = Window::valid_range(height, ky, sh, ph, oh);
            for kx in 0..kw {
                let kx = kx * dw;
                let (ox_lo, ox_hi) = Window::valid_range(width, kx, sw, pw, ow);
                let row = (c * kh + ky / dh) * kw + kx / dw;
                let row_dst = &mut dst[row * oh * ow..(row + 1) * oh * ow];
                row_dst[..oy_lo * ow].fill(0.0);
                row_dst[oy_hi * ow..].fill(0.0);
                for oy in oy_lo..oy_hi {
                    let iy = oy * sh + ky - ph;
                    let line = &plane[iy * width..(iy + 1) * width];
                    let out_line = &mut row_dst[oy * ow..(oy + 1) * ow];
                    out_line[..ox_lo].fill(0.0);
                    out_line[ox_hi..].fill(0.0);
                    if ox_lo == ox_hi {
                        // This tap sits in the padding for the whole row (padding wider
                        // than the input): nothing to copy, and `ix0` would be negative.
                        continue;
                    }
                    if sw == 1 {
                        let ix0 = ox_lo + kx - pw;
                        out_line[ox_lo..ox_hi].copy_from_slice(&line[ix0..ix0 + (ox_hi - ox_lo)]);
                    } else {
                        for ox in ox_lo..ox_hi {
                            out_line[ox] = line[ox * sw + kx - pw];
                        }
                    }
                }
            }
        }
    }
}

/// The adjoint of [`im2col`]: adds every column entry back onto the input position it came
/// from (used by the backward pass).
pub(crate) fn col2im(
    cols: &Array2<f32>,
    shape: (usize, usize, usize),
    window: &Window,
    out_hw: (usize, usize),
) -> Array3<f32> {
    let (channels, height, width) = shape;
    let (kh, kw) = window.kernel;
    let (sh, sw) = window.stride;
    let (ph, pw) = window.padding;
    let (dh, dw) = window.dilation;
    let (oh, ow) = out_hw;
    let mut image = Array3::<f32>::zeros(shape);
    let cols = cols.as_standard_layout();
    let src = cols.as_slice().expect("standard layout");
    let dst = image.as_slice_mut().expect("fresh array");
    for c in 0..channels {
        let plane = &mut dst[c * height * width..(c + 1) * height * width];
        for ky in 0..kh {
            let row_base = c * kh + ky;
            let ky = ky * dh;
            let (oy_lo, oy_hi) = Window::valid_range(height, ky, sh, ph, oh);
            for kx in 0..kw {
                let row = row_base * kw + kx;
                let kx = kx * dw;
                let (ox_lo, ox_hi) = Window::valid_range(width, kx, sw, pw, ow);
                let row_src = &src[row * oh * ow..(row + 1) * oh * ow];
                for oy in oy_lo..oy_hi {
                    let iy = oy * sh + ky - ph;
                    for ox in ox_lo..ox_hi {
                        plane[iy * width + ox * sw + kx - pw] += row_src[oy * ow + ox];
                    }
                }
            }
        }
    }
    image
}

/// A convolution layer's parameters: weights [out, in/groups, kh, kw] and an optional bias
/// \[out\].
#[derive(Debug, Clone, PartialEq)]
pub struct Conv2d {
    pub weight: Array4<f32>,
    pub bias: Option<Array1<f32>>,
    pub stride: (usize, usize),
    /// Top and left padding (and bottom and right unless `padding_end` says otherwise).
    pub padding: (usize, usize),
    /// Bottom and right padding when it differs from `padding`.
    pub padding_end: Option<(usize, usize)>,
    pub dilation: (usize, usize),
    /// Input and output channels split into this many independent groups (PyTorch's
    /// `groups`; depthwise when it equals the input channels). Divides both channel counts.
    pub groups: usize,
}

impl Default for Conv2d {
    /// No weights yet, stride 1, no padding, no dilation, one group.
    fn default() -> Self {
        Conv2d {
            weight: Array4::zeros((0, 0, 0, 0)),
            bias: None,
            stride: (1, 1),
            padding: (0, 0),
            padding_end: None,
            dilation: (1, 1),
            groups: 1,
        }
    }
}

impl Conv2d {
    pub(crate) fn window(&self) -> Window {
        let (_, _, kh, kw) = self.weight.dim();
        Window {
            kernel: (kh, kw),
            stride: self.stride,
            padding: self.padding,
            padding_end: self.padding_end,
            dilation: self.dilation,
            ceil_mode: false,
        }
    }

    pub(crate) fn in_channels(&self) -> usize {
        self.weight.dim().1 * self.groups.max(1)
    }

    pub(crate) fn out_channels(&self) -> usize {
        self.weight.dim().0
    }

    /// Why the geometry cannot be used (zero stride or dilation, groups that do not divide
    /// the output channels), else `None`. Checked once, when the model is built.
    pub(crate) fn invalid_geometry(&self) -> Option<(&'static str, String)> {
        let (out, _, kh, kw) = self.weight.dim();
        if self.stride.0 == 0 || self.stride.1 == 0 {
            return Some(("stride", format!("{:?} has a zero", self.stride)));
        }
        if self.dilation.0 == 0 || self.dilation.1 == 0 {
            return Some(("dilation", format!("{:?} has a zero", self.dilation)));
        }
        if kh == 0 || kw == 0 {
            return Some(("kernel", format!("{kh}x{kw} is empty")));
        }
        if self.groups == 0 || !out.is_multiple_of(self.groups) {
            return Some((
                "groups",
                format!("{} does not divide the {out} output channels", self.groups),
            ));
        }
        None
    }

    pub(crate) fn parameter_count(&self) -> usize {
        self.weight.len() + self.bias.as_ref().map_or(0, |b| b.len())
    }

    /// The weights as a matrix [out, in/groups*kh*kw], rows in the same order as
    /// [`im2col`]'s for the output's group.
    pub(crate) fn weight_matrix(&self) -> Array2<f32> {
        let (o, i, kh, kw) = self.weight.dim();
        self.weight
            .as_standard_layout()
            .to_owned()
            .into_shape_with_order((o, i * kh * kw))
            .expect("contiguous weights")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ndarray::{Array, array};

    #[test]
    fn known_kernel_by_hand() {
        // input 1x3x3 = 1..9, kernel [[1,0],[0,-1]] (top-left minus bottom-right), bias 0.5:
        // out[0,0] = 1 - 5 + .5 = -3.5, out[0,1] = 2 - 6 + .5 = -3.5, every output is -3.5.
        let input = Array::from_shape_vec((1, 3, 3), (1..=9).map(|v| v as f32).collect()).unwrap();
        let conv = Conv2d {
            weight: array![[[[1.0, 0.0], [0.0, -1.0]]]],
            bias: Some(array![0.5]),
            stride: (1, 1),
            padding: (0, 0),
            ..Default::default()
        };
        let out = conv.forward(input.view());
        assert_eq!(out, array![[[-3.5, -3.5], [-3.5, -3.5]]]);
    }

    #[test]
    fn padding_and_stride_by_hand() {
        // 1x3x3 of ones, 3x3 kernel of ones, padding 1, stride 2: outputs at (0,0),(0,2),(2,0),(2,2)
        // each see a 2x2 corner of ones (the rest is padding) = 4.
        let input = Array3::<f32>::ones((1, 3, 3));
        let conv = Conv2d {
            weight: Array4::ones((1, 1, 3, 3)),
            bias: None,
            stride: (2, 2),
            padding: (1, 1),
            ..Default::default()
        };
        assert_eq!(conv.forward(input.view()), array![[[4.0, 4.0], [4.0, 4.0]]]);
        // stride 1: the centre sees all 9, edges 6, corners 4.
        let conv1 = Conv2d {
            stride: (1, 1),
            ..conv
        };
        assert_eq!(
            conv1.forward(input.view()),
            array![[[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]]]
        );
    }

    #[test]
    fn a_tap_that_only_ever_reads_padding_unfolds_to_zeros() {
        // Left padding 2, a 3-wide kernel dilated by 2, a 3-wide input: the first tap sits
        // in the padding for every output, so its row of columns is all zero (this once
        // panicked computing the row's negative start).
        let window = Window {
            kernel: (1, 3),
            dilation: (1, 2),
            padding: (0, 2),
            padding_end: Some((0, 0)),
            ..Default::default()
        };
        let x = array![[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]];
        let (oh, ow) = window.output_size(3, 3);
        assert_eq!((oh, ow), (3, 1));
        let cols = im2col(x.view(), &window, (3, 1));
        assert_eq!(
            cols,
            array![[0.0, 0.0, 0.0], [1.0, 4.0, 7.0], [3.0, 6.0, 9.0]]
        );
    }

    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        // <im2col(x), y> == <x, col2im(y)> for any x, y.
        let window = Window {
            kernel: (3, 2),
            stride: (2, 1),
            padding: (1, 2),
            ..Default::default()
        };
        let x = Array::from_shape_fn((2, 5, 4), |(c, i, j)| {
            (c * 31 + i * 7 + j) as f32 * 0.1 - 1.0
        });
        let (oh, ow) = window.output_size(5, 4);
        let out_hw = (oh as usize, ow as usize);
        let cols = im2col(x.view(), &window, out_hw);
        let y = Array::from_shape_fn(cols.dim(), |(r, p)| ((r * 13 + p * 5) % 7) as f32 - 3.0);
        let lhs: f32 = (&cols * &y).sum();
        let rhs: f32 = (&x * &col2im(&y, x.dim(), &window, out_hw)).sum();
        assert!((lhs - rhs).abs() < 1e-3, "{lhs} vs {rhs}");
    }

    /// The definition, in f64: every output sums its group's channels under the dilated
    /// kernel, taps in the padding (top/left `p`, bottom/right `pe`) reading zero.
    pub(crate) fn naive(conv: &Conv2d, x: &Array3<f32>) -> Array3<f64> {
        let w = conv.window();
        let (oh, ow) = w.output_size(x.dim().1, x.dim().2);
        let (o, i, kh, kw) = conv.weight.dim();
        let per_out = o / conv.groups;
        Array3::from_shape_fn((o, oh as usize, ow as usize), |(oc, y, xx)| {
            let g = oc / per_out;
            let mut sum = conv.bias.as_ref().map_or(0.0, |b| b[oc] as f64);
            for ci in 0..i {
                for ky in 0..kh {
                    for kx in 0..kw {
                        let iy = (y * w.stride.0 + ky * w.dilation.0) as i64 - w.padding.0 as i64;
                        let ix = (xx * w.stride.1 + kx * w.dilation.1) as i64 - w.padding.1 as i64;
                        if iy < 0 || ix < 0 || iy >= x.dim().1 as i64 || ix >= x.dim().2 as i64 {
                            continue;
                        }
                        sum += conv.weight[[oc, ci, ky, kx]] as f64
                            * x[[g * i + ci, iy as usize, ix as usize]] as f64;
                    }
                }
            }
            sum
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Groups (depthwise included), dilation, stride and asymmetric padding: both forward
        /// paths (the direct kernel at stride 1 on wide rows, im2col elsewhere) match the
        /// definition.
        #[test]
        fn grouped_dilated_asymmetric_conv_matches_the_definition(
            groups in 1usize..4, per_in in 1usize..3, per_out in 1usize..4,
            k in (1usize..4, 1usize..4), d in (1usize..3, 1usize..3), s in 1usize..3,
            pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
            h in 6usize..12, w in 6usize..40, seed in 0u64..1000,
        ) {
            let mut v = seed as f32;
            let mut next = move || { v = (v * 1.618 + 0.37) % 2.0; v - 1.0 };
            let (i, o) = (groups * per_in, groups * per_out);
            let conv = Conv2d {
                weight: Array4::from_shape_fn((o, per_in, k.0, k.1), |_| next()),
                bias: Some(Array1::from_shape_fn(o, |_| next())),
                stride: (s, s),
                padding: (pads.0, pads.1),
                padding_end: Some((pads.2, pads.3)),
                dilation: d,
                groups,
            };
            let x = Array3::from_shape_fn((i, h, w), |_| next());
            let (oh, ow) = conv.window().output_size(h, w);
            proptest::prop_assume!(oh > 0 && ow > 0);
            let got = conv.forward(x.view());
            let want = naive(&conv, &x);
            proptest::prop_assert_eq!(got.dim(), want.dim());
            for (g, e) in got.iter().zip(&want) {
                proptest::prop_assert!((*g as f64 - e).abs() < 1e-4 * (1.0 + e.abs()), "{} vs {}", g, e);
            }
        }
    }
}
