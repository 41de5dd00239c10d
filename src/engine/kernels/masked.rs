//! The first `n` lanes of a vector: the masks, and loads and stores through them (x86-64).
//! A row's last few values are read and written this way by the depthwise kernels (the rows
//! straight from the planes too), the similarity sums, the matrix-vector product and 2x2 max
//! pooling, without touching the values after them.

use std::arch::x86_64::*;

/// The first `n` (at most 8) of 8 lanes, as `_mm256_maskload_ps` takes them.
#[target_feature(enable = "avx2")]
#[inline]
pub(crate) fn first_lanes(n: usize) -> __m256i {
    _mm256_cmpgt_epi32(
        _mm256_set1_epi32(n as i32),
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
    )
}

/// The first `n` (at most 16) of 16 lanes.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
pub(crate) fn avx512_mask(n: usize) -> __mmask16 {
    ((1u32 << n) - 1) as __mmask16
}

/// # Safety
/// AVX2; the masked lanes of `p` are readable. The other lanes are 0.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub(crate) unsafe fn avx2_load_masked(p: *const f32, mask: __m256i) -> __m256 {
    // SAFETY: as for this function.
    unsafe { _mm256_maskload_ps(p, mask) }
}

/// # Safety
/// AVX2; the masked lanes of `p` are writable.
#[target_feature(enable = "avx2,fma")]
#[inline]
pub(crate) unsafe fn avx2_store_masked(p: *mut f32, mask: __m256i, v: __m256) {
    // SAFETY: as for this function.
    unsafe { _mm256_maskstore_ps(p, mask, v) }
}

/// # Safety
/// AVX-512F; the masked lanes of `p` are readable. The other lanes are 0.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
pub(crate) unsafe fn avx512_load_masked(p: *const f32, mask: __mmask16) -> __m512 {
    // SAFETY: as for this function.
    unsafe { _mm512_maskz_loadu_ps(mask, p) }
}

/// # Safety
/// AVX-512F; the masked lanes of `p` are writable.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
pub(crate) unsafe fn avx512_store_masked(p: *mut f32, mask: __mmask16, v: __m512) {
    // SAFETY: as for this function.
    unsafe { _mm512_mask_storeu_ps(p, mask, v) }
}
