//! Labelled sets for training and evaluation: MNIST from IDX files, the seeded synthetic
//! "shapes" set, or spoken digits (FSDD) as log-mel spectrograms. Image pixels are kept as
//! bytes and handed out as [C,H,W] in [0,1]; spectrograms are kept as they are computed.

pub mod augment;
pub mod fsdd;
pub mod recipe;
pub mod shapes;

use crate::engine::InputSpec;
use crate::io::FileError;
use crate::io::idx::load_mnist_split;
use ndarray::Array3;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use thiserror::Error;

/// Largest number of synthetic images asked for at once (each is 12 KiB of bytes and 48 KiB
/// once normalised for training).
pub const MAX_SHAPES: usize = 10_000;

#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("data `{spec}`: {message}")]
    Spec { spec: String, message: String },
    #[error("{set}: images are {got}, the model takes {expected}")]
    Size {
        set: String,
        got: String,
        expected: String,
    },
}

/// Where the examples come from, as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSpec {
    /// `mnist:DIR`: `train-*` and `t10k-*` IDX files (plain or `.gz`) in `DIR`.
    Mnist(PathBuf),
    /// `fashion:DIR`: Fashion-MNIST's IDX files, laid out as MNIST's, with its ten classes.
    Fashion(PathBuf),
    /// `shapes` or `shapes:N`: `N` generated training images (default
    /// [`shapes::DEFAULT_TRAIN`]) and a held-out set drawn from another seed.
    Shapes(Option<usize>),
    /// `fsdd:DIR` (recordings 0-4 of each speaker and digit are the test split) or
    /// `fsdd@SPEAKER:DIR` (that speaker's recordings are the test split, the others' the
    /// training split).
    Fsdd(fsdd::FsddSpec),
}

impl FromStr for DataSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let bad = |message: &str| Error::Spec {
            spec: text.to_string(),
            message: message.to_string(),
        };
        match text.split_once(':') {
            Some(("mnist", dir)) if !dir.is_empty() => Ok(DataSpec::Mnist(PathBuf::from(dir))),
            Some(("fashion", dir)) if !dir.is_empty() => Ok(DataSpec::Fashion(PathBuf::from(dir))),
            Some(("mnist", _)) | None if text == "mnist" || text == "mnist:" => {
                Err(bad("give the folder of the IDX files: mnist:DIR"))
            }
            None if text == "shapes" => Ok(DataSpec::Shapes(None)),
            Some(("shapes", n)) => match n.parse::<usize>() {
                Ok(n) if (1..=MAX_SHAPES).contains(&n) => Ok(DataSpec::Shapes(Some(n))),
                _ => Err(bad(&format!(
                    "`{n}` is not a number of images between 1 and {MAX_SHAPES}"
                ))),
            },
            Some((kind, dir)) if kind == "fsdd" || kind.starts_with("fsdd@") => {
                // `kind:dir` is `text`: the error names it as the others do.
                fsdd::FsddSpec::parse(kind, dir).map(DataSpec::Fsdd)
            }
            _ => Err(bad(
                "expected mnist:DIR, fashion:DIR, shapes, shapes:N, fsdd:DIR or fsdd@SPEAKER:DIR",
            )),
        }
    }
}

impl fmt::Display for DataSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSpec::Mnist(dir) => write!(f, "mnist:{}", dir.display()),
            DataSpec::Fashion(dir) => write!(f, "fashion:{}", dir.display()),
            DataSpec::Shapes(None) => write!(f, "shapes"),
            DataSpec::Shapes(Some(n)) => write!(f, "shapes:{n}"),
            DataSpec::Fsdd(spec) => write!(f, "{spec}"),
        }
    }
}

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
}

