//! The matrix product under im2col and 1x1 convolutions, `out[o, p] = bias[o] + sum_k
//! W[o, k] * cols[k, p]`, with both operands in the order the register tile reads them:
//!
//! - the weights are packed once per model ([`PackedWeights`], cached by the model) into
//!   panels of `MR` output channels, `k` after `k`;
//! - the columns are gathered straight from the (padded, phase-split) input into panels of
//!   `NR` output pixels (`super::columns`): im2col and the product's packing in one copy; or,
//!   a 1x1 convolution's input at stride 1, read where it is (`Columns::Rows`) where the
//!   AVX-512 tiles take every column.
//!
//! The tile of outputs (`super::tile`) stays in registers while a block of up to `KC`
//! products is added (FMA): `MR` x `NR` in twelve AVX2 registers, or where the CPU has AVX-512
//! up to two weight panels by two column panels (12 x 32) in 24, with masked edges; a portable
//! loop where the CPU has no AVX2 and FMA. A last column panel of at most four columns (a 7x7
//! map's 49th) goes to `super::tail`, with the rows across the lanes. The first block starts from the bias so that the
//! output is written once, not filled first, and the last one applies the clamp of a fused
//! ReLU or ReLU6 before the tile is stored. (matrixmultiply, used before, packed the whole
//! weight matrix again on every call: on ResNet-18's 7x7 layers that copy was as long as the
//! product.)

use super::crew::Split;
use super::shared::{Clamp, Epilogue, Shared};
use super::tail::{self, SLACK, TAIL_MAX, TAIL_PANELS, panels_at_once};
use super::tile::{Kernel, MR, NR, kernel};

/// Most products added per pass over a tile: a column panel of `KC` x `NR` values (20 KB)
/// stays in L1 while every weight panel passes over it.
const KC: usize = 320;

/// A convolution's weights [out, k] (k = in/groups * kh * kw), per group, in panels of
/// `MR` rows: `data[((g * panels + p) * k + kk) * MR + r]` is row `p * MR + r` of group `g`
/// at `kk`, zero past the last row (and `SLACK` zeros past the last panel).
#[derive(Debug, Clone, PartialEq)]
pub struct PackedWeights {
    /// Output channels per group.
    pub rows: usize,
    pub k: usize,
    pub groups: usize,
    data: Vec<f32>,
}

impl PackedWeights {
    /// Packs `weights` (row-major [groups * rows, k]).
    pub(crate) fn new(weights: &[f32], groups: usize, rows: usize, k: usize) -> PackedWeights {
        assert_eq!(
            weights.len(),
            groups * rows * k,
            "weights of the declared size"
        );
        let panels = rows.div_ceil(MR);
        let mut data = vec![0.0; groups * panels * k * MR + SLACK];
        for g in 0..groups {
            for p in 0..panels {
                let dst = &mut data[(g * panels + p) * k * MR..(g * panels + p + 1) * k * MR];
                for r in 0..MR.min(rows - p * MR) {
                    let row = &weights[(g * rows + p * MR + r) * k..][..k];
                    for (kk, &v) in row.iter().enumerate() {
                        dst[kk * MR + r] = v;
                    }
                }
            }
        }
        PackedWeights {
            rows,
            k,
            groups,
            data,
        }
    }

    fn panels(&self) -> usize {
        self.rows.div_ceil(MR)
    }

    /// Group `g`'s panels and the `SLACK` values after them.
    fn group(&self, g: usize) -> &[f32] {
        let len = self.panels() * self.k * MR;
        &self.data[g * len..(g + 1) * len + SLACK]
    }
}

/// The product's right operand, `k` rows of `n` columns.
#[derive(Clone, Copy)]
pub(crate) enum Columns<'a> {
    /// Gathered into panels by [`pack_columns`](super::columns::pack_columns).
    Packed(&'a [f32]),
    /// Rows `ld` apart, read where they are: a 1x1 convolution's input at stride 1, whose
    /// rows are its channels (what the packing copies, one panel at a time). Only for
    /// [`Columns::readable`] shapes.
    Rows { src: &'a [f32], ld: usize },
}

impl Columns<'_> {
    /// Whether `n` columns can be read as [`Columns::Rows`] by `kernel`: by the AVX-512
    /// tiles, whose vectors of columns are then all whole, and the last few by `tail`.
    pub(super) fn readable(kernel: Kernel, n: usize) -> bool {
        kernel.wide.is_some() && kernel.tail && n % NR <= TAIL_MAX
    }
}

