//! Labelled sets for training and evaluation: MNIST from IDX files, the seeded synthetic
//! "shapes" set, or spoken digits (FSDD) as log-mel spectrograms. Image pixels are kept as
//! bytes and handed out as \[C,H,W\] in \[0,1\]; spectrograms are kept as they are computed.

pub mod augment;
pub(crate) mod dataset;
pub(crate) mod error;
pub mod examples;
pub(crate) mod fsdd;
pub(crate) mod recipe;
pub mod shapes;
pub mod voice_augment;

pub use dataset::{Dataset, Split};
pub(crate) use error::Error;
pub(crate) use shapes::MAX_SHAPES;

use crate::io::FileError;
use crate::io::idx::load_mnist_split;
use dataset::digit_names;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Where the examples come from, as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSpec {
    /// `mnist:DIR`: `train-*` and `t10k-*` IDX files (plain or `.gz`) in `DIR`.
    Mnist(PathBuf),
    /// `fashion:DIR`: Fashion-MNIST's IDX files, laid out as MNIST's, with its ten classes.
    Fashion(PathBuf),
    /// `shapes` or `shapes:N`: `N` generated training images (default
    /// `shapes::DEFAULT_TRAIN`) and a held-out set drawn from another seed.
    Shapes(Option<usize>),
    /// `fsdd:DIR` (recordings 0-4 of each speaker and digit are the test split) or
    /// `fsdd@SPEAKER:DIR` (that speaker's recordings are the test split, the others' the
    /// training split).
    Fsdd(fsdd::FsddSpec),
}

impl DataSpec {
    /// Every form `--data` takes, in the order the help and the errors list them.
    pub(crate) const FORMS: [&'static str; 6] = [
        "mnist:DIR",
        "fashion:DIR",
        "shapes",
        "shapes:N",
        "fsdd:DIR",
        "fsdd@SPEAKER:DIR",
    ];
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
            _ => {
                let (last, rest) = DataSpec::FORMS.split_last().expect("forms");
                Err(bad(&format!("expected {} or {last}", rest.join(", "))))
            }
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

/// Fashion-MNIST's classes, in label order.
pub(crate) const FASHION_CLASSES: [&str; 10] = [
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
            let relabel = |set: Dataset, prefix: &str| {
                set.relabelled(format!("fashion:{} ({prefix})", dir.display()), names())
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
    use crate::engine::InputSpec;

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
}
