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
//!   and leaves the partial tiles of the map's right and bottom edges out.
//! - The transforms work on `NR` tiles at once, one lane per tile, compiled for AVX-512,
//!   AVX2 or neither as `isa::Path` says (the same arithmetic on each).
//!
//! **Error.** The transforms' points 0, +-1, +-2 scale values by up to 8 (A) and 5 (B) before
//! the products add them, so rounding errors are larger than the definition's: measured
//! against the sum in f64 over ResNet-18's layer shapes with He-initialised weights and
//! inputs in [-1, 1] (`error_against_f64_is_bounded`), the largest error is about 2e-6 of the
//! layer's output range (1e-5 in the worst case of inputs and weights all of one magnitude),
//! against 1e-7..3e-7 for im2col's product; both well inside the 1e-4 of the range the
//! onnxruntime and PyTorch references allow.

use super::im2col;
use super::isa::{Isa, Path};
use super::packed::{self, PackedWeights};
use super::shared::{Clamp, Epilogue, Shared};
use super::tile::NR;
use crate::engine::layers::conv::Conv2d;
use ndarray::{Array3, ArrayView3};
use rayon::prelude::*;
use std::cell::RefCell;

/// Positions of a transformed tile (6 x 6).
const XI: usize = 36;

/// Transformed input and products a block aims at (values): 1 MB of floats, half an
/// Emerald Rapids core's L2, so that the products read `V` and write `M` there.
const BLOCK_VALUES: usize = 256 * 1024;

