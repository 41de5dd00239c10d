//! A labelled set of images (or spectrograms) of one size: kept compactly, handed out as
//! \[C,H,W\] maps, cut into subsets and validation splits, normalised for a network.

use super::error::Error;
use crate::engine::model::InputSpec;
use crate::io::audio_input::Audio;
use ndarray::Array3;
use std::sync::Arc;

/// A labelled set of images of one size.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// What it is, for messages and a model's `training.dataset`.
    pub name: String,
    channels: usize,
    height: usize,
    width: usize,
    /// Image after image, each [C,H,W] row-major.
    values: Values,
    labels: Vec<u8>,
    classes: Vec<String>,
    /// The order [`Dataset::take`] picks examples in, when not the stored order.
    spread: Option<Vec<usize>>,
    /// The recording each spectrogram was computed from (spoken digits), for augmentation
    /// that varies the sound itself.
    recordings: Option<Vec<Arc<Audio>>>,
    /// How many of the last examples are always trained on, whatever the limit (spoken digits
    /// from `+` folders: a limit counts the others).
    training_only: usize,
}

impl Dataset {
    /// Builds a set; `bytes` holds `labels.len()` images of `channels*height*width` bytes.
    pub(crate) fn new(
        name: String,
        (channels, height, width): (usize, usize, usize),
        bytes: Vec<u8>,
        labels: Vec<u8>,
        classes: Vec<String>,
    ) -> Result<Dataset, Error> {
        let size = channels * height * width;
        let bad = |message: String| Error::Spec {
            spec: name.clone(),
            message,
        };
        if bytes.len() != size * labels.len() {
            return Err(bad(format!(
                "{} bytes for {} images of {size}",
                bytes.len(),
                labels.len()
            )));
        }
        if let Some(l) = labels.iter().find(|&&l| l as usize >= classes.len()) {
            return Err(bad(format!("label {l} but only {} classes", classes.len())));
        }
        Ok(Dataset {
            name,
            channels,
            height,
            width,
            values: Values::Bytes(bytes),
            labels,
            classes,
            spread: None,
            recordings: None,
            training_only: 0,
        })
    }

