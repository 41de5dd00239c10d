//! Training's convolutions without im2col, where the model's forward pass uses the direct
//! kernel ([`ConvKernel::Direct`]: stride 1, few output channels, rows one vector wide):
//!
//! - forward: the direct kernel itself (nothing kept but the layer's input, already on the
//!   tape, instead of a column matrix kh*kw times its size);
//! - weight gradient: [`weight_grad`], a correlation of the input with the output gradient;
//! - input gradient: a stride-1 convolution of the output gradient (padded by the kernel's
//!   extent minus the forward padding) with the kernels flipped and their channel axes
//!   swapped, again by the direct kernel.
//!
//! Each piece hands back to the im2col path where it does not apply, so the numbers depend on
//! the shapes and the CPU only: the same run to run, and the same in the app and the CLI.

use super::backward::{conv_backward, conv_input_grad};
use crate::engine::kernels::{ConvKernel, direct, weight_grad};
use crate::engine::layers::conv::{Conv2d, im2col};
use ndarray::{Array3, ArrayView3, ArrayViewMut1, ArrayViewMut2, Axis, s};

/// The forward pass of `conv` on `x` by the direct kernel, when the model chose it and the
/// backward pass has its kernels too; `None` sends the caller to im2col.
pub(crate) fn forward(
    conv: &Conv2d,
    kernel: Option<ConvKernel>,
    x: ArrayView3<f32>,
) -> Option<Array3<f32>> {
    if kernel != Some(ConvKernel::Direct) || !weight_grad::applies(conv) {
        return None;
    }
    direct::forward(conv, x)
}

/// The backward pass of a convolution whose forward pass ran [`forward`]: adds `dL/dW` and
/// `dL/db` into `grad_weight`/`grad_bias`, returns `dL/dx` when `need_input`.
pub(crate) fn backward(
    conv: &Conv2d,
    x: ArrayView3<f32>,
    dy: ArrayView3<f32>,
    grad_weight: ArrayViewMut2<f32>,
    grad_bias: Option<ArrayViewMut1<f32>>,
    need_input: bool,
) -> Option<Array3<f32>> {
    let mut grad_weight = grad_weight;
    if !weight_grad::add_weight_grad(conv, x, dy, grad_weight.view_mut()) {
        // Not reached when `forward` ran the direct kernel (it checks the same conditions).
        let window = conv.window();
        let (_, oh, ow) = dy.dim();
        let cols = vec![im2col(x, &window, (oh, ow))];
        return conv_backward(conv, x.dim(), &cols, dy, grad_weight, grad_bias, need_input);
    }
    if let Some(mut gb) = grad_bias {
        for (b, plane) in gb.iter_mut().zip(dy.axis_iter(Axis(0))) {
            *b += plane.iter().fold(0.0f32, |a, &v| a + v);
        }
    }
    if !need_input {
        return None;
    }
    Some(input_grad(conv, x.dim(), dy).unwrap_or_else(|| conv_input_grad(conv, x.dim(), dy)))
}

/// `dL/dx` of a stride-1, one-group convolution as a convolution of `dy` by the direct
/// kernel: `dx[c, i, j] = sum over (o, ky, kx) of W[o, c, kh-1-ky, kw-1-kx] * dy_padded[o,
/// i + ky*dh, j + kx*dw]`, `dy` padded by `extent - 1 - padding` on each side. `None` when
/// the forward padding reaches past the kernel's extent or the direct kernel declines.
fn input_grad(
    conv: &Conv2d,
    input_dim: (usize, usize, usize),
    dy: ArrayView3<f32>,
) -> Option<Array3<f32>> {
    let window = conv.window();
    let (begin, end) = (window.padding, window.pad_end());
    let (eh, ew) = window.extent();
    let pad = |extent: usize, p: usize| (extent - 1).checked_sub(p);
    let padding = (pad(eh, begin.0)?, pad(ew, begin.1)?);
    let padding_end = (pad(eh, end.0)?, pad(ew, end.1)?);
    let flipped = conv
        .weight
        .slice(s![.., .., ..;-1, ..;-1])
        .permuted_axes([1, 0, 2, 3])
        .as_standard_layout()
        .into_owned();
    let transposed = Conv2d {
        weight: flipped,
        bias: None,
        stride: (1, 1),
        padding,
        padding_end: Some(padding_end),
        dilation: conv.dilation,
        groups: 1,
    };
    let dx = direct::forward(&transposed, dy)?;
    (dx.dim() == input_dim).then_some(dx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, Array4};
    use proptest::prelude::*;

    use crate::engine::kernels::tests::values;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The direct backward pass gives the im2col backward pass's gradients (weights, bias
        /// and input) to float rounding, on random stride-1 shapes with padding and dilation.
        #[test]
        fn matches_the_im2col_backward_pass(
            in_c in 1usize..5, out_c in 1usize..13, k in (1usize..4, 1usize..4),
            d in (1usize..3, 1usize..3), pads in (0usize..3, 0usize..3, 0usize..3, 0usize..3),
            h in 4usize..16, w in 8usize..40, seed in 0u64..1000,
        ) {
            let n = out_c * in_c * k.0 * k.1;
            let conv = Conv2d {
                weight: Array4::from_shape_vec((out_c, in_c, k.0, k.1), values(n, seed)).unwrap(),
                bias: Some(Array1::from(values(out_c, seed + 1))),
                padding: (pads.0, pads.1),
                padding_end: Some((pads.2, pads.3)),
                dilation: d,
                ..Default::default()
            };
            let window = conv.window();
            let (oh, ow) = window.output_size(h, w);
            prop_assume!(oh > 0 && ow > 0);
            let (oh, ow) = (oh as usize, ow as usize);
            let x = Array3::from_shape_vec((in_c, h, w), values(in_c * h * w, seed + 2)).unwrap();
            let dy = Array3::from_shape_vec((out_c, oh, ow), values(out_c * oh * ow, seed + 3)).unwrap();
            let taps = in_c * k.0 * k.1;
            let (mut gw, mut gb) = (Array2::zeros((out_c, taps)), Array1::zeros(out_c));
            let dx = backward(&conv, x.view(), dy.view(), gw.view_mut(), Some(gb.view_mut()), true).unwrap();
            let (mut ew, mut eb) = (Array2::zeros((out_c, taps)), Array1::zeros(out_c));
            let cols = vec![im2col(x.view(), &window, (oh, ow))];
            let edx = conv_backward(&conv, x.dim(), &cols, dy.view(), ew.view_mut(), Some(eb.view_mut()), true).unwrap();
            let close = |a: f32, b: f32| (a - b).abs() < 1e-4 * (1.0 + b.abs());
            for (a, b) in gw.iter().zip(&ew) { prop_assert!(close(*a, *b), "dW {} vs {}", a, b); }
            for (a, b) in gb.iter().zip(&eb) { prop_assert!(close(*a, *b), "db {} vs {}", a, b); }
            prop_assert_eq!(dx.dim(), edx.dim());
            for (a, b) in dx.iter().zip(&edx) { prop_assert!(close(*a, *b), "dx {} vs {}", a, b); }
        }
    }
}