thread_local! {
    /// This thread's transformed input `V` and products `M`, reused from one call to the next.
    static SCRATCH: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
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

/// The tiles of an output map and the padded input they read.
#[derive(Clone, Copy)]
struct Grid {
    /// Output rows and columns.
    oh: usize,
    ow: usize,
    /// Tiles per column and per row.
    th: usize,
    tw: usize,
    /// Rows and columns of a padded input channel: 4 per tile and 2 more.
    ph: usize,
    pw: usize,
}

impl Grid {
    fn new(oh: usize, ow: usize) -> Grid {
        let (th, tw) = (oh.div_ceil(4), ow.div_ceil(4));
        Grid {
            oh,
            ow,
            th,
            tw,
            ph: 4 * th + 2,
            pw: 4 * tw + 2,
        }
    }

    /// Where tile `t`'s 6x6 patch starts in a padded channel, and its top-left output pixel.
    fn tile(&self, t: usize) -> (usize, (usize, usize)) {
        let (y, x) = (4 * (t / self.tw), 4 * (t % self.tw));
        (y * self.pw + x, (y, x))
    }
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
    let parallel =
        rayon::current_num_threads() > 1 && o * c * 9 * oh * ow >= super::shared::SPLIT_MACS;
    let padded = pad(input, conv.padding, grid, parallel);
    let bias = conv.bias.as_ref().map(|b| b.to_vec());
    let plane = oh * ow;
    let mut out: Vec<f32> = Vec::with_capacity(o * plane);
    let out_ptr = Shared(out.as_mut_ptr());
    let tiles = grid.th * grid.tw;
    let per_block = block_tiles(c, o, tiles);
    let blocks = tiles.div_ceil(per_block);
    let clamp = epilogue.and_then(Epilogue::clamp);
    let path = Path::carry();
    // Block `b`: its tiles' V, the 36 products (over the threads when `split`), the output.
    let block = |b: usize, split: bool| {
        let (t0, n) = (b * per_block, per_block.min(tiles - b * per_block));
        let panels = n.div_ceil(NR);
        let (v_len, m_len) = (panels * c * NR, o * panels * NR);
        let (mut v, mut m) = SCRATCH.take();
        v.resize(XI * v_len, 0.0);
        m.resize(XI * m_len, 0.0);
        transform_input(&padded, grid, c, t0, n, &mut v);
        let m_ptr = Shared(m.as_mut_ptr());
        let product = |xi: usize| {
            // SAFETY: product xi writes only M[xi] (o rows of panels * NR >= n values),
            // which no other product touches.
            unsafe {
                let dst = Shared(m_ptr.get().add(xi * m_len));
                let cols = &v[xi * v_len..(xi + 1) * v_len];
                packed::multiply_split(u, xi, cols, n, None, dst, panels * NR, false, None);
            }
        };
        if split {
            (0..XI)
                .into_par_iter()
                .for_each(|xi| path.run(|| product(xi)));
        } else {
            (0..XI).for_each(product);
        }
        // SAFETY: block b writes only its own tiles' pixels of the output.
        unsafe { transform_output(&m, grid, o, t0, n, bias.as_deref(), clamp, out_ptr) };
        SCRATCH.set((v, m));
    };
    if parallel && blocks >= 2 * rayon::current_num_threads() {
        (0..blocks)
            .into_par_iter()
            .for_each(|b| path.run(|| block(b, false)));
    } else {
        (0..blocks).for_each(|b| block(b, parallel));
    }
    // SAFETY: the tiles cover every output pixel of every channel, each written once.
    unsafe { out.set_len(o * plane) };
    if let Some(f) = epilogue.and_then(Epilogue::map) {
        f.apply_all(&mut out);
    }
    Array3::from_shape_vec((o, oh, ow), out).expect("sized above")
}

/// Every input channel in a zeroed `ph` x `pw` plane, its pixel (y, x) at (y + top, x + left)
/// (the bottom and right padding, and the tiles' overhang past the map, are zeros).
fn pad(
    input: ArrayView3<f32>,
    (top, left): (usize, usize),
    grid: Grid,
    parallel: bool,
) -> Vec<f32> {
    let (c, h, w) = input.dim();
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    let size = grid.ph * grid.pw;
    let mut padded = vec![0.0f32; c * size];
    // Rows and columns of the input that land inside the plane (all that any tile reads).
    let (rows, cols) = (
        h.min(grid.ph.saturating_sub(top)),
        w.min(grid.pw.saturating_sub(left)),
    );
    let fill = |(ch, dst): (usize, &mut [f32])| {
        for y in 0..rows {
            let from = &src[(ch * h + y) * w..][..cols];
            dst[(y + top) * grid.pw + left..][..cols].copy_from_slice(from);
        }
    };
    if parallel {
        padded.par_chunks_mut(size).enumerate().for_each(fill);
    } else {
        padded.chunks_mut(size).enumerate().for_each(fill);
    }
    padded
}

/// One value per tile of a panel.
type Lanes = [f32; NR];

/// `B^T d` for a column `d` of six lanes.
#[inline(always)]
fn bt(d: [&Lanes; 6]) -> [Lanes; 6] {
    let mut r = [[0.0f32; NR]; 6];
    for l in 0..NR {
        let (d0, d1, d2, d3, d4, d5) = (d[0][l], d[1][l], d[2][l], d[3][l], d[4][l], d[5][l]);
        let (t1, t2) = (d4 - 4.0 * d2, d3 - 4.0 * d1);
        let (t3, t4) = (d4 - d2, 2.0 * (d3 - d1));
        r[0][l] = 4.0 * d0 - 5.0 * d2 + d4;
        r[1][l] = t1 + t2;
        r[2][l] = t1 - t2;
        r[3][l] = t3 + t4;
        r[4][l] = t3 - t4;
        r[5][l] = 4.0 * d1 - 5.0 * d3 + d5;
    }
    r
}

/// `A^T m` for a column `m` of six lanes.
#[inline(always)]
fn at(m: [&Lanes; 6]) -> [Lanes; 4] {
    let mut r = [[0.0f32; NR]; 4];
    for l in 0..NR {
        let (a, b) = (m[1][l] + m[2][l], m[1][l] - m[2][l]);
        let (c, d) = (m[3][l] + m[4][l], m[3][l] - m[4][l]);
        r[0][l] = m[0][l] + a + c;
        r[1][l] = b + 2.0 * d;
        r[2][l] = a + 4.0 * c;
        r[3][l] = b + 8.0 * d + m[5][l];
    }
    r
}

/// `V` of tiles `t0 .. t0 + n`: `v[xi * len + (j * c + ch) * NR + l]` (`len` = panels * c *
/// NR) is position `xi` of `B^T d B` for channel `ch` of the block's tile `j * NR + l` (the
/// last tile repeated past `n`, as `packed::pack_columns` does).
fn transform_input(padded: &[f32], grid: Grid, c: usize, t0: usize, n: usize, v: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        let isa = Isa::available();
        // SAFETY (both): the CPU has the instruction sets (`Isa::available`).
        if isa.contains(&Isa::Avx512) {
            return unsafe { transform_input_avx512(padded, grid, c, t0, n, v) };
        }
        if isa.contains(&Isa::Avx2) {
            return unsafe { transform_input_avx2(padded, grid, c, t0, n, v) };
        }
    }
    transform_input_lanes(padded, grid, c, t0, n, v)
}

