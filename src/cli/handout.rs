//! `convscope handout`: a lesson as one HTML file to print (A4 or Letter), for the students or,
//! with `--answers`, the teacher. The app makes it (the same steps, numbers and figures as the
//! lesson panel, see `app::write_handout`); the command line only reads the request.

use crate::lesson::HandoutOrder;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The lesson: a built-in one by name (`pooling-and-fc`), a lesson file, or the id of one
    /// of your own (`convscope lessons` lists them).
    #[arg(value_name = "LESSON")]
    pub lesson: String,
    /// The handout's language: en or zh.
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    pub lang: String,
    /// The teacher's copy: with each step's evidence table, verdict and right answer.
    #[arg(long)]
    pub answers: bool,
    /// Where to write the HTML file.
    #[arg(long, value_name = "FILE.html")]
    pub out: PathBuf,
    /// Train the lesson's runs (its Train-tab steps) on a tenth of their digits for at most 3
    /// epochs each: a quick draft whose numbers are not the ones the class will see.
    #[arg(long)]
    pub quick_runs: bool,
}

impl Args {
    /// The request, the lesson checked first (a mistake names its file and line).
    pub(crate) fn order(self) -> anyhow::Result<HandoutOrder> {
        crate::lesson::catalog::open(&self.lesson)?;
        Ok(HandoutOrder {
            lesson: self.lesson,
            lang: self.lang,
            answers: self.answers,
            out: self.out,
            quick_runs: self.quick_runs,
        })
    }
}
