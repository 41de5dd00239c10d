//! Winograd's two transforms on a panel of `NR` tiles at once, one lane per tile: the input's
//! `B^T d B` written in the packed product's column-panel order, and the output's `A^T M A`
//! plus the bias, stored pixel by pixel or (AVX-512) a row of neighbouring tiles at a time.
//! Each compiled for AVX-512, AVX2 and neither (`isa::Path`), the same arithmetic on each.

use super::super::isa::Isa;
use super::super::shared::{Clamp, Shared};
use super::super::tile::NR;
use super::grid::{Grid, XI};
use std::ops::Range;

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
/// last tile repeated past `n`, as `columns::pack_columns` does); only the channels in `chs`
/// (of `c`), so that threads can share a block's channels.
///
/// # Safety
/// `v` holds `XI * len` values; those of the channels in `chs` are this call's alone.
pub(super) unsafe fn transform_input(
    padded: &[f32],
    grid: Grid,
    (c, chs): (usize, Range<usize>),
    t0: usize,
    n: usize,
    v: Shared,
) {
    #[cfg(target_arch = "x86_64")]
    {
        let isa = Isa::available();
        // SAFETY (both): the CPU has the instruction sets (`Isa::available`); the rest as
        // promised by the caller.
        if isa.contains(&Isa::Avx512) {
            return unsafe { transform_input_avx512(padded, grid, (c, chs), t0, n, v) };
        }
        if isa.contains(&Isa::Avx2) {
            return unsafe { transform_input_avx2(padded, grid, (c, chs), t0, n, v) };
        }
    }
    // SAFETY: as promised by the caller.
    unsafe { transform_input_lanes(padded, grid, (c, chs), t0, n, v, gather) }
}

/// Lane `l` of a panel: `src[at[l] + off]`, one load per lane.
#[inline(always)]
fn gather(src: &[f32], at: &[usize; NR], _: &Runs, off: usize) -> Lanes {
    std::array::from_fn(|l| src[at[l] + off])
}

/// A panel's lanes in runs of neighbouring tiles of one row (whose patch values are
/// neighbours in the planes): a mask of the run's lanes and where lane 0 would read, so that
/// lane `l` of the run reads `start + l`; `count` of them.
struct Runs {
    runs: [(u16, isize); NR],
    count: usize,
}

impl Runs {
    fn new(at: &[usize; NR]) -> Runs {
        let mut runs = Runs {
            runs: [(0, 0); NR],
            count: 0,
        };
        let mut l0 = 0;
        for l in 1..=NR {
            if l == NR || at[l] != at[l - 1] + 1 {
                let mask = ((1u32 << l) - (1u32 << l0)) as u16;
                runs.runs[runs.count] = (mask, at[l0] as isize - l0 as isize);
                runs.count += 1;
                l0 = l;
            }
        }
        runs
    }
}

/// [`transform_input`] compiled for AVX-512, a panel's lanes read by one masked load per run
/// of neighbouring tiles (one or two for a map of 14 tiles a row).
///
/// # Safety
/// The CPU has AVX-512F; `v` as for [`transform_input`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn transform_input_avx512(
    p: &[f32],
    g: Grid,
    c: (usize, Range<usize>),
    t0: usize,
    n: usize,
    v: Shared,
) {
    use std::arch::x86_64::*;
    let masked = |src: &[f32], _: &[usize; NR], runs: &Runs, off: usize| -> Lanes {
        // SAFETY: every lane's at[l] + off is inside `src` (`transform_input_lanes` asserts
        // it before each call); lane l of a run reads start + l + off = at[l] + off, and the
        // lanes outside a run's mask are not read (a masked load does not touch them).
        unsafe {
            let mut x = _mm512_setzero_ps();
            for &(mask, start) in &runs.runs[..runs.count] {
                let at = src.as_ptr().wrapping_offset(start + off as isize);
                x = _mm512_mask_loadu_ps(x, mask, at);
            }
            let mut lanes = [0.0f32; NR];
            _mm512_storeu_ps(lanes.as_mut_ptr(), x);
            lanes
        }
    };
    // SAFETY: as promised by the caller.
    unsafe { transform_input_lanes(p, g, c, t0, n, v, masked) }
}

/// [`transform_input`] compiled for AVX2.
///
/// # Safety
/// The CPU has AVX2 and FMA; `v` as for [`transform_input`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn transform_input_avx2(
    p: &[f32],
    g: Grid,
    c: (usize, Range<usize>),
    t0: usize,
    n: usize,
    v: Shared,
) {
    // SAFETY: as promised by the caller.
    unsafe { transform_input_lanes(p, g, c, t0, n, v, gather) }
}

