//! 2-D convolution (cross-correlation, as PyTorch's `Conv2d`) by im2col and one matrix product.

use super::direct_conv;
use ndarray::{Array1, Array2, Array3, Array4, ArrayView3, linalg::general_mat_mul};

/// Where the kernel goes: the geometry shared by convolution and pooling windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Kernel height and width.
    pub kernel: (usize, usize),
    /// Step between windows, rows then columns.
    pub stride: (usize, usize),
    /// Zeros (or -inf for max pooling) added on each side, rows then columns.
    pub padding: (usize, usize),
}

impl Default for Window {
    fn default() -> Self {
        Window {
            kernel: (3, 3),
            stride: (1, 1),
            padding: (0, 0),
        }
    }
}

impl Window {
    /// Output height and width for an input of `height` x `width` (floor, as PyTorch's
    /// `ceil_mode=False`). Either may be zero or negative when the window does not fit.
    pub fn output_size(&self, height: usize, width: usize) -> (i64, i64) {
        let out = |n: usize, k: usize, s: usize, p: usize| {
            let span = n as i64 + 2 * p as i64 - k as i64;
            if span < 0 || s == 0 {
                span.min(0)
            } else {
                span / s as i64 + 1
            }
        };
        (
            out(height, self.kernel.0, self.stride.0, self.padding.0),
            out(width, self.kernel.1, self.stride.1, self.padding.1),
        )
    }

    /// The output indices `o` along one axis whose tap `k` lands inside `0..n`:
    /// `0 <= o*stride + k - pad < n`, clamped to `0..out`.
    fn valid_range(n: usize, k: usize, stride: usize, pad: usize, out: usize) -> (usize, usize) {
        let lo_num = pad as i64 - k as i64; // o*stride >= pad - k
        let lo = if lo_num <= 0 {
            0
        } else {
            (lo_num + stride as i64 - 1) / stride as i64
        };
        let hi_num = n as i64 - 1 + pad as i64 - k as i64; // o*stride <= n-1+pad-k
        let hi = if hi_num < 0 {
            0
        } else {
            hi_num / stride as i64 + 1
        };
        let lo = (lo.max(0) as usize).min(out);
        let hi = (hi.max(0) as usize).min(out);
        (lo, hi.max(lo))
    }
}

/// Unfolds `input` [C,H,W] into columns [C*kh*kw, oh*ow]: row `(c,ky,kx)` holds, for every
/// output position, the input value under that kernel tap (0 in the padding).
pub fn im2col(input: ArrayView3<f32>, window: &Window, out_hw: (usize, usize)) -> Array2<f32> {
    let (channels, _, _) = input.dim();
    let (kh, kw) = window.kernel;
    let mut cols = vec![0.0; channels * kh * kw * out_hw.0 * out_hw.1];
    im2col_into(input, window, out_hw, &mut cols);
    Array2::from_shape_vec((channels * kh * kw, out_hw.0 * out_hw.1), cols).expect("sized above")
}

