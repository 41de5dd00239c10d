//! Stride-1 convolution computed straight from the (zero-padded) input, without im2col, on
//! x86-64 CPUs with AVX-512 or with AVX2 and FMA.
//!
//! The teaching nets have few output channels (8-16): a general matrix product spends most of
//! its register tile on rows that do not exist there and first writes a column matrix that is
//! kh*kw times the input. Here one call of the inner kernel holds a block of output channels
//! (up to 6 with AVX2's 16 registers, 12 with AVX-512's 32) by one or two vectors of
//! neighbouring output pixels of one row in registers and walks every kernel tap once: each
//! input vector loaded feeds one multiply-add per channel of the block and each broadcast
//! weight one or two vectors. Sums run over the taps in (channel, row, column) order.
//!
//! An output row narrower than one vector (a 14x14 map and AVX-512's 16 lanes) is computed
//! with the rows as one: output pixel (y, x) is pixel `y * wp + x` of one long row over the
//! padded input, whose taps read the same values; the `wp - ow` pixels between one row's end
//! and the next row's start are computed too and dropped. Every pixel is the same sum either
//! way.
//!
//! [`forward`] returns `None` when it does not apply (another CPU, a stride other than 1, or
//! output rows that even as one are narrower than one vector); the caller then uses im2col.

use super::isa::Isa;
use crate::engine::layers::conv::Conv2d;
use ndarray::{Array3, ArrayView3, ArrayView4, Axis, s};
use std::borrow::Cow;

/// The most output channels one kernel call keeps in registers: with two vectors of pixels
/// that is 2x that many accumulators, plus two input vectors and one weight.
fn max_channel_block(isa: Isa) -> usize {
    match isa {
        Isa::Avx2 => 6,
        Isa::Avx512 => 12,
    }
}

/// Whether this CPU has a kernel for output rows of `ow` pixels (at stride 1).
pub(crate) fn applies(ow: usize) -> bool {
    Isa::available().iter().any(|isa| ow >= isa.lanes())
}

/// Output [out, oh, ow] of `conv` on `input`, or `None` when this kernel does not apply.
pub(crate) fn forward(conv: &Conv2d, input: ArrayView3<f32>) -> Option<Array3<f32>> {
    // The widest vectors first; a row too narrow for them may still fill the narrower ones.
    Isa::available()
        .iter()
        .rev()
        .find_map(|&isa| forward_with(isa, conv, input))
}

/// [`forward`] with the given instruction set, which must be one of [`Isa::available`]'s.
/// Grouped convolutions run group by group, each group a convolution of its own channels.
pub(crate) fn forward_with(isa: Isa, conv: &Conv2d, input: ArrayView3<f32>) -> Option<Array3<f32>> {
    if conv.stride != (1, 1) || !Isa::available().contains(&isa) {
        return None;
    }
    let groups = conv.groups.max(1);
    let (out_channels, per_in, _, _) = conv.weight.dim();
    let per_out = out_channels / groups;
    if groups == 1 {
        return run(
            &Plan::new(
                conv.weight.view(),
                conv.bias.as_ref(),
                conv,
                input,
                isa.lanes(),
            )?,
            isa,
        );
    }
    let mut parts = Vec::with_capacity(groups);
    for g in 0..groups {
        let rows = g * per_out..(g + 1) * per_out;
        let weight = conv.weight.slice(s![rows.clone(), .., .., ..]);
        let bias = conv.bias.as_ref().map(|b| b.slice(s![rows]).to_owned());
        let channels = input.slice(s![g * per_in..(g + 1) * per_in, .., ..]);
        parts.push(run(
            &Plan::new(weight, bias.as_ref(), conv, channels, isa.lanes())?,
            isa,
        )?);
    }
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    ndarray::concatenate(Axis(0), &views).ok()
}

fn run(plan: &Plan, isa: Isa) -> Option<Array3<f32>> {
    #[cfg(target_arch = "x86_64")]
    return Some(match plan.rows_as_one {
        None => x86::run(plan, isa),
        Some(out) => rows_apart(x86::run(plan, isa), plan.wp, out),
    });
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (plan, isa);
        None
    }
}