/// [`transform_input`], a panel's patch values read by `load` (`load(src, at, runs, off)`:
/// lane `l` is `src[at[l] + off]`, which is inside `src`: asserted here before each call).
///
/// # Safety
/// As [`transform_input`].
#[inline(always)]
unsafe fn transform_input_lanes(
    padded: &[f32],
    grid: Grid,
    (c, chs): (usize, Range<usize>),
    t0: usize,
    n: usize,
    v: Shared,
    load: impl Fn(&[f32], &[usize; NR], &Runs, usize) -> Lanes,
) {
    let panels = n.div_ceil(NR);
    let len = panels * c * NR;
    let size = grid.channel();
    assert!(padded.len() >= c * size && chs.end <= c && n > 0);
    let offsets: [usize; XI] = std::array::from_fn(|xi| grid.offset(xi / 6, xi % 6));
    for j in 0..panels {
        let mut at = [0usize; NR];
        for (l, a) in at.iter_mut().enumerate() {
            *a = grid.tile(t0 + (j * NR + l).min(n - 1)).0;
        }
        let runs = Runs::new(&at);
        // Every tile's patch is inside its channel's planes (what `load` relies on).
        let reach = offsets.iter().max().copied().unwrap_or(0);
        assert!(at.iter().all(|&a| a + reach < size));
        for ch in chs.clone() {
            let src = &padded[ch * size..(ch + 1) * size];
            let d: [Lanes; XI] = std::array::from_fn(|xi| load(src, &at, &runs, offsets[xi]));
            // Columns: rows of B^T d, then rows again: (B^T d) B = B^T (B^T d)^T transposed.
            let mut cols = [[[0.0f32; NR]; 6]; 6];
            for (jj, col) in cols.iter_mut().enumerate() {
                *col = bt(std::array::from_fn(|i| &d[i * 6 + jj]));
            }
            let base = (j * c + ch) * NR;
            let rows = (0..6).map(|i| bt(std::array::from_fn(|jj| &cols[jj][i])));
            for (i, row) in rows.enumerate() {
                for (s, lanes) in row.iter().enumerate() {
                    // SAFETY: (i * 6 + s) * len + base + NR <= XI * len (ch < c, j < panels),
                    // channel ch's values: this call's (the caller's promise).
                    unsafe {
                        let at = v.get().add((i * 6 + s) * len + base);
                        std::ptr::copy_nonoverlapping(lanes.as_ptr(), at, NR);
                    }
                }
            }
        }
    }
}

/// The output pixels of tiles `t0 .. t0 + n` of the channels in `ocs` (of `o`) from their
/// products `m` (`m[xi * o * ld + oc * ld + p]`, `ld` = panels * NR): `A^T M A` plus the
/// bias, through `clamp`, the pixels past the map's right and bottom edges left out.
///
/// # Safety
/// `out` holds `o` channels of `oh * ow` values; the block's pixels of the channels in `ocs`
/// are this call's alone.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn transform_output(
    m: &[f32],
    grid: Grid,
    o: (usize, Range<usize>),
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
    unsafe { output_lanes(m, grid, o, (t0, n), bias, scatter(grid, clamp, out)) }
}

