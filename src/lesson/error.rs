//! What can be wrong with a lesson, by kind: each names the file and, where the problem sits on
//! one line, the line (and the step), and says what is wrong in words.

use crate::io::FileError;
use std::path::PathBuf;
use thiserror::Error;

/// A lesson that cannot be opened, and why.
#[derive(Debug, Error)]
pub enum LessonError {
    #[error("no built-in lesson \"{name}\" (there are: {})", known.join(", "))]
    NoBuiltin {
        name: String,
        known: Vec<&'static str>,
    },
    /// A lesson or text file that cannot be read.
    #[error(transparent)]
    Read(#[from] FileError),
    #[error("{}: is not UTF-8 text", .0.display())]
    NotUtf8(PathBuf),
    #[error("{}: a lesson file needs a name", .0.display())]
    NoName(PathBuf),
    #[error("{}: cannot list the folder: {reason}", dir.display())]
    ListFolder { dir: PathBuf, reason: String },
    #[error(
        "{}: no texts found: put {stem}.en.ftl (and one file per other language) beside it",
        path.display()
    )]
    NoTexts { path: PathBuf, stem: String },
    /// A line of a lesson or text file that does not parse.
    #[error("{}, line {line}: {message}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        message: String,
    },
    /// A file that does not parse, where no line can be pointed at.
    #[error("{}: {message}", file.display())]
    File { file: PathBuf, message: String },
    #[error("{}: \"{code}\" is not a language code (en, zh, fr, …)", file.display())]
    LanguageCode { file: PathBuf, code: String },
    #[error("{}: a lesson needs at least one [[step]]", .0.display())]
    NoSteps(PathBuf),
    #[error(
        "{}: lesson id \"{id}\" must start with a letter and hold only letters, digits, - and _",
        file.display()
    )]
    LessonId { file: PathBuf, id: String },
    /// A step whose settings cannot be used.
    #[error("{}, line {line} (step {step}): {problem}", file.display())]
    Step {
        file: PathBuf,
        line: usize,
        step: usize,
        problem: StepProblem,
    },
    /// Texts that do not fit the steps; the first is shown, with how many more there are.
    #[error("{}", summary(.0))]
    Texts(Vec<TextProblem>),
}

/// What is wrong with one step of a lesson file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StepProblem {
    #[error("step id \"{0}\" must start with a letter and hold only letters, digits, - and _")]
    BadId(String),
    #[error("step id \"{0}\" is used twice")]
    DuplicateId(String),
    #[error("dropout {0} is outside 0 (off) to just below 1")]
    Dropout(f32),
    #[error("noise {0}")]
    Noise(crate::analysis::robustness::NoiseError),
    #[error("shift [{0}, {1}] is more than 64 pixels")]
    Shift(i32, i32),
    #[error(
        "conv_try padding {0}, stride {1}: the padding must be 0 to {max} and the stride 1 to {max}", max = crate::analysis::conv_try::MAX_TRY
    )]
    ConvTry(usize, usize),
    /// A key or value the format does not have (the TOML reader's words).
    #[error("{0}")]
    Invalid(String),
    #[error("[step.reveal] changes the setup only: it cannot set `{0}`")]
    NotInReveal(&'static str),
    #[error(
        "choice \"{0}\" must hold only letters, digits, - and _ (it names the text ID-choice-{0})"
    )]
    ChoiceName(String),
    #[error("choice \"{0}\" is listed twice")]
    DuplicateChoice(String),
    #[error("a summary step asks nothing: it has no choices")]
    SummaryAsks,
    #[error("answer \"{answer}\" is not one of the choices ({})", choices.join(", "))]
    Answer {
        answer: String,
        choices: Vec<String>,
    },
    #[error("a step with choices needs its answer: answer = \"…\"")]
    NoAnswer,
    #[error(
        "\"{0}\" is not a sample model's name (letters, digits, - and _, starting with a letter)"
    )]
    ModelName(String),
    #[error("train: {0}")]
    Train(String),
    #[error("a step trains once: `train` and `[step.reveal]`'s `train` cannot both be set")]
    TrainTwice,
    #[error("paired compares \"{0}\" with itself: name two different models")]
    PairedWithItself(String),
    #[error(
        "test_noise needs noise on the input: give this step (or one before it) noise = \"saltpepper:0.1\" or another noise"
    )]
    TestNoiseWithoutNoise,
}

/// What is wrong with a lesson's texts.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TextProblem {
    /// An evidence table whose row is not `| a | b |` or has another number of cells than
    /// its header.
    #[error(
        "{lesson}: \"{id}\" in {language}, row {row}: {problem} (an evidence table is rows of cells between |, the first row the header)"
    )]
    Table {
        lesson: String,
        language: String,
        id: String,
        row: usize,
        problem: String,
    },
    #[error("a lesson needs texts in at least one language")]
    NoLanguage,
    #[error("{lesson}: the {language} texts have no message \"{id}\"")]
    Missing {
        lesson: String,
        language: String,
        id: String,
    },
    /// A translation that leaves out or adds a number the reference language shows.
    #[error(
        "{lesson}: \"{id}\" in {language} uses {{{}}} but in {reference_language} {{{}}}: every language must show the same numbers",
        theirs.join(", "),
        reference.join(", ")
    )]
    Variables {
        lesson: String,
        id: String,
        language: String,
        theirs: Vec<String>,
        reference_language: String,
        reference: Vec<String>,
    },
}

fn summary(problems: &[TextProblem]) -> String {
    match problems {
        [] => String::new(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more problems)", rest.len()),
    }
}
