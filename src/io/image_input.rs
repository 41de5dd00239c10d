//! From an image file to the tensor a network sees: decode, alpha over black, grey or RGB,
//! [0,1], centre-crop to the model's aspect ratio and resize, shift, normalise.

use super::error::{FileError, PixelsError};
use crate::engine::InputSpec;
use image::{DynamicImage, ImageReader, Limits, Rgb32FImage, imageops::FilterType};
use ndarray::Array3;
use serde::{Deserialize, Serialize};
use std::io::Cursor;
use std::path::Path;

/// Largest image side decoded; a larger header is refused before any pixel is allocated.
pub(crate) const MAX_IMAGE_SIDE: u32 = 16_384;
/// Largest image file read.
pub(crate) const MAX_IMAGE_BYTES: u64 = 256 << 20;

/// What fills the pixels a shift uncovers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fill {
    /// Black (0 before normalisation).
    #[default]
    Zero,
    /// The nearest edge pixel repeated.
    Edge,
    /// The image wraps around, as on a torus.
    Wrap,
}

impl Fill {
    pub(crate) const ALL: [Fill; 3] = [Fill::Zero, Fill::Edge, Fill::Wrap];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Fill::Zero => "zero",
            Fill::Edge => "edge",
            Fill::Wrap => "wrap",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Fill> {
        Fill::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// Decodes image bytes (PNG, JPEG, BMP, GIF, WebP) into RGB in [0,1] with alpha composited
/// over black. `path` only names the source in errors.
pub(crate) fn decode_image(bytes: &[u8], path: &Path) -> Result<Rgb32FImage, FileError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| FileError::invalid(path, format!("cannot read the image: {e}")))?;
    if reader.format().is_none() {
        return Err(FileError::invalid(
            path,
            "is not an image this app reads (PNG, JPEG, BMP, GIF or WebP)",
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| FileError::invalid(path, format!("cannot decode the image: {e}")))?;
    Ok(over_black(&image))
}

/// Reads and decodes an image file.
pub(crate) fn load_image(path: &Path) -> Result<Rgb32FImage, FileError> {
    let bytes = super::error::read_limited(path, MAX_IMAGE_BYTES)?;
    decode_image(&bytes, path)
}

/// RGB in [0,1], with any alpha composited over black.
pub(crate) fn over_black(image: &DynamicImage) -> Rgb32FImage {
    let rgba = image.to_rgba32f();
    let (w, h) = rgba.dimensions();
    Rgb32FImage::from_fn(w, h, |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = p[3].clamp(0.0, 1.0);
        image::Rgb([p[0] * a, p[1] * a, p[2] * a])
    })
}

/// The largest centred crop of `image` with the aspect ratio `width:height`.
fn centre_crop(image: &Rgb32FImage, width: usize, height: usize) -> Rgb32FImage {
    let (w, h) = image.dimensions();
    let (w64, h64) = (w as u64, h as u64);
    // Keep the full width if the image is relatively taller than the target, else the height.
    let (cw, ch) = if w64 * height as u64 <= h64 * width as u64 {
        (w, ((w64 * height as u64) / width as u64).max(1) as u32)
    } else {
        (((h64 * width as u64) / height as u64).max(1) as u32, h)
    };
    let (x0, y0) = ((w - cw.min(w)) / 2, (h - ch.min(h)) / 2);
    image::imageops::crop_imm(image, x0, y0, cw.min(w), ch.min(h)).to_image()
}

/// The image as the network's pixels `[C,H,W]` in `[0,1]`, before normalisation: centre-cropped
/// to the model's aspect ratio, resized with a triangle (bilinear, area-averaging when
/// shrinking) filter, and turned to grey (ITU-R BT.601 luma, as PIL's "L") for one channel.
pub fn to_pixels(image: &Rgb32FImage, spec: &InputSpec) -> Result<Array3<f32>, PixelsError> {
    if spec.channels != 1 && spec.channels != 3 {
        return Err(PixelsError::ImageChannels(spec.channels));
    }
    let (w, h) = image.dimensions();
    if w == 0 || h == 0 {
        return Err(PixelsError::EmptyImage);
    }
    let cropped = centre_crop(image, spec.width, spec.height);
    let resized = if cropped.dimensions() == (spec.width as u32, spec.height as u32) {
        cropped
    } else {
        image::imageops::resize(
            &cropped,
            spec.width as u32,
            spec.height as u32,
            FilterType::Triangle,
        )
    };
    Ok(Array3::from_shape_fn(
        (spec.channels, spec.height, spec.width),
        |(c, y, x)| {
            let p = resized.get_pixel(x as u32, y as u32).0;
            let v = if spec.channels == 1 {
                0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]
            } else {
                p[c]
            };
            v.clamp(0.0, 1.0)
        },
    ))
}

