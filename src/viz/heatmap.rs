//! Attribution maps drawn over the picture they explain: a map brought to the picture's size,
//! a colour scale that a few extreme values do not wash out, and the picture showing through
//! where the map is weak.

use super::colormap::Rgb;
use super::raster::{Scale, pixels_image};
use crate::engine::model::InputSpec;
use image::{Rgba, RgbaImage};
use ndarray::{Array2, Array3, ArrayView2};

/// `plane` resized to `(h, w)` by bilinear interpolation with pixel centres aligned (PyTorch's
/// `interpolate(mode="bilinear", align_corners=False)`, as Grad-CAM's maps are shown).
pub(crate) fn upsample(plane: ArrayView2<f32>, (h, w): (usize, usize)) -> Array2<f32> {
    let (ph, pw) = plane.dim();
    if (ph, pw) == (h, w) {
        return plane.to_owned();
    }
    let axis = |o: usize, out: usize, n: usize| {
        let p = ((o as f32 + 0.5) * n as f32 / out as f32 - 0.5).clamp(0.0, (n - 1) as f32);
        let lo = p.floor() as usize;
        (lo, (lo + 1).min(n - 1), p - lo as f32)
    };
    Array2::from_shape_fn((h, w), |(y, x)| {
        let (y0, y1, fy) = axis(y, h, ph);
        let (x0, x1, fx) = axis(x, w, pw);
        let top = plane[[y0, x0]] * (1.0 - fx) + plane[[y0, x1]] * fx;
        let bottom = plane[[y1, x0]] * (1.0 - fx) + plane[[y1, x1]] * fx;
        top * (1.0 - fy) + bottom * fy
    })
}

/// The colour scale of a map: signed maps symmetric around zero up to the 99th percentile of
/// |v|, others from 0 to their largest value.
pub(crate) fn heat_scale(plane: ArrayView2<f32>, signed: bool) -> Scale {
    if signed {
        Scale::symmetric_quantile(plane.iter(), 0.99)
    } else {
        let hi = plane
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0, f32::max);
        Scale {
            lo: 0.0,
            hi: if hi > 0.0 { hi } else { 1.0 },
            signed: false,
        }
    }
}

/// The network input as the picture a person sees: normalisation undone; values that then
/// still leave 0..1 (a spectrogram) stretched into it.
pub(crate) fn input_picture(input: &Array3<f32>, spec: &InputSpec) -> RgbaImage {
    let mut pixels = input.clone();
    for (c, mut plane) in pixels.outer_iter_mut().enumerate() {
        let mean = spec.mean.get(c).copied().unwrap_or(0.0);
        let std = spec.std.get(c).copied().unwrap_or(1.0);
        plane.mapv_inplace(|v| v * std + mean);
    }
    let (lo, hi) = pixels
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if lo < -0.05 || hi > 1.05 {
        let span = (hi - lo).max(f32::MIN_POSITIVE);
        pixels.mapv_inplace(|v| (v - lo) / span);
    }
    pixels_image(&pixels)
}

/// `heat` (the picture's size) over `picture`: each pixel mixes the picture, in a muted grey
/// (black shows as dark grey, so colour stays visible on a digit's black background), with the
/// map's colour, by `blend` times the square root of the value's strength on the scale (weak
/// values still show; zero shows none).
pub(crate) fn overlay(
    picture: &RgbaImage,
    heat: ArrayView2<f32>,
    scale: &Scale,
    blend: f32,
) -> RgbaImage {
    let blend = blend.clamp(0.0, 1.0);
    RgbaImage::from_fn(picture.width(), picture.height(), |x, y| {
        let [r, g, b, _] = picture.get_pixel(x, y).0;
        let grey = 80.0 + 0.6 * (0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32);
        let v = heat[[y as usize, x as usize]];
        let strength = if scale.signed {
            (v.abs() / scale.hi.max(f32::MIN_POSITIVE)).min(1.0)
        } else {
            ((v - scale.lo) / (scale.hi - scale.lo).max(f32::MIN_POSITIVE)).clamp(0.0, 1.0)
        };
        let a = if v.is_finite() {
            blend * strength.sqrt()
        } else {
            0.0
        };
        let c: Rgb = scale.color(v);
        let mix = |k: usize| (grey * (1.0 - a) + c[k] as f32 * a).round() as u8;
        Rgba([mix(0), mix(1), mix(2), 255])
    })
}

/// `image` scaled up by a whole factor (nearest neighbour) until its longer side reaches at
/// least `target` pixels, so a 28x28 digit is big enough to see.
pub(crate) fn enlarge(image: &RgbaImage, target: u32) -> RgbaImage {
    let side = image.width().max(image.height()).max(1);
    let k = target.div_ceil(side).max(1);
    image::imageops::resize(
        image,
        image.width() * k,
        image.height() * k,
        image::imageops::FilterType::Nearest,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn upsampling_keeps_centres_and_interpolates_between() {
        let p = array![[0.0, 4.0], [8.0, 12.0]];
        let u = upsample(p.view(), (4, 4));
        // Pixel centres of the 4x4 map at 0.25 and 0.75 of each source cell: corners keep
        // the corner values, the middle ones mix.
        assert_eq!(u[[0, 0]], 0.0);
        assert_eq!(u[[3, 3]], 12.0);
        assert!((u[[0, 1]] - 1.0).abs() < 1e-6, "{}", u[[0, 1]]);
        assert!((u[[1, 1]] - 3.0).abs() < 1e-6, "{}", u[[1, 1]]);
    }

    #[test]
    fn a_zero_map_leaves_the_picture_grey_and_a_strong_one_colours_it() {
        let picture = RgbaImage::from_pixel(2, 1, Rgba([200, 200, 200, 255]));
        let heat = array![[0.0, 5.0]];
        let scale = heat_scale(heat.view(), true);
        let out = overlay(&picture, heat.view(), &scale, 1.0);
        // 80 + 0.6 * 200 = 200: a zero value leaves the muted picture as it is.
        assert_eq!(out.get_pixel(0, 0).0, [200, 200, 200, 255]);
        assert_eq!(&out.get_pixel(1, 0).0[..3], &scale.color(5.0)[..]);
    }
}
