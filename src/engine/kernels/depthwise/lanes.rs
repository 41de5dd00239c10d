//! Depthwise convolution with the channels across the vector lanes: a block of 8 (AVX2) or 16
//! (AVX-512) channels is transposed into a zero-padded buffer that holds, for every padded
//! pixel, the block's channels side by side. Each tap is then one full-width multiply-add per
//! output pixel, whatever the map's width or stride: no lane is left empty on a 7x7 map, and
//! a stride-2 tap reads whole vectors without splitting the columns into phases. The sums go
//! back into the channels' planes by the same transpose.
//!
//! The numbers are those of the kernel with pixels across the lanes (`super::channel`): each
//! sum starts from the bias and adds the taps in (row, column) order with one fused
//! multiply-add each, padding included as zeros.
//!
//! Large maps go by bands of output rows, so the padded rows and the sums of a band stay in
//! the cache (`BAND_VALUES`).

mod layout;

pub(crate) use layout::Layout;

use super::super::isa::Isa;
use super::super::shared::Epilogue;
use std::cell::Cell;

/// Sums held for one band of output rows: 64 KB, a band of 9 rows of a 112-wide map.
const BAND_VALUES: usize = 1 << 14;

/// Buffers for one thread's blocks, kept between blocks and between layers
/// ([`Scratch::take`]): they only grow, so a layer's bands are not zeroed before they are
/// written (new buffers for every layer spent 0.9% of MobileNetV3-Large's pass in `memset`).
#[derive(Default)]
pub(super) struct Scratch {
    /// A band of padded rows, `[row][column][lane]`.
    padded: Vec<f32>,
    /// The band's sums, `[pixel][lane]`.
    sums: Vec<f32>,
    /// The taps, `[tap][lane]`.
    taps: Vec<f32>,
    /// The biases, one per lane.
    bias: Vec<f32>,
}

thread_local! {
    /// The calling thread's buffers between layers.
    static KEPT: Cell<Scratch> = Cell::new(Scratch::default());
}

impl Scratch {
    /// The calling thread's buffers from its last layer (empty ones the first time, or while
    /// another part of this thread has them).
    pub(super) fn take() -> Scratch {
        KEPT.with(Cell::take)
    }

    /// Back for the calling thread's next layer.
    pub(super) fn keep(self) {
        KEPT.with(|kept| kept.set(self));
    }
}

/// `v`'s first `n` values, grown (with zeros) when it is shorter, never shrunk.
fn at_least(v: &mut Vec<f32>, n: usize) -> &mut [f32] {
    if v.len() < n {
        v.resize(n, 0.0);
    }
    &mut v[..n]
}