/// The problem in the form the kernel reads it: a padded input, the weights, and the offset of
/// every tap in the padded input.
struct Plan<'a> {
    /// The input with its zero padding, [C, hp, wp] in standard order: the input itself when
    /// it has no padding and is in standard order already.
    padded: Cow<'a, [f32]>,
    /// `weights[o * taps + t]`: output channel `o`'s weight at tap `t`, the layer's own
    /// weights when they are in standard order (a kernel call broadcasts one weight at a time,
    /// so it reads them as well across channels as along taps, and nothing is reordered).
    weights: Cow<'a, [f32]>,
    /// Offset of tap `t = (c*kh + ky)*kw + kx` from a window's top-left corner: `c*hp*wp + ky*wp + kx`.
    offsets: Vec<usize>,
    bias: Vec<f32>,
    out_channels: usize,
    wp: usize,
    oh: usize,
    ow: usize,
    /// The output's (oh, ow) when its rows are computed as one (`oh` is then 1 and `ow` the
    /// long row's length).
    rows_as_one: Option<(usize, usize)>,
}

impl<'a> Plan<'a> {
    /// The plan for `weight` (one group's, [out, in, kh, kw]) over `input` (that group's
    /// channels) with `conv`'s padding and dilation.
    fn new(
        weight: ArrayView4<'a, f32>,
        bias: Option<&ndarray::Array1<f32>>,
        conv: &Conv2d,
        input: ArrayView3<'a, f32>,
        lanes: usize,
    ) -> Option<Plan<'a>> {
        let window = conv.window();
        let (begin, end) = (window.padding, window.pad_end());
        let (dh, dw) = window.dilation;
        let (eh, ew) = window.extent();
        let (out_channels, in_channels, kh, kw) = weight.dim();
        let (channels, h, w) = input.dim();
        let (hp, wp) = (h + begin.0 + end.0, w + begin.1 + end.1);
        if channels != in_channels || hp < eh || wp < ew || out_channels == 0 {
            return None;
        }
        let (oh, ow) = (hp - eh + 1, wp - ew + 1);
        // Narrow rows as one long row, when that is at least one vector.
        let long_row = (oh - 1) * wp + ow;
        let rows_as_one = (ow < lanes && long_row >= lanes).then_some((oh, ow));
        let (oh, ow) = if rows_as_one.is_some() {
            (1, long_row)
        } else {
            (oh, ow)
        };
        if ow < lanes {
            return None;
        }
        let padded = match input.to_slice() {
            Some(values) if begin == (0, 0) && end == (0, 0) => Cow::Borrowed(values),
            _ => Cow::Owned(pad(input, begin, end)),
        };
        let taps = in_channels * kh * kw;
        let weights = match weight.to_slice() {
            Some(values) => Cow::Borrowed(values),
            None => Cow::Owned(weight.iter().copied().collect()),
        };
        let mut offsets = Vec::with_capacity(taps);
        for c in 0..in_channels {
            for ky in 0..kh {
                for kx in 0..kw {
                    offsets.push((c * hp + ky * dh) * wp + kx * dw);
                }
            }
        }
        let bias = match bias {
            Some(b) => b.to_vec(),
            None => vec![0.0; out_channels],
        };
        Some(Plan {
            padded,
            weights,
            offsets,
            bias,
            out_channels,
            wp,
            oh,
            ow,
            rows_as_one,
        })
    }

    /// Output channels split into nearly equal blocks of at most `max` channels:
    /// `(first channel, count)`.
    fn channel_blocks(&self, max: usize) -> Vec<(usize, usize)> {
        let n = self.out_channels.div_ceil(max);
        let (base, extra) = (self.out_channels / n, self.out_channels % n);
        let mut first = 0;
        (0..n)
            .map(|i| {
                let count = base + usize::from(i < extra);
                first += count;
                (first - count, count)
            })
            .collect()
    }

    /// Where along a row each kernel call of `width` pixels starts: every `width` pixels, and
    /// one last call ending at the row's end when the row is not a multiple of `width` (it
    /// recomputes a few pixels, with the same result).
    fn column_starts(&self, width: usize) -> Vec<usize> {
        let mut starts: Vec<usize> = (0..=self.ow - width).step_by(width).collect();
        if !self.ow.is_multiple_of(width) {
            starts.push(self.ow - width);
        }
        starts
    }
}

