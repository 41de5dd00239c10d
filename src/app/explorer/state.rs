//! The explorer's state as plain data: which model and input, how pooling and dropout are
//! set, every layer's output for them, and the selected stage. No drawing here; the panels
//! read it and tests assert on it.

use super::controls::{DropoutSetting, InputNoise, PoolWindow};
use super::prepare::{InputError, InputImage, Prepared, prepare_input};
use super::run::BackgroundRun;
use crate::analysis::{self, argmax};
use crate::engine::{self, DropoutRun, LayerKind, Model, PoolMode, RunOptions, Shape, Tensor};
use crate::io::Audio;
use ndarray::Array3;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why the explorer cannot show a model on an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExplorerError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// The network does not run on it (the engine's reason).
    #[error(transparent)]
    Run(#[from] engine::Error),
}

/// Everything the explorer shows, recomputed only when something it depends on changes.
#[derive(Debug, Clone)]
pub struct Explorer {
    /// The model as loaded from its file (shared with `net` when that is the model as trained).
    pub model: Arc<Model>,
    pub model_path: Option<PathBuf>,
    pub pool_mode: PoolMode,
    pub pool_window: PoolWindow,
    /// The model that runs: `model` with the chosen pooling window; cut before its first dense
    /// layer when that layer no longer fits (see `window_note`). Shared with a background run.
    pub net: Arc<Model>,
    /// Why the network was cut short, when it was.
    pub window_note: Option<String>,
    pub input: InputImage,
    /// The input at the model's resolution before normalisation (a picture's pixels in `[0,1]`,
    /// a recording's log-mel spectrogram) as the network reads it: with the noise on it.
    pub pixels: Array3<f32>,
    /// The same without the noise.
    pub clean_pixels: Array3<f32>,
    /// The noise control's setting.
    pub noise: InputNoise,
    /// The recording with the noise on it, when the input is a recording and noise is on.
    pub noisy_audio: Option<Arc<Audio>>,
    /// `trace[0]` is the normalised input, `trace[i+1]` the output of layer `i`.
    pub trace: Vec<Tensor>,
    /// With noise on, the same for the clean input (empty without noise), to compare with.
    pub clean_trace: Vec<Tensor>,
    /// With noise on, the class probabilities for the clean input (empty without noise).
    pub clean_probabilities: Vec<f32>,
    /// Class probabilities, empty when the network was cut short.
    pub probabilities: Vec<f32>,
    /// The probabilities with dropout off, to compare while dropout is on.
    pub probabilities_no_dropout: Vec<f32>,
    pub dropout: DropoutSetting,
    /// 0 is the input, `i + 1` the layer `i`.
    pub stage: usize,
    /// The last thing that went wrong, naming the file and the problem.
    pub last_error: Option<String>,
    /// Bumped whenever `trace` changes, so views know to redraw their textures.
    pub generation: u64,
    /// Bumped whenever `input` changes (a recompute alone leaves the picture as it is).
    pub input_version: u64,
    /// Per stage, the channel the pipeline's thumbnail shows: the most active one, so a
    /// channel 0 that happens to be silent does not make a whole layer look empty.
    pub thumbnail_channels: Vec<usize>,
    /// The language `net`'s text (class names, description, kernel names) is in: a code of
    /// the model file's `"translations"`, English when it has none.
    pub language: &'static str,
    /// The run on a worker thread, for a network too slow to run within a frame; the maps
    /// shown meanwhile are the previous ones.
    pub running: Option<BackgroundRun>,
    /// Every run on a worker thread, however fast (tests of the slow path).
    pub always_in_background: bool,
    /// A model opened whose first run is still under way: it replaces `model` (with its input)
    /// when that run arrives, and is dropped, leaving everything as it was, when it fails.
    pub incoming: Option<Incoming>,
    /// `net` no longer matches the pooling window: the next run makes it again.
    pub net_stale: bool,
}

/// A model waiting for its first run's maps, with what it will read.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub model: Arc<Model>,
    pub path: Option<PathBuf>,
    /// The new input when it changes with the model; `None` keeps the explorer's.
    pub input: Option<InputImage>,
    pub prepared: Prepared,
    /// The pooling mode to go back to when the model fails to run.
    pub previous_pool_mode: PoolMode,
}

/// The pooling mode a model was trained with: its `training.pool`, else its first pooling
/// layer's mode.
pub fn trained_pool_mode(model: &Model) -> Option<PoolMode> {
    if let Some(mode) = model
        .info
        .training
        .get("pool")
        .and_then(|v| v.as_str())
        .and_then(PoolMode::parse)
    {
        return Some(mode);
    }
    model.layers().iter().find_map(|l| match &l.kind {
        LayerKind::Pool2d(p) => Some(p.mode),
        _ => None,
    })
}

