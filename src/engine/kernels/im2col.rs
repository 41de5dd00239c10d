//! Convolution as a matrix product: `out[o, p] = bias[o] + sum_k W[o, k] * cols[k, p]`, with
//! `cols` im2col's unfolding of the input, in blocks of output pixels, or the input itself for
//! a 1x1 convolution at stride 1 without padding. The product is [`packed`]'s: the weights
//! packed once per model, the columns gathered straight into the order its register tile
//! reads them.
//!
//! im2col + matrix product in blocks of output pixels: the input is padded and split into
//! phase planes once (`Phases`), then each block of output pixels gets its columns
//! [in/groups*kh*kw, pixels] gathered straight into the product's panel order
//! (`columns::pack_columns`: one copy of `NR` neighbouring values per tap and channel, at any
//! stride) and its product with the packed weights at once, while the columns are in the
//! cache. A 1x1 convolution at stride 1 without padding gathers from the input itself.
//!
//! The blocks are also how a large layer uses several threads: each thread takes whole blocks
//! (its own column buffer, its own product), so nothing waits between an im2col phase and a
//! product phase, and the columns never cross between cores. A layer with too few output
//! pixels for that (ResNet's 7x7 layers) runs one block and splits its product by panels of
//! the weights instead.

use super::columns::{self, Gather};
use super::crew::{self, Split};
use super::isa::Isa;
use super::packed::{self, Columns, PackedWeights};
use super::phases::Phases;
use super::shared::{self, Epilogue, Shared};
use super::tile::{NR, kernel};
use crate::engine::layers::conv::Conv2d;
use crate::engine::layers::dense;
use ndarray::{Array3, ArrayView3};
use std::cell::RefCell;

/// Column values a block aims at: a quarter of a Zen 3 core's 512 KB L2.
const BLOCK_VALUES: usize = 32 * 1024;

/// Fewest and most output pixels per block: enough column panels for each weight panel to be
/// read from L1 several times; few enough that the columns of a small `k` stay in L2.
const BLOCK_COLUMNS: (usize, usize) = (64, 1024);

/// Column panels per thread from which a product too small for two blocks per thread is
/// shared by blocks of columns rather than by panels of weights: 196 pixels (13 panels) are,
/// 49 (4 panels) are not.
const COLUMN_PANELS_PER_THREAD: usize = 4;

