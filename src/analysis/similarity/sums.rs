//! The three sums a cosine similarity needs (dot product and both squared norms) over pairs of
//! rows, with the widest vector instructions the CPU has.
//!
//! Every path adds the same values into the same lanes in the same order: value `k` of a row
//! goes into f32 lane `k % LANES`, and the lanes are added into f64 totals once at least
//! [`FLUSH_EVERY`] values have gone in since the last time. So the AVX2 and AVX-512 paths give
//! the same numbers, bit for bit; the portable one differs from them only in rounding each
//! multiply-add twice. A row's last few values are loaded with a mask into their own lanes, so
//! that short rows (a 7x7 map's, an overlap's) cost one masked step, not a loop of scalars.

use crate::engine::kernels::isa::Path;

/// Independent running sums: value `k` of a row goes into lane `k % LANES`.
const LANES: usize = 32;
/// Values added in f32 before the lanes are added into the f64 totals: about 32 per lane.
const FLUSH_EVERY: usize = 1024;
const _: () = assert!(FLUSH_EVERY.is_multiple_of(LANES));

/// The sums, in f64.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Sums {
    pub(super) dot: f64,
    pub(super) aa: f64,
    pub(super) bb: f64,
}

/// Where one side's rows are in its values: row `y` of channel `c` starts at
/// `start + c * channel_step + y * row_step`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Side<'a> {
    pub(super) values: &'a [f32],
    pub(super) start: usize,
    pub(super) channel_step: usize,
    pub(super) row_step: usize,
}

/// Equally long rows of two sides to sum over, pair by pair: `channels` times `rows` rows of
/// `len` values each.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rows<'a> {
    a: Side<'a>,
    b: Side<'a>,
    channels: usize,
    rows: usize,
    len: usize,
}

impl<'a> Rows<'a> {
    /// The rows, after checking that every one lies inside its side's values.
    pub(super) fn new(
        a: Side<'a>,
        b: Side<'a>,
        (channels, rows, len): (usize, usize, usize),
    ) -> Rows<'a> {
        if channels > 0 && rows > 0 && len > 0 {
            for side in [a, b] {
                let last = side.start + (channels - 1) * side.channel_step;
                let end = last + (rows - 1) * side.row_step + len;
                assert!(
                    end <= side.values.len(),
                    "rows end at {end} of {}",
                    side.values.len()
                );
            }
        }
        Rows {
            a,
            b,
            channels,
            rows,
            len,
        }
    }

    /// Two lists as one row, the longer cut to the shorter's length.
    pub(super) fn lists(a: &'a [f32], b: &'a [f32]) -> Rows<'a> {
        let side = |values| Side {
            values,
            start: 0,
            channel_step: 0,
            row_step: 0,
        };
        Rows::new(side(a), side(b), (1, 1, a.len().min(b.len())))
    }

    /// Each pair of rows in pieces of at most [`FLUSH_EVERY`] values (a whole number of
    /// `LANES`, so that value `k` of a piece is value `k` of its row modulo `LANES`), as
    /// pointers to the two pieces and their length.
    #[inline(always)]
    fn each_piece(&self, mut piece: impl FnMut(*const f32, *const f32, usize)) {
        let (a, b) = (self.a.values.as_ptr(), self.b.values.as_ptr());
        for c in 0..self.channels {
            for y in 0..self.rows {
                let row = |side: &Side| side.start + c * side.channel_step + y * side.row_step;
                let (ra, rb) = (row(&self.a), row(&self.b));
                let mut done = 0;
                while done < self.len {
                    let n = (self.len - done).min(FLUSH_EVERY);
                    // SAFETY: `new` checked that every row lies inside its values.
                    piece(unsafe { a.add(ra + done) }, unsafe { b.add(rb + done) }, n);
                    done += n;
                }
            }
        }
    }
}

impl Sums {
    /// The sums over the rows, within 1e-6 of an all-f64 sum.
    pub(super) fn over(rows: &Rows) -> Sums {
        Sums::over_on(Path::current(), rows)
    }

