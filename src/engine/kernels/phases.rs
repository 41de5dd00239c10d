//! A channel zero-padded and split into *phase planes*, so that a strided convolution reads
//! neighbouring values: at column stride `sw`, plane `p` holds the padded columns `p, p + sw,
//! p + 2 sw, ...` of every padded row. Output pixels `x, x + 1, ...` of one row at tap column
//! `kx` then read plane `(kx * dw) % sw` at columns `x + (kx * dw) / sw, ...`: one contiguous
//! run, for a vector load (depthwise) or a `memcpy` (im2col). At stride 1 there is one plane,
//! the padded channel itself; at stride 2 the even and odd columns are split with AVX2
//! shuffles where the CPU has them.

use crate::engine::window::Window;

/// The padded, phase-split shape of one channel for a convolution's window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Phases {
    /// Column stride: the number of planes.
    pub sw: usize,
    /// Top and left padding.
    pub pad: (usize, usize),
    /// Rows of each plane (the padded height).
    pub hp: usize,
    /// Columns of each plane (the padded width / `sw`, rounded up).
    pub wq: usize,
}

impl Phases {
    /// The planes for `window` on an `h` x `w` channel giving `out` = (oh, ow) pixels: tall
    /// and wide enough for every tap of every output pixel.
    pub(crate) fn new(window: &Window, (h, w): (usize, usize), (oh, ow): (usize, usize)) -> Phases {
        let (top, left) = window.padding;
        let (bottom, right) = window.pad_end();
        let (sh, sw) = (window.stride.0.max(1), window.stride.1.max(1));
        let (kh, kw) = window.kernel;
        let (dh, dw) = window.dilation;
        let reach =
            |n: usize, s: usize, k: usize, d: usize| (n.max(1) - 1) * s + (k.max(1) - 1) * d + 1;
        let hp = (h + top + bottom).max(reach(oh, sh, kh, dh));
        let wp = (w + left + right).max(reach(ow, sw, kw, dw));
        Phases {
            sw,
            pad: (top, left),
            hp,
            wq: wp.div_ceil(sw),
        }
    }

    /// Values of one plane.
    pub(crate) fn plane(&self) -> usize {
        self.hp * self.wq
    }

    /// Values of one channel's planes.
    pub(crate) fn channel(&self) -> usize {
        self.sw * self.plane()
    }

    /// Where tap (`ky`, `kx`) of output pixel (0, 0) reads, in a channel's planes, for
    /// dilation `(dh, dw)`; output pixel (y, x) reads `y * sh * wq + x` further on.
    pub(crate) fn offset(&self, (ky, kx): (usize, usize), (dh, dw): (usize, usize)) -> usize {
        let (phase, shift) = ((kx * dw) % self.sw, (kx * dw) / self.sw);
        phase * self.plane() + ky * dh * self.wq + shift
    }

    /// Writes every value of `dst` (`channel()` long): `src` (`h` x `w`, rows `row_stride`
    /// apart) padded with zeros and split. `row` is scratch.
    pub(crate) fn fill(
        &self,
        avx2: bool,
        src: &[f32],
        (h, w): (usize, usize),
        dst: &mut [f32],
        row: &mut Vec<f32>,
    ) {
        let (top, left) = self.pad;
        let (sw, wq, plane) = (self.sw, self.wq, self.plane());
        assert!(dst.len() == self.channel() && src.len() >= h * w);
        assert!(top + h <= self.hp && left + w <= sw * wq);
        for p in 0..sw {
            let planes = &mut dst[p * plane..(p + 1) * plane];
            planes[..top * wq].fill(0.0);
            planes[(top + h) * wq..].fill(0.0);
        }
        if h == 0 || w == 0 {
            for p in 0..sw {
                dst[p * plane + top * wq..p * plane + (top + h) * wq].fill(0.0);
            }
            return;
        }
        if sw == 1 {
            for (y, line) in src.chunks_exact(w).take(h).enumerate() {
                let r = &mut dst[(y + top) * wq..(y + top + 1) * wq];
                r[..left].fill(0.0);
                r[left..left + w].copy_from_slice(line);
                r[left + w..].fill(0.0);
            }
            return;
        }
        row.clear();
        row.resize(sw * wq, 0.0);
        for (y, line) in src.chunks_exact(w).take(h).enumerate() {
            row[left..left + w].copy_from_slice(line);
            let r = (y + top) * wq;
            if sw == 2 {
                let (even, odd) = dst.split_at_mut(plane);
                deinterleave(avx2, row, &mut even[r..r + wq], &mut odd[r..r + wq]);
            } else {
                for p in 0..sw {
                    let out = &mut dst[p * plane + r..p * plane + r + wq];
                    for (q, d) in out.iter_mut().enumerate() {
                        *d = row[q * sw + p];
                    }
                }
            }
        }
    }
}