/// `c[rows x n]` (rows `ldc` apart) = `bias + a . b` for weight panels `panels` of group `g`
/// (`b` of `n` columns), then `epilogue`: a
/// clamp by each tile as its last block of `k` is written, another activation over each
/// panel's rows once they are finished (while they are in the cache). Every value of those
/// rows written.
///
/// # Safety
/// `c` points to the output's first column of group `g`'s first row; rows
/// `panels.start * MR .. min(panels.end * MR, rows)` and columns `0 .. n` of it are this
/// call's alone meanwhile.
#[allow(clippy::too_many_arguments)]
unsafe fn multiply(
    kernel: Kernel,
    a: &PackedWeights,
    g: usize,
    panels: std::ops::Range<usize>,
    b: Columns,
    n: usize,
    bias: Option<&[f32]>,
    c: Shared,
    ldc: usize,
    epilogue: Option<Epilogue>,
) {
    let (k, rows) = (a.k, a.rows);
    let a = a.group(g);
    let col_panels = n.div_ceil(NR);
    assert!(panels.end * MR * k <= a.len());
    // Where column panel `jp` starts, how far apart two column panels are, and two rows.
    let (b, b_step, ldb) = match b {
        Columns::Packed(b) => {
            assert!(b.len() >= col_panels * k * NR);
            (b, k * NR, NR)
        }
        Columns::Rows { src, ld } => {
            assert!(Columns::readable(kernel, n) && k.saturating_sub(1) * ld + n <= src.len());
            (src, NR, ld)
        }
    };
    // The output is written by the first block of `k`: there must be one.
    assert!(k > 0, "a product over at least one value");
    if let Some(bias) = bias {
        assert!(bias.len() >= rows);
    }
    let steps = k.div_ceil(KC).max(1);
    let step = k.div_ceil(steps).max(1);
    let init_of = |ip: usize| panel_init(bias, rows, ip);
    // The last column panel's columns by `tail` when there are few of them (and the CPU has
    // it), the rest by the tiles.
    let last_cols = n - col_panels.saturating_sub(1) * NR;
    let tail = kernel.tail && (1..=TAIL_MAX).contains(&last_cols);
    let tail_cols = if tail { last_cols } else { 0 };
    let main = n - tail_cols;
    for pc in (0..k).step_by(step) {
        let kc = step.min(k - pc);
        let add = pc > 0;
        // The epilogue, on the last block of `k` (the finished values).
        let last = pc + kc == k;
        let clamp = epilogue.and_then(Epilogue::clamp).filter(|_| last);
        let map = epilogue.and_then(Epilogue::map).filter(|_| last);
        // Rows `r0 .. r1` (of this call's panels), finished: through `map` while in the cache.
        let finish = |r0: usize, r1: usize| {
            if let Some(f) = map {
                for r in r0..r1.min(rows) {
                    // SAFETY: row r's columns 0 .. n are this call's (the caller's promise).
                    f.apply_all(unsafe { std::slice::from_raw_parts_mut(c.get().add(r * ldc), n) });
                }
            }
        };
        // SAFETY (both closures): weight panels ip (and ip + 1 where taken together) and
        // column panels jp (and jp + 1) hold kc values from pc on (asserted above); the tile's
        // rows and columns are this call's (the caller's promise).
        let a_at = |ip: usize| unsafe { a.as_ptr().add((ip * k + pc) * MR) };
        let b_at = |jp: usize| unsafe { b.as_ptr().add(jp * b_step + pc * ldb) };
        let c_at = |ip: usize, jp: usize| unsafe { c.get().add(ip * MR * ldc + jp * NR) };
        let tiles = |panels: std::ops::Range<usize>, n: usize| {
            if n == 0 {
                return;
            }
            let col_panels = n.div_ceil(NR);
            let mut ip = panels.start;
            while ip < panels.end {
                if let Some(wide) = kernel.wide {
                    // Two weight panels by two column panels at a time, the last ones partial
                    // (rows past the last one are zero in the packed weights and not stored;
                    // columns past the last one are repeats and not stored either).
                    let take = (panels.end - ip).min(2);
                    let valid_rows = (take * MR).min(rows - ip * MR);
                    let mut init = [0.0f32; 2 * MR];
                    for t in 0..take {
                        init[t * MR..(t + 1) * MR].copy_from_slice(&init_of(ip + t));
                    }
                    // A last column panel at most half full that `tail` does not take (5 to 8
                    // columns) goes through the half-width tile, one weight panel at a time.
                    let last_cols = n - (col_panels - 1) * NR;
                    let wide_panels = if last_cols <= NR / 2 {
                        col_panels - 1
                    } else {
                        col_panels
                    };
                    let mut jp = 0;
                    while jp < wide_panels {
                        let v = (wide_panels - jp).min(2);
                        let valid = (valid_rows, (v * NR).min(n - jp * NR));
                        // SAFETY: as above; panels ip + t are k * MR values apart, column panels
                        // k * NR apart; only the valid rows and columns are read or written in c.
                        unsafe {
                            wide[take - 1][v - 1](
                                kc,
                                a_at(ip),
                                k * MR,
                                b_at(jp),
                                b_step,
                                ldb,
                                c_at(ip, jp),
                                ldc,
                                add,
                                &init,
                                clamp,
                                valid,
                            )
                        };
                        jp += v;
                    }
                    if wide_panels < col_panels {
                        for t in 0..take {
                            let mr = MR.min(rows - (ip + t) * MR);
                            let (ap, bp, cp) = (a_at(ip + t), b_at(jp), c_at(ip + t, jp));
                            // SAFETY: as above; the half tile reads and writes `mr` x `last_cols`.
                            unsafe {
                                edge_tile(
                                    kernel,
                                    (mr, last_cols),
                                    kc,
                                    ap,
                                    bp,
                                    cp,
                                    ldc,
                                    add,
                                    &init_of(ip + t),
                                    clamp,
                                )
                            };
                        }
                    }
                    ip += take;
                    continue;
                }
                let mr = MR.min(rows - ip * MR);
                let init = init_of(ip);
                for jp in 0..col_panels {
                    let nr = NR.min(n - jp * NR);
                    let (ap, bp, cp) = (a_at(ip), b_at(jp), c_at(ip, jp));
                    // SAFETY: as above.
                    unsafe {
                        if mr == MR && nr == NR {
                            (kernel.full)(kc, ap, bp, cp, ldc, add, &init, clamp);
                        } else {
                            edge_tile(kernel, (mr, nr), kc, ap, bp, cp, ldc, add, &init, clamp);
                        }
                    }
                }
                ip += 1;
            }
        };
        // Groups of panels: their main columns by the tiles, their last few by `tail`, then
        // their finished rows through `map`.
        let mut g0 = panels.start;
        while g0 < panels.end {
            let g1 = (g0 + TAIL_PANELS).min(panels.end);
            tiles(g0..g1, main);
            if tail {
                let mut ip = g0;
                while ip < g1 {
                    let q = (g1 - ip).min(panels_at_once(tail_cols));
                    let mut init = [0.0f32; TAIL_PANELS * MR];
                    for t in 0..q {
                        init[t * MR..(t + 1) * MR].copy_from_slice(&init_of(ip + t));
                    }
                    let valid_rows = (q * MR).min(rows - ip * MR);
                    // SAFETY: panels ip .. ip + q hold kc values from pc on and SLACK past the
                    // last (`PackedWeights::group`), the last column panel kc * NR from pc;
                    // the rows and the last `tail_cols` columns are this call's.
                    unsafe {
                        tail::tail(q, tail_cols)(
                            kc,
                            a_at(ip),
                            k * MR,
                            b_at(col_panels - 1),
                            ldb,
                            c_at(ip, col_panels - 1),
                            ldc,
                            add,
                            &init,
                            clamp,
                            valid_rows,
                        )
                    };
                    ip += q;
                }
            }
            finish(g0 * MR, g1 * MR);
            g0 = g1;
        }
    }
}

