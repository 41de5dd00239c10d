//! Depthwise convolution (one input channel per group, MobileNet's 3x3 layers): each output
//! channel is its own small 2-D convolution, so a matrix product would have a single row.
//!
//! Each input channel is copied once into zero-padded phase planes (`Phases`), so every
//! tap of every stride reads `ow` neighbouring values of one plane row. Then a block of up to
//! four vectors of output pixels of one row is kept in registers while every tap adds its
//! weight times the input under it (AVX2 and FMA where the CPU has them; the last partial
//! vector of a row is read and written through a lane mask). Sums run from the bias over the
//! taps in (row, column) order. Channels are split across the rayon threads in a few blocks
//! per thread when the layer is large.
//!
//! (It used to add one tap at a time over a whole output row, with the stride-2 taps read
//! one value at a time: 1-5 GFLOP/s, 4-10x onnxruntime's time on MobileNetV2's layers.)

use super::im2col;
use super::isa::{Isa, Path};
use super::phases::Phases;
use super::shared::Epilogue;
use crate::engine::layers::conv::Conv2d;
use ndarray::{Array3, ArrayView3};
use rayon::prelude::*;

/// Multiply-adds below which a layer stays on the calling thread (MobileNetV2's depthwise
/// layers, 1-4 M, ran slower split in two than on one thread: see `shared::SPLIT_MACS`).
pub(super) const SPLIT_MACS: usize = 1 << 23;

/// Where the taps are, shared by every channel of a layer.
#[derive(Clone, Copy)]
struct Geometry {
    phases: Phases,
    /// Row stride.
    sh: usize,
    out: (usize, usize),
}

/// Output [out, oh, ow] of a convolution with one input channel per group; any other goes to
/// im2col.
pub(crate) fn forward(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    epilogue: Option<Epilogue>,
) -> Array3<f32> {
    let (out_channels, per_in, kh, kw) = conv.weight.dim();
    let groups = conv.groups.max(1);
    let (channels, h, w) = input.dim();
    if per_in != 1 || groups != channels || groups == 0 {
        return im2col::forward(conv, input, None, epilogue);
    }
    let per_out = out_channels / groups;
    let window = conv.window();
    let (oh, ow) = window.output_size(h, w);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let plane = oh * ow;
    let mut out = vec![0.0f32; out_channels * plane];
    if plane == 0 {
        return Array3::from_shape_vec((out_channels, oh, ow), out).expect("sized above");
    }
    let phases = Phases::new(&window, (h, w), (oh, ow));
    let g = Geometry {
        phases,
        sh: conv.stride.0.max(1),
        out: (oh, ow),
    };
    let mut offsets = Vec::with_capacity(kh * kw);
    for ky in 0..kh {
        for kx in 0..kw {
            offsets.push(phases.offset((ky, kx), conv.dilation));
        }
    }
    let weights = conv.weight.as_standard_layout();
    let weights = weights.as_slice().expect("standard layout");
    let input = input.as_standard_layout();
    let input = input.as_slice().expect("standard layout");
    let fma = Isa::available().contains(&Isa::Avx2);
    // A block of output channels starting at `first`: each one's input channel split into
    // phase planes (once per input channel), then its rows.
    let block = |scratch: &mut Scratch, first: usize, dst: &mut [f32]| {
        scratch.planes.resize(phases.channel(), 0.0);
        for (i, dst) in dst.chunks_mut(plane).enumerate() {
            let c = first + i;
            let source = c / per_out;
            if scratch.source != Some(source) {
                let src = &input[source * h * w..(source + 1) * h * w];
                phases.fill(fma, src, (h, w), &mut scratch.planes, &mut scratch.row);
                scratch.source = Some(source);
            }
            let taps = &weights[c * kh * kw..(c + 1) * kh * kw];
            let bias = conv.bias.as_ref().map_or(0.0, |b| b[c]);
            channel(fma, &scratch.planes, taps, &offsets, bias, dst, g);
            if let Some(epilogue) = epilogue {
                // While the channel is still in the cache.
                epilogue.apply_all(dst);
            }
        }
    };
    let macs = out_channels * plane * kh * kw;
    let threads = rayon::current_num_threads();
    if macs >= SPLIT_MACS && threads > 1 && out_channels > 1 {
        // A few blocks per thread, so a thread slowed by something else is caught up by the
        // other; each block fills one scratch.
        let per_block = out_channels.div_ceil(threads * 4).max(1);
        // The other threads take this thread's instruction sets (`isa::Path`).
        let path = Path::carry();
        out.par_chunks_mut(per_block * plane)
            .enumerate()
            .for_each(|(b, dst)| path.run(|| block(&mut Scratch::default(), b * per_block, dst)));
    } else {
        block(&mut Scratch::default(), 0, &mut out);
    }
    Array3::from_shape_vec((out_channels, oh, ow), out).expect("sized above")
}