thread_local! {
    /// This thread's column buffer and its padded input, reused from one convolution to the
    /// next (taken out while in use).
    static COLUMNS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static PADDED: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// The weights of `conv` packed for `forward` (the model keeps them from its first pass).
pub fn pack(conv: &Conv2d) -> PackedWeights {
    let (o, per_in, kh, kw) = conv.weight.dim();
    let groups = conv.groups.max(1);
    let weights = conv.weight.as_standard_layout();
    let w = weights.as_slice().expect("standard layout");
    PackedWeights::new(w, groups, o / groups, per_in * kh * kw)
}

/// Output [out, oh, ow] of any convolution by im2col and a matrix product, then `epilogue`
/// (tile by tile or block by block, as the product writes them); `packed`: the weights as [`pack`] makes them,
/// packed here when not given.
pub(crate) fn forward(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    packed: Option<&PackedWeights>,
    epilogue: Option<Epilogue>,
) -> Array3<f32> {
    let (_, h, w) = input.dim();
    let window = conv.window();
    let (oh, ow) = window.output_size(h, w);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let (o, per_in, kh, kw) = conv.weight.dim();
    let groups = conv.groups.max(1);
    let (k, plane) = (per_in * kh * kw, oh * ow);
    if plane == 0 || k == 0 || o == 0 {
        let mut out = shared::bias_filled(conv, plane);
        if let Some(epilogue) = epilogue {
            epilogue.apply_all(&mut out);
        }
        return Array3::from_shape_vec((o, oh, ow), out).expect("sized above");
    }
    let no_padding = conv.padding == (0, 0) && window.pad_end() == (0, 0);
    if (h, w) == (1, 1) && (kh, kw) == (1, 1) && groups == 1 && no_padding {
        return matrix_times_vector(conv, input, epilogue);
    }
    let owned;
    let packed = match packed {
        Some(p) => p,
        None => {
            owned = pack(conv);
            &owned
        }
    };
    let input = input.as_standard_layout();
    let input = input.as_slice().expect("standard layout");
    let channels = groups * per_in;
    let split = Split::of(o * k * plane, crew::gemm_macs(), shared::SPLIT_MACS);
    if (kh, kw) == (1, 1) && conv.stride == (1, 1) && no_padding {
        // The input is its own column matrix: row c of column p is input[c * plane + p].
        let bases: Vec<Vec<usize>> = (0..groups)
            .map(|g| (0..per_in).map(|c| (g * per_in + c) * plane).collect())
            .collect();
        let out = product(
            conv,
            packed,
            input,
            &bases,
            (plane, plane),
            plane,
            split,
            epilogue,
        );
        return Array3::from_shape_vec((o, oh, ow), out).expect("sized above");
    }
    // 1. Every input channel padded and split.
    let avx2 = Isa::available().contains(&Isa::Avx2);
    let phases = Phases::new(&window, (h, w), (oh, ow));
    let mut padded = PADDED.take();
    padded.resize(channels * phases.channel(), 0.0);
    let fill = |(c, dst): (usize, &mut [f32])| {
        let src = &input[c * h * w..(c + 1) * h * w];
        phases.fill(avx2, src, (h, w), dst, &mut Vec::new());
    };
    if split.splits() && channels > 1 {
        let (dst, per) = (Shared(padded.as_mut_ptr()), phases.channel());
        split.for_each(channels, |c| {
            // SAFETY: task c writes only channel c's values of `padded` (channels * per).
            fill((c, unsafe {
                std::slice::from_raw_parts_mut(dst.get().add(c * per), per)
            }))
        });
    } else {
        padded
            .chunks_mut(phases.channel())
            .enumerate()
            .for_each(fill);
    }
    // 2. Where row (channel, tap) of each group's columns starts.
    let offsets: Vec<usize> = (0..kh * kw)
        .map(|t| phases.offset((t / kw, t % kw), conv.dilation))
        .collect();
    let bases: Vec<Vec<usize>> = (0..groups)
        .map(|g| {
            (0..k)
                .map(|r| (g * per_in + r / (kh * kw)) * phases.channel() + offsets[r % (kh * kw)])
                .collect()
        })
        .collect();
    let row_stride = conv.stride.0.max(1) * phases.wq;
    let out = product(
        conv,
        packed,
        &padded,
        &bases,
        (ow, row_stride),
        plane,
        split,
        epilogue,
    );
    PADDED.with_borrow_mut(|kept| {
        if kept.len() < padded.len() {
            *kept = padded;
        }
    });
    Array3::from_shape_vec((o, oh, ow), out).expect("sized above")
}

/// A 1x1 convolution of a 1x1 map (squeeze-excitation's two small layers after its global
/// pooling): the weights times the input vector, read straight from the weights, as a dense layer
/// does. The packed
/// product would fill 15 of its tile's 16 columns with nothing: MobileNetV3-Large's 960 -> 240
/// and 240 -> 960 layers took 70 us each that way.
fn matrix_times_vector(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    epilogue: Option<Epilogue>,
) -> Array3<f32> {
    let (o, k) = (conv.weight.dim().0, conv.weight.dim().1);
    let weights = conv.weight.as_standard_layout();
    let weights = weights
        .view()
        .into_shape_with_order((o, k))
        .expect("a 1x1 kernel's weights are a matrix");
    let x: ndarray::Array1<f32> = input.iter().copied().collect();
    let mut y = dense::weights_times(weights, conv.bias.as_ref(), x.view());
    if let Some(epilogue) = epilogue {
        epilogue.apply_array(&mut y);
    }
    y.into_shape_with_order((o, 1, 1))
        .expect("one output pixel")
}

/// How far apart `from`'s rows are when its columns are each row's own run of values, one row
/// after another the same distance on (a 1x1 convolution's input at stride 1, its channels):
/// then the product reads them where they are. Copying them into panels first took 3% of
/// MobileNetV2's pass.
fn rows_apart(from: Gather) -> Option<usize> {
    let ld = match from.bases {
        [] => return None,
        [_] => 0,
        [first, second, ..] => second.checked_sub(*first)?,
    };
    let even = from.bases.windows(2).all(|b| b[1] == b[0] + ld);
    (from.ow == from.row_stride && even).then_some(ld)
}

/// Whether the product reads a 1x1 layer's input of `plane` pixels in place on this CPU, with
/// no copy into panels first: every block of columns but the last is whole panels, and the
/// last one's few columns the tiles take as they are ([`Columns::readable`]).
pub(crate) fn reads_in_place(plane: usize) -> bool {
    Columns::readable(kernel(), plane)
}

/// The output [o, plane] of the product of `packed` with the columns gathered from `src`
/// (group `g`'s row `r` of column `p` at `bases[g][r] + (p / ow) * row_stride + p % ow`), in
/// blocks of columns, each value through `epilogue` as it is made.
#[allow(clippy::too_many_arguments)]
fn product(
    conv: &Conv2d,
    packed: &PackedWeights,
    src: &[f32],
    bases: &[Vec<usize>],
    (ow, row_stride): (usize, usize),
    plane: usize,
    split: Split,
    epilogue: Option<Epilogue>,
) -> Vec<f32> {
    let (rows, k) = (packed.rows, packed.k);
    let bias = conv.bias.as_ref().map(|b| b.to_vec());
    // Not zeroed: the product writes every value (the first block of `k` from the bias).
    let len = packed.groups * rows * plane;
    let mut out: Vec<f32> = Vec::with_capacity(len);
    let per_block = (BLOCK_VALUES / k)
        .clamp(BLOCK_COLUMNS.0, BLOCK_COLUMNS.1)
        .div_ceil(NR)
        * NR;
    let blocks = plane.div_ceil(per_block.min(plane));
    // The blocks made even (3136 pixels are four of 784, not three of 1024 and one of 64), so
    // that threads taking whole blocks finish together; whole panels each but the last.
    let per_block = plane.div_ceil(blocks).next_multiple_of(NR).min(plane);
    let blocks = plane.div_ceil(per_block);
    // Too few blocks to share out, but enough column panels: one block per thread, each
    // gathering its own columns, rather than one gathering shared by panels of weights
    // (MobileNetV2's 14x14 projections, 64 rows of 196 pixels: 1.05x faster on two threads
    // by weight panels, their gathering on one).
    let threads = split.threads();
    let by_columns = split.splits()
        && blocks < 2 * threads
        && plane.div_ceil(NR) >= COLUMN_PANELS_PER_THREAD * threads;
    let (per_block, blocks) = if by_columns {
        let per_block = plane.div_ceil(NR).div_ceil(threads) * NR;
        (per_block, plane.div_ceil(per_block))
    } else {
        (per_block, blocks)
    };
    let out_ptr = Shared(out.as_mut_ptr());
    // Block `b` of groups `gs`: per group its columns, then their product into its output
    // columns. `split`: the product may use the other threads (when neither the blocks nor the
    // groups are spread).
    let block = |b: usize, gs: std::ops::Range<usize>, split: bool| {
        let p0 = b * per_block;
        let n = per_block.min(plane - p0);
        let mut cols = COLUMNS.take();
        for (g, bases) in bases.iter().enumerate().take(gs.end).skip(gs.start) {
            let from = Gather {
                src,
                bases,
                ow,
                row_stride,
            };
            let columns = match rows_apart(from) {
                // Read where they are, rows `ld` apart.
                Some(ld) if reads_in_place(n) => Columns::Rows {
                    src: &src[bases[0] + p0..],
                    ld,
                },
                _ => {
                    // Gathered by every thread when the product is shared by panels of weights.
                    let gather_split = if split { Split::any() } else { Split::Serial };
                    columns::pack_columns(from, p0, n, &mut cols, gather_split);
                    Columns::Packed(&cols)
                }
            };
            let bias = bias.as_deref().map(|b| &b[g * rows..(g + 1) * rows]);
            // SAFETY: block b writes only columns p0 .. p0 + n of its group's rows, which no
            // other block writes; the output holds groups * rows rows of `plane` values.
            unsafe {
                let c = Shared(out_ptr.get().add(g * rows * plane + p0));
                packed::multiply_split(packed, g, columns, n, bias, c, plane, split, epilogue);
            }
        }
        COLUMNS.with_borrow_mut(|kept| {
            if kept.len() < cols.len() {
                *kept = cols;
            }
        });
    };
    let groups = bases.len();
    if split.splits() && (blocks >= 2 * threads || by_columns) {
        split.for_each(blocks, |b| block(b, 0..groups, false));
    } else if split.splits() && groups >= 2 * threads {
        // A grouped convolution on a small map (RegNetX's 3x3 layers, groups of 8-16
        // channels): runs of whole groups, a few per thread, rather than each group's few
        // panels of weights shared out one group after another.
        let per_run = groups.div_ceil(2 * threads);
        let runs = groups.div_ceil(per_run);
        split.for_each(blocks * runs, |t| {
            let (b, r) = (t / runs, t % runs);
            block(b, r * per_run..((r + 1) * per_run).min(groups), false)
        });
    } else {
        (0..blocks).for_each(|b| block(b, 0..groups, split.splits()));
    }
    // SAFETY: the blocks wrote every column of every row of every group (`multiply`).
    unsafe { out.set_len(len) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1x1 layer's input (channels `plane` apart, columns one run each) is read in place;
    /// a 3x3 layer's taps, columns crossing padded rows, or uneven rows are gathered.
    #[test]
    fn only_evenly_spaced_runs_are_read_in_place() {
        let src = vec![0.0; 1000];
        let from = |bases: &'static [usize], ow: usize, row_stride: usize| Gather {
            src: &src,
            bases,
            ow,
            row_stride,
        };
        assert_eq!(rows_apart(from(&[0, 49, 98, 147], 49, 49)), Some(49));
        assert_eq!(rows_apart(from(&[5], 49, 49)), Some(0));
        assert_eq!(rows_apart(from(&[0, 1, 2, 9, 10, 11], 7, 9)), None);
        assert_eq!(rows_apart(from(&[0, 49, 99], 49, 49)), None);
        assert_eq!(rows_apart(from(&[49, 0], 49, 49)), None);
        assert_eq!(rows_apart(from(&[], 49, 49)), None);
    }
}