    /// [`Sums::over`] on one path, which this CPU must be able to run.
    fn over_on(path: Path, rows: &Rows) -> Sums {
        match path {
            // SAFETY: `Path::current` and `Path::runnable` give only paths this CPU runs.
            #[cfg(target_arch = "x86_64")]
            Path::Avx512 => unsafe { x86::avx512(rows) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            Path::Avx2 => unsafe { x86::avx2(rows) },
            _ => portable(rows),
        }
    }

    /// 1 = same direction. Two all-zero lists are identical (1); one all-zero list against
    /// another is 0.
    pub(super) fn cosine(self) -> f32 {
        let Sums { dot, aa, bb } = self;
        if aa == 0.0 && bb == 0.0 {
            1.0
        } else if aa == 0.0 || bb == 0.0 {
            0.0
        } else {
            (dot / (aa.sqrt() * bb.sqrt())) as f32
        }
    }
}

/// The f32 lanes of the three sums as a kernel hands them over: dot, aa, bb.
type Lanes = [[f32; LANES]; 3];

/// The f64 totals of every lane, and when to add the f32 lanes into them.
#[derive(Default)]
struct Totals {
    lanes: [[f64; LANES]; 3],
    /// Values gone into the f32 lanes since they were last added in.
    pending: usize,
}

impl Totals {
    /// Counts `n` more values into the f32 lanes; true when it is time to add them in.
    fn counted(&mut self, n: usize) -> bool {
        self.pending += n;
        self.pending >= FLUSH_EVERY
    }

    /// Adds the f32 lanes in, lane by lane.
    fn add(&mut self, lanes: &Lanes) {
        for (total, lane) in self.lanes.iter_mut().zip(lanes) {
            for (t, &l) in total.iter_mut().zip(lane) {
                *t += l as f64;
            }
        }
        self.pending = 0;
    }

