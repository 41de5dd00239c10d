//! A lesson's steps as a teacher writes them: a TOML file of `[[step]]` tables, each saying
//! how to set the app up, which views it talks about, the choices of its question and what
//! the reveal changes. The texts live beside it in one Fluent file per language (see
//! `text.rs`). A wrong file gives an error naming the file, the line and the step.

use super::error::{LessonError, StepProblem};
use super::show::ViewId;
use serde::Deserialize;
use std::path::Path;

/// Which pooling the step runs every pooling layer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolChoice {
    Max,
    Avg,
    /// The mode the model was trained with.
    Trained,
}

/// The central view a step shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    #[default]
    Explorer,
    Lab,
    /// The Train tab: the step's training runs and the lesson's earlier ones on its axes.
    Train,
}

/// "Where it looked" in a step: hidden, or shown with an attribution method (the names
/// `convscope explain --method` takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExplainView {
    None,
    Gradient,
    GradXInput,
    SmoothGrad,
    GradCam,
    Occlusion,
}

impl ExplainView {
    /// The method shown, `None` for a hidden view.
    pub fn method(self) -> Option<crate::analysis::attribution::Method> {
        use crate::analysis::attribution::Method;
        Some(match self {
            ExplainView::None => return None,
            ExplainView::Gradient => Method::Gradient,
            ExplainView::GradXInput => Method::GradXInput,
            ExplainView::SmoothGrad => Method::SmoothGrad,
            ExplainView::GradCam => Method::GradCam,
            ExplainView::Occlusion => Method::Occlusion,
        })
    }
}

/// Which bundled data set a lesson's training run learns from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainData {
    #[default]
    Mnist,
    Fashion,
    Shapes,
    Speech,
}

/// A short training run a step starts in the Train tab (`[step.train]`), as its settings
/// would set it up: the architecture of a sample model (its weights drawn anew from the seed),
/// the data, how many training images, epochs, and the regularisers. The run is named after
/// its step (`{ $small-test-accuracy }`), stays on the Train tab's axes for the rest of the
/// lesson, and the same recipe gives the same run wherever the lesson is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainRun {
    /// The sample model whose architecture is trained (`fc-overfit`).
    pub arch: String,
    #[serde(default)]
    pub data: TrainData,
    /// Train on the first N training images.
    pub train_size: usize,
    pub epochs: usize,
    /// Dropout at this rate while training (one layer added before the last dense layer when
    /// the network has none); none: as the architecture says.
    pub dropout: Option<f32>,
    /// Adam's L2 penalty (`weight_decay` of `convscope train`).
    #[serde(default)]
    pub weight_decay: f32,
    /// Move each training image by up to this many pixels every epoch (checked when the run
    /// starts, as `convscope train --augment-shift` checks it).
    #[serde(default)]
    pub augment_shift: usize,
    #[serde(default = "default_train_seed")]
    pub seed: u64,
    pub batch: Option<usize>,
    pub lr: Option<f32>,
}

fn default_train_seed() -> u64 {
    1
}

/// The most epochs a lesson's run may take: a lesson's runs are short.
pub(crate) const MAX_LESSON_EPOCHS: usize = 200;

/// Which shifts a step's translation sweep tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SweepChoice {
    X,
    Y,
    Both,
}

/// The pooling window a step sets (as the toolbar's Window box offers them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum WindowChoice {
    #[serde(rename = "trained")]
    AsTrained,
    #[serde(rename = "2x2/2")]
    K2S2,
    #[serde(rename = "3x3/2")]
    K3S2,
    #[serde(rename = "2x2/1")]
    K2S1,
}

/// The word `"trained"` (as a value of `conv_try`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainedWord {
    Trained,
}

/// The padding and stride the shown convolution is tried with (`conv_try = { padding = 0,
/// stride = 2 }`): its own weights rerun on its own input, so the output-size formula can be
/// checked; `"trained"`: as the layer has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ConvTryChoice {
    AsTrained(TrainedWord),
    Set { padding: usize, stride: usize },
}

impl ConvTryChoice {
    /// The try, or `None` for the layer's own padding and stride.
    pub fn tried(self) -> Option<crate::analysis::conv_try::ConvTry> {
        match self {
            ConvTryChoice::AsTrained(_) => None,
            ConvTryChoice::Set { padding, stride } => {
                Some(crate::analysis::conv_try::ConvTry { padding, stride })
            }
        }
    }
}