/// `even[q] = row[2q]`, `odd[q] = row[2q + 1]` (`row` is twice as long as each half).
fn deinterleave(avx2: bool, row: &[f32], even: &mut [f32], odd: &mut [f32]) {
    assert!(row.len() >= 2 * even.len() && even.len() == odd.len());
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        // SAFETY: `avx2` says the CPU has AVX2; the lengths are checked above.
        done = unsafe { deinterleave_avx2(row, even, odd) };
    }
    let _ = avx2;
    for q in done..even.len() {
        even[q] = row[2 * q];
        odd[q] = row[2 * q + 1];
    }
}

/// The whole vectors of [`deinterleave`]; returns how many values of each half it wrote.
///
/// # Safety
/// The CPU has AVX2; `row.len() >= 2 * even.len()` and `even.len() == odd.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn deinterleave_avx2(row: &[f32], even: &mut [f32], odd: &mut [f32]) -> usize {
    use std::arch::x86_64::*;
    let n = even.len() / 8 * 8;
    for q in (0..n).step_by(8) {
        // SAFETY: q + 8 <= even.len() == odd.len(), and row holds 2 * even.len() values.
        unsafe {
            let a = _mm256_loadu_ps(row.as_ptr().add(2 * q));
            let b = _mm256_loadu_ps(row.as_ptr().add(2 * q + 8));
            // [a0 a2 b0 b2 | a4 a6 b4 b6] -> [a0 a2 a4 a6 | b0 b2 b4 b6]
            let e = _mm256_shuffle_ps::<0b10_00_10_00>(a, b);
            let o = _mm256_shuffle_ps::<0b11_01_11_01>(a, b);
            let e = _mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(e));
            let o = _mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(o));
            _mm256_storeu_ps(even.as_mut_ptr().add(q), _mm256_castpd_ps(e));
            _mm256_storeu_ps(odd.as_mut_ptr().add(q), _mm256_castpd_ps(o));
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kernels::isa::{Isa, Path};

    /// Every plane value is the padded input's at its column, with and without AVX2.
    #[test]
    fn planes_hold_the_padded_columns() {
        for (sw, (h, w), pads) in [
            (1, (3, 5), (1, 2, 0, 1)),
            (2, (4, 37), (1, 1, 1, 1)),
            (2, (3, 16), (0, 0, 0, 0)),
            (3, (3, 11), (2, 1, 0, 2)),
        ] {
            let window = Window {
                kernel: (3, 3),
                stride: (1, sw),
                padding: (pads.0, pads.1),
                padding_end: Some((pads.2, pads.3)),
                ..Window::default()
            };
            let out = window.output_size(h, w);
            let out = (out.0 as usize, out.1 as usize);
            let phases = Phases::new(&window, (h, w), out);
            let src: Vec<f32> = (0..h * w).map(|v| v as f32 + 1.0).collect();
            // The loop of each path this CPU runs (AVX2 or not).
            for path in Path::runnable() {
                let avx2 = path.run(|| Isa::available().contains(&Isa::Avx2));
                let mut dst = vec![f32::NAN; phases.channel()];
                phases.fill(avx2, &src, (h, w), &mut dst, &mut Vec::new());
                for r in 0..phases.hp {
                    for col in 0..sw * phases.wq {
                        let (p, q) = (col % sw, col / sw);
                        let got = dst[p * phases.plane() + r * phases.wq + q];
                        let (y, x) = (r as isize - pads.0 as isize, col as isize - pads.1 as isize);
                        let inside = (0..h as isize).contains(&y) && (0..w as isize).contains(&x);
                        let want = if inside {
                            src[y as usize * w + x as usize]
                        } else {
                            0.0
                        };
                        assert_eq!(got, want, "sw {sw} row {r} col {col}");
                    }
                }
            }
        }
    }
}
