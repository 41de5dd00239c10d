//! The test split a model was trained against, found from its training record and read from
//! the data the app bundles: MNIST's test digits for `mnist:…`, the held-out shapes for
//! `shapes:N`, the FSDD test recordings (numbered 0-4) for `fsdd:…`. A lesson's paired tests,
//! consistency and noise run over these, so they count the examples the stored test accuracy
//! was measured on.

use crate::analysis::paired::correct;
use crate::analysis::robustness::{Example, Noise, example_seed, input_range, noisy_input};
use crate::app::train::settings::bundled_data_dir;
use crate::data::fsdd::{self, FsddSpec};
use crate::data::{self, DataSpec, Dataset, shapes};
use crate::engine::{Model, RunOptions};
use crate::io::Audio;
use ndarray::Array3;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A test split: its examples as the network reads them before normalisation, and for spoken
/// digits the recordings they were made from (noise goes on a recording, as in the explorer).
#[derive(Debug)]
pub struct TestSet {
    /// What it is and where it came from, for messages.
    pub name: String,
    pub set: Dataset,
    pub recordings: Option<Vec<Audio>>,
}

impl TestSet {
    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Example `i`'s pixels before normalisation and its label.
    pub fn example(&self, i: usize) -> (Array3<f32>, usize) {
        (self.set.pixels(i), self.set.label(i))
    }

    /// Example `i` clean and with `noise` on it (seeded by `seed` and `i` as
    /// `convscope robustness --seed` does), and its label: noise on a picture's pixels, or on
    /// a recording before its spectrogram is made.
    pub fn noisy_example(
        &self,
        model: &Model,
        noise: Noise,
        seed: u64,
        i: usize,
    ) -> Result<Example, String> {
        let (clean, label) = self.example(i);
        let recording = self.recordings.as_ref().and_then(|r| r.get(i));
        let seed = example_seed(seed, i);
        let dirty = match recording {
            Some(_) => {
                noisy_input(model, &clean, recording, noise, seed)
                    .map_err(|e| e.to_string())?
                    .0
            }
            None => crate::analysis::robustness::noisy(
                &clean,
                noise,
                input_range(&clean, self.set.is_images()),
                seed,
            ),
        };
        Ok((clean, dirty, label))
    }
}

/// The data set a model's training record names, with its folder replaced by the bundled
/// copy (the record says where it was on the machine that trained it), and what identifies
/// its test split: two models with the same key are measured on the same examples.
pub(crate) fn data_of(model: &Model) -> Result<(DataSpec, String), String> {
    let name = &model.info.name;
    let recorded = model
        .info
        .training
        .get("dataset")
        .and_then(|d| d.as_str())
        .ok_or_else(|| format!("{name}: its training record names no data set"))?;
    let spec: DataSpec = recorded
        .parse()
        .map_err(|e: data::Error| format!("{name}: {e}"))?;
    let bundled = |folder: &str| bundled_data_dir(folder).map_err(|missing| missing.to_string());
    let spec = match spec {
        DataSpec::Mnist(_) => DataSpec::Mnist(bundled("mnist")?),
        DataSpec::Fashion(_) => DataSpec::Fashion(bundled("fashion-mnist")?),
        DataSpec::Fsdd(f) => DataSpec::Fsdd(FsddSpec {
            dir: bundled("fsdd")?,
            held_out: f.held_out,
            // Only the test split is read here, and extra folders add training recordings.
            train_also: Vec::new(),
        }),
        shapes @ DataSpec::Shapes(_) => shapes,
    };
    // A spectrogram depends on the model's audio parameters and input size as well.
    let key = match &spec {
        DataSpec::Fsdd(_) => format!("{spec} {:?} {}", model.info.audio, model.input.shape()),
        _ => spec.to_string(),
    };
    Ok((spec, key))
}

/// Reads the test split of `spec` for `model`.
fn load(spec: &DataSpec, model: &Model) -> Result<TestSet, String> {
    let set = |result: Result<Dataset, data::Error>| result.map_err(|e| e.to_string());
    let (set, recordings) = match spec {
        // As `data::load` makes it, without generating the training shapes too.
        DataSpec::Shapes(n) => {
            let n = n.unwrap_or(shapes::DEFAULT_TRAIN);
            (
                shapes::generate(shapes::test_size(n), shapes::TEST_SEED),
                None,
            )
        }
        DataSpec::Fsdd(f) => {
            let (_, test) = fsdd::recordings(f).map_err(|e| e.to_string())?;
            let name = format!("{f} (test)");
            let maps = set(fsdd::spectrograms(name, &test, model))?;
            (maps, Some(test.into_iter().map(|r| r.audio).collect()))
        }
        other => (set(data::load(other).map(|split| split.test))?, None),
    };
    Ok(TestSet {
        name: set.name.clone(),
        set,
        recordings,
    })
}