/// How a step sets the app up, what it shows and asks. Every setup key is optional: what a
/// step does not say, earlier steps said (or, when none did, the complete default of
/// `effective`); the app applies every key, so a step looks the same whatever the class did
/// before. A step's `[step.reveal]` is a `Step` too, holding only setup keys.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Names the step's texts in the Fluent files: `ID-title`, `ID`, `ID-question`, … (empty
    /// only in a `[step.reveal]`).
    #[serde(default)]
    pub id: String,
    /// A sample model, by the name of its file in `sample_models/` (`digits-max`).
    pub model: Option<String>,
    /// A sample input, by the name the Samples list shows (`digit_7`, `photo_cat`).
    pub sample: Option<String>,
    /// The stage shown, by its layer name (`pool1`), or `input`.
    pub stage: Option<String>,
    pub pool: Option<PoolChoice>,
    pub window: Option<WindowChoice>,
    /// Dropout applied at inference with this rate (0 switches it off).
    pub dropout: Option<f32>,
    pub view: Option<View>,
    /// The translation lab's shift in pixels, `[dx, dy]`.
    pub shift: Option<[i32; 2]>,
    /// Runs the lab's sweep along this axis (the numbers appear when it finishes).
    pub sweep: Option<SweepChoice>,
    /// The sweep runs once per pooling mode.
    pub compare_modes: Option<bool>,
    /// Opens (true) or closes the convolution arithmetic panel.
    pub arithmetic: Option<bool>,
    /// Tries the shown convolution with another padding and stride (`"trained"`: its own).
    pub conv_try: Option<ConvTryChoice>,
    /// Shows "Where it looked" with this method (`"none"` hides it, what no step set).
    pub explain: Option<ExplainView>,
    /// Draws this sample model's learning curves beside the open model's; `"none"` draws
    /// none (what no step set).
    pub history_with: Option<String>,
    /// Noise on the input, as the noise control puts it: `gaussian:0.2`, `saltpepper:0.05`, or
    /// `none` (the same syntax as `convscope inspect --noise`).
    pub noise: Option<String>,
    /// The noise's seed (0 when no step says).
    pub noise_seed: Option<u64>,
    /// Sample models whose numbers the text may quote (`{ $digits-nopool-params }`).
    #[serde(default)]
    pub compare: Vec<String>,
    /// The views the step talks about: each is kept wholly on screen at a readable size.
    #[serde(default)]
    pub show: Vec<ViewId>,
    /// The choices of the step's question (texts `ID-choice-NAME`); none: an open question.
    #[serde(default)]
    pub choices: Vec<String>,
    /// The right choice, marked when the teacher reveals the answer.
    pub answer: Option<String>,
    /// The last step: each claim of the material with its verdict; it asks nothing.
    #[serde(default)]
    pub summary: bool,
    /// Pairs of sample models compared example by example on the test split of the data set
    /// they were trained on, with McNemar's exact test (`{ $fc-overfit-vs-fc-dropout-p }`).
    /// Like the next two, measured off the UI thread, and the step's own: not inherited.
    #[serde(default)]
    pub paired: Vec<[String; 2]>,
    /// Sample models whose shift consistency over their test images is measured for shifts
    /// of at most 1, 2 and 3 pixels (`{ $digits-max-consistency-2 }`).
    #[serde(default)]
    pub consistency: Vec<String>,
    /// Sample models run over their test set with the step's noise (which it or an earlier
    /// step sets), in the pooling they were trained with and with the same weights in the
    /// other (`{ $digits-max-noise-accuracy }`, `{ $digits-max-other-noise-accuracy }`).
    #[serde(default)]
    pub test_noise: Vec<String>,
    /// A training run the step starts in the Train tab, named after the step; in a
    /// `[step.reveal]`, the run starts when the teacher reveals (the class predicts first).
    /// The step's own, like `sweep`; every earlier step's run stays on the axes.
    pub train: Option<TrainRun>,
    /// Setup keys applied when the teacher reveals the answer (the question is asked on max
    /// pooling, the reveal switches to average and so shows the answer).
    pub reveal: Option<Box<Step>>,
}