/// Output channels of one block, `isa.lanes()` of them: `input` holds their input planes one
/// after another (`h * w` each), `weights` their taps (`kh * kw` each), `bias` their biases,
/// and `dst` receives their output planes (`oh * ow` each), through `epilogue` when it is
/// given: a clamp in registers, another activation over each band's sums while they are in
/// the cache, before they go back into the planes.
///
/// # Safety
/// `dst` is writable for the `lanes * oh * ow` values (which need not be initialised).
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn block(
    isa: Isa,
    input: &[f32],
    weights: &[f32],
    bias: Option<&[f32]>,
    epilogue: Option<Epilogue>,
    dst: *mut f32,
    layout: Layout,
    scratch: &mut Scratch,
) {
    let lanes = isa.lanes();
    let (h, w) = layout.input;
    let (oh, ow) = layout.out;
    let (kh, kw) = layout.kernel;
    let taps = kh * kw;
    let clamp = epilogue.and_then(Epilogue::clamp);
    let map = epilogue.and_then(Epilogue::map);
    assert!(input.len() == lanes * h * w);
    assert!(weights.len() == lanes * taps && bias.is_none_or(|b| b.len() == lanes));
    if oh == 0 || ow == 0 {
        return;
    }
    #[cfg(not(target_arch = "x86_64"))]
    unreachable!("no instruction set is available off x86-64, so no block across the lanes");
    // By bands of output rows.
    #[cfg(target_arch = "x86_64")]
    {
        // The taps side by side, `[tap][lane]`: each channel's taps are a "plane" of `taps`
        // values, turned by the same 8x8 transposes as the input rows (copied one value at a
        // time, they took 8% of a 5x5 stride-2 layer's time, its sums 19%).
        let taps_side_by_side = at_least(&mut scratch.taps, lanes * taps);
        // SAFETY: AVX2 (every `Isa` has it); `weights` holds the block's `lanes * taps` taps
        // (asserted above), channel c's at c * taps, and the buffer as many.
        unsafe {
            simd::planes_to_lanes(
                weights.as_ptr(),
                taps,
                taps,
                taps,
                lanes,
                taps_side_by_side.as_mut_ptr(),
            )
        };
        scratch.bias.clear();
        scratch
            .bias
            .extend((0..lanes).map(|lane| bias.map_or(0.0, |b| b[lane])));
        let wp = layout.padded_width();
        let band = (BAND_VALUES / (ow * lanes)).clamp(1, oh);
        let mut y0 = 0;
        while y0 < oh {
            let y1 = (y0 + band).min(oh);
            let rows = layout.band_rows((y0, y1));
            let padded = at_least(&mut scratch.padded, rows * wp * lanes);
            pad_band(isa, input, layout, y0, rows, wp, padded);
            let padded = &*padded;
            let band_sums = at_least(&mut scratch.sums, (y1 - y0) * ow * lanes);
            let sums = match isa {
                Isa::Avx512 => simd::avx512_sums,
                Isa::Avx2 => simd::avx2_sums,
            };
            // SAFETY: `padded` holds `rows` rows of `wp` pixels, enough for every tap of output
            // rows y0 .. y1 (`band_rows`, `padded_width`); `sums` holds their pixels; the
            // taps and biases are `lanes` wide; the CPU has `isa` (the caller's `Isa::available`).
            unsafe {
                sums(
                    padded,
                    wp,
                    &scratch.taps[..lanes * taps],
                    &scratch.bias,
                    band_sums,
                    (y1 - y0, ow),
                    layout,
                    clamp,
                )
            };
            // Pixels y0 * ow .. y1 * ow of every channel's plane.
            let plane = oh * ow;
            let pixels = (y1 - y0) * ow;
            if let Some(f) = map {
                f.apply_all(band_sums);
            }
            // SAFETY: AVX2 (every `Isa` has it); `sums` holds `pixels` pixels of `lanes` values;
            // each channel's plane in `dst` has room for `plane` values (this function's
            // contract), of which pixels y0 * ow .. y0 * ow + pixels are written.
            unsafe { simd::lanes_to_planes(band_sums, pixels, lanes, dst.add(y0 * ow), plane) };
            y0 = y1;
        }
    }
}

/// Padded rows `0 .. rows` of the band whose first output row is `y0`: each row's input
/// pixels with the lanes' channels side by side, zeros around them.
#[cfg(target_arch = "x86_64")]
fn pad_band(
    isa: Isa,
    input: &[f32],
    layout: Layout,
    y0: usize,
    rows: usize,
    wp: usize,
    padded: &mut [f32],
) {
    let lanes = isa.lanes();
    let (h, w) = layout.input;
    let (top, left) = layout.pad;
    let line = wp * lanes;
    for r in 0..rows {
        let dst = &mut padded[r * line..(r + 1) * line];
        // The input row under padded row r, if it is not padding.
        let iy = (y0 * layout.stride.0 + r)
            .checked_sub(top)
            .filter(|&iy| iy < h);
        let Some(iy) = iy else {
            dst.fill(0.0);
            continue;
        };
        dst[..left * lanes].fill(0.0);
        dst[(left + w) * lanes..].fill(0.0);
        // SAFETY: AVX2 (every `Isa` has it); `lanes` planes of `h * w` values from `input`'s
        // start, row iy < h of each read; pixels from column `left` to the end of the row
        // written (`padded_width` is at least left + w).
        unsafe {
            simd::planes_to_lanes(
                input.as_ptr().add(iy * w),
                h * w,
                w,
                wp - left,
                lanes,
                dst.as_mut_ptr().add(left * lanes),
            )
        };
    }
}

#[cfg(target_arch = "x86_64")]
mod simd;
