//! im2col + matrix product in blocks of output rows: the input is padded and split into
//! phase planes once ([`Phases`]), then each block of output rows gets its own column matrix
//! [in/groups*kh*kw, rows*ow] (one `memcpy` of `ow` values per tap, channel and row, at any
//! stride) and its matrix product at once, while the columns are still in the cache.
//!
//! The blocks are also how a large layer uses several threads: each thread takes whole blocks
//! (its own column buffer, its own product), so nothing waits between an im2col phase and a
//! product phase, and the columns never cross between cores. A layer with too few output
//! pixels for that (ResNet's 7x7 layers) runs one block and splits its product by rows of the
//! weights instead ([`super::gemm`]'s `matmul`).

use super::direct::Isa;
use super::gemm::{self, Shared};
use super::phases::Phases;
use crate::engine::conv::Conv2d;
use ndarray::{Array3, ArrayView3};
use rayon::prelude::*;
use std::cell::RefCell;

/// Column-matrix values a block aims at: half of a Zen 3 core's 512 KB L2.
const BLOCK_VALUES: usize = 64 * 1024;

/// Fewest output pixels per block: matrixmultiply packs the whole weight matrix again for
/// every block, so a block must be wide enough for that to be small next to its product.
const MIN_BLOCK_COLUMNS: usize = 192;

thread_local! {
    /// This thread's column buffer and its padded input, reused from one convolution to the
    /// next (taken out while in use, as in `gemm`).
    static COLUMNS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    static PADDED: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Output [out, oh, ow] of any convolution by im2col and a matrix product.
pub fn forward(conv: &Conv2d, input: ArrayView3<f32>) -> Array3<f32> {
    let (_, h, w) = input.dim();
    let window = conv.window();
    let (oh, ow) = window.output_size(h, w);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let (o, per_in, kh, kw) = conv.weight.dim();
    let groups = conv.groups.max(1);
    let per_out = o / groups;
    let (k, plane) = (per_in * kh * kw, oh * ow);
    let mut out = gemm::bias_filled(conv, plane);
    if plane == 0 || k == 0 || o == 0 {
        return Array3::from_shape_vec((o, oh, ow), out).expect("sized above");
    }
    let avx2 = Isa::available().contains(&Isa::Avx2);
    let phases = Phases::new(&window, (h, w), (oh, ow));
    let input = input.as_standard_layout();
    let input = input.as_slice().expect("standard layout");
    let channels = groups * per_in;
    let threads = rayon::current_num_threads();
    let parallel = threads > 1 && o * k * plane >= gemm::SPLIT_MACS;
    // 1. Every input channel padded and split.
    let mut padded = PADDED.take();
    padded.resize(channels * phases.channel(), 0.0);
    let fill = |(c, dst): (usize, &mut [f32])| {
        let src = &input[c * h * w..(c + 1) * h * w];
        phases.fill(avx2, src, (h, w), dst, &mut Vec::new());
    };
    if parallel && channels > 1 {
        padded
            .par_chunks_mut(phases.channel())
            .enumerate()
            .for_each(fill);
    } else {
        padded
            .chunks_mut(phases.channel())
            .enumerate()
            .for_each(fill);
    }
    let offsets: Vec<usize> = (0..kh * kw)
        .map(|t| phases.offset((t / kw, t % kw), conv.dilation))
        .collect();
    let weights = conv.weight.as_standard_layout();
    let a = weights.as_slice().expect("standard layout");
    // 2. Blocks of output rows.
    let rows_per_block = (BLOCK_VALUES / (k * ow))
        .max(MIN_BLOCK_COLUMNS.div_ceil(ow))
        .clamp(1, oh);
    let blocks = oh.div_ceil(rows_per_block);
    let sh = conv.stride.0.max(1);
    let out_ptr = Shared(out.as_mut_ptr());
    let padded_ref = &padded;
    // Block `b`: its columns, then per group its product into its output columns. `split`:
    // the product may use the other threads (when the blocks themselves are not spread).
    let block = |b: usize, split: bool| {
        let (y0, y1) = (b * rows_per_block, ((b + 1) * rows_per_block).min(oh));
        let n = (y1 - y0) * ow;
        let mut cols = COLUMNS.take();
        cols.resize(k * n, 0.0);
        for g in 0..groups {
            for (row, dst) in cols.chunks_exact_mut(n).enumerate() {
                let (c, tap) = (g * per_in + row / (kh * kw), row % (kh * kw));
                let base = c * phases.channel() + offsets[tap];
                for (y, line) in (y0..y1).zip(dst.chunks_exact_mut(ow)) {
                    let start = base + y * sh * phases.wq;
                    line.copy_from_slice(&padded_ref[start..start + ow]);
                }
            }
            let a_g = &a[g * per_out * k..(g + 1) * per_out * k];
            // SAFETY: block b writes only columns y0*ow .. y1*ow of its group's output rows,
            // which no other block writes; the output holds o rows of `plane` values.
            unsafe {
                let c_g = Shared(out_ptr.get().add(g * per_out * plane + y0 * ow));
                gemm::matmul_raw((per_out, k, n), a_g, k, &cols, n, c_g, plane, split);
            }
        }
        COLUMNS.with_borrow_mut(|kept| {
            if kept.len() < cols.len() {
                *kept = cols;
            }
        });
    };
    if parallel && blocks >= 2 * threads {
        (0..blocks).into_par_iter().for_each(|b| block(b, false));
    } else {
        (0..blocks).for_each(|b| block(b, parallel));
    }
    PADDED.with_borrow_mut(|kept| {
        if kept.len() < padded.len() {
            *kept = padded;
        }
    });
    Array3::from_shape_vec((o, oh, ow), out).expect("sized above")
}