impl Step {
    /// The keys a `[step.reveal]` may not hold (it only changes the setup), by name, with
    /// whether `self` sets it.
    fn non_setup_keys(&self) -> [(&'static str, bool); 9] {
        [
            ("id", !self.id.is_empty()),
            ("paired", !self.paired.is_empty()),
            ("consistency", !self.consistency.is_empty()),
            ("test_noise", !self.test_noise.is_empty()),
            ("show", !self.show.is_empty()),
            ("choices", !self.choices.is_empty()),
            ("answer", self.answer.is_some()),
            ("summary", self.summary),
            ("reveal", self.reveal.is_some()),
        ]
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonToml {
    id: String,
    #[serde(rename = "step", default)]
    steps: Vec<Step>,
}

/// A lesson file read and checked: its id and its steps in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LessonSteps {
    pub id: String,
    pub steps: Vec<Step>,
}

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a lesson file's text; `path` only names the file in errors.
pub(crate) fn parse_steps(text: &str, path: &Path) -> Result<LessonSteps, LessonError> {
    let file = || path.to_path_buf();
    let steps_at: Vec<usize> = text.match_indices("[[step]]").map(|(at, _)| at).collect();
    let parsed: LessonToml = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().to_string();
        let Some(span) = e.span() else {
            return LessonError::File {
                file: file(),
                message,
            };
        };
        let line = line_of(text, span.start);
        // Inside a step: which one, so a long file's mistake is easy to find.
        match steps_at.iter().filter(|&&at| at <= span.start).count() {
            0 => LessonError::Syntax {
                file: file(),
                line,
                message,
            },
            step => LessonError::Step {
                file: file(),
                line,
                step,
                problem: StepProblem::Invalid(message),
            },
        }
    })?;
    if parsed.steps.is_empty() {
        return Err(LessonError::NoSteps(file()));
    }
    let mut seen = std::collections::HashSet::new();
    // The noise in force at each step: its own, or the last one an earlier step set.
    let mut noise: Option<&str> = None;
    for (i, step) in parsed.steps.iter().enumerate() {
        noise = step.noise.as_deref().or(noise);
        let problem = step_problem(step, &mut seen).or_else(|| evidence_problem(step, noise));
        if let Some((problem, key)) = problem {
            // The line of the key at fault, else the step's first line.
            let section = steps_at.get(i).copied().unwrap_or(0)
                ..steps_at.get(i + 1).copied().unwrap_or(text.len());
            return Err(LessonError::Step {
                file: file(),
                line: key_line(text, section, key),
                step: i + 1,
                problem,
            });
        }
    }
    if !is_fluent_id(&parsed.id) {
        return Err(LessonError::LessonId {
            file: file(),
            id: parsed.id,
        });
    }
    Ok(LessonSteps {
        id: parsed.id,
        steps: parsed.steps,
    })
}

/// The line in `text[section]` where key `key` is set (`key = …`, or a `[step.key]` table),
/// else the section's first line.
fn key_line(text: &str, section: std::ops::Range<usize>, key: &str) -> usize {
    let start = section.start.min(text.len());
    let body = text.get(start..section.end.min(text.len())).unwrap_or("");
    let mut offset = start;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        let sets = t
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if !key.is_empty() && (sets || t.starts_with(&format!("[step.{key}]"))) {
            return line_of(text, offset);
        }
        offset += line.len();
    }
    line_of(text, start)
}

/// What is wrong with `step`, if anything, and the key at fault (`""`: the step as a whole);
/// `seen` holds the ids of the steps before it.
fn step_problem<'a>(
    step: &'a Step,
    seen: &mut std::collections::HashSet<&'a str>,
) -> Option<(StepProblem, &'static str)> {
    if !is_fluent_id(&step.id) {
        return Some((StepProblem::BadId(step.id.clone()), "id"));
    }
    if !seen.insert(step.id.as_str()) {
        return Some((StepProblem::DuplicateId(step.id.clone()), "id"));
    }
    if let Some(problem) = setup_problem(step) {
        return Some(problem);
    }
    if let Some(problem) = question_problem(step) {
        return Some(problem);
    }
    let reveal = step.reveal.as_deref()?;
    if step.train.is_some() && reveal.train.is_some() {
        return Some((StepProblem::TrainTwice, "train"));
    }
    if let Some((key, _)) = reveal.non_setup_keys().into_iter().find(|(_, set)| *set) {
        return Some((StepProblem::NotInReveal(key), "reveal"));
    }
    setup_problem(reveal).map(|(problem, _)| (problem, "reveal"))
}