/// [`transform_output`] compiled for AVX-512: each output row of a run of neighbouring
/// tiles is four vectors of the tiles' 4 columns interleaved (12 shuffles), stored under a
/// mask of the pixels inside the map.
///
/// # Safety
/// As [`transform_output`], and the CPU has AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn output_avx512(
    m: &[f32],
    g: Grid,
    o: (usize, Range<usize>),
    tiles: (usize, usize),
    bias: Option<&[f32]>,
    clamp: Option<Clamp>,
    out: Shared,
) {
    use std::arch::x86_64::*;
    let plane = g.oh * g.ow;
    let ones = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    let bounds = clamp.map(|c| (_mm512_set1_ps(c.min), _mm512_set1_ps(c.max)));
    let store = |y: &[[Lanes; 4]; 4], oc: usize, t: usize, valid: usize, runs: &Runs| {
        for (k, row) in y.iter().enumerate() {
            // SAFETY: each of the row's lanes is 16 values.
            let mut v: [__m512; 4] = row.map(|lanes| unsafe { _mm512_loadu_ps(lanes.as_ptr()) });
            if let Some((lo, hi)) = bounds {
                v = v.map(|x| _mm512_min_ps(_mm512_max_ps(x, lo), hi));
            }
            // Element e of vector q: column e % 4 of the tile of lane 4 q + e / 4.
            let (a, b) = (
                _mm512_unpacklo_ps(v[0], v[1]),
                _mm512_unpackhi_ps(v[0], v[1]),
            );
            let (c, d) = (
                _mm512_unpacklo_ps(v[2], v[3]),
                _mm512_unpackhi_ps(v[2], v[3]),
            );
            let pd = _mm512_castps_pd;
            let e0 = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(a), pd(c)));
            let e1 = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(a), pd(c)));
            let e2 = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(b), pd(d)));
            let e3 = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(b), pd(d)));
            let f0 = _mm512_shuffle_f32x4::<0b01_00_01_00>(e0, e1);
            let f1 = _mm512_shuffle_f32x4::<0b01_00_01_00>(e2, e3);
            let f2 = _mm512_shuffle_f32x4::<0b11_10_11_10>(e0, e1);
            let f3 = _mm512_shuffle_f32x4::<0b11_10_11_10>(e2, e3);
            let q = [
                _mm512_shuffle_f32x4::<0b10_00_10_00>(f0, f1),
                _mm512_shuffle_f32x4::<0b11_01_11_01>(f0, f1),
                _mm512_shuffle_f32x4::<0b10_00_10_00>(f2, f3),
                _mm512_shuffle_f32x4::<0b11_01_11_01>(f2, f3),
            ];
            for &(mask, _) in &runs.runs[..runs.count] {
                let l0 = mask.trailing_zeros() as usize;
                if l0 >= valid {
                    break;
                }
                let l1 = (l0 + mask.count_ones() as usize).min(valid);
                let (_, (y0, x0)) = g.tile(t + l0);
                if y0 + k >= g.oh {
                    continue;
                }
                // Element 4 l0 + e of the row is pixel x0 + e: those of the run's lanes
                // left of the map's right edge.
                let bits = ones((4 * l1).min(4 * l0 + g.ow - x0)) & !ones(4 * l0);
                let at = (oc * plane + (y0 + k) * g.ow + x0).wrapping_sub(4 * l0);
                for (qi, &x) in q.iter().enumerate() {
                    let m16 = (bits >> (16 * qi)) as u16;
                    if m16 != 0 {
                        // SAFETY: the masked elements are pixels (y0 + k, x0 + e) of tiles
                        // of this block inside the map: channel oc's, this call's alone.
                        unsafe {
                            let p = out.get().wrapping_add(at + 16 * qi);
                            _mm512_mask_storeu_ps(p, m16, x);
                        }
                    }
                }
            }
        }
    };
    // SAFETY: as promised by the caller.
    unsafe { output_lanes(m, g, o, tiles, bias, store) }
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
    o: (usize, Range<usize>),
    tiles: (usize, usize),
    bias: Option<&[f32]>,
    clamp: Option<Clamp>,
    out: Shared,
) {
    // SAFETY: as promised by the caller.
    unsafe { output_lanes(m, g, o, tiles, bias, scatter(g, clamp, out)) }
}

/// Writes a panel's output pixels one at a time, through `clamp` (`store` of
/// [`output_lanes`]).
#[inline(always)]
fn scatter(
    grid: Grid,
    clamp: Option<Clamp>,
    out: Shared,
) -> impl Fn(&[[Lanes; 4]; 4], usize, usize, usize, &Runs) {
    let plane = grid.oh * grid.ow;
    move |y: &[[Lanes; 4]; 4], oc: usize, t: usize, valid: usize, _: &Runs| {
        for l in 0..valid {
            let (_, (y0, x0)) = grid.tile(t + l);
            for (k, row) in y.iter().enumerate().take(grid.oh - y0) {
                let line = oc * plane + (y0 + k) * grid.ow + x0;
                for (k2, lanes) in row.iter().enumerate().take(grid.ow - x0) {
                    let v = clamp.map_or(lanes[l], |c| c.apply(lanes[l]));
                    // SAFETY: pixel (y0 + k, x0 + k2) is inside the map and, as the caller
                    // of `output_lanes` promised, this call's alone.
                    unsafe { *out.get().add(line + k2) = v };
                }
            }
        }
    }
}

/// [`transform_output`] with each panel's pixels written by `store(y, oc, t, valid, runs)`
/// (`y[k][k2]`: pixel (k, k2) of the panel's tiles `t ..`, the first `valid` of them, in
/// `runs` of neighbours; bias added, not clamped).
///
/// # Safety
/// As [`transform_output`], for what `store` writes.
#[inline(always)]
unsafe fn output_lanes(
    m: &[f32],
    grid: Grid,
    (o, ocs): (usize, Range<usize>),
    (t0, n): (usize, usize),
    bias: Option<&[f32]>,
    store: impl Fn(&[[Lanes; 4]; 4], usize, usize, usize, &Runs),
) {
    let panels = n.div_ceil(NR);
    let ld = panels * NR;
    let len = o * ld;
    assert!(m.len() >= XI * len && bias.is_none_or(|b| b.len() >= o) && ocs.end <= o);
    for j in 0..panels {
        let t = t0 + j * NR;
        let valid = NR.min(n - j * NR);
        let bases: [usize; NR] = std::array::from_fn(|l| grid.tile(t + l.min(valid - 1)).0);
        let runs = Runs::new(&bases);
        for oc in ocs.clone() {
            let b = bias.map_or(0.0, |b| b[oc]);
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
            store(&y, oc, t, valid, &runs);
        }
    }
}
