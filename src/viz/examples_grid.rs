//! A channel's dataset examples as pictures: each crop as a person sees it (a picture's own
//! pixels, a spectrogram in false colour), and the crops side by side in a grid.

use super::raster::pixels_image;
use super::waveform::spectrogram_image;
use image::{Rgba, RgbaImage, imageops};
use ndarray::Array3;

/// Grey between the tiles and around a crop narrower than its tile.
const BACKGROUND: Rgba<u8> = Rgba([128, 128, 128, 255]);

/// Pixels between two tiles.
const GAP: u32 = 4;

/// One crop (\[C,H,W\] before normalisation) at its own size: pixels as they are when
/// `pictures`, else a spectrogram's values from 0 to its largest.
pub(crate) fn crop_image(crop: &Array3<f32>, pictures: bool) -> RgbaImage {
    if pictures {
        pixels_image(crop)
    } else {
        spectrogram_image(crop)
    }
}

/// The whole-pixel factor that makes an `h` x `w` picture as large as fits a `tile` square.
pub(crate) fn zoom_for(h: u32, w: u32, tile: u32) -> u32 {
    (tile / h.max(w).max(1)).max(1)
}

/// The crops in rows of `cols`, each enlarged by whole pixels (nearest neighbour, so every
/// input pixel stays a crisp square) to fit a `tile` x `tile` square (or shrunk, when larger)
/// and centred in it.
pub(crate) fn examples_grid(crops: &[RgbaImage], tile: u32, cols: usize) -> RgbaImage {
    let cols = cols.clamp(1, crops.len().max(1)) as u32;
    let rows = (crops.len() as u32).div_ceil(cols).max(1);
    let side = |n: u32| n * tile + (n + 1) * GAP;
    let mut out = RgbaImage::from_pixel(side(cols), side(rows), BACKGROUND);
    for (i, crop) in crops.iter().enumerate() {
        let (col, row) = (i as u32 % cols, i as u32 / cols);
        let (cw, ch) = crop.dimensions();
        let longest = cw.max(ch).max(1);
        // Larger than the tile (a deep layer's field on a big picture): shrunk to fit.
        let (w, h) = if longest > tile {
            ((cw * tile / longest).max(1), (ch * tile / longest).max(1))
        } else {
            let zoom = zoom_for(ch, cw, tile);
            (cw * zoom, ch * zoom)
        };
        let big = imageops::resize(crop, w, h, imageops::FilterType::Nearest);
        let x = GAP + col * (tile + GAP) + (tile - w) / 2;
        let y = GAP + row * (tile + GAP) + (tile - h) / 2;
        imageops::replace(&mut out, &big, x as i64, y as i64);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crops_are_enlarged_by_whole_pixels_and_centred_in_their_tiles() {
        // A 3x2 white crop in 12-pixel tiles: zoom 4 -> 12x8, 2 rows of grey above and below.
        let white = crop_image(&Array3::from_elem((1, 2, 3), 1.0), true);
        let grid = examples_grid(&[white.clone(), white], 12, 3);
        assert_eq!(grid.dimensions(), (2 * 12 + 3 * GAP, 12 + 2 * GAP));
        assert_eq!(*grid.get_pixel(GAP, GAP + 1), BACKGROUND);
        assert_eq!(*grid.get_pixel(GAP, GAP + 2), Rgba([255, 255, 255, 255]));
        assert_eq!(
            *grid.get_pixel(GAP + 11, GAP + 9),
            Rgba([255, 255, 255, 255])
        );
        assert_eq!(*grid.get_pixel(GAP + 11, GAP + 10), BACKGROUND);
        // The second tile starts after one gap more.
        assert_eq!(
            *grid.get_pixel(2 * GAP + 12, GAP + 2),
            Rgba([255, 255, 255, 255])
        );
        assert_eq!(zoom_for(28, 28, 96), 3);
        assert_eq!(zoom_for(200, 100, 96), 1);
    }
}
