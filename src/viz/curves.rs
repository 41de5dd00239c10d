//! Learning curves as a picture (for a handout, where no plot widget draws): accuracy from 0 to
//! 1 against the epoch, a light grid line every 10% and every epoch, each run's training curve
//! solid and its test curve dashed in the run's colour, and a key of the runs' colours down the
//! right edge, in the order given. Words go in the caption beside it.

use image::{Rgba, RgbaImage};

/// One run's curves: its colour and, per epoch, training and test accuracy (0..=1).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CurveRun {
    pub colour: [u8; 3],
    pub train: Vec<[f64; 2]>,
    pub test: Vec<[f64; 2]>,
}

const WHITE: Rgba<u8> = Rgba([255, 255, 255, 255]);
const GRID: Rgba<u8> = Rgba([225, 225, 225, 255]);
const AXIS: Rgba<u8> = Rgba([60, 60, 60, 255]);
/// Room around the chart, and for the key on the right.
const MARGIN: u32 = 24;
const KEY: u32 = 40;

/// The runs' curves on axes of `epochs` epochs, `width` x `height` pixels.
pub(crate) fn curves_image(runs: &[CurveRun], epochs: usize, width: u32, height: u32) -> RgbaImage {
    let mut img = RgbaImage::from_pixel(width, height, WHITE);
    let (left, top) = (MARGIN as f64, MARGIN as f64);
    let right = (width.saturating_sub(MARGIN + KEY)) as f64;
    let bottom = (height.saturating_sub(MARGIN)) as f64;
    let epochs = epochs.max(1) as f64;
    let at = |[x, y]: [f64; 2]| {
        (
            left + x / epochs * (right - left),
            bottom - y.clamp(0.0, 1.0) * (bottom - top),
        )
    };
    for tenth in 0..=10 {
        let y = at([0.0, tenth as f64 / 10.0]).1;
        let colour = if tenth == 0 { AXIS } else { GRID };
        line(&mut img, (left, y), (right, y), 1.0, colour, None);
    }
    for e in 0..=epochs as usize {
        let x = at([e as f64, 0.0]).0;
        let colour = if e == 0 { AXIS } else { GRID };
        line(&mut img, (x, top), (x, bottom), 1.0, colour, None);
    }
    for run in runs {
        let [r, g, b] = run.colour;
        let colour = Rgba([r, g, b, 255]);
        for (points, dash) in [(&run.train, None), (&run.test, Some(10.0))] {
            for pair in points.windows(2) {
                line(&mut img, at(pair[0]), at(pair[1]), 3.0, colour, dash);
            }
        }
    }
    // The key: one square per run, top to bottom.
    for (i, run) in runs.iter().enumerate() {
        let [r, g, b] = run.colour;
        let x0 = width.saturating_sub(KEY - 8);
        let y0 = MARGIN + i as u32 * 28;
        for y in y0..(y0 + 20).min(height) {
            for x in x0..(x0 + 20).min(width) {
                img.put_pixel(x, y, Rgba([r, g, b, 255]));
            }
        }
    }
    img
}

/// A line `thickness` pixels wide from `a` to `b`; with `dash`, drawn `dash` pixels on and
/// as many off.
fn line(
    img: &mut RgbaImage,
    a: (f64, f64),
    b: (f64, f64),
    thickness: f64,
    colour: Rgba<u8>,
    dash: Option<f64>,
) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx.hypot(dy);
    let steps = (length * 2.0).ceil().max(1.0) as usize;
    let half = thickness / 2.0;
    for i in 0..=steps {
        let t = i as f64 / steps as f64;
        if dash.is_some_and(|d| (t * length / d) as usize % 2 == 1) {
            continue;
        }
        let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
        let (x0, x1) = ((cx - half).round() as i64, (cx + half).round() as i64);
        let (y0, y1) = ((cy - half).round() as i64, (cy + half).round() as i64);
        for y in y0..=y1.max(y0) {
            for x in x0..=x1.max(x0) {
                if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
                    img.put_pixel(x as u32, y as u32, colour);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_drawn_in_its_colour_with_its_key() {
        let run = CurveRun {
            colour: [200, 0, 0],
            train: vec![[1.0, 0.5], [2.0, 1.0]],
            test: vec![[1.0, 0.4], [2.0, 0.6]],
        };
        let img = curves_image(std::slice::from_ref(&run), 2, 300, 200);
        assert_eq!((img.width(), img.height()), (300, 200));
        let red = img.pixels().filter(|p| p.0 == [200, 0, 0, 255]).count();
        // Two curves and a 20x20 square.
        assert!(red > 400 + 100, "{red}");
        // The training curve ends at 100%: the chart's top edge, at the last epoch.
        let (x, y) = (300 - MARGIN - KEY, MARGIN);
        assert_eq!(img.get_pixel(x, y).0, [200, 0, 0, 255]);
        assert_eq!(img.get_pixel(0, 0).0, WHITE.0);
    }
}