/// What is wrong with a step's setup keys (its own or its reveal's).
fn setup_problem(step: &Step) -> Option<(StepProblem, &'static str)> {
    if let Some(rate) = step.dropout
        && !(0.0..1.0).contains(&rate)
    {
        return Some((StepProblem::Dropout(rate), "dropout"));
    }
    if let Some(noise) = &step.noise
        && let Err(e) = crate::analysis::robustness::parse_noise_or_none(noise)
    {
        return Some((StepProblem::Noise(e), "noise"));
    }
    if let Some([dx, dy]) = step.shift
        && (dx.abs() > 64 || dy.abs() > 64)
    {
        return Some((StepProblem::Shift(dx, dy), "shift"));
    }
    if let Some(t) = step.conv_try.and_then(ConvTryChoice::tried)
        && !t.is_valid()
    {
        return Some((StepProblem::ConvTry(t.padding, t.stride), "conv_try"));
    }
    step.train
        .as_ref()
        .and_then(train_problem)
        .map(|problem| (problem, "train"))
}

/// What is wrong with a step's training run.
fn train_problem(run: &TrainRun) -> Option<StepProblem> {
    let bad = |what: String| Some(StepProblem::Train(what));
    if !is_fluent_id(&run.arch) {
        return Some(StepProblem::ModelName(run.arch.clone()));
    }
    if run.train_size == 0 || run.train_size > 1_000_000 {
        return bad(format!(
            "train_size {} is not 1 to 1,000,000",
            run.train_size
        ));
    }
    if run.epochs == 0 || run.epochs > MAX_LESSON_EPOCHS {
        return bad(format!(
            "epochs {} is not 1 to {MAX_LESSON_EPOCHS}",
            run.epochs
        ));
    }
    if let Some(rate) = run.dropout
        && !(0.0..=0.95).contains(&rate)
    {
        return bad(format!("dropout {rate} is not 0 to 0.95"));
    }
    if !(0.0..=1.0).contains(&run.weight_decay) {
        return bad(format!("weight_decay {} is not 0 to 1", run.weight_decay));
    }
    if run.batch.is_some_and(|b| b == 0 || b > 4096) {
        return bad("batch is not 1 to 4096".into());
    }
    if run.lr.is_some_and(|lr| !(lr > 0.0 && lr <= 1.0)) {
        return bad("lr is not above 0 and at most 1".into());
    }
    None
}

/// What is wrong with a step's choices and answer.
fn question_problem(step: &Step) -> Option<(StepProblem, &'static str)> {
    let mut names = std::collections::HashSet::new();
    for choice in &step.choices {
        if !is_choice_name(choice) {
            return Some((StepProblem::ChoiceName(choice.clone()), "choices"));
        }
        if !names.insert(choice.as_str()) {
            return Some((StepProblem::DuplicateChoice(choice.clone()), "choices"));
        }
    }
    if step.summary && !step.choices.is_empty() {
        return Some((StepProblem::SummaryAsks, "choices"));
    }
    match &step.answer {
        Some(answer) if !step.choices.contains(answer) => Some((
            StepProblem::Answer {
                answer: answer.clone(),
                choices: step.choices.clone(),
            },
            "answer",
        )),
        None if !step.choices.is_empty() => Some((StepProblem::NoAnswer, "choices")),
        _ => None,
    }
}

/// A choice's name ends a Fluent message id (`ID-choice-NAME`): letters, digits, - and _.
fn is_choice_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// What is wrong with the evidence `step` asks for (`paired`, `consistency`, `test_noise`),
/// if anything; `noise` is the noise in force at the step. Whether the models exist is
/// checked when the step is set up.
fn evidence_problem(step: &Step, noise: Option<&str>) -> Option<(StepProblem, &'static str)> {
    let mut names = (step.paired.iter().flatten().map(|n| ("paired", n)))
        .chain(step.consistency.iter().map(|n| ("consistency", n)))
        .chain(step.test_noise.iter().map(|n| ("test_noise", n)));
    if let Some((key, bad)) = names.find(|(_, n)| !is_fluent_id(n)) {
        return Some((StepProblem::ModelName(bad.clone()), key));
    }
    if let Some([a, _]) = step.paired.iter().find(|[a, b]| a == b) {
        return Some((StepProblem::PairedWithItself(a.clone()), "paired"));
    }
    let noisy = noise.is_some_and(|n| {
        crate::analysis::robustness::parse_noise_or_none(n).is_ok_and(|n| n.is_some())
    });
    if !step.test_noise.is_empty() && !noisy {
        return Some((StepProblem::TestNoiseWithoutNoise, "test_noise"));
    }
    None
}

