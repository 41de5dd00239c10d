//! Winograd's F(4x4, 3x3) for 3x3 convolutions at stride 1 (Lavin & Gray, "Fast Algorithms
//! for Convolutional Neural Networks", 2015): each 4x4 block of output pixels (a *tile*) of
//! each output channel is `A^T [sum_c (G g G^T) .* (B^T d B)] A`, with `g` the 3x3 weights of
//! one channel pair and `d` the 6x6 input patch under the tile. The sum over input channels
//! is, for each of the 36 positions `xi` of the 6x6 transformed tile, a matrix product
//! `M[xi] = U[xi] . V[xi]` ([out, in] by [in, tiles]): 36 products of `in` multiply-adds per
//! tile and output channel where the definition takes 16 x 9 = 144, a quarter of the
//! multiply-adds, for two transforms that are linear in the input and output sizes.
//!
//! - The weights `U = G g G^T` are transformed (in f64) once per model and packed as 36 groups
//!   of [`PackedWeights`] (the model's `PackCache` keeps them as it keeps im2col's).
//! - Per block of tiles (`block_tiles`: its transformed input and products stay in L2), the
//!   input transform writes `V` straight in the panel order of [`packed`]'s register tile
//!   (`NR` tiles a panel), the 36 products are [`packed::multiply_split`]'s, and the output
//!   transform adds the bias, applies a fused clamp (ReLU, ReLU6) as it stores each pixel,
//!   and leaves the partial tiles of the map's right and bottom edges out (a smooth
//!   activation, SiLU and the like, goes over the whole output once it is written).
//! - Large layers on several threads: whole blocks per thread where there are enough of
//!   them, else each block's transforms (by runs of channels) and its 36 products spread
//!   over the threads.
//! - The transforms work on `NR` tiles at once, one lane per tile, compiled for AVX-512,
//!   AVX2 or neither as `isa::Path` says (the same arithmetic on each).
//!
//! **Error.** The transforms' points 0, +-1, +-2 scale values by up to 8 (A) and 5 (B) before
//! the products add them, so rounding errors are larger than the definition's: measured
//! against the sum in f64 over ResNet-18's layer shapes with He-initialised weights
//! (`error_against_f64_is_bounded`), the largest error is 4e-6 of the layer's output range
//! (2e-5 absolute) with inputs in [-1, 1], 3e-6 with inputs in [0, 1], 1e-6 with inputs
//! offset by 10; im2col's product is within 4e-7..2e-6 on the same layers. The test bounds
//! it at 1e-5 of the range, a tenth of what the onnxruntime and PyTorch references allow.

use super::crew::{self, Split};
use super::im2col;
use super::packed::{self, PackedWeights};
use super::shared::{self, Epilogue, Shared};
use super::tile::NR;
use crate::engine::layers::conv::Conv2d;
use grid::{Grid, XI};
use ndarray::{Array3, ArrayView3};
use std::cell::RefCell;
use transform::{transform_input, transform_output};

/// Transformed input and products a block aims at (values): 1 MB of floats, half an
/// Emerald Rapids core's L2, so that the products read `V` and write `M` there.
const BLOCK_VALUES: usize = 256 * 1024;