/// Bias (or zero) per row of weight panel `ip` of a matrix of `rows` rows, zero past the last
/// row.
#[inline]
fn panel_init(bias: Option<&[f32]>, rows: usize, ip: usize) -> [f32; MR] {
    let mut init = [0.0f32; MR];
    if let Some(bias) = bias {
        let r0 = ip * MR;
        let mr = MR.min(rows - r0);
        init[..mr].copy_from_slice(&bias[r0..r0 + mr]);
    }
    init
}

/// A partial tile of `mr` x `nr` values at `c` (the last rows or columns of the output):
/// computed in a whole tile's buffer (by the half kernel when `nr` fits it), the output so far
/// copied in first when `add`, the finished values copied out.
///
/// # Safety
/// As the tile kernels for `a` and `b`; `c` holds `mr` rows of `nr` values `ldc` apart.
#[inline]
#[allow(clippy::too_many_arguments)]
unsafe fn edge_tile(
    kernel: Kernel,
    (mr, nr): (usize, usize),
    kc: usize,
    a: *const f32,
    b: *const f32,
    c: *mut f32,
    ldc: usize,
    add: bool,
    init: &[f32; MR],
    clamp: Option<Clamp>,
) {
    let mut tile = [0.0f32; MR * NR];
    // SAFETY: as promised by the caller.
    unsafe {
        if add {
            for r in 0..mr {
                for l in 0..nr {
                    tile[r * NR + l] = *c.add(r * ldc + l);
                }
            }
        }
        let tile_kernel = if nr <= 8 { kernel.half } else { kernel.full };
        let t = tile.as_mut_ptr();
        tile_kernel(kc, a, b, t, NR, add, init, clamp);
        for r in 0..mr {
            for l in 0..nr {
                *c.add(r * ldc + l) = tile[r * NR + l];
            }
        }
    }
}

