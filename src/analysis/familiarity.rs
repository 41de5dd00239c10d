//! How far an input is from the pictures a model was trained on, by a few numbers anyone can
//! check on a picture: its average brightness, its contrast, how bright its border is, the
//! share of its pixels that are mid-tones (neither dark nor bright), and for a colour model how
//! colourful it is. Each is measured over the training set too; an input is unlike the training
//! data where one of its numbers falls far outside the range that holds 99% of the training
//! pictures: beyond it by more than half the range's width.
//!
//! Cheap (one pass over the pixels) and honest: it says which number and by how much, and
//! claims nothing about inputs that differ in ways these numbers do not see (a photo of a
//! digit-like shape passes). What it cannot do is the point it makes in class: the network
//! answers with a class and a probability whatever it is shown.

use ndarray::Array3;

/// One number measured on a picture, in `[0, 1]` pixels before normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// The mean of every pixel.
    Brightness,
    /// The standard deviation of the pixels.
    Contrast,
    /// The mean of the outermost pixels (a ring a fourteenth of the side wide).
    Border,
    /// The share of pixel values between 0.25 and 0.75.
    MidTones,
    /// The mean, over pixels, of the largest minus the smallest of R, G and B (colour models
    /// only).
    Colour,
}

impl Measure {
    pub const ALL: [Measure; 5] = [
        Measure::Brightness,
        Measure::Contrast,
        Measure::Border,
        Measure::MidTones,
        Measure::Colour,
    ];
}

/// The share of training pictures [`Range`] spans: all but 0.5% at either end.
const SPANNED: f32 = 0.99;
/// How far outside its range, in range widths, a number is "far": half the width.
const FAR: f32 = 0.5;
/// The least a range counts as wide (a training set whose borders are all black has a range
/// of zero width; a border of 0.01 is not far from that).
const MIN_WIDTH: f32 = 0.05;

/// Where a measure lies for nearly every training picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub low: f32,
    pub high: f32,
}

impl Range {
    /// How far outside the range `value` is, in range widths (0 inside it).
    pub fn distance(&self, value: f32) -> f32 {
        let width = (self.high - self.low).max(MIN_WIDTH);
        if value < self.low {
            (self.low - value) / width
        } else if value > self.high {
            (value - self.high) / width
        } else {
            0.0
        }
    }
}

/// The ranges of a training set's measures.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reference {
    /// `(channels, height, width)` of the pictures measured.
    pub shape: (usize, usize, usize),
    /// How many pictures were measured.
    pub count: usize,
    pub ranges: Vec<(Measure, Range)>,
}

/// A measure of an input far outside the training set's range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outlier {
    pub measure: Measure,
    pub value: f32,
    pub range: Range,
}

/// `pixels`' measures: all but [`Measure::Colour`] for one channel, all five for three.
pub(crate) fn measures(pixels: &Array3<f32>) -> Vec<(Measure, f32)> {
    let (c, h, w) = pixels.dim();
    let n = pixels.len().max(1) as f32;
    let mean = pixels.sum() / n;
    let variance = pixels.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n;
    let mid = pixels.iter().filter(|v| (0.25..=0.75).contains(*v)).count() as f32 / n;
    let ring = (h.min(w) / 14).max(1);
    let (mut border, mut count) = (0.0f32, 0usize);
    for ((_, y, x), v) in pixels.indexed_iter() {
        if y < ring || x < ring || y + ring >= h || x + ring >= w {
            border += v;
            count += 1;
        }
    }
    let mut out = vec![
        (Measure::Brightness, mean),
        (Measure::Contrast, variance.sqrt()),
        (Measure::Border, border / count.max(1) as f32),
        (Measure::MidTones, mid),
    ];
    if c == 3 {
        let mut spread = 0.0f32;
        for y in 0..h {
            for x in 0..w {
                let rgb = [pixels[[0, y, x]], pixels[[1, y, x]], pixels[[2, y, x]]];
                let (lo, hi) = rgb
                    .iter()
                    .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                spread += hi - lo;
            }
        }
        out.push((Measure::Colour, spread / (h * w).max(1) as f32));
    }
    out
}

/// The ranges of the measures over `pictures` (all of one shape); `None` for no pictures.
pub(crate) fn reference(pictures: impl IntoIterator<Item = Array3<f32>>) -> Option<Reference> {
    let mut shape = None;
    let mut values: Vec<(Measure, Vec<f32>)> = Vec::new();
    for p in pictures {
        shape.get_or_insert(p.dim());
        for (m, v) in measures(&p) {
            match values.iter_mut().find(|(k, _)| *k == m) {
                Some((_, list)) => list.push(v),
                None => values.push((m, vec![v])),
            }
        }
    }
    let count = values.first().map_or(0, |(_, v)| v.len());
    let ranges = values
        .into_iter()
        .map(|(m, mut list)| {
            list.sort_by(f32::total_cmp);
            let at = |q: f32| list[((list.len() - 1) as f32 * q).round() as usize];
            let tail = (1.0 - SPANNED) / 2.0;
            let range = Range {
                low: at(tail),
                high: at(1.0 - tail),
            };
            (m, range)
        })
        .collect();
    Some(Reference {
        shape: shape?,
        count,
        ranges,
    })
}