    /// A set of float maps (spectrograms), kept as given: `values` holds `labels.len()` maps of
    /// `channels*height*width` values.
    pub(crate) fn from_floats(
        name: String,
        shape: (usize, usize, usize),
        values: Vec<f32>,
        labels: Vec<u8>,
        classes: Vec<String>,
    ) -> Result<Dataset, Error> {
        let size = shape.0 * shape.1 * shape.2;
        if values.len() != size * labels.len() {
            return Err(Error::Spec {
                spec: name,
                message: format!(
                    "{} values for {} maps of {size}",
                    values.len(),
                    labels.len()
                ),
            });
        }
        let mut set = Dataset::new(name, shape, Vec::new(), Vec::new(), classes)?;
        set.values = Values::Floats(values);
        if let Some(l) = labels.iter().find(|&&l| l as usize >= set.classes.len()) {
            return Err(Error::Spec {
                spec: set.name,
                message: format!("label {l} but only {} classes", set.classes.len()),
            });
        }
        set.labels = labels;
        Ok(set)
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// `(channels, height, width)` of every image.
    pub fn image_shape(&self) -> (usize, usize, usize) {
        (self.channels, self.height, self.width)
    }

    /// Image `i` as \[C,H,W\] before the model's normalisation: in \[0,1\] for images, log-mel
    /// values for spectrograms.
    pub fn pixels(&self, i: usize) -> Array3<f32> {
        let size = self.channels * self.height * self.width;
        let at = |c: usize, y: usize, x: usize| (c * self.height + y) * self.width + x;
        match &self.values {
            Values::Bytes(b) => {
                let bytes = &b[i * size..(i + 1) * size];
                Array3::from_shape_fn((self.channels, self.height, self.width), |(c, y, x)| {
                    bytes[at(c, y, x)] as f32 / 255.0
                })
            }
            Values::Floats(v) => {
                let values = &v[i * size..(i + 1) * size];
                Array3::from_shape_fn((self.channels, self.height, self.width), |(c, y, x)| {
                    values[at(c, y, x)]
                })
            }
        }
    }

    /// Whether the values are in [0,1] (images) rather than unbounded (spectrograms).
    pub(crate) fn is_images(&self) -> bool {
        matches!(self.values, Values::Bytes(_))
    }

    /// The class of image `i`.
    pub fn label(&self, i: usize) -> usize {
        self.labels[i] as usize
    }

    pub fn labels(&self) -> Vec<usize> {
        self.labels.iter().map(|&l| l as usize).collect()
    }

    pub(crate) fn class_names(&self) -> Vec<String> {
        self.classes.clone()
    }

    /// The first `n` images (all of them when there are fewer), or, for a set given a
    /// `Dataset::with_spread` order, the first `n` of that order kept in stored order; and,
    /// on top of them, the examples always trained on (spoken digits from `+` folders).
    pub fn take(&self, n: usize) -> Dataset {
        let size = self.channels * self.height * self.width;
        // The examples always trained on are the last of the stored order (and of a spread
        // order: fsdd puts them there); the limit counts the others.
        let (len, extra) = (self.len(), self.training_only);
        let n = n.min(len - extra);
        let identity: Vec<usize>;
        let order = match &self.spread {
            Some(order) => order,
            None if extra > 0 => {
                identity = (0..len).collect();
                &identity
            }
            None => {
                return Dataset {
                    name: format!("{} (first {n})", self.name),
                    values: match &self.values {
                        Values::Bytes(b) => Values::Bytes(b[..n * size].to_vec()),
                        Values::Floats(v) => Values::Floats(v[..n * size].to_vec()),
                    },
                    labels: self.labels[..n].to_vec(),
                    recordings: self.recordings.as_ref().map(|r| r[..n].to_vec()),
                    training_only: 0,
                    ..self.clone()
                };
            }
        };
        let mut chosen: Vec<usize> = order[..n]
            .iter()
            .chain(&order[len - extra..])
            .copied()
            .collect();
        chosen.sort_unstable();
        fn gather<T: Copy>(all: &[T], chosen: &[usize], size: usize) -> Vec<T> {
            chosen
                .iter()
                .flat_map(|&i| all[i * size..(i + 1) * size].iter().copied())
                .collect()
        }
        Dataset {
            name: format!("{} ({n} spread over every class)", self.name),
            values: match &self.values {
                Values::Bytes(b) => Values::Bytes(gather(b, &chosen, size)),
                Values::Floats(v) => Values::Floats(gather(v, &chosen, size)),
            },
            labels: gather(&self.labels, &chosen, 1),
            recordings: self
                .recordings
                .as_ref()
                .map(|r| chosen.iter().map(|&i| r[i].clone()).collect()),
            spread: None,
            training_only: 0,
            ..self.clone()
        }
    }

    /// The set split in stored order: every image but the last `n`, and the last `n` (a
    /// validation split carved out of a training set). A `Dataset::with_spread` order does
    /// not survive the cut: both parts are in stored order.
    pub fn split_last(&self, n: usize) -> (Dataset, Dataset) {
        let n = n.min(self.len());
        let cut = self.len() - n;
        let size = self.channels * self.height * self.width;
        let part = |range: std::ops::Range<usize>, name: String| Dataset {
            name,
            values: match &self.values {
                Values::Bytes(b) => Values::Bytes(b[range.start * size..range.end * size].to_vec()),
                Values::Floats(v) => {
                    Values::Floats(v[range.start * size..range.end * size].to_vec())
                }
            },
            labels: self.labels[range.clone()].to_vec(),
            recordings: self.recordings.as_ref().map(|r| r[range].to_vec()),
            spread: None,
            training_only: 0,
            ..self.clone()
        };
        (
            part(0..cut, format!("{} (first {cut})", self.name)),
            part(
                cut..self.len(),
                format!("{} (last {n}, validation)", self.name),
            ),
        )
    }

    /// The set, with `order` (a permutation of its indices) as the order [`Dataset::take`]
    /// picks a subset in: a set stored class by class gets subsets of every class.
    pub(crate) fn with_spread(self, order: Vec<usize>) -> Dataset {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        let permutation = sorted.iter().copied().eq(0..self.len());
        Dataset {
            spread: permutation.then_some(order),
            ..self
        }
    }

    /// The set, with the recording each example was computed from (one per example, in
    /// order; ignored when the counts differ).
    pub(crate) fn with_recordings(self, recordings: Vec<Arc<Audio>>) -> Dataset {
        Dataset {
            recordings: (recordings.len() == self.len()).then_some(recordings),
            ..self
        }
    }

    /// The set, with its last `n` examples always kept by [`Dataset::take`], on top of the
    /// number asked for (training recordings from `+` folders).
    pub(crate) fn with_training_only(self, n: usize) -> Dataset {
        Dataset {
            training_only: n.min(self.len()),
            ..self
        }
    }

    /// The recordings the examples were computed from, when the set is spoken digits.
    pub(crate) fn recordings(&self) -> Option<&[Arc<Audio>]> {
        self.recordings.as_deref()
    }

    /// The same images and labels under another name and class names (Fashion-MNIST comes in
    /// MNIST's files).
    pub(super) fn relabelled(self, name: String, classes: Vec<String>) -> Dataset {
        Dataset {
            name,
            classes,
            ..self
        }
    }

    /// Every image normalised as `spec` says, or an error when the sizes differ.
    pub fn network_inputs(&self, spec: &InputSpec) -> Result<Vec<Array3<f32>>, Error> {
        if (spec.channels, spec.height, spec.width) != self.image_shape() {
            return Err(Error::Size {
                set: self.name.clone(),
                got: format!("{} @ {}x{}", self.channels, self.height, self.width),
                expected: spec.shape().to_string(),
            });
        }
        Ok((0..self.len())
            .map(|i| {
                let mut x = self.pixels(i);
                spec.normalize(&mut x);
                x
            })
            .collect())
    }
}

/// How a set keeps its examples.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// Pixels in [0,255].
    Bytes(Vec<u8>),
    /// Values as computed (log-mel spectrograms).
    Floats(Vec<f32>),
}

