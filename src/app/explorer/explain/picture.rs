//! The pictures the panel shows, as plain RGBA: the map over the picture the network read,
//! and Grad-CAM's map over its stage's maps. One colour scale for both.

use super::state::Explained;
use crate::analysis::attribution::Method;
use crate::engine::model::InputSpec;
use crate::viz::Scale;
use crate::viz::heatmap::{heat_scale, input_picture, overlay, upsample};
use image::{Rgba, RgbaImage};
use ndarray::Array2;

/// The map's colour scale: signed maps around zero, Grad-CAM from 0 to its largest value.
pub(crate) fn scale_of(r: &Explained) -> Scale {
    heat_scale(r.plane.view(), r.attribution.method != Method::GradCam)
}

/// The map at the input's size over the input as a person sees it.
pub(crate) fn over_input(r: &Explained, spec: &InputSpec, scale: &Scale, blend: f32) -> RgbaImage {
    let picture = input_picture(&r.input, spec);
    let (h, w) = (r.input.dim().1, r.input.dim().2);
    let heat = upsample(r.plane.view(), (h, w));
    overlay(&picture, heat.view(), scale, blend)
}

/// Grad-CAM's map, at its stage's own size, over that stage's maps averaged (grey, stretched
/// from their smallest to their largest value).
pub(crate) fn over_stage(
    r: &Explained,
    mean: &Array2<f32>,
    scale: &Scale,
    blend: f32,
) -> RgbaImage {
    let (h, w) = mean.dim();
    let (lo, hi) = mean
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = (hi - lo).max(f32::MIN_POSITIVE);
    let picture = RgbaImage::from_fn(w as u32, h as u32, |x, y| {
        let v = ((mean[[y as usize, x as usize]] - lo) / span * 255.0).round() as u8;
        Rgba([v, v, v, 255])
    });
    let heat = upsample(r.plane.view(), (h, w));
    overlay(&picture, heat.view(), scale, blend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::attribution::{Attribution, Map};
    use crate::app::explorer::explain::state::ExplainKey;
    use ndarray::{Array3, array};

    fn explained(method: Method, plane: Array2<f32>) -> Explained {
        Explained {
            key: ExplainKey {
                generation: 0,
                net: 0,
                method,
                class: None,
                stage: 0,
            },
            attribution: Attribution {
                method,
                class: 0,
                stage: 0,
                map: Map::Plane(plane.clone()),
                score: 0.0,
            },
            plane,
            input: Array3::from_elem((1, 4, 4), 0.5),
            stage_mean: None,
            stamp: 1,
        }
    }

    #[test]
    fn a_cam_map_is_brought_to_the_input_size_on_a_scale_from_zero() {
        let r = explained(Method::GradCam, array![[0.0, 2.0], [1.0, 4.0]]);
        let scale = scale_of(&r);
        assert_eq!((scale.lo, scale.hi, scale.signed), (0.0, 4.0, false));
        let spec = InputSpec {
            channels: 1,
            height: 4,
            width: 4,
            mean: vec![0.0],
            std: vec![1.0],
        };
        let out = over_input(&r, &spec, &scale, 1.0);
        assert_eq!(out.dimensions(), (4, 4));
        // The strongest corner takes the scale's top colour; the zero corner stays grey.
        assert_eq!(&out.get_pixel(3, 3).0[..3], &scale.color(4.0)[..]);
        let grey = out.get_pixel(0, 0).0;
        assert_eq!((grey[0], grey[1], grey[2]), (grey[1], grey[2], grey[0]));
    }

    #[test]
    fn a_signed_map_is_symmetric_around_zero() {
        let r = explained(Method::Gradient, array![[-1.0, 3.0], [0.0, 0.5]]);
        let scale = scale_of(&r);
        assert!(scale.signed);
        assert_eq!(scale.lo, -scale.hi);
    }
}
