//! Resize (and the older Upsample): maps scaled by nearest or bilinear sampling with the
//! coordinate modes PyTorch exports (`nn.Upsample`, `F.interpolate`), as a `resize` stage.

use super::super::attrs::Attrs;
use super::super::error::{NodeError, refused};
use super::super::graph::Walker;
use super::super::proto::NodeProto;
use super::super::registry::{DataIn, Registry};
use crate::engine::{Coordinates, LayerKind, LayerType, Resize, Rounding, Sampling, Shape};

pub(super) fn register(r: &mut Registry) {
    let note = "nearest or linear, of height and width";
    r.layer("Resize", resize, note).makes(&[LayerType::Resize]);
    r.layer("Upsample", resize, note)
        .makes(&[LayerType::Resize]);
}

fn resize(w: &mut Walker, node: &NodeProto, input: DataIn) -> Result<Option<LayerKind>, NodeError> {
    let a = Attrs(&node.attribute);
    let Shape::Maps { height, width, .. } = input.shape else {
        return Err(refused(format!(
            "resizing {}: only maps are resized",
            input.shape
        )));
    };
    let upsample = node.op_type() == "Upsample";
    let mode = a.string("mode").unwrap_or_else(|| "nearest".into());
    let coordinates = match a.string("coordinate_transformation_mode").as_deref() {
        _ if upsample => Coordinates::Asymmetric,
        None | Some("half_pixel") => Coordinates::HalfPixel,
        Some("pytorch_half_pixel") => Coordinates::PytorchHalfPixel,
        Some("align_corners") => Coordinates::AlignCorners,
        Some("asymmetric") => Coordinates::Asymmetric,
        Some(other) => {
            return Err(refused(format!(
                "attribute coordinate_transformation_mode {other:?}: only half_pixel, pytorch_half_pixel, align_corners and asymmetric are supported. Export again from nn.Upsample or F.interpolate"
            )));
        }
    };
    let sampling = match mode.as_str() {
        "nearest" => Sampling::Nearest {
            rounding: match a.string("nearest_mode").as_deref() {
                _ if upsample => Rounding::Floor,
                None | Some("round_prefer_floor") => Rounding::RoundPreferFloor,
                Some("round_prefer_ceil") => Rounding::RoundPreferCeil,
                Some("floor") => Rounding::Floor,
                Some("ceil") => Rounding::Ceil,
                Some(other) => {
                    return Err(refused(format!(
                        "attribute nearest_mode {other:?} is not known"
                    )));
                }
            },
        },
        "linear" | "bilinear" => Sampling::Linear,
        other => {
            return Err(refused(format!(
                "attribute mode {other:?}: only nearest and linear (bilinear) resizing are supported. Use mode='nearest' or 'bilinear'"
            )));
        }
    };
    if a.int("antialias", 0) != 0 || a.ints("axes").is_some() {
        return Err(refused(
            "attributes antialias and axes are not supported: export F.interpolate without antialias",
        ));
    }
    // Upsample: scales at input 1; Resize: roi 1, scales 2, sizes 3.
    let (scales_at, sizes_at) = if upsample { (1, None) } else { (2, Some(3)) };
    let sizes = match sizes_at {
        Some(i) => w.const_input(node, i)?,
        None => None,
    };
    let scales = w.const_input(node, scales_at)?.filter(|c| c.count() > 0);
    let given = |what: &str, v: &[f32]| -> Result<(f32, f32), NodeError> {
        match v {
            [n, c, h, w] if *n == 1.0 && *c == 1.0 => Ok((*h, *w)),
            _ => Err(refused(format!(
                "{what} {v:?}: only the height and width of maps are resized (give four values, the first two 1)"
            ))),
        }
    };
    let (size, scale) = match (sizes, scales) {
        (Some(s), _) if s.count() > 0 => {
            let dims = s.as_ints().unwrap_or_default();
            let [1, c, h, w] = dims[..] else {
                return Err(refused(format!(
                    "sizes (input 3) {dims:?}: give four sizes, batch 1, to resize the height and width of maps"
                )));
            };
            if c as usize != crate::engine::BatchNorm::channels_of(input.shape) || h < 1 || w < 1 {
                return Err(refused(format!(
                    "sizes (input 3) {dims:?} change the channels of {} or are empty: only the height and width are resized",
                    input.shape
                )));
            }
            let size = (h as usize, w as usize);
            (size, (h as f32 / height as f32, w as f32 / width as f32))
        }
        (_, Some(s)) => {
            let (sh, sw) = given("scales", &s.as_floats())?;
            let size = (
                (height as f32 * sh).floor() as usize,
                (width as f32 * sw).floor() as usize,
            );
            (size, (sh, sw))
        }
        _ => return Err(refused("neither scales nor sizes are given")),
    };
    Ok(Some(LayerKind::Resize(Resize {
        size,
        scale,
        sampling,
        coordinates,
    })))
}