/// A training set and a held-out test set.
#[derive(Debug, Clone)]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
}

pub(super) fn digit_names() -> Vec<String> {
    (0..10).map(|d| d.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validation_split_is_the_last_images_and_the_rest_keeps_the_others() {
        let set = Dataset::new(
            "five".into(),
            (1, 1, 1),
            vec![10, 11, 12, 13, 14],
            vec![0, 1, 0, 1, 0],
            vec!["a".into(), "b".into()],
        )
        .expect("a set");
        let (rest, validation) = set.split_last(2);
        assert_eq!(rest.labels(), vec![0, 1, 0]);
        assert_eq!(validation.labels(), vec![1, 0]);
        assert_eq!(validation.pixels(0)[[0, 0, 0]], 13.0 / 255.0);
        assert_eq!(rest.pixels(2)[[0, 0, 0]], 12.0 / 255.0);
        // More than there is: everything is validation.
        let (none, all) = set.split_last(9);
        assert!(none.is_empty());
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn a_spread_subset_takes_the_order_given_and_keeps_the_stored_order() {
        // Six images stored class by class: 0 0 0 1 1 1.
        let set = Dataset::new(
            "six".into(),
            (1, 1, 1),
            vec![10, 11, 12, 20, 21, 22],
            vec![0, 0, 0, 1, 1, 1],
            digit_names(),
        )
        .unwrap();
        assert_eq!(set.take(2).labels(), vec![0, 0]);
        let spread = set.clone().with_spread(vec![0, 3, 1, 4, 2, 5]);
        let two = spread.take(2);
        assert_eq!(two.labels(), vec![0, 1]);
        assert_eq!(two.pixels(1)[[0, 0, 0]], 20.0 / 255.0);
        let four = spread.take(4);
        assert_eq!(four.labels(), vec![0, 0, 1, 1]);
        assert_eq!(four.pixels(1)[[0, 0, 0]], 11.0 / 255.0);
        // All of them: the set as stored.
        assert_eq!(spread.take(99).labels(), set.labels());
        assert_eq!(spread.take(6).pixels(5), set.pixels(5));
        // Not a permutation: ignored.
        assert_eq!(
            set.clone().with_spread(vec![0, 0]).take(2).labels(),
            vec![0, 0]
        );
    }

    #[test]
    fn examples_always_trained_on_come_on_top_of_a_limit() {
        // Four stored examples, the last two from a `+` folder, spread with them last.
        let set = Dataset::new(
            "four".into(),
            (1, 1, 1),
            vec![10, 11, 20, 21],
            vec![0, 1, 0, 1],
            digit_names(),
        )
        .unwrap()
        .with_spread(vec![1, 0, 2, 3])
        .with_training_only(2);
        let one = set.take(1);
        assert_eq!(one.len(), 3);
        assert_eq!(one.pixels(0)[[0, 0, 0]], 11.0 / 255.0);
        assert_eq!(one.pixels(2)[[0, 0, 0]], 21.0 / 255.0);
        assert_eq!(set.take(9).len(), 4);
        assert_eq!(set.take(0).len(), 2);
    }
}