/// The output [C, oh, ow] from one computed with its rows as one ([C, 1, (oh - 1) * wp + ow]):
/// row `y` is pixels `y * wp ..` of the long row.
#[cfg(target_arch = "x86_64")]
fn rows_apart(long: Array3<f32>, wp: usize, (oh, ow): (usize, usize)) -> Array3<f32> {
    let channels = long.dim().0;
    let long = long.as_slice().expect("made in standard order");
    let row = long.len() / channels.max(1);
    let mut out = Vec::with_capacity(channels * oh * ow);
    for plane in long.chunks_exact(row) {
        for y in 0..oh {
            out.extend_from_slice(&plane[y * wp..y * wp + ow]);
        }
    }
    Array3::from_shape_vec((channels, oh, ow), out).expect("oh * ow pixels a channel")
}

/// `input` [C,H,W] with `begin` (top, left) and `end` (bottom, right) zeros around each
/// map, in standard order. Each value is written once: the zeros only where they go.
fn pad(input: ArrayView3<f32>, begin: (usize, usize), end: (usize, usize)) -> Vec<f32> {
    let (channels, h, w) = input.dim();
    let (hp, wp) = (h + begin.0 + end.0, w + begin.1 + end.1);
    let mut padded = Vec::with_capacity(channels * hp * wp);
    let zeros = |padded: &mut Vec<f32>, n: usize| padded.resize(padded.len() + n, 0.0);
    for plane in input.outer_iter() {
        zeros(&mut padded, begin.0 * wp);
        for row in plane.outer_iter() {
            zeros(&mut padded, begin.1);
            match row.as_slice() {
                Some(src) => padded.extend_from_slice(src),
                None => padded.extend(row.iter().copied()),
            }
            zeros(&mut padded, end.1);
        }
        zeros(&mut padded, end.0 * wp);
    }
    padded
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::super::crew::Split;
    use super::super::shared::Shared;
    use super::{Isa, Plan, max_channel_block};
    use ndarray::Array3;
    use std::arch::x86_64::*;
    use std::ops::Range;

    /// Multiply-adds from which a layer is shared with the crew: Tiny VGG's second layer
    /// (3.2 M, 62 us) and MobileNetV2's 1x1 projections to 32 channels at 28x28 (3.6 M, 81
    /// us) gain from a second thread (62 -> 39-42 us, 81 -> 49), Tiny VGG's others (0.7-1 M,
    /// 14-23 us) stay whole. At 4 M (an earlier measurement put Tiny VGG's largest layer at
    /// 15 us) neither of the first two was split. DenseNet-121's 3x3 layers at 40x40 and
    /// 20x20 are 59 M and 15 M at 160x160.
    const DIRECT_CREW_MACS: usize = 1 << 21;

    /// What every kernel call reads: the window's top-left input value, the tap offsets, the
    /// block's first channel's weight at tap 0, and the distance between channels in the
    /// weights (one tap to the next is one value).
    type Reads<'a> = (*const f32, &'a [usize], *const f32, usize);

    /// Runs every kernel call of the convolution. `isa` is available on this CPU (checked by
    /// the caller).
    pub(super) fn run(plan: &Plan, isa: Isa) -> Array3<f32> {
        let (oh, ow, out_channels) = (plan.oh, plan.ow, plan.out_channels);
        let plane = oh * ow;
        // Not zeroed: every value is written below before `set_len`.
        let mut out: Vec<f32> = Vec::with_capacity(out_channels * plane);
        let lanes = isa.lanes();
        let vectors = if ow >= 2 * lanes { 2 } else { 1 };
        let starts = plan.column_starts(vectors * lanes);
        let blocks = plan.channel_blocks(max_channel_block(isa));
        let out_ptr = Shared(out.as_mut_ptr());
        let rows_of = |rows: Range<usize>, starts: &[usize]| {
            rows_into(plan, isa, vectors, starts, &blocks, out_ptr, rows)
        };
        // Shared by blocks of output rows, by the crew of a `lone` pass only and from
        // `DIRECT_CREW_MACS` up (DenseNet's 32-channel 3x3 layers, half its time): the teaching
        // nets' layers stay whole, and so does a pass of the sweep, which has its own core.
        // Rows computed as one are one row: shared by runs of its kernel calls instead.
        let macs = out_channels * plane * plan.offsets.len();
        let split = Split::of(macs, DIRECT_CREW_MACS, usize::MAX);
        if split.splits() && oh >= 2 * split.threads() {
            let per_task = oh.div_ceil(split.threads() * 4);
            split.for_each(oh.div_ceil(per_task), |t| {
                rows_of(t * per_task..((t + 1) * per_task).min(oh), &starts)
            });
        } else if split.splits() && starts.len() >= 2 * split.threads() {
            // The last call may overlap the one before it (`column_starts`): both go to the
            // last task, so that no two tasks write the same pixels.
            let calls = starts.len() - 1;
            let per_task = calls.div_ceil(split.threads() * 4);
            let tasks = calls.div_ceil(per_task);
            split.for_each(tasks, |t| {
                let end = if t + 1 == tasks {
                    starts.len()
                } else {
                    (t + 1) * per_task
                };
                rows_of(0..oh, &starts[t * per_task..end])
            });
        } else {
            rows_of(0..oh, &starts);
        }
        // SAFETY: the calls above wrote every value: every channel (the blocks cover them),
        // every row (each way of sharing them out covers 0..oh) and every pixel of a row
        // (`column_starts` covers 0..ow).
        unsafe { out.set_len(out_channels * plane) };
        Array3::from_shape_vec((out_channels, oh, ow), out).expect("sized above")
    }

    /// Output rows `rows` of every channel into `out`, in the one-thread order within them.
    /// Inlined into its callers, so that the kernel's choice is made once per layer (out of
    /// line it cost the digits net 2 us a pass of 16).
    #[inline(always)]
    fn rows_into(
        plan: &Plan,
        isa: Isa,
        vectors: usize,
        starts: &[usize],
        blocks: &[(usize, usize)],
        out_ptr: Shared,
        rows: Range<usize>,
    ) {
        let ow = plan.ow;
        let plane = plan.oh * ow;
        for &(first, count) in blocks {
            for y in rows.clone() {
                for &x in starts {
                    // SAFETY: `isa` is available (checked by the caller). Reads: the window
                    // at (y, x) with its `vectors * lanes` pixels ends at the padded input's
                    // last value at most, since y <= hp - eh and x + lanes*vectors <= ow =
                    // wp - ew + 1 (eh, ew the dilated kernel's extent), and the largest
                    // offset is the last tap's, (C-1)*hp*wp + (eh-1)*wp + ew-1. With the
                    // rows as one, y = 0 and x + lanes*vectors <= (hp - eh)*wp + wp - ew + 1:
                    // the same last value. Weights: channel `c < first + count <= out` at tap
                    // `t < taps` is `c*taps + t < out*taps`. Writes:
                    // channels first..first+count, row y, pixels x..x+lanes*vectors <= ow.
                    unsafe {
                        let src = plan.padded.as_ptr().add(y * plan.wp + x);
                        let taps = plan.offsets.len();
                        let weights = plan.weights.as_ptr().add(first * taps);
                        let dst = out_ptr.get().add(first * plane + y * ow + x);
                        let bias = &plan.bias[first..first + count];
                        let reads = (src, plan.offsets.as_slice(), weights, taps);
                        match isa {
                            Isa::Avx2 => avx2_block(vectors, count, reads, bias, dst, plane),
                            Isa::Avx512 => avx512_block(vectors, count, reads, bias, dst, plane),
                        }
                    }
                }
            }
        }
    }

    /// Picks the kernel compiled for `vectors` (1 or 2) and `count` channels.
    macro_rules! dispatch {
        ($kernel:ident, $vectors:expr, $count:expr, $args:expr, $($c:literal)*) => {
            match ($vectors, $count) {
                $((1, $c) => unsafe { $kernel::<$c, 1>($args) },)*
                $((2, $c) => unsafe { $kernel::<$c, 2>($args) },)*
                _ => unreachable!("no kernel for this block"),
            }
        };
    }

    /// # Safety
    /// AVX2 and FMA are available and every pointer is valid as [`avx2_kernel`] uses it.
    #[inline(always)]
    unsafe fn avx2_block(v: usize, c: usize, r: Reads, b: &[f32], dst: *mut f32, plane: usize) {
        dispatch!(avx2_kernel, v, c, (r, b, dst, plane), 1 2 3 4 5 6)
    }

    /// # Safety
    /// AVX-512F is available and every pointer is valid as [`avx512_kernel`] uses it.
    #[inline(always)]
    unsafe fn avx512_block(v: usize, c: usize, r: Reads, b: &[f32], dst: *mut f32, plane: usize) {
        dispatch!(avx512_kernel, v, c, (r, b, dst, plane), 1 2 3 4 5 6 7 8 9 10 11 12)
    }

    /// One kernel per instruction set, the same code with its own vector type.
    macro_rules! kernel {
        ($name:ident, $features:literal, $lanes:literal, $zero:ident, $splat:ident, $load:ident,
         $fma:ident, $store:ident) => {
            /// `C` output channels by `V` vectors of pixels of one output row: starts from
            /// the bias, adds every tap's weight times the input under it, stores the sums.
            ///
            /// # Safety
            /// The features are available; for every tap `t`, `src + offsets[t] ..+ lanes*V`
            /// is readable and `weights + c*stride + t` is readable for every `c < C`; `dst + c*plane ..+
            /// lanes*V` is writable for every `c < C`; `bias` has `C` values.
            #[target_feature(enable = $features)]
            unsafe fn $name<const C: usize, const V: usize>(
                ((src, offsets, weights, stride), bias, dst, plane): (
                    Reads,
                    &[f32],
                    *mut f32,
                    usize,
                ),
            ) {
                let mut sums = [[$zero(); V]; C];
                for (c, row) in sums.iter_mut().enumerate() {
                    *row = [$splat(bias[c]); V];
                }
                let mut w = weights;
                for &offset in offsets {
                    let mut pixels = [$zero(); V];
                    for (v, p) in pixels.iter_mut().enumerate() {
                        // SAFETY: in bounds by this function's contract.
                        *p = unsafe { $load(src.add(offset + v * $lanes)) };
                    }
                    for (c, row) in sums.iter_mut().enumerate() {
                        // SAFETY: in bounds by this function's contract.
                        let k = $splat(unsafe { *w.add(c * stride) });
                        for (sum, &p) in row.iter_mut().zip(&pixels) {
                            *sum = $fma(k, p, *sum);
                        }
                    }
                    // SAFETY: one tap further in the weights, still in bounds (or one past
                    // the end after the last tap, never read).
                    w = unsafe { w.add(1) };
                }
                for (c, row) in sums.iter().enumerate() {
                    for (v, &sum) in row.iter().enumerate() {
                        // SAFETY: in bounds by this function's contract.
                        unsafe { $store(dst.add(c * plane + v * $lanes), sum) };
                    }
                }
            }
        };
    }

    kernel!(
        avx2_kernel,
        "avx2,fma",
        8,
        _mm256_setzero_ps,
        _mm256_set1_ps,
        _mm256_loadu_ps,
        _mm256_fmadd_ps,
        _mm256_storeu_ps
    );
    kernel!(
        avx512_kernel,
        "avx512f",
        16,
        _mm512_setzero_ps,
        _mm512_set1_ps,
        _mm512_loadu_ps,
        _mm512_fmadd_ps,
        _mm512_storeu_ps
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::layers::conv::{Conv2d, im2col};
    use crate::engine::window::Window;
    use ndarray::{Array, Array1, Array2, Array4};
    use proptest::prelude::*;

    /// The reference: im2col and a plain triple loop, in f64.
    fn by_im2col(conv: &Conv2d, input: &Array3<f32>) -> Array3<f64> {
        let window = Window {
            kernel: (conv.weight.dim().2, conv.weight.dim().3),
            stride: (1, 1),
            padding: conv.padding,
            ..Default::default()
        };
        let (oh, ow) = window.output_size(input.dim().1, input.dim().2);
        let (oh, ow) = (oh as usize, ow as usize);
        let cols: Array2<f32> = im2col(input.view(), &window, (oh, ow));
        let w = conv.weight_matrix();
        Array::from_shape_fn((w.nrows(), oh, ow), |(o, y, x)| {
            let b = conv.bias.as_ref().map_or(0.0, |b| b[o]) as f64;
            b + (0..w.ncols())
                .map(|k| w[[o, k]] as f64 * cols[[k, y * ow + x]] as f64)
                .sum::<f64>()
        })
    }

    use crate::engine::kernels::tests::values;

    #[test]
    fn channel_blocks_cover_every_channel_in_nearly_equal_blocks() {
        let plan = |out: usize, ow: usize| Plan {
            padded: Cow::Borrowed(&[]),
            weights: Cow::Borrowed(&[]),
            offsets: vec![],
            bias: vec![],
            out_channels: out,
            wp: 0,
            oh: 0,
            ow,
            rows_as_one: None,
        };
        assert_eq!(plan(10, 20).channel_blocks(6), vec![(0, 5), (5, 5)]);
        assert_eq!(
            plan(16, 20).channel_blocks(6),
            vec![(0, 6), (6, 5), (11, 5)]
        );
        assert_eq!(plan(3, 20).channel_blocks(6), vec![(0, 3)]);
        assert_eq!(plan(16, 20).channel_blocks(12), vec![(0, 8), (8, 8)]);
        assert_eq!(plan(1, 20).column_starts(16), vec![0, 4]);
        assert_eq!(plan(1, 20).column_starts(8), vec![0, 8, 12]);
        assert_eq!(plan(1, 16).column_starts(16), vec![0]);
    }

    #[test]
    fn declines_what_it_cannot_do() {
        let conv = Conv2d {
            weight: Array4::<f32>::ones((2, 1, 3, 3)),
            bias: None,
            stride: (1, 1),
            padding: (0, 0),
            ..Default::default()
        };
        // One output row of 7 pixels: narrower than a vector even as one.
        let narrow = Array3::<f32>::ones((1, 3, 9));
        for isa in [Isa::Avx2, Isa::Avx512] {
            assert!(forward_with(isa, &conv, narrow.view()).is_none());
        }
        let wide = Array3::<f32>::ones((1, 20, 20));
        let strided = Conv2d {
            stride: (2, 2),
            ..conv
        };
        assert!(forward(&strided, wide.view()).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// On random shapes (channel counts across the block sizes, rectangular kernels,
        /// padding, row widths that are and are not multiples of 8 and 16) the kernel matches
        /// an f64 reference to float rounding.
        #[test]
        fn matches_im2col(
            in_c in 1usize..5, out_c in 1usize..15, kh in 1usize..4, kw in 1usize..5,
            h in 3usize..12, w in 3usize..70, ph in 0usize..2, pw in 0usize..3,
            with_bias: bool, transposed: bool, seed in 0u64..1000,
        ) {
            let weight = Array4::from_shape_vec((out_c, in_c, kh, kw), values(out_c * in_c * kh * kw, seed)).unwrap();
            let bias = with_bias.then(|| Array1::from(values(out_c, seed + 1)));
            // Standard order (read in place when there is no padding) or a transposed view.
            let input = if transposed {
                Array3::from_shape_vec((in_c, w, h), values(in_c * h * w, seed + 2)).unwrap().permuted_axes([0, 2, 1])
            } else {
                Array3::from_shape_vec((in_c, h, w), values(in_c * h * w, seed + 2)).unwrap()
            };
            prop_assume!(w + 2 * pw >= kw);
            let conv = Conv2d { weight, bias, stride: (1, 1), padding: (ph, pw), ..Default::default() };
            let expected = by_im2col(&conv, &input.to_owned());
            for isa in Isa::available() {
                match forward_with(*isa, &conv, input.view()) {
                    Some(got) => {
                        prop_assert_eq!(got.dim(), expected.dim());
                        for (g, e) in got.iter().zip(&expected) {
                            prop_assert!((*g as f64 - e).abs() < 1e-5 * (1.0 + e.abs()), "{:?}: {} vs {}", isa, g, e);
                        }
                    }
                    // Only output rows narrower than one vector even as one may be declined.
                    None => {
                        let (_, oh, ow) = expected.dim();
                        let wp = w + 2 * pw;
                        prop_assert!(oh.saturating_sub(1) * wp + ow < isa.lanes());
                    }
                }
            }
        }
    }
}
