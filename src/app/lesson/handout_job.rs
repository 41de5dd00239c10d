//! A handout written in the background for the Lessons tab, and how far it got: plain data
//! shared with the thread that writes it (see `handout.rs` for what it runs).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A handout being written in the background for the Lessons tab: what it says so far.
#[derive(Debug, Default, Clone)]
pub struct HandoutJob {
    status: Arc<Mutex<HandoutStatus>>,
}

/// Where a background handout is.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum HandoutStatus {
    #[default]
    Idle,
    /// The last progress line.
    Writing(String),
    Written(PathBuf),
    Failed(String),
}

impl HandoutJob {
    /// Runs `work` (which writes a handout, saying how far it got) on its own thread.
    pub(crate) fn start(
        &self,
        ctx: &egui::Context,
        work: impl FnOnce(&mut dyn FnMut(&str)) -> Result<PathBuf, String> + Send + 'static,
    ) {
        if matches!(self.status(), HandoutStatus::Writing(_)) {
            return;
        }
        self.set(HandoutStatus::Writing(String::new()));
        let job = self.clone();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let mut say = |line: &str| {
                job.set(HandoutStatus::Writing(line.trim().to_string()));
                ctx.request_repaint();
            };
            let done = match work(&mut say) {
                Ok(path) => HandoutStatus::Written(path),
                Err(e) => HandoutStatus::Failed(e),
            };
            job.set(done);
            ctx.request_repaint();
        });
    }

    pub fn status(&self) -> HandoutStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn set(&self, status: HandoutStatus) {
        if let Ok(mut s) = self.status.lock() {
            *s = status;
        }
    }
}
