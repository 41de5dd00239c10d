//! A training run as settings. `convscope train`'s flags and the app's Train tab both become a
//! [`Recipe`] and train through [`Prepared::train`], so the same settings and seed give the
//! same weights bit for bit wherever the run starts.

use super::DataSpec;
use super::augment::{Augment, Augmented, MAX_NOISE, MAX_SHIFT};
use super::dataset::{Dataset, Split};
use super::shapes::FreshShapes;
use super::voice_augment::{VoiceAugment, VoiceAugmented};
use crate::engine::train::{
    self as trainer, EpochData, EpochStats, Examples, OptimizerKind, TrainConfig, TrainHooks,
};
use crate::engine::{Layer, LayerKind, Model, PoolMode};
use ndarray::Array3;
use serde_json::json;
use thiserror::Error;

/// Everything that decides a run's weights besides the architecture.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    pub data: DataSpec,
    /// Train on only the first N training images.
    pub train_limit: Option<usize>,
    /// Shapes only: a new set every epoch.
    pub fresh_data: bool,
    /// Every pooling layer in this mode instead of the architecture's.
    pub pool: Option<PoolMode>,
    /// Every dropout layer with this rate; a network without one gets one before its last
    /// dense layer (where `fc-dropout` has it) when the rate is above zero.
    pub dropout: Option<f32>,
    pub augment: Augment,
    /// Spoken digits only: how each recording is varied before its spectrogram.
    pub voice: VoiceAugment,
    pub config: TrainConfig,
    /// Hold the last N training images out as a validation set: the per-epoch held-out
    /// accuracy (the learning curve, and what a schedule is chosen on) is measured on it, and
    /// the test set is measured once, after training.
    pub validation: Option<usize>,
}

/// The architecture with pooling and dropout as asked, ready to initialise.
pub(crate) fn shaped_model(arch: &Model, pool: Option<PoolMode>, dropout: Option<f32>) -> Model {
    let model = match pool {
        Some(mode) => arch.with_pool_mode(mode),
        None => arch.clone(),
    };
    match dropout {
        Some(p) => with_dropout(&model, p),
        None => model,
    }
}

/// `model` with every dropout layer at rate `p`, or, when it has none and `p > 0`, a dropout
/// layer inserted before its last dense layer. Unchanged when nothing fits.
pub(crate) fn with_dropout(model: &Model, p: f32) -> Model {
    let p = p.clamp(0.0, 0.95);
    let mut layers: Vec<Layer> = model.layers().to_vec();
    let mut found = false;
    for layer in &mut layers {
        if let LayerKind::Dropout { p: rate } = &mut layer.kind {
            *rate = p;
            found = true;
        }
    }
    if !found && p > 0.0 {
        let Some(last_dense) = layers
            .iter()
            .rposition(|l| matches!(l.kind, LayerKind::Dense(_)))
        else {
            return model.clone();
        };
        let mut name = "dropout".to_string();
        while layers.iter().any(|l| l.name == name) {
            name.push('_');
        }
        layers.insert(
            last_dense,
            Layer {
                name,
                kind: LayerKind::Dropout { p },
            },
        );
    }
    Model::new(model.info.clone(), model.input.clone(), layers).unwrap_or_else(|_| model.clone())
}

/// The pooling mode the model's pooling layers use, if they all agree.
pub(crate) fn pool_mode(model: &Model) -> Option<PoolMode> {
    let modes: Vec<PoolMode> = model
        .layers()
        .iter()
        .filter_map(|l| match &l.kind {
            LayerKind::Pool2d(p) => Some(p.mode),
            _ => None,
        })
        .collect();
    match modes.first() {
        Some(&m) if modes.iter().all(|&x| x == m) => Some(m),
        _ => None,
    }
}

fn optimizer_name(kind: OptimizerKind) -> &'static str {
    match kind {
        OptimizerKind::Sgd { .. } => "sgd",
        OptimizerKind::Adam { .. } => "adam",
    }
}

