//! A lesson's steps as a teacher writes them: a TOML file of `[[step]]` tables, each saying
//! how to set the app up. The texts live beside it in one Fluent file per language (see
//! `text.rs`). A wrong file gives an error naming the file and the line.

use super::error::{LessonError, StepProblem};
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
}

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

/// How a step sets the app up. Everything is optional: what a step does not say stays as the
/// previous step (or the student) left it.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Names the step's texts in the Fluent files: `ID-title` and `ID`.
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
    /// Draws this sample model's learning curves beside the open model's.
    pub history_with: Option<String>,
    /// Noise on the input, as the noise control puts it: `gaussian:0.2`, `saltpepper:0.05`, or
    /// `none` (the same syntax as `convscope inspect --noise`).
    pub noise: Option<String>,
    /// The noise's seed (0 when no step says).
    pub noise_seed: Option<u64>,
    /// Sample models whose numbers the text may quote (`{ $digits-nopool-params }`).
    #[serde(default)]
    pub compare: Vec<String>,
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
    let parsed: LessonToml = toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end().to_string();
        match e.span() {
            Some(span) => LessonError::Syntax {
                file: file(),
                line: line_of(text, span.start),
                message,
            },
            None => LessonError::File {
                file: file(),
                message,
            },
        }
    })?;
    let step_line = |index: usize| {
        text.match_indices("[[step]]")
            .nth(index)
            .map_or(0, |(offset, _)| line_of(text, offset))
    };
    if parsed.steps.is_empty() {
        return Err(LessonError::NoSteps(file()));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, step) in parsed.steps.iter().enumerate() {
        let problem = step_problem(step, &mut seen);
        if let Some(problem) = problem {
            return Err(LessonError::Step {
                file: file(),
                line: step_line(i),
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

/// What is wrong with `step`, if anything; `seen` holds the ids of the steps before it.
fn step_problem<'a>(
    step: &'a Step,
    seen: &mut std::collections::HashSet<&'a str>,
) -> Option<StepProblem> {
    if !is_fluent_id(&step.id) {
        return Some(StepProblem::BadId(step.id.clone()));
    }
    if !seen.insert(step.id.as_str()) {
        return Some(StepProblem::DuplicateId(step.id.clone()));
    }
    if let Some(rate) = step.dropout
        && !(0.0..1.0).contains(&rate)
    {
        return Some(StepProblem::Dropout(rate));
    }
    if let Some(noise) = &step.noise
        && let Err(e) = crate::analysis::robustness::parse_noise_or_none(noise)
    {
        return Some(StepProblem::Noise(e));
    }
    if let Some([dx, dy]) = step.shift
        && (dx.abs() > 64 || dy.abs() > 64)
    {
        return Some(StepProblem::Shift(dx, dy));
    }
    None
}

/// Fluent's identifier rule: `[a-zA-Z][a-zA-Z0-9_-]*`.
pub(crate) fn is_fluent_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// What applies at a step: the fold of every step up to it. `sweep` and `compare` belong to
/// their own step only.
pub fn effective(steps: &[Step], index: usize) -> Step {
    let mut out = Step::default();
    for (i, s) in steps.iter().enumerate().take(index + 1) {
        let own = i == index;
        out.id = s.id.clone();
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
            history_with,
            noise,
            noise_seed
        );
        if own {
            out.sweep = s.sweep;
            out.compare_modes = s.compare_modes;
            out.compare = s.compare.clone();
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
        assert!(err.starts_with("my.toml, line 4:"), "{err}");
        assert!(err.contains("maxx") && err.contains("avg"), "{err}");
        let err = parse("id = \"demo\"\n[[step]]\nid = \"a\"\n\nstag = \"pool1\"\n").unwrap_err();
        assert!(err.starts_with("my.toml, line 5:"), "{err}");
        assert!(err.contains("stag"), "{err}");
        let err = parse("id = \"demo\"\n[[step]]\nid = \"a\"\nshift = [1, 2\n").unwrap_err();
        assert!(err.starts_with("my.toml, line "), "{err}");
    }

    #[test]
    fn checks_ids_rates_and_shifts_with_the_step_line() {
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\n[[step]]\nid = \"a\"\n").unwrap_err();
        assert!(
            err.contains("line 4 (step 2)") && err.contains("twice"),
            "{err}"
        );
        let err = parse("id = \"d\"\n[[step]]\nid = \"a b\"\n").unwrap_err();
        assert!(err.contains("line 2") && err.contains("letters"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\ndropout = 1.5\n").unwrap_err();
        assert!(err.contains("dropout 1.5"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\nshift = [900, 0]\n").unwrap_err();
        assert!(err.contains("64 pixels"), "{err}");
        let err = parse("id = \"d\"\n[[step]]\nid = \"a\"\nnoise = \"pink:0.1\"\n").unwrap_err();
        assert!(
            err.contains("line 2 (step 1)") && err.contains("pink"),
            "{err}"
        );
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
}