/// The measures of `pixels` far outside `reference`'s ranges, the farthest first; empty for
/// pixels of another shape than the reference's (nothing to compare).
pub(crate) fn outliers(reference: &Reference, pixels: &Array3<f32>) -> Vec<Outlier> {
    if pixels.dim() != reference.shape {
        return Vec::new();
    }
    let mut out: Vec<Outlier> = measures(pixels)
        .into_iter()
        .filter_map(|(measure, value)| {
            let (_, range) = reference.ranges.iter().find(|(m, _)| *m == measure)?;
            (range.distance(value) > FAR).then_some(Outlier {
                measure,
                value,
                range: *range,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.range
            .distance(b.value)
            .total_cmp(&a.range.distance(a.value))
    });
    out
}

/// How colourful a picture is: the mean, over its pixels, of the largest minus the smallest
/// of R, G and B (0 for a grey picture). Every `step`-th pixel in each direction is enough to
/// tell a photo from a grey picture.
pub(crate) fn colourfulness(image: &image::Rgb32FImage) -> f32 {
    let (w, h) = image.dimensions();
    let step = ((w.max(h) / 256).max(1)) as usize;
    let (mut sum, mut n) = (0.0f32, 0usize);
    for y in (0..h).step_by(step) {
        for x in (0..w).step_by(step) {
            let p = image.get_pixel(x, y).0;
            let hi = p[0].max(p[1]).max(p[2]);
            let lo = p[0].min(p[1]).min(p[2]);
            sum += hi - lo;
            n += 1;
        }
    }
    sum / n.max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 28x28 "digit": a white bar on black.
    fn bar(x0: usize) -> Array3<f32> {
        Array3::from_shape_fn((1, 28, 28), |(_, y, x)| {
            if (x0..x0 + 3).contains(&x) && (6..22).contains(&y) {
                1.0
            } else {
                0.0
            }
        })
    }

    #[test]
    fn measures_are_what_they_say() {
        // 48 of 784 pixels white: mean 48/784, border black, no mid-tones.
        let m = measures(&bar(12));
        let get = |k| m.iter().find(|(x, _)| *x == k).map(|(_, v)| *v);
        assert!((get(Measure::Brightness).unwrap() - 48.0 / 784.0).abs() < 1e-6);
        assert_eq!(get(Measure::Border), Some(0.0));
        assert_eq!(get(Measure::MidTones), Some(0.0));
        assert_eq!(get(Measure::Colour), None);
        // Uniform grey 0.5: all mid-tones, no contrast, border 0.5.
        let grey = measures(&Array3::from_elem((3, 8, 8), 0.5));
        assert_eq!(grey[1], (Measure::Contrast, 0.0));
        assert_eq!(grey[2], (Measure::Border, 0.5));
        assert_eq!(grey[3], (Measure::MidTones, 1.0));
        assert_eq!(grey[4], (Measure::Colour, 0.0));
    }

    #[test]
    fn an_input_far_outside_the_training_ranges_is_an_outlier_and_one_inside_is_not() {
        let training: Vec<_> = (4..22).map(bar).collect();
        let r = reference(training).expect("pictures");
        assert_eq!(r.count, 18);
        assert!(outliers(&r, &bar(10)).is_empty());
        let grey = Array3::from_elem((1, 28, 28), 0.45);
        let far = outliers(&r, &grey);
        let which: Vec<Measure> = far.iter().map(|o| o.measure).collect();
        assert!(which.contains(&Measure::Border), "{which:?}");
        assert!(which.contains(&Measure::MidTones), "{which:?}");
        // Another shape: nothing to compare.
        assert!(outliers(&r, &Array3::zeros((1, 32, 32))).is_empty());
    }

    /// The bundled MNIST: the ranges of its training pictures, then how many of its test
    /// digits would be cautioned. Measured: none of the 998 bundled test digits (0%). A caution
    /// that cried wolf on one digit in a hundred would teach a class to ignore it.
    #[test]
    fn few_mnist_test_digits_are_called_unlike_the_training_digits() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data/mnist");
        let split = crate::data::load(&crate::data::DataSpec::Mnist(dir)).expect("bundled MNIST");
        let r = reference((0..split.train.len()).map(|i| split.train.pixels(i))).expect("pictures");
        let n = split.test.len();
        let alarms = (0..n)
            .filter(|&i| !outliers(&r, &split.test.pixels(i)).is_empty())
            .count();
        let rate = alarms as f32 / n as f32;
        eprintln!(
            "false alarms on the MNIST test digits: {alarms} of {n} ({:.2}%)",
            rate * 100.0
        );
        assert!(n >= 500, "{n} test digits");
        assert!(rate < 0.01, "{alarms} of {n} test digits cautioned");
    }

    #[test]
    fn a_grey_picture_has_no_colour() {
        let grey = image::Rgb32FImage::from_pixel(300, 200, image::Rgb([0.4, 0.4, 0.4]));
        assert_eq!(colourfulness(&grey), 0.0);
        let red = image::Rgb32FImage::from_pixel(30, 20, image::Rgb([0.9, 0.1, 0.1]));
        assert!((colourfulness(&red) - 0.8).abs() < 1e-5);
    }
}
