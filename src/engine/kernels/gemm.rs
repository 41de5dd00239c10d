//! Convolution as a matrix product: `out[o, p] = bias[o] + sum_k W[o, k] * cols[k, p]`, with
//! `cols` im2col's unfolding of the input (or the input itself for a 1x1 convolution at
//! stride 1 without padding). The product is matrixmultiply's `sgemm` (runtime-detected AVX2
//! and FMA, both operands packed into its own tiles); a large product is split into one
//! block of columns (or of rows, when there are more rows) per rayon thread.

use crate::engine::conv::{Conv2d, im2col_into};
use ndarray::{Array3, ArrayView3, s};
use rayon::prelude::*;
use std::cell::RefCell;

/// Multiply-adds below which a product stays on the calling thread: handing half of it to
/// another thread costs a wake-up (tens of microseconds), worth it only from about 1 ms of
/// work.
const SPLIT_MACS: usize = 1 << 23;

/// Column values below which im2col stays on the calling thread.
const SPLIT_COLS: usize = 1 << 18;

thread_local! {
    /// The im2col buffer of this thread, reused from one convolution to the next. Taken out
    /// while in use: a rayon thread waiting for its other half may run another pass meanwhile,
    /// which then grows a buffer of its own.
    static COLUMNS: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// A pointer that may cross to another rayon thread: each thread writes only its own block
/// of the output.
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: used only by `matmul`, whose blocks write disjoint parts of the output.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
impl Shared {
    /// The pointer (a method, so closures capture the whole `Shared`, not its field).
    fn get(self) -> *mut f32 {
        self.0
    }
}

/// `c[m x n] += a[m x k] . b[k x n]`, all row-major with rows `lda`, `ldb`, `ldc` apart,
/// split across the rayon threads when large.
#[allow(clippy::too_many_arguments)]
fn matmul(
    (m, k, n): (usize, usize, usize),
    a: &[f32],
    lda: usize,
    b: &[f32],
    ldb: usize,
    c: &mut [f32],
    ldc: usize,
) {
    assert!(m == 0 || a.len() >= (m - 1) * lda + k, "a too short");
    assert!(k == 0 || b.len() >= (k - 1) * ldb + n, "b too short");
    assert!(m == 0 || c.len() >= (m - 1) * ldc + n, "c too short");
    let parts = rayon::current_num_threads()
        .min((m * k * n) / SPLIT_MACS)
        .max(1);
    // Split the longer side, in whole register tiles (8 rows or columns).
    let split_n = n >= m;
    let side = if split_n { n } else { m };
    let step = side.div_ceil(parts).div_ceil(8) * 8;
    let blocks: Vec<(usize, usize)> = (0..side)
        .step_by(step.max(1))
        .map(|start| (start, (start + step).min(side)))
        .collect();
    let c_ptr = Shared(c.as_mut_ptr());
    let run = |&(lo, hi): &(usize, usize)| {
        let (a, b, c) = (a.as_ptr(), b.as_ptr(), c_ptr.get());
        // SAFETY: the asserts above bound every read of `a` and `b` and every write of `c`;
        // blocks are disjoint column (or row) ranges of `c`, so no two threads write one value.
        unsafe {
            if split_n {
                let (a, b, c) = (a, b.add(lo), c.add(lo));
                matrixmultiply::sgemm(
                    m,
                    k,
                    hi - lo,
                    1.0,
                    a,
                    lda as isize,
                    1,
                    b,
                    ldb as isize,
                    1,
                    1.0,
                    c,
                    ldc as isize,
                    1,
                );
            } else {
                let (a, c) = (a.add(lo * lda), c.add(lo * ldc));
                matrixmultiply::sgemm(
                    hi - lo,
                    k,
                    n,
                    1.0,
                    a,
                    lda as isize,
                    1,
                    b,
                    ldb as isize,
                    1,
                    1.0,
                    c,
                    ldc as isize,
                    1,
                );
            }
        }
    };
    if blocks.len() == 1 {
        run(&blocks[0]);
    } else {
        blocks.par_iter().for_each(run);
    }
}

/// The output's values, each channel filled with its bias (or zero), for the product to add to.
fn bias_filled(conv: &Conv2d, plane: usize) -> Vec<f32> {
    let out_channels = conv.out_channels();
    let mut out = Vec::with_capacity(out_channels * plane);
    for c in 0..out_channels {
        let b = conv.bias.as_ref().map_or(0.0, |b| b[c]);
        out.extend(std::iter::repeat_n(b, plane));
    }
    out
}

fn output_hw(conv: &Conv2d, input: &ArrayView3<f32>) -> (usize, usize) {
    let (_, h, w) = input.dim();
    let (oh, ow) = conv.window().output_size(h, w);
    (oh.max(0) as usize, ow.max(0) as usize)
}

/// A 1x1 convolution at stride 1 without padding and with one group: `W . X` with the input
/// [C, H*W] read in place. Other geometries go to [`im2col_forward`].
pub fn pointwise_forward(conv: &Conv2d, input: ArrayView3<f32>) -> Array3<f32> {
    let (o, i, kh, kw) = conv.weight.dim();
    let no_padding = conv.padding == (0, 0) && conv.window().pad_end() == (0, 0);
    if (kh, kw) != (1, 1) || conv.stride != (1, 1) || !no_padding || conv.groups.max(1) != 1 {
        return im2col_forward(conv, input);
    }
    let (_, h, w) = input.dim();
    let input = input.as_standard_layout();
    let x = input.as_slice().expect("standard layout");
    let weights = conv.weight.as_standard_layout();
    let a = weights.as_slice().expect("standard layout");
    let mut out = bias_filled(conv, h * w);
    matmul((o, i, h * w), a, i, x, h * w, &mut out, h * w);
    Array3::from_shape_vec((o, h, w), out).expect("sized above")
}

/// Any convolution: per group, im2col of its input channels [in/groups*kh*kw, oh*ow], then
/// its rows of the weights times that.
pub fn im2col_forward(conv: &Conv2d, input: ArrayView3<f32>) -> Array3<f32> {
    let (oh, ow) = output_hw(conv, &input);
    let window = conv.window();
    let (o, i, kh, kw) = conv.weight.dim();
    let groups = conv.groups.max(1);
    let per_group = o / groups;
    let (rows, plane) = (i * kh * kw, oh * ow);
    let weights = conv.weight.as_standard_layout();
    let a = weights.as_slice().expect("standard layout");
    let mut out = bias_filled(conv, plane);
    let mut buffer = COLUMNS.take();
    if buffer.len() < rows * plane {
        buffer.resize(rows * plane, 0.0);
    }
    let cols = &mut buffer[..rows * plane];
    for g in 0..groups {
        let channels = input.slice(s![g * i..(g + 1) * i, .., ..]);
        // Each input channel fills its own kh*kw rows.
        if rows * plane >= SPLIT_COLS && i > 1 && rayon::current_num_threads() > 1 {
            cols.par_chunks_mut(kh * kw * plane)
                .enumerate()
                .for_each(|(c, dst)| {
                    let one = channels.slice(s![c..c + 1, .., ..]);
                    im2col_into(one, &window, (oh, ow), dst);
                });
        } else {
            im2col_into(channels, &window, (oh, ow), cols);
        }
        let a_g = &a[g * per_group * rows..(g + 1) * per_group * rows];
        let c_g = &mut out[g * per_group * plane..(g + 1) * per_group * plane];
        matmul((per_group, rows, plane), a_g, rows, cols, plane, c_g, plane);
    }
    COLUMNS.with_borrow_mut(|kept| {
        if kept.len() < buffer.len() {
            *kept = buffer;
        }
    });
    Array3::from_shape_vec((o, oh, ow), out).expect("sized above")
}