/// `c[rows x n] = bias + a . b` (then `epilogue`) for group `g`, with `b` gathered by
/// [`pack_columns`](super::columns::pack_columns) into `cols`, the weight panels shared
/// between threads when `split` (by the crew in a lone pass, over rayon's threads otherwise:
/// `crew::Split::any`).
///
/// # Safety
/// As [`multiply`] for every panel.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn multiply_split(
    a: &PackedWeights,
    g: usize,
    cols: Columns,
    n: usize,
    bias: Option<&[f32]>,
    c: Shared,
    ldc: usize,
    split: bool,
    epilogue: Option<Epilogue>,
) {
    let panels = a.panels();
    let kernel = kernel();
    let how = if split { Split::any() } else { Split::Serial };
    let parts = how.threads().min(panels).max(1);
    if parts == 1 {
        // SAFETY: as promised by the caller.
        return unsafe { multiply(kernel, a, g, 0..panels, cols, n, bias, c, ldc, epilogue) };
    }
    let ranges = panel_ranges(panels, parts);
    how.for_each(ranges.len(), |r| {
        // SAFETY: disjoint weight panels write disjoint rows.
        unsafe {
            multiply(
                kernel,
                a,
                g,
                ranges[r].clone(),
                cols,
                n,
                bias,
                c,
                ldc,
                epilogue,
            )
        }
    });
}

