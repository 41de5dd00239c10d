//! Average pooling's window sums without dilation, as two one-dimensional passes per channel
//! (as max pooling's `max_pool_separable`): each input row's window columns summed, then each
//! window's rows of those; each a loop over a whole row, in vectors at stride 1. Window by
//! window, Inception v3's 3x3/1 average poolings took 0.4-0.7 ms each, a ninth of its pass,
//! against onnxruntime's 15-23 us.

use crate::engine::window::Window;
use ndarray::{Array3, ArrayView3};

/// The sum of every window of `window` (its dilation 1) over `input`: for each output, from
/// -0.0 (as `Sum`), each of its input rows' columns added left to right, then those rows' sums
/// top to bottom, the order of a sum window by window. `finish` then takes each channel's
/// output plane while it is in the cache. Channels are shared between threads in blocks
/// (`super::by_channel_blocks`).
pub(super) fn window_sums(
    input: ArrayView3<f32>,
    window: &Window,
    finish: impl Fn(&mut [f32]) + Sync,
) -> Array3<f32> {
    let (init, combine) = (-0.0f32, |sum: f32, v: f32| sum + v);
    let (channels, height, width) = input.dim();
    let (oh, ow) = window.output_size(height, width);
    let (oh, ow) = (oh.max(0) as usize, ow.max(0) as usize);
    let (kh, kw) = window.kernel;
    let (sh, sw) = (window.stride.0.max(1), window.stride.1.max(1));
    let (ph, pw) = window.padding;
    let input = input.as_standard_layout();
    let src = input.as_slice().expect("standard layout");
    // The output columns each tap column reaches inside the row (the windows of `taps`), and
    // the output rows each tap row reaches: once per layer, not per row (an 8x8 map's rows
    // spent more on them than on their values).
    let col_ranges: Vec<(usize, usize)> = (0..kw)
        .map(|kx| Window::valid_range(width, kx, sw, pw, ow))
        .collect();
    let row_ranges: Vec<(usize, usize)> = (0..kh)
        .map(|ky| Window::valid_range(height, ky, sh, ph, oh))
        .collect();
    let mut values = vec![init; channels * oh * ow];
    if oh * ow == 0 {
        return Array3::from_shape_vec((channels, oh, ow), values).expect("sized above");
    }
    // Channels `first ..` into `out` (theirs, whole), with one buffer of row results.
    let channels_into = |first: usize, out: &mut [f32]| {
        let mut rows = vec![init; height * ow];
        let planes = src[first * height * width..].chunks_exact((height * width).max(1));
        for (plane, out) in planes.zip(out.chunks_exact_mut(oh * ow)) {
            rows.fill(init);
            let lines = plane.chunks_exact(width).zip(rows.chunks_exact_mut(ow));
            if sw == 1 {
                // Each tap column's values are one run of the row: in vectors.
                for (line, dst) in lines {
                    for (kx, &(lo, hi)) in col_ranges.iter().enumerate().filter(|(_, r)| r.0 < r.1)
                    {
                        let from = &line[lo + kx - pw..hi + kx - pw];
                        for (d, &v) in dst[lo..hi].iter_mut().zip(from) {
                            *d = combine(*d, v);
                        }
                    }
                }
            } else {
                for (line, dst) in lines {
                    for (kx, &(lo, hi)) in col_ranges.iter().enumerate() {
                        for (x, d) in (lo..hi).zip(&mut dst[lo..hi]) {
                            *d = combine(*d, line[x * sw + kx - pw]);
                        }
                    }
                }
            }
            for (ky, &(lo, hi)) in row_ranges.iter().enumerate() {
                for y in lo..hi {
                    let from = &rows[(y * sh + ky - ph) * ow..][..ow];
                    for (d, &v) in out[y * ow..(y + 1) * ow].iter_mut().zip(from) {
                        *d = combine(*d, v);
                    }
                }
            }
            finish(out);
        }
    };
    super::by_channel_blocks(&mut values, (channels, oh * ow), kh * kw, channels_into);
    Array3::from_shape_vec((channels, oh, ow), values).expect("sized above")
}