/// Fluent's identifier rule: `[a-zA-Z][a-zA-Z0-9_-]*`.
pub(crate) fn is_fluent_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The setup before any step says anything: the explorer on the input stage, pooling and its
/// window as trained, no dropout, no noise (seed 0), no lab shift or sweep, the arithmetic
/// panel closed, no learning curves compared. The model and the sample have no default: the
/// first step names them (or the app keeps what is open).
fn complete_default() -> Step {
    Step {
        stage: Some("input".into()),
        pool: Some(PoolChoice::Trained),
        window: Some(WindowChoice::AsTrained),
        dropout: Some(0.0),
        view: Some(View::Explorer),
        shift: Some([0, 0]),
        arithmetic: Some(false),
        conv_try: Some(ConvTryChoice::AsTrained(TrainedWord::Trained)),
        explain: Some(ExplainView::None),
        noise: Some("none".into()),
        noise_seed: Some(0),
        compare_modes: Some(false),
        ..Step::default()
    }
}

/// `s`'s setup keys on top of `out`; with `own`, also what belongs to its own step only (the
/// sweep, the compared models, the views, the question).
fn overlay(out: &mut Step, s: &Step, own: bool) {
    macro_rules! keep {
        ($($f:ident),*) => {$(if s.$f.is_some() { out.$f = s.$f.clone(); })*};
    }
    keep!(
        model,
        sample,
        stage,
        pool,
        window,
        dropout,
        view,
        shift,
        arithmetic,
        conv_try,
        explain,
        history_with,
        noise,
        noise_seed
    );
    if s.history_with.as_deref() == Some("none") {
        out.history_with = None;
    }
    if own {
        out.id = s.id.clone();
        out.train = s.train.clone();
        out.sweep = s.sweep;
        out.compare_modes = s.compare_modes.or(Some(false));
        out.compare = s.compare.clone();
        out.paired = s.paired.clone();
        out.consistency = s.consistency.clone();
        out.test_noise = s.test_noise.clone();
        out.show = s.show.clone();
        out.choices = s.choices.clone();
        out.answer = s.answer.clone();
        out.summary = s.summary;
        out.reveal = s.reveal.clone();
    }
}

/// What applies at step `index` before its reveal: the complete default, every earlier step
/// with its reveal folded in (the class saw them revealed), then the step itself. `sweep`,
/// `compare`, the evidence keys, `show` and the question belong to their own step only; what
/// no step set is the default (no history compared, no sweep, …), which the app applies as
/// well.
pub fn effective(steps: &[Step], index: usize) -> Step {
    let mut out = complete_default();
    for (i, s) in steps.iter().enumerate().take(index + 1) {
        let own = i == index;
        overlay(&mut out, s, own);
        if !own && let Some(r) = &s.reveal {
            overlay(&mut out, r, false);
        }
    }
    out
}

/// What applies at step `index` once the teacher revealed its answer: [`effective`] with the
/// step's `[step.reveal]` on top (its own sweep and compared models replacing the step's when
/// it names them).
pub fn revealed(steps: &[Step], index: usize) -> Step {
    let mut out = effective(steps, index);
    if let Some(r) = steps.get(index).and_then(|s| s.reveal.as_deref()) {
        overlay(&mut out, r, false);
        if r.sweep.is_some() {
            out.sweep = r.sweep;
            out.compare_modes = r.compare_modes.or(Some(false));
        }
        if !r.compare.is_empty() {
            out.compare = r.compare.clone();
        }
        if r.train.is_some() {
            out.train = r.train.clone();
        }
    }
    out
}