/// Why a recipe cannot train the architecture on its data, in the words of the flags that
/// set it.
#[derive(Debug, Error)]
pub(crate) enum RecipeError {
    /// The architecture has a layer training cannot go through.
    #[error(transparent)]
    Untrainable(crate::engine::Error),
    #[error("--fresh-data needs a generated set (shapes[:N]), not {data}")]
    FreshDataNeedsShapes { data: DataSpec },
    #[error("augmentation needs a fixed set, not --fresh-data")]
    AugmentWithFreshData,
    #[error(
        "--augment-voice varies recordings, and {data} holds pictures: use --augment-shift and --augment-noise"
    )]
    VoiceNeedsRecordings { data: DataSpec },
    #[error(
        "--augment-voice varies the recordings themselves; leave out --augment-shift and --augment-noise, which move and noise their spectrograms"
    )]
    VoiceWithPictureAugment,
    #[error("--augment-shift {shift}: an image moves at most {most} pixels", most = MAX_SHIFT)]
    AugmentShift { shift: usize },
    #[error("--augment-noise {noise}: the noise is between 0 and {most}", most = MAX_NOISE)]
    AugmentNoise { noise: f32 },
    #[error(
        "--validation {n} needs a fixed set, not --fresh-data (whose held-out shapes are never trained on already)"
    )]
    ValidationWithFreshData { n: usize },
    #[error("--validation {n}: {data} has {train} training images; hold out between 1 and {most}")]
    ValidationSize {
        n: usize,
        data: DataSpec,
        train: usize,
        most: usize,
    },
    #[error("{data}: the training set is empty")]
    EmptyTrainingSet { data: DataSpec },
    #[error("{arch}: the network has {outputs} outputs but {data} has {classes} classes")]
    Classes {
        arch: String,
        outputs: usize,
        data: DataSpec,
        classes: usize,
    },
    /// The images do not fit the model's input.
    #[error(transparent)]
    Data(#[from] super::error::Error),
}

/// A run ready to train: the initialised model and its examples.
pub(crate) struct Prepared {
    pub model: Model,
    pub train_set: Dataset,
    pub test_set: Dataset,
    train_inputs: Vec<Array3<f32>>,
    train_labels: Vec<usize>,
    test_inputs: Vec<Array3<f32>>,
    test_labels: Vec<usize>,
    /// The validation set carved out of the training images, with its inputs and labels.
    validation: Option<(Dataset, Vec<Array3<f32>>, Vec<usize>)>,
    /// The last epoch's drawn set, when the data is fresh each epoch.
    fresh: Option<FreshShapes>,
}

impl Recipe {
    /// Checks the recipe against the architecture (`arch_name` names it in messages) and the
    /// data, then shapes, names and initialises the model from the seed.
    pub(crate) fn prepare(
        &self,
        arch: &Model,
        arch_name: &str,
        split: Split,
    ) -> Result<Prepared, RecipeError> {
        let model = shaped_model(arch, self.pool, self.dropout);
        trainer::check_trainable(&model).map_err(RecipeError::Untrainable)?;
        if self.fresh_data && !matches!(self.data, DataSpec::Shapes(_)) {
            return Err(RecipeError::FreshDataNeedsShapes {
                data: self.data.clone(),
            });
        }
        if self.fresh_data && !self.augment.is_none() {
            return Err(RecipeError::AugmentWithFreshData);
        }
        if !self.voice.is_none() {
            if !matches!(self.data, DataSpec::Fsdd(_)) {
                return Err(RecipeError::VoiceNeedsRecordings {
                    data: self.data.clone(),
                });
            }
            if !self.augment.is_none() {
                return Err(RecipeError::VoiceWithPictureAugment);
            }
        }
        let Augment { shift, noise } = self.augment;
        if shift > MAX_SHIFT {
            return Err(RecipeError::AugmentShift { shift });
        }
        if !(0.0..=MAX_NOISE).contains(&noise) {
            return Err(RecipeError::AugmentNoise { noise });
        }
        let (train_set, validation_set) = self.hold_out(split.train)?;
        let train_set = match self.train_limit {
            Some(n) => train_set.take(n),
            None => train_set,
        };
        let test_set = split.test;
        if train_set.is_empty() {
            return Err(RecipeError::EmptyTrainingSet {
                data: self.data.clone(),
            });
        }
        let classes = train_set.class_names();
        let outputs = model.output_shape().len();
        if classes.len() != outputs {
            return Err(RecipeError::Classes {
                arch: arch_name.to_string(),
                outputs,
                data: self.data.clone(),
                classes: classes.len(),
            });
        }
        let mut model = model;
        if model.info.labels.len() != classes.len() {
            model.info.labels = classes;
        }
        let fresh = self
            .fresh_data
            .then(|| FreshShapes::new(train_set.len(), model.input.clone()));
        // Fresh data draws (and normalises) each epoch's set itself.
        let train_inputs = match fresh {
            Some(_) => Vec::new(),
            None => train_set.network_inputs(&model.input)?,
        };
        let test_inputs = test_set.network_inputs(&model.input)?;
        let validation = match validation_set {
            Some(set) => {
                let inputs = set.network_inputs(&model.input)?;
                let labels = set.labels();
                Some((set, inputs, labels))
            }
            None => None,
        };
        trainer::initialize(&mut model, self.config.seed);
        Ok(Prepared {
            train_labels: train_set.labels(),
            test_labels: test_set.labels(),
            model,
            train_set,
            test_set,
            train_inputs,
            test_inputs,
            validation,
            fresh,
        })
    }

