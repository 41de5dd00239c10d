//! Depthwise convolution (one input channel per group, MobileNet's 3x3 and 5x5 layers): each
//! output channel is its own small 2-D convolution, so a matrix product would have a single
//! row.
//!
//! Three kernels, the same numbers (sums from the bias over the taps in (row, column) order,
//! one fused multiply-add each where the CPU has FMA):
//! - [`rows`], for 3x3 and 5x5 layers on wide maps where the CPU has AVX-512: each channel's
//!   rows straight from its plane, pixels across the lanes, a tap's columns one permute of
//!   two neighbouring vectors away (no copy of the input, no transposes).
//! - `lanes`, for whole blocks of 16 (AVX-512) or 8 (AVX2) channels when each input channel
//!   gives one output channel: the block's channels side by side in the vector lanes, so every
//!   lane is used whatever the map's width or stride.
//! - one channel at a time ([`channel`]), for the channels left over and channel multipliers
//!   above 1: each input channel copied once into zero-padded phase planes (`Phases`), so
//!   every tap of every stride reads `ow` neighbouring values of one plane row, then a block
//!   of up to four vectors of output pixels of one row kept in registers while every tap adds
//!   its weight times the input under it (the last partial vector of a row read and written
//!   through a lane mask).
//!
//! Channels are shared between threads in a few runs of blocks per thread (by `crew`: over
//! rayon's threads when the layer is large, by the crew of a lone pass from a quarter of a
//! million multiply-adds).
//!
//! (The first kernel added one tap at a time over a whole output row, with the stride-2 taps
//! read one value at a time: 1-5 GFLOP/s, 4-10x onnxruntime's time on MobileNetV2's layers.
//! One channel at a time with pixels across the lanes left 9 of 16 lanes empty on a 7x7 map:
//! 3-6x onnxruntime's time on MobileNetV2's 7x7 and stride-2 layers, 2.6 ms of its pass
//! against onnxruntime's 1.2.)

mod channel;
mod lanes;
mod rows;

use super::crew::{self, Split};
use super::im2col;
use super::isa::Isa;
use super::phases::Phases;
use super::shared::{Epilogue, Shared};
use crate::engine::layers::conv::Conv2d;
use channel::{Geometry, channel};
use ndarray::{Array3, ArrayView3};

/// Multiply-adds below which a layer stays on the calling thread (MobileNetV2's depthwise
/// layers, 1-4 M, ran slower split in two than on one thread: see `shared::SPLIT_MACS`).
pub(super) const SPLIT_MACS: usize = 1 << 23;

/// Output [out, oh, ow] of a convolution with one input channel per group; any other goes to
/// im2col.
pub(crate) fn forward(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    epilogue: Option<Epilogue>,
) -> Array3<f32> {
    forward_parts(conv, input, epilogue, Choice::Best)
}

/// Which kernels a layer may use (the tests compare them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Choice {
    /// Every channel one at a time from phase planes (`channel`).
    #[cfg_attr(not(test), allow(dead_code))]
    OneAtATime,
    /// Whole blocks of channels across the lanes (`lanes`), the rest one at a time.
    AcrossLanes,
    /// Rows straight from the input planes (`rows`) where the layer suits them and the CPU
    /// has AVX-512, else as `AcrossLanes`.
    Best,
}

