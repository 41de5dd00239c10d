//! Depthwise convolution (one input channel per group, MobileNet's 3x3 layers): each output
//! channel is its own small 2-D convolution, so a matrix product would have a single row.
//! Each channel is copied once into a zero-padded plane; then each output row starts from the
//! bias and adds every tap's weight times the input row under it (a multiply-add over the
//! row, vectorised with AVX2 and FMA where the CPU has them). Sums run over the taps in (row,
//! column) order. Channels are split across the rayon threads when the layer is large.

use super::direct::Isa;
use super::gemm;
use crate::engine::conv::Conv2d;
use ndarray::{Array3, ArrayView3};
use rayon::prelude::*;

/// Multiply-adds below which a layer stays on the calling thread.
const SPLIT_MACS: usize = 1 << 20;

/// Where the taps are, shared by every channel of a layer.
#[derive(Clone, Copy)]
struct Geometry {
    kernel: (usize, usize),
    stride: (usize, usize),
    dilation: (usize, usize),
    /// The padded plane's width.
    wp: usize,
    out: (usize, usize),
}

/// Output [out, oh, ow] of a convolution with one input channel per group; any other goes to
/// im2col.
pub fn forward(conv: &Conv2d, input: ArrayView3<f32>) -> Array3<f32> {
    let (out_channels, per_in, kh, kw) = conv.weight.dim();
    let groups = conv.groups.max(1);
    let (channels, h, w) = input.dim();
    if per_in != 1 || groups != channels || groups == 0 {
        return gemm::im2col_forward(conv, input);
    }
    let per_out = out_channels / groups;
    let window = conv.window();
    let (oh, ow) = window.output_size(h, w);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let (top, left) = window.padding;
    let (bottom, right) = window.pad_end();
    let (hp, wp) = (h + top + bottom, w + left + right);
    let geometry = Geometry {
        kernel: (kh, kw),
        stride: conv.stride,
        dilation: conv.dilation,
        wp,
        out: (oh, ow),
    };
    let weights = conv.weight.as_standard_layout();
    let weights = weights.as_slice().expect("standard layout");
    let fma = Isa::available().contains(&Isa::Avx2);
    let plane = oh * ow;
    let mut out = vec![0.0f32; out_channels * plane];
    // One output channel: pad its input channel into `padded`, then run the rows.
    let one = |padded: &mut Vec<f32>, (c, dst): (usize, &mut [f32])| {
        let src = input.index_axis(ndarray::Axis(0), c / per_out);
        padded.clear();
        padded.resize(hp * wp, 0.0);
        for (y, row) in src.outer_iter().enumerate() {
            let start = (y + top) * wp + left;
            for (d, &s) in padded[start..start + w].iter_mut().zip(row) {
                *d = s;
            }
        }
        let taps = &weights[c * kh * kw..(c + 1) * kh * kw];
        let bias = conv.bias.as_ref().map_or(0.0, |b| b[c]);
        channel(fma, padded, taps, bias, dst, geometry);
    };
    let macs = out_channels * plane * kh * kw;
    if macs >= SPLIT_MACS && rayon::current_num_threads() > 1 && out_channels > 1 {
        out.par_chunks_mut(plane)
            .enumerate()
            .for_each_init(Vec::new, one);
    } else {
        let mut padded = Vec::new();
        for job in out.chunks_mut(plane).enumerate() {
            one(&mut padded, job);
        }
    }
    Array3::from_shape_vec((out_channels, oh, ow), out).expect("sized above")
}

/// One channel's output rows from its padded plane, with FMA when `fma` (the CPU has AVX2
/// and FMA).
fn channel(fma: bool, padded: &[f32], taps: &[f32], bias: f32, dst: &mut [f32], g: Geometry) {
    #[cfg(target_arch = "x86_64")]
    if fma {
        // SAFETY: `fma` says the CPU has AVX2 and FMA.
        return unsafe { channel_avx2(padded, taps, bias, dst, g) };
    }
    let _ = fma;
    rows::<false>(padded, taps, bias, dst, g)
}

/// # Safety
/// The CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn channel_avx2(padded: &[f32], taps: &[f32], bias: f32, dst: &mut [f32], g: Geometry) {
    rows::<true>(padded, taps, bias, dst, g)
}

/// The loops, compiled once per instruction set (inlined into each caller).
#[inline(always)]
fn rows<const FMA: bool>(padded: &[f32], taps: &[f32], bias: f32, dst: &mut [f32], g: Geometry) {
    let (kh, kw) = g.kernel;
    let (sh, sw) = g.stride;
    let (dh, dw) = g.dilation;
    let (oh, ow) = g.out;
    if ow == 0 {
        return;
    }
    // The input values one output row reads at one tap: `ow` of them, `sw` apart.
    let span = (ow - 1) * sw + 1;
    for y in 0..oh {
        let row = &mut dst[y * ow..(y + 1) * ow];
        row.fill(bias);
        for ky in 0..kh {
            let line = (y * sh + ky * dh) * g.wp;
            for kx in 0..kw {
                let weight = taps[ky * kw + kx];
                let start = line + kx * dw;
                let src = &padded[start..start + span];
                let add = |d: &mut f32, s: f32| {
                    *d = if FMA {
                        weight.mul_add(s, *d)
                    } else {
                        *d + weight * s
                    }
                };
                if sw == 1 {
                    row.iter_mut().zip(src).for_each(|(d, &s)| add(d, s));
                } else {
                    row.iter_mut()
                        .zip(src.iter().step_by(sw))
                        .for_each(|(d, &s)| add(d, s));
                }
            }
        }
    }
}
