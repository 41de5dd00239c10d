//! Loading files off the UI thread: a big picture or model may take a while, so it is read on
//! a worker thread that reports back over a channel; the UI shows a spinner meanwhile.

use crate::app::explorer::prepare::InputImage;
use crate::app::input::model_inputs::{Opened, open_with};
use crate::app::input::samples::{InputFileError, image_file};
use crate::io::{FileError, InputSettings};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What a finished job delivers. One is sent per file opened: boxing the model would save
/// nothing worth the indirection.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Loaded {
    Model(ModelLoad),
    Image(Result<InputImage, InputFileError>),
}

/// A model file opened (or not) with the user's input settings.
pub(crate) struct ModelLoad {
    pub path: PathBuf,
    /// The settings it was asked to open with.
    pub user: InputSettings,
    pub result: Result<Opened, FileError>,
}

pub(crate) struct Jobs {
    tx: Sender<Loaded>,
    rx: Receiver<Loaded>,
    pending: usize,
}

impl Default for Jobs {
    fn default() -> Self {
        let (tx, rx) = channel();
        Jobs { tx, rx, pending: 0 }
    }
}

impl Jobs {
    pub(crate) fn busy(&self) -> bool {
        self.pending > 0
    }

    pub(crate) fn load_model(&mut self, path: PathBuf, ctx: &egui::Context) {
        self.load_model_with(path, InputSettings::default(), true, ctx);
    }

    /// Opens `path` with the user's input settings; with `fallback`, settings that no longer
    /// fit are left out (and the reason reported) rather than failing the whole file.
    pub(crate) fn load_model_with(
        &mut self,
        path: PathBuf,
        user: InputSettings,
        fallback: bool,
        ctx: &egui::Context,
    ) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        self.pending += 1;
        super::background::spawn(move || {
            let result = open_with(&path, &user, fallback);
            tx.send(Loaded::Model(ModelLoad { path, user, result }))
                .ok();
            ctx.request_repaint();
        });
    }

    pub(crate) fn load_image(&mut self, path: PathBuf, ctx: &egui::Context) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        self.pending += 1;
        super::background::spawn(move || {
            tx.send(Loaded::Image(image_file(&path))).ok();
            ctx.request_repaint();
        });
    }

    /// Everything finished since the last call.
    pub(crate) fn poll(&mut self) -> Vec<Loaded> {
        let done: Vec<Loaded> = self.rx.try_iter().collect();
        self.pending = self.pending.saturating_sub(done.len());
        done
    }
}
