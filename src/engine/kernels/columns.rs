//! The product's right operand gathered into its panels: columns (output pixels) straight
//! from the (padded, phase-split) input, [`NR`] at a time, each row (a channel and tap) of a
//! panel one copy of `NR` neighbouring values where they are one run, AVX2 gathers where they
//! cross an output row. im2col and the product's packing are one copy; where the product is
//! shared by panels of weights, so is the gathering, by rows.

use super::crew::Split;
use super::shared::Shared;
use super::tile::NR;

/// Where the product's right operand is read: row `r` (a channel and tap) of column `p` (an
/// output pixel) is `src[bases[r] + (p / ow) * row_stride + p % ow]`.
#[derive(Clone, Copy)]
pub(crate) struct Gather<'a> {
    pub src: &'a [f32],
    pub bases: &'a [usize],
    pub ow: usize,
    pub row_stride: usize,
}

impl Gather<'_> {
    fn at(&self, p: usize) -> usize {
        (p / self.ow) * self.row_stride + p % self.ow
    }
}

/// Columns `p0 .. p0 + n` of `from`, in panels of [`NR`] (`dst[(j * k + r) * NR + l]` is
/// row `r` of column `p0 + j * NR + l`; the last panel repeats its last column), the rows
/// shared out by `split` (the same values whoever copies them). A product split by panels of
/// weights multiplies one gathering of columns on every thread; while one thread gathered
/// them, the other waited (ResNet-18's 512-channel 3x3 layers at two threads: 1441-1466 us,
/// 1312-1373 with the gathering shared).
pub(crate) fn pack_columns(from: Gather, p0: usize, n: usize, dst: &mut Vec<f32>, split: Split) {
    let k = from.bases.len();
    let panels = n.div_ceil(NR);
    // Every value is written below: only what the buffer grows by is filled first (a `clear`
    // before the `resize` would zero the whole block on every call).
    dst.resize(panels * k * NR, 0.0);
    if n == 0 || k == 0 {
        return;
    }
    // Every read is below the last column's reach from the largest base.
    let reach = from.bases.iter().max().copied().unwrap_or(0) + from.at(p0 + n - 1);
    assert!(reach < from.src.len(), "columns inside the source");
    let out = Shared(dst.as_mut_ptr());
    let per = k.div_ceil(4 * split.threads());
    if split.splits() && per < k {
        split.for_each(k.div_ceil(per), |t| {
            let rows = t * per..((t + 1) * per).min(k);
            // SAFETY: `dst` holds panels * k * NR values; task t writes only its rows of each
            // panel, and reads inside `reach` (asserted).
            unsafe { pack_rows(&from, p0, n, rows, out, reach) }
        });
    } else {
        // SAFETY: as above, with every row.
        unsafe { pack_rows(&from, p0, n, 0..k, out, reach) }
    }
}

/// Rows `rows` of every panel of [`pack_columns`]'s columns into `dst`.
///
/// # Safety
/// `dst` holds `n.div_ceil(NR) * k * NR` values of which these rows are this call's alone;
/// `reach` is the largest index read, below `from.src.len()`.
unsafe fn pack_rows(
    from: &Gather,
    p0: usize,
    n: usize,
    rows: std::ops::Range<usize>,
    dst: Shared,
    reach: usize,
) {
    let k = from.bases.len();
    let bases = &from.bases[rows.clone()];
    #[cfg(target_arch = "x86_64")]
    let avx2 = super::isa::Isa::available().contains(&super::isa::Isa::Avx2);
    let src = from.src.as_ptr();
    for j in 0..n.div_ceil(NR) {
        // SAFETY: panel j's rows `rows` are this call's (the caller's promise).
        let panel = unsafe {
            std::slice::from_raw_parts_mut(
                dst.get().add((j * k + rows.start) * NR),
                bases.len() * NR,
            )
        };
        // A whole panel inside one output row (or in rows that follow each other in memory,
        // a 1x1 convolution's) reads one run of NR values per row of `from`: found with one
        // division, not one per column (16 per panel were a third of the packing's time).
        let first = p0 + j * NR;
        let (row, col) = (first / from.ow, first % from.ow);
        let whole = j * NR + NR <= n && (col + NR <= from.ow || from.row_stride == from.ow);
        if whole {
            let start = row * from.row_stride + col;
            for (&base, d) in bases.iter().zip(panel.chunks_exact_mut(NR)) {
                // SAFETY: base + start + NR - 1 = base + from.at(first + NR - 1) <= reach.
                unsafe { std::ptr::copy_nonoverlapping(src.add(base + start), d.as_mut_ptr(), NR) }
            }
            continue;
        }
        let mut at = [0usize; NR];
        for (l, a) in at.iter_mut().enumerate() {
            *a = from.at(p0 + (j * NR + l).min(n - 1));
        }
        let contiguous = at.iter().enumerate().all(|(l, &a)| a == at[0] + l);
        if contiguous {
            for (&base, d) in bases.iter().zip(panel.chunks_exact_mut(NR)) {
                // SAFETY: base + at[0] + NR - 1 = base + at[NR - 1] <= reach < src.len().
                unsafe { std::ptr::copy_nonoverlapping(src.add(base + at[0]), d.as_mut_ptr(), NR) }
            }
            continue;
        }
        #[cfg(target_arch = "x86_64")]
        if avx2 && reach < i32::MAX as usize {
            // SAFETY: the CPU has AVX2; every base + at[l] <= reach < src.len().
            unsafe { gather_panel(from.src, bases, &at, panel) };
            continue;
        }
        for (&base, d) in bases.iter().zip(panel.chunks_exact_mut(NR)) {
            for (d, &a) in d.iter_mut().zip(&at) {
                *d = from.src[base + a];
            }
        }
    }
}