impl Dataset {
    /// Builds a set; `bytes` holds `labels.len()` images of `channels*height*width` bytes.
    pub fn new(
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
        })
    }

    /// A set of float maps (spectrograms), kept as given: `values` holds `labels.len()` maps of
    /// `channels*height*width` values.
    pub fn from_floats(
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

    /// Image `i` as [C,H,W] before the model's normalisation: in [0,1] for images, log-mel
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
    pub fn is_images(&self) -> bool {
        matches!(self.values, Values::Bytes(_))
    }

    /// The class of image `i`.
    pub fn label(&self, i: usize) -> usize {
        self.labels[i] as usize
    }

    pub fn labels(&self) -> Vec<usize> {
        self.labels.iter().map(|&l| l as usize).collect()
    }

    pub fn class_names(&self) -> Vec<String> {
        self.classes.clone()
    }

    /// The first `n` images (all of them when there are fewer), or, for a set given a
    /// [`Dataset::with_spread`] order, the first `n` of that order kept in stored order.
    pub fn take(&self, n: usize) -> Dataset {
        let n = n.min(self.len());
        let size = self.channels * self.height * self.width;
        let Some(order) = &self.spread else {
            return Dataset {
                name: format!("{} (first {n})", self.name),
                values: match &self.values {
                    Values::Bytes(b) => Values::Bytes(b[..n * size].to_vec()),
                    Values::Floats(v) => Values::Floats(v[..n * size].to_vec()),
                },
                labels: self.labels[..n].to_vec(),
                ..self.clone()
            };
        };
        let mut chosen = order[..n].to_vec();
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
            spread: None,
            ..self.clone()
        }
    }

    /// The set split in stored order: every image but the last `n`, and the last `n` (a
    /// validation split carved out of a training set). A [`Dataset::with_spread`] order does
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
            labels: self.labels[range].to_vec(),
            spread: None,
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
    pub fn with_spread(self, order: Vec<usize>) -> Dataset {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        let permutation = sorted.iter().copied().eq(0..self.len());
        Dataset {
            spread: permutation.then_some(order),
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

fn digit_names() -> Vec<String> {
    (0..10).map(|d| d.to_string()).collect()
}

/// Fashion-MNIST's classes, in label order.
pub const FASHION_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

fn mnist(dir: &std::path::Path, prefix: &str) -> Result<Dataset, Error> {
    let set = load_mnist_split(dir, prefix)?;
    if let Some(&bad) = set.labels.iter().find(|&&l| l > 9) {
        return Err(Error::File(FileError::invalid(
            &dir.join(format!("{prefix}-labels-idx1-ubyte")),
            format!("label {bad} is not a digit 0-9"),
        )));
    }
    Dataset::new(
        format!("mnist:{} ({prefix})", dir.display()),
        (1, set.height, set.width),
        set.pixels,
        set.labels,
        digit_names(),
    )
}

/// Loads (or generates) the training and test sets.
pub fn load(spec: &DataSpec) -> Result<Split, Error> {
    match spec {
        DataSpec::Mnist(dir) => Ok(Split {
            train: mnist(dir, "train")?,
            test: mnist(dir, "t10k")?,
        }),
        DataSpec::Fashion(dir) => {
            let names = || FASHION_CLASSES.iter().map(|c| c.to_string()).collect();
            let relabel = |set: Dataset, prefix: &str| Dataset {
                name: format!("fashion:{} ({prefix})", dir.display()),
                classes: names(),
                ..set
            };
            Ok(Split {
                train: relabel(mnist(dir, "train")?, "train"),
                test: relabel(mnist(dir, "t10k")?, "t10k"),
            })
        }
        DataSpec::Shapes(n) => {
            let n = n.unwrap_or(shapes::DEFAULT_TRAIN);
            Ok(Split {
                train: shapes::generate(n, shapes::TRAIN_SEED),
                test: shapes::generate(shapes::test_size(n), shapes::TEST_SEED),
            })
        }
        DataSpec::Fsdd(spec) => Err(Error::Spec {
            spec: spec.to_string(),
            message: "spoken digits are turned into spectrograms by an audio model's input section: load them with a model (data::load_for)".into(),
        }),
    }
}

/// Loads the set `model` is trained or measured on: spectrograms computed with the model's
/// own audio parameters for `fsdd`, [`load`] for the rest.
pub fn load_for(spec: &DataSpec, model: &crate::engine::Model) -> Result<Split, Error> {
    match spec {
        DataSpec::Fsdd(f) => fsdd::load(f, model),
        other => load(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        assert_eq!(
            "mnist:../x".parse::<DataSpec>().unwrap(),
            DataSpec::Mnist("../x".into())
        );
        assert_eq!(
            "shapes".parse::<DataSpec>().unwrap(),
            DataSpec::Shapes(None)
        );
        assert_eq!(
            "shapes:300".parse::<DataSpec>().unwrap(),
            DataSpec::Shapes(Some(300))
        );
        assert_eq!(
            "fashion:a/b".parse::<DataSpec>().unwrap().to_string(),
            "fashion:a/b"
        );
        for bad in [
            "mnist",
            "mnist:",
            "fashion:",
            "shapes:0",
            "shapes:many",
            "cifar",
        ] {
            let err = bad.parse::<DataSpec>().unwrap_err().to_string();
            assert!(err.contains(bad), "{bad}: {err}");
        }
        let huge = format!("shapes:{}", MAX_SHAPES + 1);
        assert!(huge.parse::<DataSpec>().is_err());
    }

    #[test]
    fn a_missing_mnist_folder_names_the_file() {
        let err = load(&DataSpec::Mnist("/no/such/dir".into())).unwrap_err();
        assert!(err.to_string().contains("/no/such/dir"), "{err}");
    }

    #[test]
    fn wrong_sizes_are_refused() {
        let set = shapes::generate(3, 1);
        let spec = InputSpec {
            channels: 1,
            height: 28,
            width: 28,
            mean: vec![0.0],
            std: vec![1.0],
        };
        let err = set.network_inputs(&spec).unwrap_err().to_string();
        assert!(
            err.contains("3 @ 64x64") && err.contains("1 @ 28x28"),
            "{err}"
        );
    }

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
}