thread_local! {
    /// This thread's transformed input `V` and products `M`, reused from one call to the next.
    static SCRATCH: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
    /// The calling thread's padded input (a fresh one each time was a page fault per page).
    static PADDED: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Whether Winograd's F(4x4, 3x3) computes `conv`: 3x3, stride 1, no dilation, one group.
pub(crate) fn applies(conv: &Conv2d) -> bool {
    let (_, _, kh, kw) = conv.weight.dim();
    (kh, kw) == (3, 3) && conv.stride == (1, 1) && conv.dilation == (1, 1) && conv.groups <= 1
}

/// Whether F(4x4, 3x3) is faster than im2col + matrix product for `c` -> `o` channels giving
/// an `oh` x `ow` map (`cargo bench --bench conv_kernels -- winograd-vs-gemm`, one thread,
/// Emerald Rapids with AVX-512): 64 -> 64 at 56x56 1.8 ms against 2.6, 128 at 28x28 1.5
/// against 2.8, 256 at 14x14 1.4 against 2.7; but 512 at 7x7 3.9 against 2.7: its four
/// tiles make each of the 36 products a quarter of a register tile wide while they read
/// four times im2col's weights. Channels below 64 were not measured (the direct kernel takes
/// up to 32).
pub(crate) fn wins((c, o): (usize, usize), (oh, ow): (i64, i64)) -> bool {
    let tiles = (oh.max(0) as usize).div_ceil(4) * (ow.max(0) as usize).div_ceil(4);
    c >= 64 && o >= 64 && tiles >= NR
}

/// Whether `packed` is this kernel's packing of weights [o, c, 3, 3].
fn fits(packed: &PackedWeights, o: usize, c: usize) -> bool {
    packed.groups == XI && packed.rows == o && packed.k == c
}

/// `G`, the weight transform (6 x 3).
const G: [[f64; 3]; 6] = [
    [1.0 / 4.0, 0.0, 0.0],
    [-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0],
    [-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0],
    [1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0],
    [1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0],
    [0.0, 0.0, 1.0],
];

/// The weights of `conv` (3x3, one group) transformed, `U[xi] = (G g G^T)[xi]` for every
/// channel pair, computed in f64 and rounded once, packed as 36 groups of [out, in].
pub(crate) fn pack(conv: &Conv2d) -> PackedWeights {
    let (o, c, kh, kw) = conv.weight.dim();
    assert_eq!((kh, kw), (3, 3), "a 3x3 convolution");
    let mut u = vec![0.0f32; XI * o * c];
    for oc in 0..o {
        for ic in 0..c {
            let g = |y: usize, x: usize| conv.weight[[oc, ic, y, x]] as f64;
            // G g: 6 x 3, then (G g) G^T: 6 x 6.
            let mut gg = [[0.0f64; 3]; 6];
            for (r, row) in gg.iter_mut().enumerate() {
                for (x, v) in row.iter_mut().enumerate() {
                    *v = (0..3).map(|y| G[r][y] * g(y, x)).sum();
                }
            }
            for r in 0..6 {
                for s in 0..6 {
                    let v: f64 = (0..3).map(|x| gg[r][x] * G[s][x]).sum();
                    u[((r * 6 + s) * o + oc) * c + ic] = v as f32;
                }
            }
        }
    }
    PackedWeights::new(&u, XI, o, c)
}

/// Tiles per block: `V` and `M` of a block (36 x (in + out) values per tile) within
/// [`BLOCK_VALUES`], in whole panels of `NR`, at least one.
fn block_tiles(c: usize, o: usize, tiles: usize) -> usize {
    let n = (BLOCK_VALUES / (XI * (c + o))) / NR * NR;
    n.max(NR).min(tiles)
}

/// Output [out, oh, ow] of `conv` (3x3, stride 1, one group; anything else is im2col's) by
/// F(4x4, 3x3), then `epilogue`; `packed`: the weights as [`pack`] makes them, transformed
/// here when not given.
pub(crate) fn forward(
    conv: &Conv2d,
    input: ArrayView3<f32>,
    packed: Option<&PackedWeights>,
    epilogue: Option<Epilogue>,
) -> Array3<f32> {
    let groups = conv.groups.max(1);
    let im2col_packed = packed.filter(|p| p.groups == groups);
    if !applies(conv) {
        return im2col::forward(conv, input, im2col_packed, epilogue);
    }
    let (c, h, w) = input.dim();
    let o = conv.weight.dim().0;
    let (oh, ow) = conv.window().output_size(h, w);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    if oh == 0 || ow == 0 || c == 0 || o == 0 {
        return im2col::forward(conv, input, im2col_packed, epilogue);
    }
    let owned;
    let u = match packed.filter(|p| fits(p, o, c)) {
        Some(p) => p,
        None => {
            owned = pack(conv);
            &owned
        }
    };
    let grid = Grid::new(oh, ow);
    // Sized as im2col's product of the same layer, so both split the same layers.
    let split = Split::of(o * c * 9 * oh * ow, crew::gemm_macs(), shared::SPLIT_MACS);
    let mut padded = PADDED.take();
    pad(input, conv.padding, grid, split, &mut padded);
    let bias = conv.bias.as_ref().map(|b| b.to_vec());
    let plane = oh * ow;
    let mut out: Vec<f32> = Vec::with_capacity(o * plane);
    let out_ptr = Shared(out.as_mut_ptr());
    let tiles = grid.tiles();
    let per_block = block_tiles(c, o, tiles);
    let blocks = tiles.div_ceil(per_block);
    let clamp = epilogue.and_then(Epilogue::clamp);
    // Block `b`: its tiles' V, the 36 products (over the threads when `split`), the output.
    let block = |b: usize, split: bool| {
        let (t0, n) = (b * per_block, per_block.min(tiles - b * per_block));
        let panels = n.div_ceil(NR);
        let (v_len, m_len) = (panels * c * NR, o * panels * NR);
        let (mut v, mut m) = SCRATCH.take();
        v.resize(XI * v_len, 0.0);
        m.resize(XI * m_len, 0.0);
        // A block shared between threads (`split`: too few blocks for each thread to have
        // its own) shares its transforms too, by runs of channels.
        let runs = |count: usize| -> Vec<std::ops::Range<usize>> {
            let parts = if split { Split::any().threads() * 2 } else { 1 };
            let per = count.div_ceil(parts).max(1);
            (0..count)
                .step_by(per)
                .map(|s| s..(s + per).min(count))
                .collect()
        };
        let how = if split { Split::any() } else { Split::Serial };
        let input_runs = runs(c);
        let v_ptr = Shared(v.as_mut_ptr());
        how.for_each(input_runs.len(), |r| {
            // SAFETY: `v` holds XI * v_len values; run r writes only its own channels'.
            unsafe { transform_input(&padded, grid, (c, input_runs[r].clone()), t0, n, v_ptr) }
        });
        let m_ptr = Shared(m.as_mut_ptr());
        let product = |xi: usize| {
            // SAFETY: product xi writes only M[xi] (o rows of panels * NR >= n values),
            // which no other product touches.
            unsafe {
                let dst = Shared(m_ptr.get().add(xi * m_len));
                let cols = &v[xi * v_len..(xi + 1) * v_len];
                packed::multiply_split(
                    u,
                    xi,
                    packed::Columns::Packed(cols),
                    n,
                    None,
                    dst,
                    panels * NR,
                    false,
                    None,
                );
            }
        };
        if split {
            Split::any().for_each(XI, product);
        } else {
            (0..XI).for_each(product);
        }
        let output_runs = runs(o);
        how.for_each(output_runs.len(), |r| {
            let ocs = output_runs[r].clone();
            // SAFETY: block b writes only its own tiles' pixels of the output, run r only
            // those of its own channels.
            unsafe { transform_output(&m, grid, (o, ocs), t0, n, bias.as_deref(), clamp, out_ptr) }
        });
        SCRATCH.set((v, m));
    };
    if split.splits() && blocks >= 2 * split.threads() {
        split.for_each(blocks, |b| block(b, false));
    } else {
        (0..blocks).for_each(|b| block(b, split.splits()));
    }
    PADDED.set(padded);
    // SAFETY: the tiles cover every output pixel of every channel, each written once.
    unsafe { out.set_len(o * plane) };
    if let Some(f) = epilogue.and_then(Epilogue::map) {
        f.apply_all(&mut out);
    }
    Array3::from_shape_vec((o, oh, ow), out).expect("sized above")
}

/// Every input channel padded with zeros (its pixel (y, x) at (y + top, x + left); the
/// bottom and right padding and the tiles' overhang past the map are zeros) and split into
/// [`Grid`]'s phase planes, into `padded` (`c * grid.channel()` values, every one written).
fn pad(
    input: ArrayView3<f32>,
    (top, left): (usize, usize),
    grid: Grid,
    split: Split,
    padded: &mut Vec<f32>,
) {
    let (c, h, w) = input.dim();
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    let (size, plane, wq) = (grid.channel(), grid.plane(), grid.wq);
    padded.clear();
    padded.resize(c * size, 0.0);
    // Rows and columns of the input that land inside the planes (all that any tile reads).
    let rows = h.min(grid.ph.saturating_sub(top));
    let cols = w.min((4 * wq).saturating_sub(left));
    let base = Shared(padded.as_mut_ptr());
    let fill = |ch: usize| {
        // SAFETY: channel `ch` writes only its own `size` values of `padded`.
        let dst = unsafe { std::slice::from_raw_parts_mut(base.get().add(ch * size), size) };
        let mut line = vec![0.0f32; 4 * wq];
        for y in 0..rows {
            line[left..left + cols].copy_from_slice(&src[(ch * h + y) * w..][..cols]);
            let r0 = (y + top) * wq;
            for (q, four) in line.chunks_exact(4).enumerate() {
                for (r, &v) in four.iter().enumerate() {
                    dst[r * plane + r0 + q] = v;
                }
            }
        }
    };
    split.for_each(c, fill);
}

mod grid;
mod transform;

#[cfg(test)]
mod tests;
