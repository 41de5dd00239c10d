//! What a teacher varies between training runs: the architecture, the data and the
//! optimiser's knobs; turned into the [`Recipe`] that `convscope train` would get from its flags.

use crate::data::DataSpec;
use crate::data::augment::Augment;
use crate::data::recipe::Recipe;
use crate::data::voice_augment::VoiceAugment;
use crate::engine::train::{OptimizerKind, TrainConfig};
use crate::engine::{Model, PoolMode, Shape};
use crate::io::data_dirs;
use std::path::PathBuf;

/// Training-set sizes offered: the over-fitting knob.
pub(crate) const TRAIN_SIZES: [usize; 3] = [500, 2000, 8000];

/// Which labelled set to train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataChoice {
    /// The MNIST subset bundled in `assets/data/mnist` (8000 train, 998 test).
    Mnist,
    /// The Fashion-MNIST subset bundled in `assets/data/fashion-mnist` (8000, 1000).
    Fashion,
    /// The generated shapes set (64x64 RGB).
    Shapes,
    /// The spoken digits (FSDD) bundled in `assets/data/fsdd` (2250 train, 250 test: the
    /// recordings numbered 0-4 of each speaker and digit), for an audio model.
    Speech,
}

impl DataChoice {
    pub const ALL: [DataChoice; 4] = [
        DataChoice::Mnist,
        DataChoice::Fashion,
        DataChoice::Shapes,
        DataChoice::Speech,
    ];

    /// The set as the CLI's `--data` names it, with `train_size` images to train on.
    pub fn spec(self, train_size: usize) -> Result<DataSpec, MissingData> {
        Ok(match self {
            DataChoice::Mnist => DataSpec::Mnist(bundled_data_dir("mnist")?),
            DataChoice::Fashion => DataSpec::Fashion(bundled_data_dir("fashion-mnist")?),
            DataChoice::Shapes => {
                DataSpec::Shapes(Some(train_size.clamp(1, crate::data::MAX_SHAPES)))
            }
            DataChoice::Speech => DataSpec::Fsdd(crate::data::fsdd::FsddSpec {
                dir: bundled_data_dir("fsdd")?,
                held_out: None,
                train_also: Vec::new(),
            }),
        })
    }
}

impl DataChoice {
    /// Whether `model`'s architecture can train on this set: recordings for a model with an
    /// audio front end, else pictures of the model's input shape (MNIST and Fashion-MNIST
    /// 1 @ 28x28, shapes 3 @ 64x64).
    pub fn fits(self, model: &Model) -> bool {
        let audio = model.info.audio.is_some();
        match self.picture_shape() {
            None => audio,
            Some(shape) => !audio && model.input.shape() == shape,
        }
    }

    /// The shape of the set's examples, as the error and the tooltip name it (`None` for
    /// recordings, which take the model's own front end).
    pub fn picture_shape(self) -> Option<Shape> {
        match self {
            DataChoice::Mnist | DataChoice::Fashion => Some(Shape::maps(1, 28, 28)),
            DataChoice::Shapes => Some(Shape::maps(3, 64, 64)),
            DataChoice::Speech => None,
        }
    }
}

/// The bundled folder of synthetic voices (training recordings only).
pub(crate) const SYNTHETIC_VOICES: &str = "synthetic-voices";

/// A bundled data set (its folder's name) found in no data folder (see
/// [`crate::io::data_dirs`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the bundled data set `{name}` was not found: convscope looked in {}. Reinstall convscope, or put its data folder in one of these places",
    data_dirs::list(looked_in)
)]
pub struct MissingData {
    pub name: String,
    pub looked_in: Vec<PathBuf>,
}

/// The first `assets/data/NAME` folder in the data folders' search order.
pub(crate) fn bundled_data_dir(name: &str) -> Result<PathBuf, MissingData> {
    let relative = format!("{}/{name}", data_dirs::DATA_SETS);
    data_dirs::find_dir(data_dirs::roots(), &relative).map_err(|looked_in| MissingData {
        name: name.to_string(),
        looked_in,
    })
}

/// Which architecture to train (its weights are always drawn anew from the seed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ArchChoice {
    /// The model open in the explorer, re-initialised.
    #[default]
    Current,
    /// A sample model's architecture, by its file.
    Sample { name: String, path: PathBuf },
}