/// [`transform_input`] compiled for AVX-512.
///
/// # Safety
/// The CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn transform_input_avx512(p: &[f32], g: Grid, c: usize, t0: usize, n: usize, v: &mut [f32]) {
    transform_input_lanes(p, g, c, t0, n, v)
}

/// [`transform_input`] compiled for AVX2.
///
/// # Safety
/// The CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn transform_input_avx2(p: &[f32], g: Grid, c: usize, t0: usize, n: usize, v: &mut [f32]) {
    transform_input_lanes(p, g, c, t0, n, v)
}

#[inline(always)]
fn transform_input_lanes(padded: &[f32], grid: Grid, c: usize, t0: usize, n: usize, v: &mut [f32]) {
    let panels = n.div_ceil(NR);
    let len = panels * c * NR;
    let size = grid.ph * grid.pw;
    assert!(padded.len() >= c * size && v.len() >= XI * len && n > 0);
    for j in 0..panels {
        let mut at0 = [0usize; NR];
        for (l, a) in at0.iter_mut().enumerate() {
            *a = grid.tile(t0 + (j * NR + l).min(n - 1)).0;
        }
        // Every tile's patch is inside its channel's plane (4 * th + 2 rows of 4 * tw + 2).
        assert!(at0.iter().all(|&a| a + 5 * grid.pw + 5 < size));
        for ch in 0..c {
            let src = &padded[ch * size..(ch + 1) * size];
            let mut d = [[0.0f32; NR]; XI];
            for (i, row) in d.chunks_exact_mut(6).enumerate() {
                for (jj, lanes) in row.iter_mut().enumerate() {
                    for (x, &a) in lanes.iter_mut().zip(&at0) {
                        // SAFETY: a + i * pw + jj <= a + 5 * pw + 5 < size (asserted above).
                        *x = unsafe { *src.get_unchecked(a + i * grid.pw + jj) };
                    }
                }
            }
            // Columns: rows of B^T d, then rows again: (B^T d) B = B^T (B^T d)^T transposed.
            let mut cols = [[[0.0f32; NR]; 6]; 6];
            for (jj, col) in cols.iter_mut().enumerate() {
                *col = bt(std::array::from_fn(|i| &d[i * 6 + jj]));
            }
            let base = (j * c + ch) * NR;
            for i in 0..6 {
                let row = bt(std::array::from_fn(|jj| &cols[jj][i]));
                for (s, lanes) in row.iter().enumerate() {
                    v[(i * 6 + s) * len + base..][..NR].copy_from_slice(lanes);
                }
            }
        }
    }
}

