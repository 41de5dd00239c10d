//! A recording's waveform as a small picture: per column, a grey bar from the lowest to the
//! highest sample that column covers, on black, scaled to the recording's peak.

use image::{Rgb, Rgb32FImage, Rgba, RgbaImage};

/// `width` x `height` pixels; an empty recording gives a black picture with a midline.
pub(crate) fn waveform_image(samples: &[f32], width: u32, height: u32) -> Rgb32FImage {
    let (w, h) = (width.max(1), height.max(2));
    let mut image = Rgb32FImage::new(w, h);
    let peak = samples.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
    let row = |v: f32| {
        let y = (0.5 - 0.5 * (v / peak).clamp(-1.0, 1.0)) * (h - 1) as f32;
        y.round() as u32
    };
    for x in 0..w {
        let start = samples.len() * x as usize / w as usize;
        let end = (samples.len() * (x as usize + 1) / w as usize).max(start + 1);
        let part = samples.get(start..end.min(samples.len())).unwrap_or(&[]);
        let lo = part.iter().copied().fold(0.0f32, f32::min);
        let hi = part.iter().copied().fold(0.0f32, f32::max);
        for y in row(hi)..=row(lo) {
            image.put_pixel(x, y.min(h - 1), Rgb([0.85, 0.85, 0.85]));
        }
    }
    image
}

/// Per column of a plot `columns` wide, the (min, max) of the samples it covers: what a
/// waveform plot draws, without a point per sample.
pub(crate) fn envelope(samples: &[f32], columns: usize) -> Vec<(f32, f32)> {
    let n = columns.max(1);
    (0..n)
        .map(|x| {
            let start = samples.len() * x / n;
            let end = (samples.len() * (x + 1) / n)
                .max(start + 1)
                .min(samples.len());
            let part = samples.get(start..end).unwrap_or(&[]);
            let lo = part.iter().copied().fold(f32::INFINITY, f32::min);
            let hi = part.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            if lo.is_finite() { (lo, hi) } else { (0.0, 0.0) }
        })
        .collect()
}

/// A spectrogram [1, bands, frames] (row 0 the highest band) in the sequential colour map,
/// from 0 (silence) to its largest value.
pub(crate) fn spectrogram_image(maps: &ndarray::Array3<f32>) -> RgbaImage {
    let (_, h, w) = maps.dim();
    let hi = maps
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0f32, f32::max);
    RgbaImage::from_fn(w as u32, h as u32, |x, y| {
        let v = maps[[0, y as usize, x as usize]];
        let t = if hi > 0.0 && v.is_finite() {
            (v / hi).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let [r, g, b] = super::colormap::sequential(t);
        Rgba([r, g, b, 255])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_follow_the_samples() {
        // Silence, then a full swing: the left half is a midline, the right half fills.
        let mut s = vec![0.0f32; 100];
        s.extend((0..100).map(|i| if i % 2 == 0 { 1.0 } else { -1.0 }));
        let img = waveform_image(&s, 4, 9);
        let lit = |x: u32| (0..9).filter(|&y| img.get_pixel(x, y).0[0] > 0.5).count();
        assert_eq!((lit(0), lit(3)), (1, 9));
        assert_eq!(envelope(&s, 2), vec![(0.0, 0.0), (-1.0, 1.0)]);
        assert_eq!(waveform_image(&[], 3, 3).dimensions(), (3, 3));
    }
}