/// The sibling model trained with the other pooling mode: `X-avg.json` for `X-max.json` and
/// back, when that file exists.
pub(crate) fn twin_path(path: &Path) -> Option<(PathBuf, PoolMode)> {
    let stem = path.file_stem()?.to_str()?;
    let (base, mode) = if let Some(b) = stem.strip_suffix("-max") {
        (b, PoolMode::Avg)
    } else if let Some(b) = stem.strip_suffix("-avg") {
        (b, PoolMode::Max)
    } else {
        return None;
    };
    let twin = path.with_file_name(format!("{base}-{}.json", mode.as_str()));
    twin.is_file().then_some((twin, mode))
}

impl Explorer {
    /// A new explorer on `model` and `input`, already run.
    pub fn new(
        model: Model,
        model_path: Option<PathBuf>,
        input: InputImage,
    ) -> Result<Explorer, ExplorerError> {
        let noise = InputNoise::default();
        let prepared = prepare_input(&input, &model, &noise)?;
        let model = Arc::new(model);
        let mut explorer = Explorer {
            pool_mode: trained_pool_mode(&model).unwrap_or_default(),
            net: Arc::clone(&model),
            model,
            model_path,
            pool_window: PoolWindow::AsTrained,
            window_note: None,
            input,
            pixels: prepared.seen,
            clean_pixels: prepared.clean,
            noise,
            noisy_audio: prepared.noisy_audio,
            trace: Vec::new(),
            clean_trace: Vec::new(),
            clean_probabilities: Vec::new(),
            probabilities: Vec::new(),
            probabilities_no_dropout: Vec::new(),
            dropout: DropoutSetting::default(),
            stage: 0,
            last_error: None,
            generation: 0,
            input_version: 0,
            thumbnail_channels: Vec::new(),
            language: "en",
            running: None,
            always_in_background: false,
            incoming: None,
            net_stale: true,
        };
        // The first run is here: the window opens on maps.
        explorer.recompute_here()?;
        Ok(explorer)
    }

    /// Input plus one stage per layer of the running network.
    pub fn stage_count(&self) -> usize {
        self.net.layers().len() + 1
    }

    /// The layer behind a stage (`None` for the input).
    pub fn stage_layer(&self, stage: usize) -> Option<&crate::engine::Layer> {
        stage.checked_sub(1).and_then(|i| self.net.layers().get(i))
    }

    /// The stages a stage's layer reads (stage 0 is the input, stage `j + 1` layer `j`): the
    /// one before it in a chain, several for a merge in a graph.
    pub fn input_stages(&self, stage: usize) -> Vec<usize> {
        match stage.checked_sub(1) {
            None => vec![],
            Some(i) => self
                .net
                .sources(i)
                .iter()
                .map(|s| match *s {
                    crate::engine::Source::Input => 0,
                    crate::engine::Source::Layer(j) => j + 1,
                })
                .collect(),
        }
    }

    /// The stage a stage's layer reads first: what its view shows as "before".
    pub fn before_stage(&self, stage: usize) -> usize {
        self.input_stages(stage)
            .first()
            .copied()
            .unwrap_or(stage.saturating_sub(1))
    }

    pub fn select_stage(&mut self, stage: usize) {
        self.stage = stage.min(self.stage_count() - 1);
    }