/// The training runs on the Train tab's axes at step `index`, oldest first, each named after
/// the step that starts it: every earlier step's (its own, or its reveal's: the class saw it
/// revealed), then this step's own, and with `revealed` its reveal's.
pub fn runs_until(steps: &[Step], index: usize, revealed: bool) -> Vec<(String, TrainRun)> {
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate().take(index + 1) {
        let reveal = s.reveal.as_ref().and_then(|r| r.train.as_ref());
        let run = match (s.train.as_ref(), reveal) {
            (Some(run), _) => Some(run),
            (None, Some(run)) if i < index || revealed => Some(run),
            _ => None,
        };
        if let Some(run) = run {
            out.push((s.id.clone(), run.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LessonSteps, String> {
        parse_steps(text, Path::new("my.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_steps_in_order_with_their_actions() {
        let lesson = parse(
            "id = \"demo\"\n[[step]]\nid = \"a\"\nmodel = \"digits-max\"\npool = \"avg\"\n\
             window = \"3x3/2\"\n[[step]]\nid = \"b\"\nview = \"lab\"\nshift = [2, -1]\nsweep = \"x\"\n",
        )
        .unwrap();
        assert_eq!(lesson.id, "demo");
        assert_eq!(lesson.steps.len(), 2);
        assert_eq!(lesson.steps[0].model.as_deref(), Some("digits-max"));
        assert_eq!(lesson.steps[0].pool, Some(PoolChoice::Avg));
        assert_eq!(lesson.steps[0].window, Some(WindowChoice::K3S2));
        assert_eq!(lesson.steps[1].view, Some(View::Lab));
        assert_eq!(lesson.steps[1].shift, Some([2, -1]));
        assert_eq!(lesson.steps[1].sweep, Some(SweepChoice::X));
    }

    #[test]
    fn a_typo_names_the_file_the_line_and_the_choices() {
        let err = parse("id = \"demo\"\n[[step]]\nid = \"a\"\npool = \"maxx\"\n").unwrap_err();
        assert!(err.starts_with("my.toml, line 4 (step 1):"), "{err}");
        assert!(err.contains("maxx") && err.contains("avg"), "{err}");
        let err = parse("id = \"demo\"\n[[step]]\nid = \"a\"\n\nstag = \"pool1\"\n").unwrap_err();
        assert!(err.starts_with("my.toml, line 5 (step 1):"), "{err}");
        assert!(err.contains("stag"), "{err}");
        let err = parse("id = \"demo\"\n[[step]]\nid = \"a\"\nshift = [1, 2\n").unwrap_err();
        assert!(err.starts_with("my.toml, line "), "{err}");
    }

    #[test]
    fn checks_ids_rates_and_shifts_with_the_line_of_the_key() {
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\n[[step]]\nid = \"a\"\n").unwrap_err();
        assert!(
            err.contains("line 5 (step 2)") && err.contains("twice"),
            "{err}"
        );
        let err = parse("id = \"d\"\n[[step]]\nid = \"a b\"\n").unwrap_err();
        assert!(err.contains("line 3") && err.contains("letters"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\ndropout = 1.5\n").unwrap_err();
        assert!(
            err.contains("line 4") && err.contains("dropout 1.5"),
            "{err}"
        );
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\nshift = [900, 0]\n").unwrap_err();
        assert!(err.contains("64 pixels"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\n\nnoise = \"pink:0.1\"\n").unwrap_err();
        assert!(
            err.contains("line 5 (step 1)") && err.contains("pink"),
            "{err}"
        );
        // A step without its id.
        let err = parse("id = \"d\"\n[[step]]\npool = \"max\"\n").unwrap_err();
        assert!(err.contains("line 2 (step 1)"), "{err}");
        let ok = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\nnoise = \"saltpepper:0.05\"\nnoise_seed = 3\n",
        )
        .unwrap();
        assert_eq!(ok.steps[0].noise.as_deref(), Some("saltpepper:0.05"));
        assert_eq!(ok.steps[0].noise_seed, Some(3));
        let err = parse("id = \"d\"\n").unwrap_err();
        assert!(err.contains("at least one"), "{err}");
    }

    #[test]
    fn reads_views_choices_and_the_reveal() {
        let lesson = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\npool = \"max\"\n\
             show = [\"pool1.maps\", \"evidence\"]\nchoices = [\"up\", \"down\"]\n\
             answer = \"down\"\n[step.reveal]\npool = \"avg\"\n\
             [[step]]\nid = \"end\"\nsummary = true\n",
        )
        .unwrap();
        let a = &lesson.steps[0];
        assert_eq!(
            a.show,
            [
                ViewId::stage("pool1", super::super::StagePart::Maps),
                ViewId::Evidence
            ]
        );
        assert_eq!(a.choices, ["up", "down"]);
        assert_eq!(a.answer.as_deref(), Some("down"));
        assert_eq!(a.reveal.as_ref().unwrap().pool, Some(PoolChoice::Avg));
        assert_eq!(a.pool, Some(PoolChoice::Max));
        assert!(lesson.steps[1].summary);
    }

    #[test]
    fn a_wrong_view_choice_or_reveal_names_its_line_and_step() {
        let err = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\n[[step]]\nid = \"b\"\n\
             show = [\"pool1.mapz\"]\n",
        )
        .unwrap_err();
        assert!(err.starts_with("my.toml, line 6 (step 2):"), "{err}");
        assert!(
            err.contains("pool1.mapz") && err.contains("lab.sweep"),
            "{err}"
        );
        let err = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\nchoices = [\"up\", \"down\"]\n\
             answer = \"sideways\"\n",
        )
        .unwrap_err();
        assert!(err.starts_with("my.toml, line 5 (step 1):"), "{err}");
        assert!(
            err.contains("sideways") && err.contains("up, down"),
            "{err}"
        );
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\nchoices = [\"up\"]\n").unwrap_err();
        assert!(
            err.contains("line 4") && err.contains("needs its answer"),
            "{err}"
        );
        let err =
            parse("id = \"d\"\n[[step]]\nid = \"a\"\nchoices = [\"a b\"]\nanswer = \"a b\"\n")
                .unwrap_err();
        assert!(
            err.contains("line 4") && err.contains("ID-choice-a b"),
            "{err}"
        );
        let err =
            parse("id = \"d\"\n[[step]]\nid = \"a\"\nchoices = [\"x\", \"x\"]\nanswer = \"x\"\n")
                .unwrap_err();
        assert!(err.contains("twice"), "{err}");
        let err = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\nsummary = true\nchoices = [\"x\"]\n\
             answer = \"x\"\n",
        )
        .unwrap_err();
        assert!(err.contains("summary"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\n\n[step.reveal]\nchoices = [\"x\"]\n")
            .unwrap_err();
        assert!(
            err.starts_with("my.toml, line 5 (step 1):") && err.contains("`choices`"),
            "{err}"
        );
        let err =
            parse("id = \"d\"\n[[step]]\nid = \"a\"\n[step.reveal]\ndropout = 3.0\n").unwrap_err();
        assert!(err.contains("line 4") && err.contains("dropout 3"), "{err}");
        let err =
            parse("id = \"d\"\n[[step]]\nid = \"a\"\n[step.reveal]\npol = \"avg\"\n").unwrap_err();
        assert!(err.starts_with("my.toml, line 5 (step 1):"), "{err}");
    }

    #[test]
    fn evidence_keys_read_and_are_checked() {
        let ok = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\nnoise = \"saltpepper:0.1\"\n\
             [[step]]\nid = \"b\"\npaired = [[\"fc-overfit\", \"fc-8k\"]]\n\
             consistency = [\"digits-max\"]\ntest_noise = [\"digits-max\", \"digits-avg\"]\n",
        )
        .unwrap();
        let b = &ok.steps[1];
        assert_eq!(b.paired, [["fc-overfit".to_string(), "fc-8k".to_string()]]);
        assert_eq!(b.consistency, ["digits-max"]);
        assert_eq!(b.test_noise, ["digits-max", "digits-avg"]);
        assert!(ok.steps[0].paired.is_empty());
        let err =
            parse("id = \"d\"\n[[step]]\nid = \"a\"\npaired = [[\"m\", \"m\"]]\n").unwrap_err();
        assert!(
            err.contains("line 4 (step 1)") && err.contains("\"m\" with itself"),
            "{err}"
        );
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\npaired = [[\"m\"]]\n").unwrap_err();
        assert!(err.starts_with("my.toml, line 4 (step 1):"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\nconsistency = [\"2x\"]\n").unwrap_err();
        assert!(err.contains("\"2x\""), "{err}");
        let err = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\nnoise = \"none\"\ntest_noise = [\"digits-max\"]\n",
        )
        .unwrap_err();
        assert!(err.contains("test_noise needs noise"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\ntest_noise = [\"m\"]\n").unwrap_err();
        assert!(err.contains("test_noise needs noise"), "{err}");
    }

    #[test]
    fn a_step_inherits_earlier_settings_but_not_their_sweeps() {
        let steps = vec![
            Step {
                id: "a".into(),
                model: Some("digits-max".into()),
                stage: Some("pool1".into()),
                sweep: Some(SweepChoice::X),
                compare: vec!["digits-gap".into()],
                ..Step::default()
            },
            Step {
                id: "b".into(),
                stage: Some("fc".into()),
                ..Step::default()
            },
        ];
        let b = effective(&steps, 1);
        assert_eq!(b.id, "b");
        assert_eq!(b.model.as_deref(), Some("digits-max"));
        assert_eq!(b.stage.as_deref(), Some("fc"));
        assert_eq!(b.sweep, None);
        assert!(b.compare.is_empty());
        let a = effective(&steps, 0);
        assert_eq!(a.sweep, Some(SweepChoice::X));
        assert_eq!(a.compare, ["digits-gap"]);
    }

    #[test]
    fn what_no_step_sets_is_the_default_and_reveals_count_once_revealed() {
        let steps = vec![
            Step {
                id: "a".into(),
                history_with: Some("fc-overfit".into()),
                ..Step::default()
            },
            Step {
                id: "b".into(),
                pool: Some(PoolChoice::Max),
                reveal: Some(Box::new(Step {
                    pool: Some(PoolChoice::Avg),
                    sweep: Some(SweepChoice::X),
                    ..Step::default()
                })),
                ..Step::default()
            },
            Step {
                id: "c".into(),
                ..Step::default()
            },
        ];
        let a = effective(&steps, 0);
        assert_eq!(a.stage.as_deref(), Some("input"));
        assert_eq!(a.pool, Some(PoolChoice::Trained));
        assert_eq!(a.window, Some(WindowChoice::AsTrained));
        assert_eq!(a.dropout, Some(0.0));
        assert_eq!(a.shift, Some([0, 0]));
        assert_eq!(a.arithmetic, Some(false));
        assert_eq!(a.noise.as_deref(), Some("none"));
        assert_eq!(a.view, Some(View::Explorer));
        // Before the reveal the question is asked on max; after it, average with its sweep.
        let b = effective(&steps, 1);
        assert_eq!(b.pool, Some(PoolChoice::Max));
        assert_eq!(b.sweep, None);
        assert_eq!(b.history_with.as_deref(), Some("fc-overfit"));
        let after = revealed(&steps, 1);
        assert_eq!(after.pool, Some(PoolChoice::Avg));
        assert_eq!(after.sweep, Some(SweepChoice::X));
        // The next step starts from what the class saw: the reveal, without its sweep.
        let c = effective(&steps, 2);
        assert_eq!(c.pool, Some(PoolChoice::Avg));
        assert_eq!(c.sweep, None);
        assert!(c.reveal.is_none());
        assert_eq!(revealed(&steps, 2), c);
        // A later step clears the compared curves again.
        let mut later = steps.clone();
        later.push(Step {
            id: "d".into(),
            history_with: Some("none".into()),
            ..Step::default()
        });
        assert_eq!(
            effective(&later, 2).history_with.as_deref(),
            Some("fc-overfit")
        );
        assert_eq!(effective(&later, 3).history_with, None);
    }

    #[test]
    fn runs_stay_on_the_axes_and_a_revealed_run_counts_once_revealed() {
        let run = |size| TrainRun {
            arch: "fc-overfit".into(),
            data: TrainData::Mnist,
            train_size: size,
            epochs: 2,
            dropout: None,
            weight_decay: 0.0,
            augment_shift: 0,
            seed: 1,
            batch: None,
            lr: None,
        };
        let steps = vec![
            Step {
                id: "a".into(),
                train: Some(run(500)),
                ..Step::default()
            },
            Step {
                id: "b".into(),
                reveal: Some(Box::new(Step {
                    train: Some(run(8000)),
                    ..Step::default()
                })),
                ..Step::default()
            },
            Step {
                id: "c".into(),
                ..Step::default()
            },
        ];
        let names = |v: Vec<(String, TrainRun)>| v.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(runs_until(&steps, 0, false)), ["a"]);
        assert_eq!(names(runs_until(&steps, 1, false)), ["a"]);
        assert_eq!(names(runs_until(&steps, 1, true)), ["a", "b"]);
        assert_eq!(names(runs_until(&steps, 2, false)), ["a", "b"]);
        // The run is the step's own, not inherited.
        assert_eq!(effective(&steps, 2).train, None);
        assert_eq!(revealed(&steps, 1).train, Some(run(8000)));
        let err = parse(
            "id = \"d\"\n[[step]]\nid = \"a\"\n[step.train]\narch = \"m\"\ntrain_size = 5\nepochs = 0\n",
        )
        .unwrap_err();
        assert!(
            err.contains("line 4 (step 1)") && err.contains("epochs 0"),
            "{err}"
        );
    }
}