/// Moves every channel by `dx` columns (+ right) and `dy` rows (+ down), filling what the
/// move uncovers as `fill` says.
pub fn shift(pixels: &Array3<f32>, dx: i32, dy: i32, fill: Fill) -> Array3<f32> {
    let (c, h, w) = pixels.dim();
    if (dx, dy) == (0, 0) || h == 0 || w == 0 {
        return pixels.clone();
    }
    // Where each output row and column reads from; None = the fill value 0.
    let source = |i: usize, d: i32, n: usize| -> Option<usize> {
        let s = i as i64 - d as i64;
        let n = n as i64;
        match fill {
            Fill::Zero => (0..n).contains(&s).then_some(s as usize),
            Fill::Edge => Some(s.clamp(0, n - 1) as usize),
            Fill::Wrap => Some(s.rem_euclid(n) as usize),
        }
    };
    let rows: Vec<Option<usize>> = (0..h).map(|y| source(y, dy, h)).collect();
    // The columns that read the row as it is, moved by dx (one copy), and those at the edges
    // that read the fill (one at a time).
    let inside = (dx.max(0) as usize).min(w)..((w as i64 + dx.min(0) as i64).max(0) as usize);
    let edges: Vec<(usize, Option<usize>)> = (0..w)
        .filter(|x| !inside.contains(x))
        .map(|x| (x, source(x, dx, w)))
        .collect();
    let src = pixels.as_standard_layout();
    let src = src.as_slice().expect("standard layout");
    let mut out = vec![0.0; c * h * w];
    for (plane, out_plane) in src.chunks_exact(h * w).zip(out.chunks_exact_mut(h * w)) {
        for (row, out_row) in rows.iter().zip(out_plane.chunks_exact_mut(w)) {
            let Some(sy) = row else { continue };
            let line = &plane[sy * w..(sy + 1) * w];
            if !inside.is_empty() {
                let from = (inside.start as i64 - dx as i64) as usize;
                out_row[inside.clone()].copy_from_slice(&line[from..from + inside.len()]);
            }
            for &(x, sx) in &edges {
                out_row[x] = sx.map_or(0.0, |sx| line[sx]);
            }
        }
    }
    Array3::from_shape_vec((c, h, w), out).expect("c*h*w values")
}

