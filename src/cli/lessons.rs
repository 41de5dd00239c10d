//! `convscope lessons`: the lessons a teacher can open, one per line: its id (what
//! `convscope --lesson` takes) and its title. The built-in ones first, then those in the user's
//! lessons folder; a lesson file there with a mistake is named on stderr with what is wrong.

use crate::lesson::catalog::{Source, catalog};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The language of the titles: en or zh (a lesson without it shows its English title).
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    pub lang: String,
}

pub(crate) fn run(args: Args) -> Result<()> {
    let dir = crate::io::user_lessons_dir();
    let entries = catalog(dir.as_deref())?;
    let width = entries.iter().map(|e| e.id().len()).max().unwrap_or(0);
    for entry in &entries {
        match (&entry.lesson, &entry.source) {
            (Ok(lesson), _) => outln!("{:width$}  {}", lesson.id, lesson.title(&args.lang)),
            (Err(e), Source::File(_)) => {
                eprintln!("convscope: left out: {e}");
            }
            // Built-in lessons are checked by the tests; never silently skipped.
            (Err(e), Source::Builtin(name)) => anyhow::bail!("built-in lesson {name}: {e}"),
        }
    }
    if let Some(dir) = dir {
        eprintln!("(your own lessons go in {})", dir.display());
    }
    Ok(())
}