/// [`forward`], with the kernels `choice` allows.
pub(super) fn forward_parts(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    epilogue: Option<Epilogue>,
    choice: Choice,
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
    if plane == 0 {
        return Array3::zeros((out_channels, oh, ow));
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
    let isa = Isa::available().last().copied();
    let fma = isa.is_some();
    let layout = lanes::Layout {
        input: (h, w),
        out: (oh, ow),
        kernel: (kh, kw),
        stride: (conv.stride.0.max(1), conv.stride.1.max(1)),
        dilation: conv.dilation,
        pad: window.padding,
    };
    let bias: Option<Vec<f32>> = conv.bias.as_ref().map(|b| b.to_vec());
    // Every value of the output is written by exactly one part, so it is not zeroed first:
    // the blocks across the lanes write their planes through a pointer, and the channels one
    // at a time are zeroed (`run`) before they are handed out as a slice.
    let total = out_channels * plane;
    let mut out: Vec<f32> = Vec::with_capacity(total);
    let base = Shared(out.as_mut_ptr());
    // Output channels `first ..` of `part` into their planes.
    let run = |scratch: &mut Scratch, part: Part| {
        let (first, n) = part.channels();
        // SAFETY: `out` has room for every channel's plane; channels first .. first + n.
        let dst = unsafe { base.get().add(first * plane) };
        match part {
            Part::Rows { first, n } => {
                let taps = kh * kw;
                for i in 0..n {
                    let c = first + i;
                    let source = c / per_out;
                    let bias = bias.as_ref().map_or(0.0, |b| b[c]);
                    // SAFETY: the CPU has AVX-512 (`Part::all`), the layout suits (`rows_fit`),
                    // and channel c's plane in `out` has room for `plane` values.
                    unsafe {
                        let dst = dst.add(i * plane);
                        rows::plane(
                            &input[source * h * w..(source + 1) * h * w],
                            &weights[c * taps..(c + 1) * taps],
                            bias,
                            dst,
                            layout,
                            epilogue.and_then(Epilogue::clamp),
                        );
                        if let Some(f) = epilogue.and_then(Epilogue::map) {
                            // While the channel is still in the cache.
                            f.apply_all(std::slice::from_raw_parts_mut(dst, plane));
                        }
                    }
                }
            }
            Part::Lanes { isa, first } => {
                let taps = kh * kw;
                // SAFETY: `dst` has room for the block's `n` planes.
                unsafe {
                    lanes::block(
                        isa,
                        &input[first * h * w..(first + n) * h * w],
                        &weights[first * taps..(first + n) * taps],
                        bias.as_ref().map(|b| &b[first..first + n]),
                        epilogue,
                        dst,
                        layout,
                        &mut scratch.lanes,
                    )
                };
            }
            Part::Channels { first, n } => {
                // SAFETY: room for the `n` planes, zeroed before they are a slice.
                let dst = unsafe {
                    std::ptr::write_bytes(dst, 0, n * plane);
                    std::slice::from_raw_parts_mut(dst, n * plane)
                };
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
                    let bias = bias.as_ref().map_or(0.0, |b| b[c]);
                    channel(isa, &scratch.planes, taps, &offsets, bias, dst, g);
                    if let Some(epilogue) = epilogue {
                        // While the channel is still in the cache.
                        epilogue.apply_all(dst);
                    }
                }
            }
        }
    };
    let macs = out_channels * plane * kh * kw;
    let split = Split::of(macs, crew::depthwise_macs(), SPLIT_MACS);
    let threads = if out_channels > 1 { split.threads() } else { 1 };
    let rows_fit = isa == Some(Isa::Avx512) && rows::suits(&layout);
    let kernel = match choice {
        Choice::Best if rows_fit => Choice::Best,
        Choice::OneAtATime => Choice::OneAtATime,
        _ => Choice::AcrossLanes,
    };
    let parts = Part::all(isa, out_channels, per_out, threads, kernel);
    // Each part writes only its own channels, and no two parts share a channel.
    if split.splits() && parts.len() > 1 {
        // A few runs of parts per thread, each with one scratch (60 blocks of a 7x7 layer
        // each with buffers of its own cost more than the second thread saved).
        let per_task = parts.len().div_ceil(split.threads() * 4);
        split.for_each(parts.len().div_ceil(per_task), |t| {
            let mut scratch = Scratch::new();
            for &part in parts.iter().skip(t * per_task).take(per_task) {
                run(&mut scratch, part);
            }
        });
    } else {
        let mut scratch = Scratch::new();
        for part in parts {
            run(&mut scratch, part);
        }
    }
    // SAFETY: the parts cover every channel (`Part::all`), and each wrote all of its planes.
    unsafe { out.set_len(total) };
    Array3::from_shape_vec((out_channels, oh, ow), out).expect("sized above")
}

/// A run of output channels and the kernel that computes it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    /// Channels `first .. first + n`, one at a time straight from their planes (`rows`).
    Rows { first: usize, n: usize },
    /// `isa.lanes()` channels from `first`, across the lanes of each vector (`lanes`).
    Lanes { isa: Isa, first: usize },
    /// Channels `first .. first + n`, one at a time, pixels across the lanes (`channel`).
    Channels { first: usize, n: usize },
}

impl Part {
    /// The parts of a layer of `out_channels` channels, `per_out` of them from each input
    /// channel, to be shared by `threads` threads: whole blocks of the widest vectors across
    /// the lanes, then of the narrower ones, the channels left one at a time (in a few parts
    /// per thread, so a thread slowed by something else is caught up by the other). With
    /// `OneAtATime`, every channel one at a time; with `Best` (which the caller gives only
    /// when the rows kernel fits), every channel by the rows kernel, in as many parts.
    fn all(
        isa: Option<Isa>,
        out_channels: usize,
        per_out: usize,
        threads: usize,
        kernel: Choice,
    ) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut first = 0;
        if kernel == Choice::AcrossLanes && per_out == 1 {
            let widest_first = Isa::available().iter().rev().filter(|&&i| Some(i) <= isa);
            for &isa in widest_first {
                while first + isa.lanes() <= out_channels {
                    parts.push(Part::Lanes { isa, first });
                    first += isa.lanes();
                }
            }
        }
        let left = out_channels - first;
        let per_part = left.div_ceil(threads.max(1) * 8).max(1);
        while first < out_channels {
            let n = per_part.min(out_channels - first);
            parts.push(match kernel {
                Choice::Best => Part::Rows { first, n },
                _ => Part::Channels { first, n },
            });
            first += n;
        }
        parts
    }

    /// Its first channel and how many.
    fn channels(self) -> (usize, usize) {
        match self {
            Part::Lanes { isa, first } => (first, isa.lanes()),
            Part::Channels { first, n } | Part::Rows { first, n } => (first, n),
        }
    }
}

/// One thread's buffers: one input channel's phase planes and which channel they hold, and
/// the blocks across the lanes'.
struct Scratch {
    /// The thread's kept buffers (`lanes::Scratch::take`), handed back when dropped.
    lanes: lanes::Scratch,
    planes: Vec<f32>,
    /// One padded input row.
    row: Vec<f32>,
    source: Option<usize>,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            lanes: lanes::Scratch::take(),
            planes: Vec::new(),
            row: Vec::new(),
            source: None,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::mem::take(&mut self.lanes).keep();
    }
}