/// The weight panels of a split product in ranges for `threads` threads, largest first:
/// each takes a quarter of the panels left per thread, so that a range's block of columns
/// (read once per block of `k` for all of its panels) serves many panels, while the last small
/// ranges let a thread slowed by something else be caught up. Every range but the last has
/// an even number of panels, so the AVX-512 tiles pair the same panels as on one thread.
/// (Before, the crew took two panels a range. Alone, this change did not move ResNet-18 at
/// two threads measurably; with the columns gathered by both threads, `super::columns`,
/// MobileNetV2's 7x7 1x1 layers were 6-8% faster.)
fn panel_ranges(panels: usize, threads: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < panels {
        let left = panels - start;
        let take = left.div_ceil(4 * threads).next_multiple_of(2).min(left);
        ranges.push(start..start + take);
        start += take;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::super::columns::{Gather, pack_columns};
    use super::super::isa::Path;
    use super::*;
    use crate::engine::kernels::tests::values;
    use crate::engine::layers::activation::Activation;

    /// Every tile (with and without the wide AVX-512 tiles, with and without a clamp or another
    /// activation after it), every
    /// edge (rows and columns not multiples of the tile, k across several blocks), against
    /// the sum in f64.
    #[test]
    fn product_matches_the_sum() {
        for (rows, k, n, ow, stride) in [
            (1, 1, 1, 1, 1),
            (6, 16, 16, 16, 16),
            (7, 3, 17, 5, 9),
            (13, 700, 35, 7, 11),
            (64, 27, 100, 10, 10),
            (5, 321, 49, 7, 7),
            (12, 650, 80, 16, 20),
            (18, 40, 48, 8, 9),
            (30, 5, 33, 33, 33),
        ] {
            let w = values(rows * k, 1);
            let packed = PackedWeights::new(&w, 1, rows, k);
            let bases: Vec<usize> = (0..k).map(|r| r * 3).collect();
            let src = values(bases[k - 1] + (n / ow + 1) * stride + ow, 2);
            let from = Gather {
                src: &src,
                bases: &bases,
                ow,
                row_stride: stride,
            };
            let bias = values(rows, 3);
            let x = |r: usize, p: usize| src[bases[r] + (p / ow) * stride + p % ow] as f64;
            // Each path's tiles and its gather: the portable loop, the AVX2 tiles alone (where
            // the AVX-512 tiles would take every panel), and the AVX-512 ones.
            let paths = Path::runnable();
            let kernels: Vec<(Kernel, Vec<f32>)> = paths
                .iter()
                .map(|path| {
                    path.run(|| {
                        let mut cols = Vec::new();
                        pack_columns(from, 0, n, &mut cols, Split::Serial);
                        (kernel(), cols)
                    })
                })
                .collect();
            assert!(
                kernels[0].0.wide.is_none(),
                "no AVX-512 tiles on the portable path"
            );
            // No epilogue, a clamp (in the tile), and two activations over finished rows.
            let epilogues = [
                None,
                Some(Epilogue::Clamp(Clamp {
                    min: -0.5,
                    max: 1.0,
                })),
                Some(Epilogue::Map(Activation::Silu)),
                Some(Epilogue::Map(Activation::Hardswish)),
            ];
            // Each in f64: silu(x) = x / (1 + e^-x), hardswish(x) = x * clamp(x + 3, 0, 6) / 6.
            let exact = |epilogue: Option<Epilogue>, x: f64| match epilogue {
                None => x,
                Some(Epilogue::Clamp(c)) => x.clamp(c.min as f64, c.max as f64),
                Some(Epilogue::Map(Activation::Silu)) => x / (1.0 + (-x).exp()),
                Some(Epilogue::Map(_)) => x * (x + 3.0).clamp(0.0, 6.0) / 6.0,
            };
            for ((kernel, cols), epilogue) in kernels.iter().flat_map(|k| epilogues.map(|e| (k, e)))
            {
                let kernel = *kernel;
                let mut out = vec![f32::NAN; rows * n];
                let c = Shared(out.as_mut_ptr());
                let panels = 0..rows.div_ceil(MR);
                let b = Some(&bias[..]);
                // SAFETY: `out` holds rows x n values, only this call writes them.
                unsafe {
                    multiply(
                        kernel,
                        &packed,
                        0,
                        panels,
                        Columns::Packed(cols),
                        n,
                        b,
                        c,
                        n,
                        epilogue,
                    )
                };
                for o in 0..rows {
                    for p in 0..n {
                        let sum: f64 = bias[o] as f64
                            + (0..k).map(|r| w[o * k + r] as f64 * x(r, p)).sum::<f64>();
                        let want = exact(epilogue, sum);
                        let got = out[o * n + p] as f64;
                        assert!(
                            (got - want).abs() < 1e-4 * (1.0 + want.abs()),
                            "{got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    /// The last few columns (`tail`, lanes across rows) get the same bits as the tiles give
    /// the same columns when they are not last: the same sums in the same order. Rows across
    /// several groups of panels and a partial panel, `k` across several blocks, with a clamp.
    #[test]
    fn last_columns_match_the_tiles_bit_for_bit() {
        for (rows, k, n) in [
            (50, 700, 49usize),
            (13, 40, 20),
            (100, 33, 3),
            (7, 9, 1),
            (61, 321, 34),
        ] {
            let w = values(rows * k, 4);
            let packed = PackedWeights::new(&w, 1, rows, k);
            // Columns of a row of `wide` pixels, so the first n are the same in both products.
            let wide = n.next_multiple_of(NR) + NR;
            let bases: Vec<usize> = (0..k).map(|r| r * wide).collect();
            let src = values(k * wide, 5);
            let from = Gather {
                src: &src,
                bases: &bases,
                ow: wide,
                row_stride: wide,
            };
            let bias = values(rows, 6);
            let clamp = Some(Epilogue::Clamp(Clamp {
                min: -0.5,
                max: 1.0,
            }));
            for path in Path::runnable() {
                path.run(|| {
                    let kernel = kernel();
                    for epilogue in [None, clamp] {
                        let product = |cols: usize| {
                            let mut packed_cols = Vec::new();
                            pack_columns(from, 0, cols, &mut packed_cols, Split::Serial);
                            let mut out = vec![f32::NAN; rows * cols];
                            let c = Shared(out.as_mut_ptr());
                            let panels = 0..rows.div_ceil(MR);
                            let b = Some(&bias[..]);
                            // SAFETY: `out` holds rows x cols values, only this call writes them.
                            unsafe {
                                multiply(
                                    kernel,
                                    &packed,
                                    0,
                                    panels,
                                    Columns::Packed(&packed_cols),
                                    cols,
                                    b,
                                    c,
                                    cols,
                                    epilogue,
                                )
                            };
                            out
                        };
                        let (last, inside) = (product(n), product(wide));
                        for o in 0..rows {
                            for p in 0..n {
                                let (a, b) = (last[o * n + p], inside[o * wide + p]);
                                assert_eq!(
                                    a.to_bits(),
                                    b.to_bits(),
                                    "row {o} column {p} of {n}: {a} vs {b}"
                                );
                            }
                        }
                    }
                });
            }
        }
    }

    /// Columns read where they are (`Columns::Rows`, a 1x1 layer's input rows) give the bits
    /// that the same columns packed give: the same sums in the same order, in the tiles and in
    /// `tail`. Whole panels and a last 1 to 4 columns, `k` across several blocks, rows wider
    /// than the columns read (a block of a larger map), with a clamp. Read in place only where
    /// the AVX-512 tiles run, which the test checks it met where the CPU has them.
    #[test]
    fn columns_read_in_place_match_the_packed_ones_bit_for_bit() {
        let mut read_in_place = false;
        for (rows, k, n, ld) in [
            (50, 700, 49usize, 49usize),
            (64, 384, 196, 196),
            (13, 40, 20, 25),
            (100, 33, 3, 3),
            (7, 9, 1, 4),
            (61, 321, 32, 40),
            (24, 16, 66, 70),
        ] {
            let w = values(rows * k, 7);
            let packed = PackedWeights::new(&w, 1, rows, k);
            let src = values((k - 1) * ld + n, 8);
            let bases: Vec<usize> = (0..k).map(|r| r * ld).collect();
            let from = Gather {
                src: &src,
                bases: &bases,
                ow: n,
                row_stride: n,
            };
            let bias = values(rows, 9);
            let clamp = Some(Epilogue::Clamp(Clamp {
                min: -0.5,
                max: 1.0,
            }));
            for path in Path::runnable() {
                path.run(|| {
                    let kernel = kernel();
                    assert_eq!(
                        Columns::readable(kernel, n),
                        kernel.wide.is_some() && n % NR <= TAIL_MAX
                    );
                    if !Columns::readable(kernel, n) {
                        return;
                    }
                    read_in_place = true;
                    let mut packed_cols = Vec::new();
                    pack_columns(from, 0, n, &mut packed_cols, Split::Serial);
                    for epilogue in [None, clamp] {
                        let product = |b: Columns| {
                            let mut out = vec![f32::NAN; rows * n];
                            let c = Shared(out.as_mut_ptr());
                            let panels = 0..rows.div_ceil(MR);
                            let bias = Some(&bias[..]);
                            // SAFETY: `out` holds rows x n values, only this call writes them.
                            unsafe {
                                multiply(kernel, &packed, 0, panels, b, n, bias, c, n, epilogue)
                            };
                            out
                        };
                        let in_place = product(Columns::Rows { src: &src, ld });
                        let copied = product(Columns::Packed(&packed_cols));
                        for (i, (a, b)) in in_place.iter().zip(&copied).enumerate() {
                            assert_eq!(a.to_bits(), b.to_bits(), "{rows}x{k}x{n}, value {i}");
                        }
                    }
                });
            }
        }
        let wide = Path::runnable()
            .iter()
            .any(|p| p.run(|| kernel().wide.is_some()));
        assert_eq!(
            read_in_place, wide,
            "read in place wherever the AVX-512 tiles run"
        );
    }

    #[test]
    fn panel_ranges_cover_every_panel_in_even_ranges_largest_first() {
        for threads in 1..=4 {
            for panels in 1..200 {
                let ranges = panel_ranges(panels, threads);
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges.last().unwrap().end, panels);
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                    assert_eq!(pair[0].len() % 2, 0, "{panels} panels: {ranges:?}");
                    assert!(pair[0].len() >= pair[1].len(), "{ranges:?}");
                }
                // At least one range per thread where there are panels enough.
                assert!(
                    ranges.len() >= threads.min(panels.div_ceil(2)),
                    "{ranges:?}"
                );
            }
        }
    }
}