/// One input channel's phase planes, and which channel they hold.
#[derive(Default)]
struct Scratch {
    planes: Vec<f32>,
    /// One padded input row.
    row: Vec<f32>,
    source: Option<usize>,
}

/// One channel's output rows from its phase planes, with AVX2 and FMA when `fma`.
fn channel(
    fma: bool,
    planes: &[f32],
    taps: &[f32],
    offsets: &[usize],
    bias: f32,
    dst: &mut [f32],
    g: Geometry,
) {
    let (oh, ow) = g.out;
    let wq = g.phases.wq;
    assert!(offsets.len() == taps.len() && dst.len() == oh * ow);
    // The furthest any tap reads, so the kernels below stay inside `planes`.
    let last = (oh - 1) * g.sh * wq + ow - 1 + offsets.iter().max().copied().unwrap_or(0);
    assert!(last < planes.len());
    #[cfg(target_arch = "x86_64")]
    if fma {
        // SAFETY: `fma` says the CPU has AVX2 and FMA; the assert above bounds every read.
        return unsafe { avx2::channel(planes, taps, offsets, bias, dst, g) };
    }
    let _ = fma;
    for y in 0..oh {
        let row = &mut dst[y * ow..(y + 1) * ow];
        row.fill(bias);
        for (&weight, &offset) in taps.iter().zip(offsets) {
            let start = y * g.sh * wq + offset;
            for (d, s) in row.iter_mut().zip(&planes[start..start + ow]) {
                *d += weight * s;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Geometry;
    use std::arch::x86_64::*;

    /// Output vectors kept in registers at once.
    const BLOCK: usize = 4;

    /// # Safety
    /// The CPU has AVX2 and FMA; every tap of every output pixel reads inside `planes`
    /// (checked by the caller) and `dst` holds `oh * ow` values.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn channel(
        planes: &[f32],
        taps: &[f32],
        offsets: &[usize],
        bias: f32,
        dst: &mut [f32],
        g: Geometry,
    ) {
        let ow = g.out.1;
        let mut x = 0;
        while x + 8 * BLOCK <= ow {
            // SAFETY: as for this function; x + 32 <= ow.
            unsafe { columns::<BLOCK>(planes, taps, offsets, bias, dst, g, x, 8) };
            x += 8 * BLOCK;
        }
        while x + 8 <= ow {
            // SAFETY: as above; x + 8 <= ow.
            unsafe { columns::<1>(planes, taps, offsets, bias, dst, g, x, 8) };
            x += 8;
        }
        if x < ow {
            // SAFETY: as above; the last vector is masked to the ow - x < 8 pixels left.
            unsafe { columns::<1>(planes, taps, offsets, bias, dst, g, x, ow - x) };
        }
    }

    /// Output columns `x ..` (`N` vectors, the last of them `lanes` wide) of every row.
    ///
    /// # Safety
    /// As [`channel`]; `x + 8 * (N - 1) + lanes <= ow`.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn columns<const N: usize>(
        planes: &[f32],
        taps: &[f32],
        offsets: &[usize],
        bias: f32,
        dst: &mut [f32],
        g: Geometry,
        x: usize,
        lanes: usize,
    ) {
        let sh = g.sh;
        let (oh, ow) = g.out;
        let index = |i: i32| if (i as usize) < lanes { -1 } else { 0 };
        let mask = _mm256_setr_epi32(
            index(0),
            index(1),
            index(2),
            index(3),
            index(4),
            index(5),
            index(6),
            index(7),
        );
        let src = planes.as_ptr();
        let out = dst.as_mut_ptr();
        for y in 0..oh {
            let mut acc = [_mm256_set1_ps(bias); N];
            let line = y * sh * g.phases.wq + x;
            for (&tap, &offset) in taps.iter().zip(offsets) {
                let weight = _mm256_set1_ps(tap);
                // SAFETY: the caller bounds every read: columns up to ow - 1 of the tap's
                // shift, in row y * sh + ky * dh of the tap's phase plane.
                unsafe {
                    let base = src.add(line + offset);
                    for (i, a) in acc.iter_mut().enumerate() {
                        let v = if i + 1 < N || lanes == 8 {
                            _mm256_loadu_ps(base.add(8 * i))
                        } else {
                            _mm256_maskload_ps(base.add(8 * i), mask)
                        };
                        *a = _mm256_fmadd_ps(weight, v, *a);
                    }
                }
            }
            // SAFETY: columns x .. x + 8 * (N - 1) + lanes of row y are inside `dst`.
            unsafe {
                let row = out.add(y * ow + x);
                for (i, a) in acc.iter().enumerate() {
                    if i + 1 < N || lanes == 8 {
                        _mm256_storeu_ps(row.add(8 * i), *a);
                    } else {
                        _mm256_maskstore_ps(row.add(8 * i), mask, *a);
                    }
                }
            }
        }
    }
}