/// A test split once read (or why it could not be), for every job that asks for it.
type Slot = Arc<OnceLock<Result<Arc<TestSet>, String>>>;

/// Which examples of its test split a sample model reads right, once worked out (or why not).
type RightSlot = Arc<OnceLock<Result<Arc<Vec<bool>>, String>>>;

/// Test splits read once and shared by every job that needs them (a job waiting for a split
/// another job is reading waits for it rather than reading it again); likewise which of its
/// examples each sample model reads right, which every paired test of that model shares.
#[derive(Debug, Default)]
pub struct TestSets {
    sets: Mutex<HashMap<String, Slot>>,
    right: Mutex<HashMap<(String, String), RightSlot>>,
}

impl TestSets {
    /// The test split `model` was measured on, with its key (see `data_of`).
    pub fn for_model(&self, model: &Model) -> Result<(Arc<TestSet>, String), String> {
        let (spec, key) = data_of(model)?;
        let cell = {
            let mut sets = self.sets.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(sets.entry(key.clone()).or_default())
        };
        let set = cell
            .get_or_init(|| load(&spec, model).map(Arc::new))
            .clone()?;
        if set.is_empty() {
            return Err(format!("{}: the test split has no examples", set.name));
        }
        if (set.set.image_shape()) != (model.input.channels, model.input.height, model.input.width)
        {
            return Err(format!(
                "{}: takes {}, but {} holds other examples",
                model.info.name,
                model.input.shape(),
                set.name
            ));
        }
        Ok((set, key))
    }

    /// Which examples of its test split the sample model `name` (`model`) reads right, in the
    /// pooling it was trained with, and the split's key: run once per model and split, however
    /// many steps pair the model with another.
    pub fn right(&self, name: &str, model: &Model) -> Result<(Arc<Vec<bool>>, String), String> {
        let (set, key) = self.for_model(model)?;
        let cell = {
            let mut right = self.right.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(right.entry((name.to_string(), key.clone())).or_default())
        };
        let right = cell
            .get_or_init(|| {
                correct(
                    model,
                    set.len(),
                    &|i| set.example(i),
                    &RunOptions::default(),
                )
                .map(Arc::new)
                .map_err(|e| format!("{}: {e}", model.info.name))
            })
            .clone()?;
        Ok((right, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(dataset: &str) -> Model {
        let mut m = crate::engine::zoo::digits(1, crate::engine::PoolMode::Max);
        m.info.training = serde_json::json!({ "dataset": dataset });
        m
    }

    #[test]
    fn a_record_names_the_bundled_split() {
        let (spec, key) = data_of(&record("mnist:../elsewhere/mnist")).unwrap();
        let DataSpec::Mnist(dir) = spec else {
            panic!("{spec}")
        };
        assert!(dir.ends_with("assets/data/mnist"), "{}", dir.display());
        assert_eq!(key, format!("mnist:{}", dir.display()));
        assert_eq!(data_of(&record("shapes:8000")).unwrap().1, "shapes:8000");
        let err =
            data_of(&crate::engine::zoo::digits(1, crate::engine::PoolMode::Max)).unwrap_err();
        assert!(err.contains("names no data set"), "{err}");
        assert!(data_of(&record("cifar")).is_err());
    }

    #[test]
    fn the_digits_test_split_is_read_once_and_checked_against_the_model() {
        let sets = TestSets::default();
        let model = record("mnist:x");
        let (a, key) = sets.for_model(&model).unwrap();
        assert_eq!(a.len(), 998);
        let (b, _) = sets.for_model(&model).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "read once");
        assert!(key.starts_with("mnist:"));
        let mut shapes_reader = crate::engine::zoo::tiny_vgg(1, crate::engine::PoolMode::Max);
        shapes_reader.info.training = serde_json::json!({ "dataset": "mnist:x" });
        let err = sets.for_model(&shapes_reader).unwrap_err();
        assert!(err.contains("holds other examples"), "{err}");
    }
}
