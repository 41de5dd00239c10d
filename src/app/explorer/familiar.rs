//! Whether the explorer's input is like the pictures its model was trained on, and the words
//! that say so. The training pictures are the ones the model file records (`training.dataset`:
//! the bundled MNIST or Fashion-MNIST subset, or the seeded shapes set), measured once per set
//! on a worker thread with [`crate::analysis::familiarity`]; the input is measured as the
//! network reads it (before the noise control's noise). A recording is not measured: its
//! spectrogram has no scale these numbers mean anything on.

use super::state::Explorer;
use crate::analysis::familiarity::{
    Measure, Outlier, Reference, colourfulness, outliers, reference,
};
use crate::app::i18n::{Strings, fill};
use crate::app::input::canvas::is_empty_drawing;
use crate::data::{DataSpec, shapes};
use crate::engine::Model;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, LazyLock, Mutex};

/// How many generated shapes the reference is measured on (drawing 8000 takes seconds; the
/// ranges of 99% of them settle long before).
const SHAPES_MEASURED: usize = 1000;
/// Above this colourfulness (0 grey, 1 pure colours) a picture counts as in colour.
const IN_COLOUR: f32 = 0.05;

/// The training sets measured so far in this process, by what the model file calls them and
/// the input shape (a set is measured once, however many models or windows use it).
type Key = (String, (usize, usize, usize));
static MEASURED: LazyLock<Mutex<HashMap<Key, Option<Arc<Reference>>>>> =
    LazyLock::new(Default::default);

/// What the training set a model records is, for the words shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainingSet {
    Mnist,
    Fashion,
    Shapes,
}

/// How the input differs from the training pictures.
#[derive(Debug, Clone, PartialEq)]
pub struct Unlike {
    pub set: TrainingSet,
    /// Its numbers far outside the training pictures' ranges, the farthest first.
    pub outliers: Vec<Outlier>,
    /// How colourful it is, when it is in colour and the training pictures are grey.
    pub colour: Option<f32>,
    /// Its size, when the training pictures had another (they were the network's size).
    pub size: Option<(u32, u32)>,
}

impl Unlike {
    /// Whether to caution: its numbers are far outside, or it is in colour and they were grey.
    /// Its size alone does not (a drawing is made at another size by design).
    pub fn cautions(&self) -> bool {
        !self.outliers.is_empty() || self.colour.is_some()
    }
}

/// The comparison for the explorer's current model and input.
#[derive(Default)]
pub struct Familiarity {
    /// What the verdict is for: the explorer's input version and its model.
    key: Option<(u64, usize)>,
    /// The training set being measured, and where its ranges arrive.
    job: Option<(Key, Receiver<()>)>,
    verdict: Option<Unlike>,
}

impl Familiarity {
    /// Compares the explorer's input with its model's training pictures when either changed
    /// (asking for them to be measured the first time). Returns whether the verdict changed.
    pub fn sync(&mut self, ex: &Explorer, ctx: &egui::Context) -> bool {
        if let Some((_, rx)) = &self.job
            && rx.try_recv().is_ok()
        {
            self.job = None;
            self.key = None;
        }
        let key = (ex.input_version, Arc::as_ptr(&ex.model) as usize);
        if self.key == Some(key) {
            return false;
        }
        let before = self.verdict.take();
        self.key = Some(key);
        if let Some((set, spec)) = training_set(&ex.model)
            && ex.input.audio.is_none()
            && !is_empty_drawing(&ex.input)
        {
            let shape = ex.clean_pixels.dim();
            let wanted = (spec.clone(), shape);
            let known = MEASURED.lock().ok().and_then(|m| m.get(&wanted).cloned());
            match known {
                Some(Some(r)) => self.verdict = Some(compare(set, &r, ex)),
                Some(None) => {}
                None if self.job.as_ref().is_some_and(|(k, _)| *k == wanted) => {}
                None => {
                    let model_dir = ex.model_path.as_deref().and_then(Path::parent);
                    let rx = measure_later(wanted.clone(), model_dir.map(Path::to_path_buf), ctx);
                    self.job = Some((wanted, rx));
                    self.key = None;
                }
            }
        }
        self.verdict != before
    }

    /// The verdict on the current input (`None`: nothing to compare it with, or not yet).
    pub fn verdict(&self) -> Option<&Unlike> {
        self.verdict.as_ref()
    }

    /// Whether the input is unlike the training pictures: the app cautions.
    pub fn cautions(&self) -> bool {
        self.verdict.as_ref().is_some_and(Unlike::cautions)
    }

    /// Whether a training set is still being measured.
    pub fn measuring(&self) -> bool {
        self.job.is_some()
    }
}

/// The training set `model` records, if it is a set of pictures the app knows: what it is,
/// and the spec as the file writes it.
fn training_set(model: &Model) -> Option<(TrainingSet, String)> {
    let text = model.info.training.get("dataset")?.as_str()?;
    let set = match text.parse::<DataSpec>().ok()? {
        DataSpec::Mnist(_) => TrainingSet::Mnist,
        DataSpec::Fashion(_) => TrainingSet::Fashion,
        DataSpec::Shapes(_) => TrainingSet::Shapes,
        DataSpec::Fsdd(_) => return None,
    };
    Some((set, text.to_string()))
}

