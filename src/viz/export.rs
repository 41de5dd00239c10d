//! A layer's output as one picture for slides: every channel's map in a grid, each cell
//! `cell_px` pixels wide, and PNG writing.

use super::grid::GridLayout;
use super::raster::{Scale, plane_rgba};
use crate::engine::Tensor;
use crate::io::FileError;
use image::RgbaImage;
use ndarray::{Array3, ArrayView2, Axis};
use std::path::Path;

/// Pixels between tiles in an exported grid.
const GAP_PX: u32 = 4;

/// The largest picture we write (pixels per side), so a big layer cannot ask for gigabytes.
pub(crate) const MAX_SIDE_PX: u32 = 8192;

/// A vector as maps, for drawing: `n` values as one `1 x ceil(sqrt n)` ... near-square plane.
pub(crate) fn vector_as_plane(values: &[f32]) -> Array3<f32> {
    let side = plane_side(values.len());
    let rows = values.len().div_ceil(side).max(1);
    let mut plane = Array3::<f32>::zeros((1, rows, side));
    for (i, &v) in values.iter().enumerate() {
        plane[[0, i / side, i % side]] = v;
    }
    plane
}

/// The width of the near-square plane a vector of `len` values is folded into: value `i` sits
/// at row `i / side`, column `i % side`.
pub(crate) fn plane_side(len: usize) -> usize {
    (len as f64).sqrt().ceil().max(1.0) as usize
}

/// Every channel of `tensor` in a near-square grid on a white background. `shared`: one
/// colour scale for all channels (compare channels) or one per channel (see each one's shape).
pub(crate) fn grid_image(tensor: &Tensor, cell_px: u32, shared: bool) -> RgbaImage {
    let maps = match tensor {
        Tensor::Maps(a) => a.clone(),
        Tensor::Vector(v) => vector_as_plane(v.as_slice().unwrap_or(&v.to_vec())),
    };
    let (c, h, w) = maps.dim();
    let cell = cell_px.max(1);
    let (tw, th) = (w as u32 * cell, h as u32 * cell);
    let layout = GridLayout::square(c, (tw as f32, th as f32), GAP_PX as f32, 16);
    let (gw, gh) = layout.size();
    let (gw, gh) = (
        (gw as u32).clamp(1, MAX_SIDE_PX),
        (gh as u32).clamp(1, MAX_SIDE_PX),
    );
    let mut out = RgbaImage::from_pixel(gw, gh, image::Rgba([255, 255, 255, 255]));
    let shared_scale = Scale::fit(maps.iter());
    for (ch, plane) in maps.axis_iter(Axis(0)).enumerate() {
        let scale = if shared {
            shared_scale
        } else {
            Scale::fit(plane.iter())
        };
        paint_tile(&mut out, plane, &scale, layout.tile_origin(ch), cell);
    }
    out
}

fn paint_tile(
    out: &mut RgbaImage,
    plane: ArrayView2<f32>,
    scale: &Scale,
    origin: (f32, f32),
    cell: u32,
) {
    let (h, w) = plane.dim();
    let bytes = plane_rgba(plane, scale);
    let (ox, oy) = (origin.0 as u32, origin.1 as u32);
    for y in 0..h as u32 * cell {
        for x in 0..w as u32 * cell {
            let (px, py) = (ox + x, oy + y);
            if px >= out.width() || py >= out.height() {
                continue;
            }
            let i = ((y / cell) as usize * w + (x / cell) as usize) * 4;
            if let Some(p) = bytes.get(i..i + 4) {
                out.put_pixel(px, py, image::Rgba([p[0], p[1], p[2], p[3]]));
            }
        }
    }
}

/// Writes `image` as a PNG, atomically, naming the file on failure.
pub(crate) fn save_png(image: &RgbaImage, path: &Path) -> Result<(), FileError> {
    use image::ImageEncoder;
    crate::io::write_atomic_with(path, |w| {
        image::codecs::png::PngEncoder::new(w)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgba8,
            )
            .map_err(std::io::Error::other)
    })
}

/// `image` as the bytes of a PNG file (for a page that inlines it).
pub(crate) fn png_bytes(image: &RgbaImage) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out).write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        image::ExtendedColorType::Rgba8,
    )?;
    Ok(out)
}

/// The cell size that makes a map of `side` pixels about `target` pixels wide in a picture.
pub(crate) fn cell_px_for(side: usize, target: u32) -> u32 {
    (target / side.max(1) as u32).clamp(1, 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array1;

    #[test]
    fn grid_has_the_tiles_and_gaps() {
        // 4 channels of 2x3 at 5 px per cell: 2x2 tiles of 15x10 with a 4 px gap.
        let t = Tensor::Maps(Array3::from_shape_fn((4, 2, 3), |(c, y, x)| {
            (c + y + x) as f32
        }));
        let img = grid_image(&t, 5, true);
        assert_eq!(img.dimensions(), (15 * 2 + 4, 10 * 2 + 4));
        // The gap column stays white; the first cell of channel 0 (value 0) is the darkest.
        assert_eq!(img.get_pixel(16, 0).0, [255, 255, 255, 255]);
        assert_eq!(img.get_pixel(0, 0).0, [68, 1, 84, 255]);
    }

    #[test]
    fn per_channel_scale_stretches_each_map() {
        let t = Tensor::Maps(Array3::from_shape_fn((2, 1, 2), |(c, _, x)| {
            (c * 10 + x) as f32
        }));
        let shared = grid_image(&t, 1, true);
        let own = grid_image(&t, 1, false);
        // Channel 0 holds 0 and 1: nearly dark on the shared 0..11 scale, full yellow on its own.
        assert_ne!(shared.get_pixel(1, 0).0, [253, 231, 37, 255]);
        assert_eq!(own.get_pixel(1, 0).0, [253, 231, 37, 255]);
    }

    #[test]
    fn vectors_fold_into_a_square() {
        let plane = vector_as_plane(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(plane.dim(), (1, 2, 3));
        assert_eq!(plane[[0, 1, 1]], 5.0);
        let t = Tensor::Vector(Array1::from(vec![0.0, 1.0, 2.0, 3.0]));
        assert_eq!(grid_image(&t, 2, true).dimensions(), (4, 4));
    }

    #[test]
    fn png_round_trips_and_bad_paths_name_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("grid.png");
        let t = Tensor::Maps(Array3::from_elem((1, 2, 2), 1.0));
        let img = grid_image(&t, 3, true);
        save_png(&img, &path).expect("writes");
        let back = image::open(&path).expect("reads").to_rgba8();
        assert_eq!(back, img);
        let bad = dir.path().join("missing").join("x.png");
        let err = save_png(&img, &bad).expect_err("no folder");
        assert!(err.to_string().contains("x.png"), "{err}");
    }
}
