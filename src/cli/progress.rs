//! A progress bar with an estimate of the time left, on standard error. indicatif draws
//! nothing when standard error is not a terminal, so piped or logged runs stay quiet.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `len` steps of `unit` (e.g. "shifts"), cleared from the terminal when dropped.
pub(crate) struct Progress(pub ProgressBar);

impl Progress {
    pub(crate) fn new(len: u64, unit: &str) -> Progress {
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{prefix}}[{{bar:25}}] {{pos}}/{{len}} {unit}, {{elapsed}}, about {{eta}} left"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Progress(bar)
    }
}

impl std::ops::Deref for Progress {
    type Target = ProgressBar;

    fn deref(&self) -> &ProgressBar {
        &self.0
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