    /// The training set and the validation set `--validation` carves out of its end (none
    /// without it); fresh data has no fixed set to carve from.
    fn hold_out(&self, train: Dataset) -> Result<(Dataset, Option<Dataset>), RecipeError> {
        match self.validation {
            Some(n) if self.fresh_data => Err(RecipeError::ValidationWithFreshData { n }),
            Some(n) if n == 0 || n >= train.len() => Err(RecipeError::ValidationSize {
                n,
                data: self.data.clone(),
                train: train.len(),
                most: train.len().saturating_sub(1),
            }),
            Some(n) => {
                let (rest, validation) = train.split_last(n);
                Ok((rest, Some(validation)))
            }
            None => Ok((train, None)),
        }
    }
}

impl Prepared {
    pub(crate) fn test_examples(&self) -> Examples<'_> {
        Examples {
            inputs: &self.test_inputs,
            labels: &self.test_labels,
        }
    }

    /// The validation examples, when the recipe holds some out.
    pub(crate) fn validation_examples(&self) -> Option<Examples<'_>> {
        self.validation
            .as_ref()
            .map(|(_, inputs, labels)| Examples { inputs, labels })
    }

    /// The training examples as the last epoch saw them before augmentation (with fresh
    /// data, the last epoch's set).
    pub(crate) fn train_examples(&self) -> Examples<'_> {
        match &self.fresh {
            Some(f) => f.current(),
            None => Examples {
                inputs: &self.train_inputs,
                labels: &self.train_labels,
            },
        }
    }

    /// Trains the model as `recipe` says, telling `hooks` (which may stop it early).
    pub(crate) fn train(
        &mut self,
        recipe: &Recipe,
        hooks: &mut dyn TrainHooks,
    ) -> crate::engine::Result<Vec<EpochStats>> {
        let fixed = Examples {
            inputs: &self.train_inputs,
            labels: &self.train_labels,
        };
        let held_out = match &self.validation {
            Some((_, inputs, labels)) => Examples { inputs, labels },
            None => Examples {
                inputs: &self.test_inputs,
                labels: &self.test_labels,
            },
        };
        let mut augmented = (!recipe.augment.is_none()).then(|| {
            Augmented::new(
                fixed,
                recipe.augment,
                self.model.input.clone(),
                recipe.config.seed,
            )
        });
        let audio = self.model.info.audio.clone();
        let mut voiced = match (self.train_set.recordings(), audio) {
            (Some(recordings), Some(spec)) if !recipe.voice.is_none() => Some(VoiceAugmented::new(
                recordings,
                &self.train_labels,
                recipe.voice,
                (spec, self.model.input.clone()),
                recipe.config.seed,
            )),
            _ => None,
        };
        let mut plain = fixed;
        let data: &mut dyn EpochData = match (&mut self.fresh, &mut augmented, &mut voiced) {
            (Some(f), _, _) => f,
            (None, _, Some(v)) => v,
            (None, Some(a), None) => a,
            (None, None, None) => &mut plain,
        };
        trainer::train_with(&mut self.model, data, Some(held_out), &recipe.config, hooks)
    }

    /// The final accuracies on the training and test sets (inference mode) and the record a
    /// model file keeps under `"training"`.
    pub(crate) fn record(
        &self,
        recipe: &Recipe,
        history: &[EpochStats],
        wall_seconds: f64,
    ) -> crate::engine::Result<(f32, f32, serde_json::Value)> {
        let (train_accuracy, _) = trainer::evaluate(&self.model, self.train_examples())?;
        let (test_accuracy, _) = trainer::evaluate(&self.model, self.test_examples())?;
        let config = &recipe.config;
        let mut record = json!({
            "dataset": recipe.data.to_string(),
            "train_size": self.train_set.len(),
            "fresh_data": recipe.fresh_data,
            "test_size": self.test_set.len(),
            "epochs": config.epochs,
            "batch": config.batch,
            "optimizer": optimizer_name(config.optimizer),
            "lr": config.lr,
            "lr_decay": config.lr_decay,
            "weight_decay": config.weight_decay,
            "seed": config.seed,
            "pool": pool_mode(&self.model),
            "init": "kaiming normal before relu, xavier uniform elsewhere, zero bias",
            "wall_seconds": (wall_seconds * 10.0).round() / 10.0,
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
            "history": history,
        });
        if let Some((set, _, _)) = &self.validation {
            let (validation_accuracy, _) =
                trainer::evaluate(&self.model, self.validation_examples().expect("held out"))?;
            record["validation_size"] = json!(set.len());
            record["validation_accuracy"] = json!(validation_accuracy);
            // Each epoch was measured on the validation set, and the file says so.
            record["history"] = json!(
                history
                    .iter()
                    .map(|e| json!({
                        "epoch": e.epoch,
                        "train_loss": e.train_loss,
                        "train_accuracy": e.train_accuracy,
                        "validation_accuracy": e.test_accuracy,
                    }))
                    .collect::<Vec<_>>()
            );
        }
        if let Some(p) = recipe.dropout {
            record["dropout"] = json!(p);
        }
        if !recipe.augment.is_none() {
            record["augment"] = json!({
                "shift": recipe.augment.shift,
                "noise": (recipe.augment.noise as f64 * 1e4).round() / 1e4,
            });
        }
        if !recipe.voice.is_none() {
            record["augment_voice"] = json!(recipe.voice.to_string());
        }
        if history.len() < config.epochs {
            record["stopped_after_epochs"] = json!(history.len());
        }
        Ok((train_accuracy, test_accuracy, record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::zoo;

    #[test]
    fn dropout_goes_before_the_last_dense_layer_or_changes_the_rate() {
        let digits = zoo::digits(1, PoolMode::Max);
        let with = with_dropout(&digits, 0.5);
        let names: Vec<&str> = with.layers().iter().map(|l| l.name.as_str()).collect();
        let at = names
            .iter()
            .position(|&n| n == "dropout")
            .expect("inserted");
        assert!(matches!(with.layers()[at + 1].kind, LayerKind::Dense(_)));
        assert_eq!(with.layers().len(), digits.layers().len() + 1);
        let again = with_dropout(&with, 0.2);
        assert_eq!(again.layers().len(), with.layers().len());
        assert!(matches!(again.layers()[at].kind, LayerKind::Dropout { p } if p == 0.2));
        // Rate 0 on a network without dropout changes nothing.
        assert_eq!(with_dropout(&digits, 0.0), digits);
    }

    #[test]
    fn a_recipe_that_cannot_run_names_the_flag() {
        let shapes = zoo::tiny_vgg(1, PoolMode::Max);
        let split = || super::super::load(&DataSpec::Shapes(Some(12))).expect("generated");
        let refused = |r: &Recipe| r.prepare(&shapes, "tiny", split()).err().expect("refused");
        let recipe = Recipe {
            data: DataSpec::Shapes(Some(12)),
            train_limit: None,
            fresh_data: false,
            pool: None,
            dropout: None,
            augment: Augment::default(),
            voice: VoiceAugment::default(),
            config: TrainConfig::default(),
            validation: Some(12),
        };
        let err = refused(&recipe);
        assert!(matches!(
            err,
            RecipeError::ValidationSize {
                n: 12,
                train: 12,
                most: 11,
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "--validation 12: shapes:12 has 12 training images; hold out between 1 and 11"
        );
        let fresh = Recipe {
            fresh_data: true,
            ..recipe.clone()
        };
        let err = refused(&fresh);
        assert!(matches!(
            err,
            RecipeError::ValidationWithFreshData { n: 12 }
        ));
        let mnist = Recipe {
            data: DataSpec::Mnist("nowhere".into()),
            ..fresh
        };
        let err = refused(&mnist);
        assert_eq!(
            err.to_string(),
            "--fresh-data needs a generated set (shapes[:N]), not mnist:nowhere"
        );
        let too_far = Recipe {
            validation: None,
            augment: Augment {
                shift: MAX_SHIFT + 1,
                noise: 0.0,
            },
            ..recipe.clone()
        };
        let err = refused(&too_far);
        assert!(
            matches!(err, RecipeError::AugmentShift { shift: 17 }),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "--augment-shift 17: an image moves at most 16 pixels"
        );
        let too_loud = Recipe {
            augment: Augment {
                shift: 0,
                noise: 1.5,
            },
            ..too_far
        };
        let err = refused(&too_loud);
        assert_eq!(
            err.to_string(),
            "--augment-noise 1.5: the noise is between 0 and 1"
        );
        let digits = zoo::digits(1, PoolMode::Max);
        let err = Recipe {
            validation: None,
            ..recipe
        }
        .prepare(&digits, "digits", split())
        .err()
        .expect("refused");
        // Ten digits against five shapes.
        assert_eq!(
            err.to_string(),
            "digits: the network has 10 outputs but shapes:12 has 5 classes"
        );
    }
}