/// What a teacher varies between runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSettings {
    pub arch: ArchChoice,
    pub data: DataChoice,
    pub train_size: usize,
    pub epochs: usize,
    pub lr: f32,
    pub batch: usize,
    pub seed: u64,
    /// Every pooling layer in this mode (`None`: as the architecture says).
    pub pool: Option<PoolMode>,
    /// Every dropout layer at this rate, one added when there is none (`None`: as the
    /// architecture says).
    pub dropout: Option<f32>,
    pub weight_decay: f32,
    pub augment: Augment,
    /// Spoken digits: also train on the synthetic voices bundled in
    /// `assets/data/synthetic-voices` (training recordings only).
    pub synthetic_voices: bool,
    /// Spoken digits: how each training recording is varied before its spectrogram.
    pub voice: VoiceAugment,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            arch: ArchChoice::Current,
            data: DataChoice::Mnist,
            train_size: 500,
            epochs: 10,
            lr: 1e-3,
            batch: 32,
            seed: 1,
            pool: None,
            dropout: None,
            weight_decay: 0.0,
            augment: Augment::default(),
            synthetic_voices: false,
            voice: VoiceAugment::default(),
        }
    }
}

impl TrainSettings {
    /// Trains the open model's architecture on a set it can read: the one chosen if it fits,
    /// else the first that does (a speech model opens on spoken digits, not MNIST). Runs of a
    /// sample architecture keep their set (the file is read only when the run starts).
    pub fn fit_data_to(&mut self, open: &Model) {
        if self.arch != ArchChoice::Current || self.data.fits(open) {
            return;
        }
        if let Some(d) = DataChoice::ALL.into_iter().find(|d| d.fits(open)) {
            self.data = d;
        }
    }

    /// The run these settings describe, as `convscope train` would get it from its flags.
    pub fn recipe(&self) -> Result<Recipe, MissingData> {
        let mut data = self.data.spec(self.train_size)?;
        let speech = self.data == DataChoice::Speech;
        if let DataSpec::Fsdd(f) = &mut data
            && self.synthetic_voices
        {
            f.train_also.push(bundled_data_dir(SYNTHETIC_VOICES)?);
        }
        let train_limit = (self.data != DataChoice::Shapes).then_some(self.train_size);
        Ok(Recipe {
            data,
            train_limit,
            fresh_data: false,
            pool: self.pool,
            dropout: self.dropout,
            // Recordings are varied as recordings, pictures as pictures.
            augment: if speech && !self.voice.is_none() {
                Augment::default()
            } else {
                self.augment
            },
            voice: if speech {
                self.voice
            } else {
                VoiceAugment::default()
            },
            config: TrainConfig {
                epochs: self.epochs.max(1),
                batch: self.batch.max(1),
                lr: self.lr,
                lr_decay: 1.0,
                optimizer: OptimizerKind::adam(),
                weight_decay: self.weight_decay,
                seed: self.seed,
            },
            validation: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::zoo;

    #[test]
    fn a_model_trains_on_the_data_of_its_input_and_the_choice_follows_it() {
        let digits = zoo::digits(1, PoolMode::Max);
        let shapes = zoo::tiny_vgg(1, PoolMode::Max);
        assert!(DataChoice::Mnist.fits(&digits) && DataChoice::Fashion.fits(&digits));
        assert!(!DataChoice::Shapes.fits(&digits) && !DataChoice::Speech.fits(&digits));
        assert_eq!(shapes.input.shape(), Shape::maps(3, 64, 64));
        assert!(DataChoice::Shapes.fits(&shapes) && !DataChoice::Mnist.fits(&shapes));
        let mut t = TrainSettings::default();
        t.fit_data_to(&shapes);
        assert_eq!(t.data, DataChoice::Shapes);
        t.fit_data_to(&digits);
        assert_eq!(t.data, DataChoice::Mnist, "the first set that fits");
        t.data = DataChoice::Fashion;
        t.fit_data_to(&digits);
        assert_eq!(t.data, DataChoice::Fashion, "a set that fits stays chosen");
        t.arch = ArchChoice::Sample {
            name: "fc-overfit".into(),
            path: PathBuf::from("fc-overfit.json"),
        };
        t.fit_data_to(&shapes);
        assert_eq!(t.data, DataChoice::Fashion, "a sample's set is its own");
    }
}