/// [`im2col`] into `dst` (of exactly C*kh*kw*oh*ow values), writing every value once.
fn im2col_into(input: ArrayView3<f32>, window: &Window, out_hw: (usize, usize), dst: &mut [f32]) {
    let (channels, height, width) = input.dim();
    let (kh, kw) = window.kernel;
    let (sh, sw) = window.stride;
    let (ph, pw) = window.padding;
    let (oh, ow) = out_hw;
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    for c in 0..channels {
        let plane = &src[c * height * width..(c + 1) * height * width];
        for ky in 0..kh {
            let (oy_lo, oy_hi) = Window::valid_range(height, ky, sh, ph, oh);
            for kx in 0..kw {
                let (ox_lo, ox_hi) = Window::valid_range(width, kx, sw, pw, ow);
                let row = (c * kh + ky) * kw + kx;
                let row_dst = &mut dst[row * oh * ow..(row + 1) * oh * ow];
                row_dst[..oy_lo * ow].fill(0.0);
                row_dst[oy_hi * ow..].fill(0.0);
                for oy in oy_lo..oy_hi {
                    let iy = oy * sh + ky - ph;
                    let line = &plane[iy * width..(iy + 1) * width];
                    let out_line = &mut row_dst[oy * ow..(oy + 1) * ow];
                    out_line[..ox_lo].fill(0.0);
                    out_line[ox_hi..].fill(0.0);
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

thread_local! {
    /// The im2col buffer of this thread, reused from one convolution to the next.
    static COLUMNS: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The adjoint of [`im2col`]: adds every column entry back onto the input position it came
/// from (used by the backward pass).
pub fn col2im(
    cols: &Array2<f32>,
    shape: (usize, usize, usize),
    window: &Window,
    out_hw: (usize, usize),
) -> Array3<f32> {
    let (channels, height, width) = shape;
    let (kh, kw) = window.kernel;
    let (sh, sw) = window.stride;
    let (ph, pw) = window.padding;
    let (oh, ow) = out_hw;
    let mut image = Array3::<f32>::zeros(shape);
    let cols = cols.as_standard_layout();
    let src = cols.as_slice().expect("standard layout");
    let dst = image.as_slice_mut().expect("fresh array");
    for c in 0..channels {
        let plane = &mut dst[c * height * width..(c + 1) * height * width];
        for ky in 0..kh {
            let (oy_lo, oy_hi) = Window::valid_range(height, ky, sh, ph, oh);
            for kx in 0..kw {
                let (ox_lo, ox_hi) = Window::valid_range(width, kx, sw, pw, ow);
                let row = (c * kh + ky) * kw + kx;
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

/// A convolution layer's parameters: weights [out,in,kh,kw] and an optional bias [out].
#[derive(Debug, Clone, PartialEq)]
pub struct Conv2d {
    pub weight: Array4<f32>,
    pub bias: Option<Array1<f32>>,
    pub stride: (usize, usize),
    pub padding: (usize, usize),
}

impl Conv2d {
    pub fn window(&self) -> Window {
        let (_, _, kh, kw) = self.weight.dim();
        Window {
            kernel: (kh, kw),
            stride: self.stride,
            padding: self.padding,
        }
    }

    pub fn in_channels(&self) -> usize {
        self.weight.dim().1
    }

    pub fn out_channels(&self) -> usize {
        self.weight.dim().0
    }

    pub fn parameter_count(&self) -> usize {
        self.weight.len() + self.bias.as_ref().map_or(0, |b| b.len())
    }

    /// The weights as a matrix [out, in*kh*kw], rows in the same order as [`im2col`]'s.
    pub fn weight_matrix(&self) -> Array2<f32> {
        let (o, i, kh, kw) = self.weight.dim();
        self.weight
            .as_standard_layout()
            .to_owned()
            .into_shape_with_order((o, i * kh * kw))
            .expect("contiguous weights")
    }

    /// Output [out, oh, ow], by [`direct_conv`] where it applies, else by im2col and one matrix
    /// product. The caller has checked the input's channel count and that the
    /// output is not empty (the model does this once, when it is built).
    pub fn forward(&self, input: ArrayView3<f32>) -> Array3<f32> {
        if let Some(out) = direct_conv::forward(self, input) {
            return out;
        }
        let (_, h, w) = input.dim();
        let window = self.window();
        let (oh, ow) = window.output_size(h, w);
        let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
        let out_channels = self.out_channels();
        let (o, i, kh, kw) = self.weight.dim();
        let weights = self
            .weight
            .view()
            .into_shape_with_order((o, i * kh * kw))
            .expect("weights are contiguous");
        // Start from the bias (one write per value), then add W . cols.
        let mut out = Vec::with_capacity(out_channels * oh * ow);
        for c in 0..out_channels {
            let b = self.bias.as_ref().map_or(0.0, |b| b[c]);
            out.extend(std::iter::repeat_n(b, oh * ow));
        }
        let mut out = Array2::from_shape_vec((out_channels, oh * ow), out).expect("sized above");
        COLUMNS.with_borrow_mut(|buffer| {
            let len = i * kh * kw * oh * ow;
            if buffer.len() < len {
                buffer.resize(len, 0.0);
            }
            im2col_into(input, &window, (oh, ow), &mut buffer[..len]);
            let cols = ndarray::ArrayView2::from_shape((i * kh * kw, oh * ow), &buffer[..len])
                .expect("sized above");
            general_mat_mul(1.0, &weights, &cols, 1.0, &mut out);
        });
        out.into_shape_with_order((out_channels, oh, ow))
            .expect("contiguous output")
    }
}

#[cfg(test)]
mod tests {
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
    fn col2im_is_the_adjoint_of_im2col() {
        // <im2col(x), y> == <x, col2im(y)> for any x, y.
        let window = Window {
            kernel: (3, 2),
            stride: (2, 1),
            padding: (1, 2),
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
}