/// Pixels in `[0,1]` -> shifted -> normalised: the tensor the first layer receives.
pub fn network_input(
    pixels: &Array3<f32>,
    spec: &InputSpec,
    dx: i32,
    dy: i32,
    fill: Fill,
) -> Array3<f32> {
    let mut x = shift(pixels, dx, dy, fill);
    spec.normalize(&mut x);
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Every move up to past the edges, every fill, against each pixel read on its own.
    #[test]
    fn shift_reads_each_pixel_from_where_the_fill_says() {
        let x = Array3::from_shape_fn((2, 4, 5), |(c, y, x)| (c * 100 + y * 10 + x) as f32 + 1.0);
        let (h, w) = (4i64, 5i64);
        for fill in [Fill::Zero, Fill::Edge, Fill::Wrap] {
            for dy in -5..=5 {
                for dx in -6..=6 {
                    let got = shift(&x, dx, dy, fill);
                    let want = Array3::from_shape_fn((2, 4, 5), |(c, y, x_)| {
                        let (sy, sx) = (y as i64 - dy as i64, x_ as i64 - dx as i64);
                        let (sy, sx) = match fill {
                            Fill::Zero if !(0..h).contains(&sy) || !(0..w).contains(&sx) => {
                                return 0.0;
                            }
                            Fill::Zero => (sy, sx),
                            Fill::Edge => (sy.clamp(0, h - 1), sx.clamp(0, w - 1)),
                            Fill::Wrap => (sy.rem_euclid(h), sx.rem_euclid(w)),
                        };
                        x[[c, sy as usize, sx as usize]]
                    });
                    assert_eq!(got, want, "{fill:?} dx {dx} dy {dy}");
                }
            }
        }
    }

    #[test]
    fn shift_fills_by_hand() {
        let x = array![[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]];
        assert_eq!(
            shift(&x, 1, 0, Fill::Zero),
            array![[[0.0, 1.0, 2.0], [0.0, 4.0, 5.0]]]
        );
        assert_eq!(
            shift(&x, 1, 0, Fill::Edge),
            array![[[1.0, 1.0, 2.0], [4.0, 4.0, 5.0]]]
        );
        assert_eq!(
            shift(&x, -1, 1, Fill::Wrap),
            array![[[5.0, 6.0, 4.0], [2.0, 3.0, 1.0]]]
        );
    }

    #[test]
    fn corrupt_and_truncated_images_are_errors() {
        let p = Path::new("bad.png");
        let err = decode_image(b"definitely not an image", p).unwrap_err();
        assert!(err.to_string().starts_with("bad.png: "), "{err}");
        // A real PNG cut in half.
        let mut png = Vec::new();
        image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 9, y as u8 * 9, 7]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let err = decode_image(&png[..png.len() / 2], p).unwrap_err();
        assert!(err.to_string().contains("bad.png"), "{err}");
    }

    #[test]
    fn a_huge_header_is_refused_not_allocated() {
        // A valid PNG signature and IHDR claiming 50 000 x 50 000 pixels, and nothing else.
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&50_000u32.to_be_bytes());
        ihdr.extend_from_slice(&50_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        let err = decode_image(&png, Path::new("huge.png")).unwrap_err();
        assert!(err.to_string().contains("huge.png"), "{err}");
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn alpha_goes_over_black_and_grey_uses_bt601() {
        let rgba = image::RgbaImage::from_pixel(2, 2, image::Rgba([255, 255, 255, 128]));
        let rgb = over_black(&DynamicImage::ImageRgba8(rgba));
        assert!((rgb.get_pixel(0, 0).0[0] - 128.0 / 255.0).abs() < 1e-6);
        let spec = InputSpec {
            channels: 1,
            height: 2,
            width: 2,
            mean: vec![0.0],
            std: vec![1.0],
        };
        let red = Rgb32FImage::from_pixel(4, 4, image::Rgb([1.0, 0.0, 0.0]));
        let px = to_pixels(&red, &spec).unwrap();
        assert!((px[[0, 0, 0]] - 0.299).abs() < 1e-6);
    }

    #[test]
    fn wide_images_are_centre_cropped() {
        // 6x2, left third black, middle white, right third black -> crop to the middle 2x2.
        let img = Rgb32FImage::from_fn(6, 2, |x, _| {
            let v = if (2..4).contains(&x) { 1.0 } else { 0.0 };
            image::Rgb([v, v, v])
        });
        let spec = InputSpec {
            channels: 3,
            height: 2,
            width: 2,
            mean: vec![0.0; 3],
            std: vec![1.0; 3],
        };
        assert!(to_pixels(&img, &spec).unwrap().iter().all(|&v| v == 1.0));
    }
}