/// One panel's rows by AVX2 gathers (columns that cross an output row).
///
/// # Safety
/// The CPU has AVX2; `base + at[l]` is inside `src` for every base and lane, and below 2^31.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gather_panel(src: &[f32], bases: &[usize], at: &[usize; NR], panel: &mut [f32]) {
    use std::arch::x86_64::*;
    let lane = |l: usize| at[l] as i32;
    let lo = _mm256_setr_epi32(
        lane(0),
        lane(1),
        lane(2),
        lane(3),
        lane(4),
        lane(5),
        lane(6),
        lane(7),
    );
    let hi = _mm256_setr_epi32(
        lane(8),
        lane(9),
        lane(10),
        lane(11),
        lane(12),
        lane(13),
        lane(14),
        lane(15),
    );
    for (&base, d) in bases.iter().zip(panel.chunks_exact_mut(NR)) {
        // SAFETY: as promised by the caller; `d` holds NR values.
        unsafe {
            let p = src.as_ptr().add(base);
            _mm256_storeu_ps(d.as_mut_ptr(), _mm256_i32gather_ps::<4>(p, lo));
            _mm256_storeu_ps(d.as_mut_ptr().add(8), _mm256_i32gather_ps::<4>(p, hi));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kernels::crew;

    /// Rows shared out by the crew, or by rayon, give the panels that one thread gives:
    /// panels inside an output row, crossing one (gathers), and a last partial one.
    #[test]
    fn columns_gathered_by_two_threads_are_those_of_one() {
        let (h, w) = (9, 13);
        let src: Vec<f32> = (0..5 * h * w).map(|i| i as f32 * 0.5 - 7.0).collect();
        // Five channels by four taps (a 2x2 window), output 8 x 12.
        let (oh, ow) = (8, 12);
        let bases: Vec<usize> = (0..20)
            .map(|r| (r / 4) * h * w + (r % 4 / 2) * w + r % 2)
            .collect();
        let from = Gather {
            src: &src,
            bases: &bases,
            ow,
            row_stride: w,
        };
        let two = crate::engine::kernels::tests::thread_pool(2);
        for (p0, n) in [(0, oh * ow), (5, 40), (12, 16), (3, 1)] {
            let mut one = Vec::new();
            pack_columns(from, p0, n, &mut one, Split::Serial);
            let mut rayon = Vec::new();
            two.install(|| pack_columns(from, p0, n, &mut rayon, Split::any()));
            let mut crew_cols = Vec::new();
            two.install(|| crew::lone(|| pack_columns(from, p0, n, &mut crew_cols, Split::any())));
            assert_eq!(one, rayon, "{p0} + {n}");
            assert_eq!(one, crew_cols, "{p0} + {n}");
            // Row r of column p is src[bases[r] + at(p)], the last panel padded with its last.
            for (j, panel) in one.chunks_exact(bases.len() * NR).enumerate() {
                for (r, &base) in bases.iter().enumerate() {
                    for l in 0..NR {
                        let p = p0 + (j * NR + l).min(n - 1);
                        assert_eq!(panel[r * NR + l], src[base + from.at(p)]);
                    }
                }
            }
        }
    }
}