    /// The first stage whose layer is called `name`.
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.net
            .layers()
            .iter()
            .position(|l| l.name == name)
            .map(|i| i + 1)
    }

    /// The top class and its probability.
    pub fn prediction(&self) -> Option<(usize, f32)> {
        if self.probabilities.is_empty() {
            return None;
        }
        let i = argmax(&self.probabilities);
        Some((i, self.probabilities[i]))
    }

    /// With noise on, the top class and its probability for the clean input.
    pub fn clean_prediction(&self) -> Option<(usize, f32)> {
        if self.clean_probabilities.is_empty() {
            return None;
        }
        let i = argmax(&self.clean_probabilities);
        Some((i, self.clean_probabilities[i]))
    }

    /// The similarity of stage `stage` to its clean twin (what `noise_similarity` gives for
    /// one stage, without comparing the other stages: on a big network that took 50 ms).
    pub fn noise_similarity_of(&self, stage: usize) -> Option<f32> {
        let (a, b) = (self.trace.get(stage)?, self.clean_trace.get(stage)?);
        Some(analysis::similarity::same_position(a, b))
    }

    /// With noise on, per stage (0 = the input) the cosine similarity between the noisy and
    /// the clean run at the same positions, as `convscope robustness` measures it; empty
    /// without noise.
    pub fn noise_similarity(&self) -> Vec<f32> {
        (0..)
            .map_while(|stage| self.noise_similarity_of(stage))
            .collect()
    }

    /// Whether the running network was cut short (a pooling window its dense layer does not
    /// fit): then it has no prediction because of the cut, not because it has no classifier.
    pub fn was_cut(&self) -> bool {
        self.window_note.is_some()
    }

    /// The number of values the network ends in when they could be class scores (a vector or
    /// 1x1 maps of two or more) but nothing says so: no dense layer or softmax at the end and
    /// no labels.
    pub fn unnamed_scores(&self) -> Option<usize> {
        let out = self.net.output_shape();
        let one_per_position = match out {
            Shape::Vector(_) => true,
            Shape::Maps { height, width, .. } => height == 1 && width == 1,
        };
        (one_per_position && out.len() > 1 && !self.net.ends_in_classes()).then(|| out.len())
    }

    pub fn prediction_label(&self) -> Option<String> {
        self.prediction().map(|(i, _)| self.net.label(i))
    }

    pub fn set_pool_mode(&mut self, mode: PoolMode) {
        if mode != self.pool_mode {
            self.pool_mode = mode;
            self.recompute();
        }
    }

    /// Max -> average -> blur-max -> max.
    pub fn cycle_pool_mode(&mut self) {
        let all = PoolMode::ALL;
        let i = all.iter().position(|&m| m == self.pool_mode).unwrap_or(0);
        self.set_pool_mode(all[(i + 1) % all.len()]);
    }

    pub fn set_pool_window(&mut self, window: PoolWindow) {
        if window != self.pool_window {
            self.pool_window = window;
            self.net_stale = true;
            self.recompute();
        }
    }

    pub fn set_dropout(&mut self, dropout: DropoutSetting) {
        if dropout != self.dropout {
            self.dropout = dropout;
            self.recompute();
        }
    }

    /// Whether the model has a dropout layer for the dropout switch to act on.
    pub fn has_dropout(&self) -> bool {
        self.net
            .layers()
            .iter()
            .any(|l| matches!(l.kind, LayerKind::Dropout { .. }))
    }

    /// The recording the network hears: with the noise on it when there is noise.
    pub fn heard_audio(&self) -> Option<&Arc<Audio>> {
        self.noisy_audio.as_ref().or(self.input.audio.as_ref())
    }

    /// The options the network runs with.
    pub fn run_options(&self) -> RunOptions {
        RunOptions {
            pool_mode: Some(self.pool_mode),
            dropout: self.dropout.enabled.then_some(DropoutRun {
                rate: Some(self.dropout.rate),
                seed: self.dropout.seed,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::input::samples::{fallback_model_path, sample_image};
    use crate::io::load_model;
    use image::Rgb32FImage;

    fn explorer() -> Explorer {
        let path = fallback_model_path().expect("a developer build");
        let model = load_model(&path).expect("fixture loads");
        Explorer::new(model, Some(path), sample_image("digit_7").expect("sample")).expect("runs")
    }

    /// A network too slow for a frame runs on a worker thread: the maps shown stay the previous
    /// ones (whole and consistent) until the new run is taken, and then they are exactly what
    /// running it here gives.
    #[test]
    fn a_slow_run_keeps_the_previous_maps_until_the_new_ones_arrive() {
        let mut ex = explorer();
        let here = {
            let mut e = ex.clone();
            e.set_pool_mode(PoolMode::Avg);
            e.trace
        };
        let before = ex.trace.clone();
        let generation = ex.generation;
        ex.always_in_background = true;
        ex.set_pool_mode(PoolMode::Avg);
        assert!(ex.running.is_some(), "on a worker thread");
        assert_eq!(ex.trace, before, "the previous maps stay meanwhile");
        assert_eq!(ex.generation, generation);
        let mut waited = 0;
        while !ex.poll_run() {
            std::thread::sleep(std::time::Duration::from_millis(2));
            waited += 1;
            assert!(waited < 5000, "the run never finished");
        }
        assert!(ex.running.is_none());
        assert_eq!(ex.trace, here);
        assert_ne!(ex.trace, before);
        assert_eq!(ex.generation, generation + 1);
        // The next change replaces a run still going: only the newest result is taken.
        ex.set_pool_mode(PoolMode::Max);
        ex.set_pool_mode(PoolMode::Avg);
        while !ex.poll_run() {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(ex.trace, here);
    }

    #[test]
    fn stages_stay_in_range() {
        let mut ex = explorer();
        assert_eq!(ex.stage_count(), ex.model.layers().len() + 1);
        ex.select_stage(999);
        assert_eq!(ex.stage, ex.stage_count() - 1);
        assert_eq!(ex.trace.len(), ex.stage_count());
    }

    #[test]
    fn the_twin_is_the_other_mode_beside_it() {
        let path = fallback_model_path().expect("a developer build");
        let (twin, mode) = twin_path(&path).expect("tiny-avg is beside tiny-max");
        assert!(twin.ends_with("tiny-avg.json"));
        assert_eq!(mode, PoolMode::Avg);
        assert_eq!(twin_path(&twin).map(|t| t.1), Some(PoolMode::Max));
        assert_eq!(twin_path(Path::new("/nowhere/x-max.json")), None);
        assert_eq!(twin_path(Path::new("plain.json")), None);
    }

    #[test]
    fn a_window_that_no_longer_fits_the_dense_layer_cuts_the_network_before_it() {
        let mut ex = explorer();
        // 3x3/2 pooling: 28 -> 13 -> 6, so fc (trained on 8*7*7) cannot run.
        ex.set_pool_window(PoolWindow::K3S2);
        let note = ex.window_note.clone().expect("a note");
        assert!(note.contains("fc"), "{note}");
        assert!(ex.probabilities.is_empty());
        assert_eq!(ex.prediction(), None);
        let pool2 = ex.stage_named("pool2").expect("pool2 still runs");
        assert_eq!(ex.trace[pool2].shape().to_string(), "8 @ 6x6");
        // 2x2/1 keeps 28 -> 27 -> 26: also cut; back to as trained restores everything.
        ex.set_pool_window(PoolWindow::AsTrained);
        assert_eq!(ex.window_note, None);
        assert!(ex.prediction().is_some());
        assert_eq!(ex.stage_count(), ex.model.layers().len() + 1);
    }

    #[test]
    fn an_input_the_model_cannot_take_keeps_the_old_one() {
        let mut ex = explorer();
        let before = ex.trace.clone();
        let empty = InputImage {
            name: "empty.png".into(),
            path: None,
            image: Rgb32FImage::new(0, 0),
            audio: None,
        };
        assert!(!ex.set_input(empty));
        assert!(ex.last_error.as_deref().unwrap_or("").contains("empty.png"));
        assert_eq!(ex.trace, before);
    }

    #[test]
    fn dropout_without_a_dropout_layer_changes_nothing() {
        let mut ex = explorer();
        let before = ex.probabilities.clone();
        ex.set_dropout(DropoutSetting {
            enabled: true,
            ..DropoutSetting::default()
        });
        assert!(!ex.has_dropout());
        assert_eq!(ex.probabilities, before);
        assert_eq!(ex.probabilities_no_dropout, before);
    }

    #[test]
    fn dropout_masks_units_and_the_reference_stays_the_run_without_it() {
        use crate::engine::{Dense, InputSpec, Layer, ModelInfo};
        // 1 @ 4x4 -> flatten (16) -> dropout -> dense 3 with distinct weights.
        let layer = |name: &str, kind| Layer {
            name: name.into(),
            kind,
        };
        let dense = Dense {
            weight: ndarray::Array2::from_shape_fn((3, 16), |(o, i)| {
                ((o * 16 + i) % 7) as f32 - 3.0
            }),
            bias: None,
        };
        // Three named classes: a classifier (without labels or softmax it would have none).
        let info = ModelInfo {
            labels: ["a", "b", "c"].map(String::from).to_vec(),
            ..ModelInfo::default()
        };
        let model = Model::new(
            info,
            InputSpec {
                channels: 1,
                height: 4,
                width: 4,
                mean: vec![0.0],
                std: vec![1.0],
            },
            vec![
                layer("flatten", LayerKind::Flatten),
                layer("drop", LayerKind::Dropout { p: 0.5 }),
                layer("fc", LayerKind::Dense(dense)),
            ],
        )
        .expect("valid");
        let image = Rgb32FImage::from_fn(4, 4, |x, y| image::Rgb([(x + y) as f32 / 6.0; 3]));
        let input = InputImage {
            name: "ramp".into(),
            path: None,
            image,
            audio: None,
        };
        let mut ex = Explorer::new(model, None, input).expect("runs");
        let plain = ex.probabilities.clone();
        assert!(ex.has_dropout());
        ex.set_dropout(DropoutSetting {
            enabled: true,
            rate: 0.5,
            seed: 3,
        });
        assert_ne!(ex.probabilities, plain, "a mask changes the output");
        assert_eq!(ex.probabilities_no_dropout, plain);
        // The dropout layer's output is zero exactly where the engine's mask drops a unit.
        let mask = crate::engine::dropout_mask(16, 0.5, crate::engine::layer_dropout_seed(3, 1));
        let out = ex.trace[2].values();
        let before = ex.trace[1].values();
        for i in 0..16 {
            let expected = if mask[i] { before[i] * 2.0 } else { 0.0 };
            assert_eq!(out[i], expected, "unit {i}");
        }
        let first = ex.probabilities.clone();
        ex.set_dropout(DropoutSetting {
            seed: 4,
            ..ex.dropout
        });
        assert_ne!(ex.probabilities, first, "a new mask moves the output again");
    }
}
