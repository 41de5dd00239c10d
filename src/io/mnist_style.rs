//! A drawing made the way the MNIST digits were made (LeCun et al.): the ink's bounding box
//! scaled to fit 20x20 keeping its aspect ratio (anti-aliased), then placed in 28x28 so that
//! its centre of mass sits at the centre. A digit drawn large, small or off-centre on the
//! canvas then reaches a digit model the way its training digits did.

use crate::engine::InputSpec;
use image::imageops::FilterType;
use image::{ImageBuffer, Luma};
use ndarray::{Array2, ArrayView2};

/// Side of the picture MNIST digits come in.
pub(crate) const SIDE: usize = 28;
/// Side of the box the ink is scaled to fit.
pub(crate) const BOX: usize = 20;
/// Ink below this (a brush's soft edge, stray anti-aliasing) does not widen the bounding box.
const INK: f32 = 0.05;

/// Whether a model reads MNIST-like digits: one grey channel of 28x28.
pub(crate) fn suits(spec: &InputSpec) -> bool {
    spec.channels == 1 && spec.height == SIDE && spec.width == SIDE
}

/// The rows and columns holding ink, as `(top, left, bottom, right)` (exclusive ends), or
/// `None` for a blank picture.
pub(crate) fn ink_box(ink: ArrayView2<f32>) -> Option<(usize, usize, usize, usize)> {
    let mut found: Option<(usize, usize, usize, usize)> = None;
    for ((y, x), &v) in ink.indexed_iter() {
        if v > INK {
            let (t, l, b, r) = found.unwrap_or((y, x, y + 1, x + 1));
            found = Some((t.min(y), l.min(x), b.max(y + 1), r.max(x + 1)));
        }
    }
    found
}

/// The centre of mass of `values` as `(row, column)` with pixel centres at `i + 0.5`, or
/// `None` when they sum to zero.
pub(crate) fn centre_of_mass(values: ArrayView2<f32>) -> Option<(f32, f32)> {
    let (mut sum, mut sy, mut sx) = (0.0f64, 0.0f64, 0.0f64);
    for ((y, x), &v) in values.indexed_iter() {
        let v = f64::from(v);
        sum += v;
        sy += v * (y as f64 + 0.5);
        sx += v * (x as f64 + 0.5);
    }
    (sum > 0.0).then(|| ((sy / sum) as f32, (sx / sum) as f32))
}

/// White ink on black in `[0,1]`, any size, made into a 28x28 MNIST-style digit; `None` for a
/// blank picture (nothing to centre).
pub(crate) fn mnist_style(ink: ArrayView2<f32>) -> Option<Array2<f32>> {
    let (top, left, bottom, right) = ink_box(ink)?;
    let (h, w) = (bottom - top, right - left);
    // The longer side becomes BOX; the other keeps the aspect ratio (at least one pixel).
    let k = BOX as f32 / h.max(w) as f32;
    let (nh, nw) = (
        ((h as f32 * k).round() as usize).clamp(1, BOX),
        ((w as f32 * k).round() as usize).clamp(1, BOX),
    );
    let crop: ImageBuffer<Luma<f32>, Vec<f32>> =
        ImageBuffer::from_fn(w as u32, h as u32, |x, y| {
            Luma([ink[[top + y as usize, left + x as usize]]])
        });
    // Triangle widens with the scale when shrinking: an area-like, anti-aliased reduction.
    let scaled = image::imageops::resize(&crop, nw as u32, nh as u32, FilterType::Triangle);
    let digit = Array2::from_shape_fn((nh, nw), |(y, x)| {
        scaled.get_pixel(x as u32, y as u32).0[0].clamp(0.0, 1.0)
    });
    let (cy, cx) = centre_of_mass(digit.view())?;
    let half = SIDE as f32 / 2.0;
    let (oy, ox) = ((half - cy).round() as i64, (half - cx).round() as i64);
    let mut out = Array2::zeros((SIDE, SIDE));
    for ((y, x), &v) in digit.indexed_iter() {
        let (ty, tx) = (y as i64 + oy, x as i64 + ox);
        if (0..SIDE as i64).contains(&ty) && (0..SIDE as i64).contains(&tx) {
            out[[ty as usize, tx as usize]] = v;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filled rectangle of ink at rows `t..b`, columns `l..r` of a 112x112 canvas.
    fn rect(t: usize, l: usize, b: usize, r: usize) -> Array2<f32> {
        Array2::from_shape_fn((112, 112), |(y, x)| {
            if (t..b).contains(&y) && (l..r).contains(&x) {
                1.0
            } else {
                0.0
            }
        })
    }

    #[test]
    fn a_blank_canvas_has_nothing_to_centre() {
        assert_eq!(mnist_style(Array2::<f32>::zeros((112, 112)).view()), None);
        assert_eq!(ink_box(Array2::<f32>::from_elem((4, 4), 0.01).view()), None);
    }

    #[test]
    fn the_box_and_the_centre_of_mass_by_hand() {
        let ink = rect(10, 20, 30, 25);
        assert_eq!(ink_box(ink.view()), Some((10, 20, 30, 25)));
        // Rows 10..30 -> mean centre 20.0; columns 20..25 -> 22.5.
        assert_eq!(centre_of_mass(ink.view()), Some((20.0, 22.5)));
    }

    #[test]
    fn a_tall_stroke_fills_twenty_rows_keeps_its_aspect_and_is_centred() {
        // 80 x 20 pixels of ink in a corner: 4:1, so 20 x 5 after scaling.
        let out = mnist_style(rect(2, 3, 82, 23).view()).expect("ink");
        let (t, l, b, r) = ink_box(out.view()).expect("ink left");
        assert_eq!(b - t, BOX, "the long side is 20");
        assert_eq!(r - l, 5, "the aspect ratio is kept");
        let (cy, cx) = centre_of_mass(out.view()).expect("ink");
        assert!(
            (cy - 14.0).abs() <= 0.5 && (cx - 14.0).abs() <= 0.5,
            "{cy} {cx}"
        );
    }

    #[test]
    fn the_same_shape_large_or_small_anywhere_comes_out_alike() {
        let large = mnist_style(rect(6, 30, 106, 80).view()).expect("ink");
        let small = mnist_style(rect(70, 5, 90, 15).view()).expect("ink");
        let diff: f32 = (&large - &small).iter().map(|v| v.abs()).sum();
        assert!(diff < 1.0, "{diff}");
    }

    #[test]
    fn only_grey_28_by_28_models_take_it() {
        let spec = |channels, side| InputSpec {
            channels,
            height: side,
            width: side,
            mean: vec![0.0; channels],
            std: vec![1.0; channels],
        };
        assert!(suits(&spec(1, 28)));
        assert!(!suits(&spec(3, 28)));
        assert!(!suits(&spec(1, 128)));
    }
}