    /// The sums: each total's lanes added in lane order.
    fn sums(&self) -> Sums {
        let [dot, aa, bb] = self.lanes.map(|lanes| lanes.iter().sum::<f64>());
        Sums { dot, aa, bb }
    }
}

/// The loops without intrinsics.
fn portable(rows: &Rows) -> Sums {
    let mut totals = Totals::default();
    let mut lanes: Lanes = [[0.0; LANES]; 3];
    rows.each_piece(|pa, pb, n| {
        // SAFETY: `each_piece` gives pieces inside the rows' values.
        let (a, b) = unsafe {
            (
                std::slice::from_raw_parts(pa, n),
                std::slice::from_raw_parts(pb, n),
            )
        };
        let [d, aa, bb] = &mut lanes;
        for (k, (&x, &y)) in a.iter().zip(b).enumerate() {
            let i = k % LANES;
            d[i] += x * y;
            aa[i] += x * x;
            bb[i] += y * y;
        }
        if totals.counted(n) {
            totals.add(&lanes);
            lanes = [[0.0; LANES]; 3];
        }
    });
    totals.add(&lanes);
    totals.sums()
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{LANES, Lanes, Rows, Sums, Totals};
    use crate::engine::kernels::masked::*;
    use std::arch::x86_64::*;

    /// The sums over the rows for one instruction set: its features, lanes per vector and
    /// intrinsics. Both add the same values into the same lanes in the same order.
    macro_rules! sums_kernel {
        ($name:ident, $features:literal, $lanes:literal, $vector:ty, $zero:ident, $load:ident,
         $fma:ident, $store:ident, $mask:ident, $load_masked:ident) => {
            /// # Safety
            /// The CPU has the features.
            #[target_feature(enable = $features)]
            pub(super) unsafe fn $name(rows: &Rows) -> Sums {
                /// Vectors in [`LANES`].
                const VECTORS: usize = LANES / $lanes;
                let mut totals = Totals::default();
                let zero = $zero();
                let mut sums = [[zero; VECTORS]; 3];
                let multiply_add = |sums: &mut [[$vector; VECTORS]; 3], v, x, y| {
                    sums[0][v] = $fma(x, y, sums[0][v]);
                    sums[1][v] = $fma(x, x, sums[1][v]);
                    sums[2][v] = $fma(y, y, sums[2][v]);
                };
                let lanes_of = |sums: &[[$vector; VECTORS]; 3]| {
                    let mut lanes: Lanes = [[0.0; LANES]; 3];
                    for (lane, vectors) in lanes.iter_mut().zip(sums) {
                        for (v, &vector) in vectors.iter().enumerate() {
                            // SAFETY: `$lanes` lanes from `$lanes * v`, inside LANES.
                            unsafe { $store(lane.as_mut_ptr().add($lanes * v), vector) };
                        }
                    }
                    lanes
                };
                rows.each_piece(|pa, pb, n| {
                    let mut k = 0;
                    while k + LANES <= n {
                        for v in 0..VECTORS {
                            let at = k + $lanes * v;
                            // SAFETY: k + LANES <= n values of each piece.
                            let (x, y) = unsafe { ($load(pa.add(at)), $load(pb.add(at))) };
                            multiply_add(&mut sums, v, x, y);
                        }
                        k += LANES;
                    }
                    for v in 0..VECTORS {
                        let left = (n - k).saturating_sub($lanes * v).min($lanes);
                        if left == 0 {
                            break;
                        }
                        let (at, mask) = (k + $lanes * v, $mask(left));
                        // SAFETY: only the first `left` lanes are read, all inside the pieces.
                        let (x, y) = unsafe {
                            (
                                $load_masked(pa.add(at), mask),
                                $load_masked(pb.add(at), mask),
                            )
                        };
                        multiply_add(&mut sums, v, x, y);
                    }
                    if totals.counted(n) {
                        totals.add(&lanes_of(&sums));
                        sums = [[zero; VECTORS]; 3];
                    }
                });
                totals.add(&lanes_of(&sums));
                totals.sums()
            }
        };
    }

    sums_kernel!(
        avx512,
        "avx512f,avx2,fma",
        16,
        __m512,
        _mm512_setzero_ps,
        _mm512_loadu_ps,
        _mm512_fmadd_ps,
        _mm512_storeu_ps,
        avx512_mask,
        avx512_load_masked
    );
    sums_kernel!(
        avx2,
        "avx2,fma",
        8,
        __m256,
        _mm256_setzero_ps,
        _mm256_loadu_ps,
        _mm256_fmadd_ps,
        _mm256_storeu_ps,
        first_lanes,
        avx2_load_masked
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(i: usize, m: usize) -> f32 {
        ((i * m % 101) as f32 - 50.0) / 7.0
    }

    /// The sums in f64, one value at a time, over rows given as index lists.
    fn f64_sums(a: &[f32], b: &[f32], pairs: impl Iterator<Item = (usize, usize)>) -> Sums {
        let mut sums = Sums::default();
        for (i, j) in pairs {
            let (x, y) = (a[i] as f64, b[j] as f64);
            sums.dot += x * y;
            sums.aa += x * x;
            sums.bb += y * y;
        }
        sums
    }

    /// `rows` on every path this CPU runs: each within 1e-6 of the f64 sums, and the vector
    /// paths the same bit for bit.
    fn check_every_path(rows: &Rows, want: Sums) {
        let mut vector_paths = Vec::new();
        for path in Path::runnable() {
            let got = Sums::over_on(path, rows);
            for (g, w) in [(got.dot, want.dot), (got.aa, want.aa), (got.bb, want.bb)] {
                assert!((g - w).abs() <= 1e-6 * w.abs(), "{path:?}: {g} vs {w}");
            }
            if path != Path::Portable {
                vector_paths.push((path, got));
            }
        }
        for pair in vector_paths.windows(2) {
            assert_eq!(pair[0].1, pair[1].1, "{:?} and {:?}", pair[0].0, pair[1].0);
        }
    }

    /// Lists of every length from 0 to 70 (no, one, two whole blocks of lanes, and every
    /// tail), and one longer than two flushes.
    #[test]
    fn lists_of_every_length_on_every_path() {
        for n in (0..=70).chain([2 * FLUSH_EVERY + 13]) {
            let a: Vec<f32> = (0..n).map(|i| value(i + n, 37)).collect();
            let b: Vec<f32> = (0..n).map(|i| a[i] + value(i, 53) / 3.0).collect();
            check_every_path(
                &Rows::lists(&a, &b),
                f64_sums(&a, &b, (0..n).map(|i| (i, i))),
            );
        }
    }

    /// Windows of two 3 x 9 x 40 tensors at different places, rows of 37 values.
    #[test]
    fn windows_of_rows_on_every_path() {
        let a: Vec<f32> = (0..3 * 9 * 40).map(|i| value(i, 37)).collect();
        let b: Vec<f32> = (0..3 * 9 * 40).map(|i| value(i, 53)).collect();
        let side = |values, start| Side {
            values,
            start,
            channel_step: 360,
            row_step: 40,
        };
        let rows = Rows::new(side(&a, 2 * 40 + 3), side(&b, 1), (3, 7, 37));
        let pairs = (0..3).flat_map(|c| {
            (0..7).flat_map(move |y| {
                (0..37).map(move |x| (c * 360 + (y + 2) * 40 + x + 3, c * 360 + y * 40 + x + 1))
            })
        });
        check_every_path(&rows, f64_sums(&a, &b, pairs));
    }

    #[test]
    fn a_longer_list_is_cut_to_the_shorter() {
        for path in Path::runnable() {
            let cut = Sums::over_on(path, &Rows::lists(&[1.0, 2.0, 3.0], &[4.0, 5.0]));
            assert_eq!(
                cut,
                Sums {
                    dot: 14.0,
                    aa: 5.0,
                    bb: 41.0
                },
                "{path:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "rows end at")]
    fn rows_outside_the_values_are_refused() {
        let a = [0.0; 10];
        let side = Side {
            values: &a,
            start: 0,
            channel_step: 0,
            row_step: 5,
        };
        Rows::new(side, side, (1, 2, 6));
    }
}
