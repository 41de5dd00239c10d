//! The kernel with pixels across the lanes, one channel at a time (`super`'s channels left
//! over and channel multipliers above 1): one channel's output rows from its phase planes.

mod geometry;

pub(super) use geometry::Geometry;

use super::super::isa::Isa;

/// One channel's output rows from its phase planes, with the widest vectors `isa` names.
pub(super) fn channel(
    isa: Option<Isa>,
    planes: &[f32],
    taps: &[f32],
    offsets: &[usize],
    bias: f32,
    dst: &mut [f32],
    g: Geometry,
) {
    let (oh, ow) = g.out;
    let wq = g.phases.wq;
    assert!(offsets.len() == taps.len() && dst.len() == oh * ow);
    // The furthest any tap reads, so the kernels below stay inside `planes`.
    let last = (oh - 1) * g.sh * wq + ow - 1 + offsets.iter().max().copied().unwrap_or(0);
    assert!(last < planes.len());
    #[cfg(target_arch = "x86_64")]
    match isa {
        // SAFETY: the CPU has AVX-512F, AVX2 and FMA (`Isa::available`); the assert above
        // bounds every read.
        Some(Isa::Avx512) => {
            return unsafe { simd::avx512_channel(planes, taps, offsets, bias, dst, g) };
        }
        // SAFETY: the CPU has AVX2 and FMA; as above.
        Some(Isa::Avx2) => {
            return unsafe { simd::avx2_channel(planes, taps, offsets, bias, dst, g) };
        }
        None => {}
    }
    let _ = isa;
    for y in 0..oh {
        let row = &mut dst[y * ow..(y + 1) * ow];
        row.fill(bias);
        for (&weight, &offset) in taps.iter().zip(offsets) {
            let start = y * g.sh * wq + offset;
            for (d, s) in row.iter_mut().zip(&planes[start..start + ow]) {
                *d += weight * s;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod simd;