/// Measures the training set `key` names on a worker thread into [`MEASURED`] (`None` there
/// when it cannot be found or read: the app then says nothing); the receiver hears when it is
/// done.
fn measure_later(key: Key, model_dir: Option<PathBuf>, ctx: &egui::Context) -> Receiver<()> {
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    crate::app::shell::background::spawn(move || {
        let measured = measure(&key.0, model_dir.as_deref()).filter(|r| r.shape == key.1);
        if let Ok(mut m) = MEASURED.lock() {
            m.insert(key, measured.map(Arc::new));
        }
        tx.send(()).ok();
        ctx.request_repaint();
    });
    rx
}

/// The ranges of the training pictures `spec` names.
fn measure(spec: &str, model_dir: Option<&Path>) -> Option<Reference> {
    let set = match spec.parse::<DataSpec>().ok()? {
        DataSpec::Mnist(dir) => DataSpec::Mnist(find_data(&dir, model_dir)?),
        DataSpec::Fashion(dir) => DataSpec::Fashion(find_data(&dir, model_dir)?),
        DataSpec::Shapes(n) => {
            let n = n.unwrap_or(SHAPES_MEASURED).min(SHAPES_MEASURED);
            let set = shapes::generate(n, shapes::TRAIN_SEED);
            return reference((0..set.len()).map(|i| set.pixels(i)));
        }
        DataSpec::Fsdd(_) => return None,
    };
    let split = crate::data::load(&set).ok()?;
    reference((0..split.train.len()).map(|i| split.train.pixels(i)))
}

/// The folder of a data set the model file names: as written when it is there (from the
/// working folder or the model's), else the bundled one of the same name (a model trained on
/// another machine names that machine's folder).
fn find_data(dir: &Path, model_dir: Option<&Path>) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    if let Some(beside) = model_dir.map(|m| m.join(dir)).filter(|d| d.is_dir()) {
        return Some(beside);
    }
    let name = dir.file_name()?.to_str()?;
    crate::app::train::settings::bundled_data_dir(name).ok()
}

/// How the explorer's input compares with `reference`.
fn compare(set: TrainingSet, reference: &Reference, ex: &Explorer) -> Unlike {
    let (channels, height, width) = reference.shape;
    let image = &ex.input.image;
    let colour = (channels == 1)
        .then(|| colourfulness(image))
        .filter(|&c| c > IN_COLOUR);
    let drawn = ex.input.path.is_none() && ex.input.name == crate::app::input::canvas::DRAWING;
    let size =
        (!drawn && image.dimensions() != (width as u32, height as u32)).then(|| image.dimensions());
    Unlike {
        set,
        outliers: outliers(reference, &ex.clean_pixels),
        colour,
        size,
    }
}

/// The words: a short line for the status bar, and the whole explanation.
impl Unlike {
    fn set_name(&self, s: &Strings) -> &'static str {
        match self.set {
            TrainingSet::Mnist => s.data_mnist,
            TrainingSet::Fashion => s.data_fashion,
            TrainingSet::Shapes => s.data_shapes,
        }
    }

    /// Each way the input differs, one sentence each.
    pub fn reasons(&self, s: &Strings, network_size: (usize, usize)) -> Vec<String> {
        let mut out: Vec<String> = self
            .outliers
            .iter()
            .map(|o| {
                let (template, percent) = match o.measure {
                    Measure::Brightness => (s.unlike_brightness, false),
                    Measure::Contrast => (s.unlike_contrast, false),
                    Measure::Border => (s.unlike_border, false),
                    Measure::MidTones => (s.unlike_mid_tones, true),
                    Measure::Colour => (s.unlike_colourfulness, false),
                };
                let number = |v: f32| match percent {
                    true => format!("{:.0}", v * 100.0),
                    false => format!("{v:.2}"),
                };
                fill(
                    template,
                    &[
                        &number(o.value),
                        &number(o.range.low),
                        &number(o.range.high),
                    ],
                )
            })
            .collect();
        if self.colour.is_some() {
            out.push(s.unlike_in_colour.to_string());
        }
        if let Some((w, h)) = self.size {
            let (nh, nw) = network_size;
            out.push(fill(s.unlike_size, &[&w, &h, &nw, &nh]));
        }
        out
    }

    /// The heading of the explanation.
    pub fn heading(&self, s: &Strings) -> String {
        fill(s.unlike_heading, &[&self.set_name(s)])
    }

    /// What the network's answer means on such an input: it is read as `class` with
    /// `probability` all the same, one of `classes` classes.
    pub fn lesson(&self, s: &Strings, class: &str, probability: f32, classes: usize) -> String {
        let percent = format!("{:.1}", probability * 100.0);
        fill(s.unlike_lesson, &[&class, &percent, &classes])
    }

    /// The whole explanation for the explorer's input, as a hover text: heading, reasons, and
    /// what the answer means.
    pub fn explanation(&self, s: &Strings, ex: &Explorer) -> String {
        let size = (ex.model.input.height, ex.model.input.width);
        let mut text = self.heading(s);
        for r in self.reasons(s, size) {
            text.push_str("\n• ");
            text.push_str(&r);
        }
        if let Some(lesson) = self.lesson_for(s, ex) {
            text.push_str("\n\n");
            text.push_str(&lesson);
        }
        text
    }

    /// [`Self::lesson`] for the explorer's prediction (none without one).
    pub fn lesson_for(&self, s: &Strings, ex: &Explorer) -> Option<String> {
        let (class, probability) = ex.prediction()?;
        let classes = ex.probabilities.len();
        Some(self.lesson(s, &ex.net.label(class), probability, classes))
    }
}