/// The output pixels of tiles `t0 .. t0 + n` of every channel from their products `m`
/// (`m[xi * o * ld + oc * ld + p]`, `ld` = panels * NR): `A^T M A` plus the bias, through
/// `clamp`, the pixels past the map's right and bottom edges left out.
///
/// # Safety
/// `out` holds `o` channels of `oh * ow` values; the block's pixels are this call's alone.
#[allow(clippy::too_many_arguments)]
unsafe fn transform_output(
    m: &[f32],
    grid: Grid,
    o: usize,
    t0: usize,
    n: usize,
    bias: Option<&[f32]>,
    clamp: Option<Clamp>,
    out: Shared,
) {
    #[cfg(target_arch = "x86_64")]
    {
        let isa = Isa::available();
        // SAFETY (both): the CPU has the instruction sets; the rest as promised.
        if isa.contains(&Isa::Avx512) {
            return unsafe { output_avx512(m, grid, o, (t0, n), bias, clamp, out) };
        }
        if isa.contains(&Isa::Avx2) {
            return unsafe { output_avx2(m, grid, o, (t0, n), bias, clamp, out) };
        }
    }
    // SAFETY: as promised by the caller.
    unsafe { output_lanes(m, grid, o, (t0, n), bias, clamp, out) }
}

/// [`transform_output`] compiled for AVX-512.
///
/// # Safety
/// As [`transform_output`], and the CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn output_avx512(
    m: &[f32],
    g: Grid,
    o: usize,
    tiles: (usize, usize),
    bias: Option<&[f32]>,
    clamp: Option<Clamp>,
    out: Shared,
) {
    // SAFETY: as promised by the caller.
    unsafe { output_lanes(m, g, o, tiles, bias, clamp, out) }
}

/// [`transform_output`] compiled for AVX2.
///
/// # Safety
/// As [`transform_output`], and the CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn output_avx2(
    m: &[f32],
    g: Grid,
    o: usize,
    tiles: (usize, usize),
    bias: Option<&[f32]>,
    clamp: Option<Clamp>,
    out: Shared,
) {
    // SAFETY: as promised by the caller.
    unsafe { output_lanes(m, g, o, tiles, bias, clamp, out) }
}

/// # Safety
/// As [`transform_output`].
#[inline(always)]
unsafe fn output_lanes(
    m: &[f32],
    grid: Grid,
    o: usize,
    (t0, n): (usize, usize),
    bias: Option<&[f32]>,
    clamp: Option<Clamp>,
    out: Shared,
) {
    let panels = n.div_ceil(NR);
    let ld = panels * NR;
    let len = o * ld;
    let plane = grid.oh * grid.ow;
    assert!(m.len() >= XI * len && bias.is_none_or(|b| b.len() >= o));
    for oc in 0..o {
        let b = bias.map_or(0.0, |b| b[oc]);
        for j in 0..panels {
            let lanes = |xi: usize| -> &Lanes {
                let at = xi * len + oc * ld + j * NR;
                m[at..at + NR].try_into().expect("NR values")
            };
            // A^T over each column of the 6x6, then over each of the 4 rows of that.
            let mut cols = [[[0.0f32; NR]; 4]; 6];
            for (s, col) in cols.iter_mut().enumerate() {
                *col = at(std::array::from_fn(|r| lanes(r * 6 + s)));
            }
            let mut y = [[[0.0f32; NR]; 4]; 4];
            for (k, row) in y.iter_mut().enumerate() {
                *row = at(std::array::from_fn(|s| &cols[s][k]));
                for lanes in row.iter_mut() {
                    lanes.iter_mut().for_each(|v| *v += b);
                }
            }
            for l in 0..NR.min(n - j * NR) {
                let (_, (y0, x0)) = grid.tile(t0 + j * NR + l);
                for (k, row) in y.iter().enumerate().take(grid.oh - y0) {
                    let line = oc * plane + (y0 + k) * grid.ow + x0;
                    for (k2, lanes) in row.iter().enumerate().take(grid.ow - x0) {
                        let v = clamp.map_or(lanes[l], |c| c.apply(lanes[l]));
                        // SAFETY: pixel (y0 + k, x0 + k2) is inside the map and this call's.
                        unsafe { *out.get().add(line + k2) = v };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
