//! Tensors to pixels: one map plane to RGBA through a [`Scale`] and a colour map.

use super::colormap::{Rgb, diverging, sequential};
use image::{Rgba, RgbaImage};
use ndarray::ArrayView2;

/// How values become colours: signed data uses the diverging map symmetric around zero,
/// non-negative data the sequential map from `lo` to `hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub lo: f32,
    pub hi: f32,
    pub signed: bool,
}

impl Scale {
    /// The scale that fits `values`: signed (symmetric, ±max|v|) when any value is negative,
    /// else 0..max. Non-finite values are ignored.
    pub(crate) fn fit<'a>(values: impl IntoIterator<Item = &'a f32>) -> Scale {
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        for &v in values {
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if lo > hi {
            return Scale {
                lo: 0.0,
                hi: 1.0,
                signed: false,
            };
        }
        if lo < 0.0 {
            let m = lo.abs().max(hi.abs()).max(f32::MIN_POSITIVE);
            Scale {
                lo: -m,
                hi: m,
                signed: true,
            }
        } else {
            Scale {
                lo: 0.0,
                hi: if hi > 0.0 { hi } else { 1.0 },
                signed: false,
            }
        }
    }

    /// A symmetric diverging scale ±`m` (kernels, weights).
    pub(crate) fn symmetric<'a>(values: impl IntoIterator<Item = &'a f32>) -> Scale {
        let m = values
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(0f32, |m, v| m.max(v.abs()));
        let m = if m > 0.0 { m } else { 1.0 };
        Scale {
            lo: -m,
            hi: m,
            signed: true,
        }
    }

    /// A symmetric scale ±(the `q` quantile of |v|): a few large weights then do not wash out
    /// all the others (values beyond it take the end colours).
    pub(crate) fn symmetric_quantile<'a>(
        values: impl IntoIterator<Item = &'a f32>,
        q: f32,
    ) -> Scale {
        let mut mags: Vec<f32> = values
            .into_iter()
            .filter(|v| v.is_finite())
            .map(|v| v.abs())
            .collect();
        if mags.is_empty() {
            return Scale::symmetric(&[]);
        }
        // The one element, in linear time (a sort of a big layer's weights took a frame).
        let i = ((mags.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
        let i = i.min(mags.len() - 1);
        let m = *mags.select_nth_unstable_by(i, f32::total_cmp).1;
        let m = if m > 0.0 { m } else { 1.0 };
        Scale {
            lo: -m,
            hi: m,
            signed: true,
        }
    }

    /// The colour of one value.
    pub(crate) fn color(&self, v: f32) -> Rgb {
        if self.signed {
            diverging(v / self.hi.max(f32::MIN_POSITIVE))
        } else {
            let span = (self.hi - self.lo).max(f32::MIN_POSITIVE);
            sequential((v - self.lo) / span)
        }
    }
}

/// One plane `[H,W]` as RGBA bytes, row by row.
pub(crate) fn plane_rgba(plane: ArrayView2<f32>, scale: &Scale) -> Vec<u8> {
    let mut out = Vec::with_capacity(plane.len() * 4);
    for &v in plane.iter() {
        let [r, g, b] = scale.color(v);
        out.extend_from_slice(&[r, g, b, 255]);
    }
    out
}

/// One plane as an RGBA picture (the app uploads it with nearest-neighbour filtering).
pub(crate) fn plane_image(plane: ArrayView2<f32>, scale: &Scale) -> RgbaImage {
    let (h, w) = plane.dim();
    // `plane_rgba` gives four bytes per value: the buffer always fits.
    RgbaImage::from_raw(w as u32, h as u32, plane_rgba(plane, scale)).unwrap_or_default()
}

/// Grey pixels in `[0,1]` (one channel) or RGB (three) `[C,H,W]` as an RGBA picture, as a person
/// would see them.
pub(crate) fn pixels_image(pixels: &ndarray::Array3<f32>) -> RgbaImage {
    let (c, h, w) = pixels.dim();
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    RgbaImage::from_fn(w as u32, h as u32, |x, y| {
        let at = |ch: usize| byte(pixels[[ch.min(c.saturating_sub(1)), y as usize, x as usize]]);
        Rgba([at(0), at(1), at(2), 255])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fit_picks_signed_only_with_negatives() {
        let s = Scale::fit(&[0.0, 2.0, 1.0]);
        assert_eq!((s.lo, s.hi, s.signed), (0.0, 2.0, false));
        let s = Scale::fit(&[-3.0, 2.0]);
        assert_eq!((s.lo, s.hi, s.signed), (-3.0, 3.0, true));
        let s = Scale::fit(&[f32::NAN]);
        assert_eq!((s.lo, s.hi), (0.0, 1.0));
    }

    #[test]
    fn zero_is_white_in_a_signed_scale_and_dark_in_an_unsigned_one() {
        let s = Scale::symmetric(&[-1.0, 0.5]);
        assert_eq!(s.color(0.0), [247, 247, 247]);
        assert_eq!(s.color(-1.0), [33, 102, 172]);
        let u = Scale::fit(&[0.0, 4.0]);
        assert_eq!(u.color(0.0), [68, 1, 84]);
        assert_eq!(u.color(4.0), [253, 231, 37]);
    }

    #[test]
    fn quantile_scale_ignores_the_largest_outliers() {
        // 0.0, 0.1, ..., 0.9 and one outlier 10: the 90% quantile of 11 values is index 9 = 0.9.
        let mut v: Vec<f32> = (0..10).map(|i| i as f32 / 10.0).collect();
        v.push(-10.0);
        let s = Scale::symmetric_quantile(&v, 0.9);
        assert_eq!((s.lo, s.hi), (-0.9, 0.9));
        assert_eq!(Scale::symmetric_quantile(&[], 0.9).hi, 1.0);
    }

    #[test]
    fn plane_bytes_follow_row_order() {
        let plane = array![[0.0f32, 1.0], [1.0, 0.0]];
        let s = Scale::fit(plane.iter());
        let bytes = plane_rgba(plane.view(), &s);
        assert_eq!(bytes.len(), 16);
        assert_eq!(&bytes[0..4], &[68, 1, 84, 255]);
        assert_eq!(&bytes[4..8], &[253, 231, 37, 255]);
        let img = plane_image(plane.view(), &s);
        assert_eq!(img.dimensions(), (2, 2));
        assert_eq!(img.as_raw(), &bytes);
    }

    #[test]
    fn grey_pixels_become_grey() {
        let p = ndarray::Array3::from_elem((1, 1, 2), 0.5f32);
        let img = pixels_image(&p);
        assert_eq!(img.get_pixel(0, 0), &Rgba([128, 128, 128, 255]));
    }
}
