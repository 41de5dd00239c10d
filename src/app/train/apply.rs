//! The Train tab's commands applied to the app, and what a training run's reports change
//! outside the tab (the explorer following the weights).

use crate::app::shell::app::ConvscopeApp;
use crate::app::shell::commands::Command;
use crate::app::shell::message::{Message, MessageKey};
use crate::app::shell::view_state::Tab;

impl ConvscopeApp {
    /// Applies one of the Train tab's commands.
    pub(crate) fn apply_train(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::SetTrainSettings(settings) => self.train.settings = settings,
            Command::StartTraining => {
                self.train.settings.fit_data_to(&self.explorer.model);
                let ex = &self.explorer;
                self.train.start(&ex.model, Some(ex.pixels.clone()), ctx);
            }
            Command::PauseTraining => self.train.pause(),
            Command::ResumeTraining => self.train.resume(),
            Command::StopTraining => self.train.stop(),
            Command::FollowTraining(on) => {
                self.train.follow = on;
                self.follow_snapshot();
            }
            Command::ClearRuns => self.train.clear_runs(),
            Command::SaveRunDialog => {
                let Some(model) = self.train.trained() else {
                    return;
                };
                if !self.native_dialogs {
                    return;
                }
                if let Some(path) = rfd::FileDialog::new()
                    .add_filter("convscope model", &["json"])
                    .set_file_name(format!("{}.json", model.info.name))
                    .save_file()
                {
                    self.apply_train(ctx, Command::SaveRun(path));
                }
            }
            Command::SaveRun(path) => self.save_run(&path),
            Command::OpenRunInExplorer => {
                let Some(run) = &self.train.current else {
                    return;
                };
                self.train.follow = false;
                match (&run.saved, &run.model) {
                    // The file as saved: what opening it later will show.
                    (Some(path), _) => self.jobs.load_model(path.clone(), ctx),
                    (None, Some(model)) => {
                        self.explorer.set_model(model.clone(), None);
                    }
                    (None, None) => return,
                }
                self.view.tab = Tab::Explorer;
            }
            _ => {}
        }
    }

    /// Writes the trained model (JSON + safetensors, each atomically) with its record.
    fn save_run(&mut self, path: &std::path::Path) {
        let Some(run) = &mut self.train.current else {
            return;
        };
        let Some(model) = &run.model else { return };
        let mut model = model.clone();
        if let Some(stem) = path.file_stem() {
            model.info.name = stem.to_string_lossy().into_owned();
        }
        match crate::io::save_model(&model, path) {
            Ok(()) => {
                run.saved = Some(path.to_path_buf());
                run.error = None;
                self.status = Some(Message::new(MessageKey::Saved, &[&path.display()]));
            }
            Err(e) => run.error = Some(e.to_string()),
        }
    }

    /// Takes in the training worker's reports; the explorer follows the weights when asked.
    pub(crate) fn poll_training(&mut self) {
        self.train.update_probe(&self.explorer.pixels);
        if self.train.poll() {
            self.follow_snapshot();
        }
    }

    fn follow_snapshot(&mut self) {
        if self.train.follow
            && let Some(snapshot) = &self.train.snapshot
            && snapshot.model != *self.explorer.model
        {
            self.explorer.set_model(snapshot.model.clone(), None);
        }
    }
}
