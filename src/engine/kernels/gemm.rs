//! Convolution as a matrix product: `out[o, p] = bias[o] + sum_k W[o, k] * cols[k, p]`, with
//! `cols` im2col's unfolding of the input ([`super::im2col`], in blocks of output rows) or
//! the input itself for a 1x1 convolution at stride 1 without padding. The product is
//! matrixmultiply's `sgemm` (runtime-detected AVX2 and FMA, both operands packed into its
//! own tiles); a large product is split into one block of columns (or of rows, when there are
//! more rows) per rayon thread.

use crate::engine::conv::Conv2d;
use ndarray::{Array3, ArrayView3};
use rayon::prelude::*;

/// Multiply-adds below which a product stays on the calling thread: handing half of it to
/// another thread costs a wake-up (tens of microseconds), worth it only from about 1 ms of
/// work.
pub(super) const SPLIT_MACS: usize = 1 << 23;

/// A pointer that may cross to another rayon thread: each thread writes only its own block
/// of the output.
#[derive(Clone, Copy)]
pub(super) struct Shared(pub(super) *mut f32);
// SAFETY: used only where each thread writes a disjoint part of the output.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
impl Shared {
    /// The pointer (a method, so closures capture the whole `Shared`, not its field).
    pub(super) fn get(self) -> *mut f32 {
        self.0
    }
}

/// `c[m x n] += a[m x k] . b[k x n]`, all row-major with rows `lda`, `ldb`, `ldc` apart, on
/// the calling thread.
///
/// # Safety
/// `c` points to `(m - 1) * ldc + n` values that nothing else reads or writes meanwhile;
/// `a` and `b` hold their `m` x `k` and `k` x `n` values at those strides.
#[allow(clippy::too_many_arguments)]
unsafe fn sgemm(
    (m, k, n): (usize, usize, usize),
    a: *const f32,
    lda: usize,
    b: *const f32,
    ldb: usize,
    c: *mut f32,
    ldc: usize,
) {
    // SAFETY: as promised by the caller.
    unsafe {
        matrixmultiply::sgemm(
            m,
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
        )
    }
}

/// `c[m x n] += a[m x k] . b[k x n]`, all row-major with rows `lda`, `ldb`, `ldc` apart,
/// split across the rayon threads when large (`split`).
///
/// # Safety
/// As [`sgemm`].
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn matmul_raw(
    (m, k, n): (usize, usize, usize),
    a: &[f32],
    lda: usize,
    b: &[f32],
    ldb: usize,
    c: Shared,
    ldc: usize,
    split: bool,
) {
    assert!(m == 0 || a.len() >= (m - 1) * lda + k, "a too short");
    assert!(k == 0 || b.len() >= (k - 1) * ldb + n, "b too short");
    let parts = if split {
        rayon::current_num_threads()
            .min((m * k * n) / SPLIT_MACS)
            .max(1)
    } else {
        1
    };
    if parts == 1 {
        // SAFETY: the asserts above bound the reads; the caller the writes.
        return unsafe { sgemm((m, k, n), a.as_ptr(), lda, b.as_ptr(), ldb, c.get(), ldc) };
    }
    // Split the longer side, in whole register tiles (8 rows or columns).
    let split_n = n >= m;
    let side = if split_n { n } else { m };
    let step = side.div_ceil(parts).div_ceil(8) * 8;
    let blocks: Vec<(usize, usize)> = (0..side)
        .step_by(step.max(1))
        .map(|start| (start, (start + step).min(side)))
        .collect();
    blocks.par_iter().for_each(|&(lo, hi)| {
        let (a, b, c) = (a.as_ptr(), b.as_ptr(), c.get());
        // SAFETY: as above; blocks are disjoint column (or row) ranges of `c`, so no two
        // threads write one value.
        unsafe {
            if split_n {
                sgemm((m, k, hi - lo), a, lda, b.add(lo), ldb, c.add(lo), ldc);
            } else {
                sgemm(
                    (hi - lo, k, n),
                    a.add(lo * lda),
                    lda,
                    b,
                    ldb,
                    c.add(lo * ldc),
                    ldc,
                );
            }
        }
    });
}

/// The output's values, each channel filled with its bias (or zero), for the product to add to.
pub(super) fn bias_filled(conv: &Conv2d, plane: usize) -> Vec<f32> {
    let out_channels = conv.out_channels();
    let mut out = Vec::with_capacity(out_channels * plane);
    for c in 0..out_channels {
        let b = conv.bias.as_ref().map_or(0.0, |b| b[c]);
        out.extend(std::iter::repeat_n(b, plane));
    }
    out
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
    let n = h * w;
    assert!(out.len() == o * n);
    // SAFETY: `out` holds the o x n product and nothing else touches it meanwhile.
    unsafe { matmul_raw((o, i, n), a, i, x, n, Shared(out.as_mut_ptr()), n, true) };
    Array3::from_shape_vec((o, h, w), out).expect("sized above")
}

/// Any convolution: im2col and a matrix product per group ([`super::im2col`]).
pub fn im2col_forward(conv: &Conv2d, input: ArrayView3<f32>) -> Array3<f32> {
    super::im2col::forward(conv, input)
}
