//! Opening a model file with the input settings remembered for it, and the input settings
//! dialog's commands: Apply opens the file again with the dialog's values and remembers them
//! only when the model runs with them; a refusal is shown in the dialog and changes nothing.

use super::samples;
use crate::app::shell::app::ConvscopeApp;
use crate::app::shell::commands::Command;
use crate::app::shell::jobs::ModelLoad;
use crate::app::shell::message::{Message, MessageKey};
use crate::app::widgets::file_browser::{FileRole, Purpose};
use crate::io::InputSettings;
use std::path::PathBuf;

impl ConvscopeApp {
    /// Opens the model at `path` (on a worker thread) with the settings remembered for it.
    pub(crate) fn open_model_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        let user = self.settings.model_inputs.get(&path);
        self.jobs.load_model_with(path, user, true, ctx);
    }

    /// The input settings in effect for the open model (empty when it was not opened here).
    pub fn model_input_settings(&self) -> InputSettings {
        match &self.model_settings {
            (Some(p), s) if Some(p) == self.explorer.model_path.as_ref() => s.clone(),
            _ => InputSettings::default(),
        }
    }

    /// Applies one of the input settings dialog's commands.
    pub(crate) fn apply_input(&mut self, ctx: &egui::Context, command: Command) {
        let Some(path) = self.explorer.model_path.clone() else {
            return;
        };
        match command {
            Command::ToggleInputSettings if self.input_dialog.open => {
                self.input_dialog.open = false;
            }
            Command::ToggleInputSettings => {
                let effective = self.model_input_settings();
                self.input_dialog
                    .show(&path, self.explorer.latest_model(), &effective);
            }
            Command::ApplyInputSettings => {
                let s = self.settings.language.strings();
                let d = &mut self.input_dialog;
                let before = self.settings.model_inputs.get(&path);
                match d
                    .form
                    .settings(&d.opened, &before, self.explorer.latest_model())
                {
                    Ok(user) => {
                        d.error = None;
                        d.pending = Some((path.clone(), user.clone()));
                        self.jobs.load_model_with(path, user, false, ctx);
                    }
                    Err(e) => d.error = Some(e.message(s)),
                }
            }
            Command::ResetInputSettings => {
                let user = InputSettings::default();
                self.input_dialog.error = None;
                self.input_dialog.pending = Some((path.clone(), user.clone()));
                self.jobs.load_model_with(path, user, false, ctx);
            }
            Command::LabelsFileDialog => self.choose_file(ctx, Purpose::Open(FileRole::Labels)),
            Command::LabelsFile(file) => {
                if !self.input_dialog.open {
                    let effective = self.model_input_settings();
                    self.input_dialog
                        .show(&path, self.explorer.latest_model(), &effective);
                }
                self.input_dialog.read_labels_file(&file);
            }
            _ => {}
        }
    }

    /// A model file finished loading: show it, and when it was the dialog's Apply, remember
    /// the settings it now runs with (or say in the dialog why not).
    pub(crate) fn model_loaded(&mut self, load: ModelLoad) {
        let ModelLoad { path, user, result } = load;
        let d = &mut self.input_dialog;
        let applying = d.pending.as_ref() == Some(&(path.clone(), user.clone()));
        if applying {
            d.pending = None;
        }
        let opened = match result {
            Ok(opened) => opened,
            Err(e) if applying => {
                self.input_dialog.error = Some(e.to_string());
                return;
            }
            Err(e) => {
                self.explorer.last_error = Some(e.to_string());
                return;
            }
        };
        let warnings = opened.model.info.warnings.clone();
        let model = opened.model;
        // A digit shown to the shapes net (or a shape to a digit net, or a picture to a speech
        // net) says nothing: show a sample of what it was trained on.
        let better = (self.explorer.input.path.is_none())
            .then(|| samples::better_sample(&model, &self.explorer.input.name))
            .flatten()
            .and_then(|name| Some((name, samples::sample_image(name).ok()?)));
        let mut changed = false;
        if let Some((name, input)) = better
            && self
                .explorer
                .set_model_and_input(model.clone(), Some(path.clone()), input)
        {
            self.settings.last_sample = Some(name.to_string());
            changed = true;
        }
        if !changed {
            changed = self.explorer.set_model(model, Some(path.clone()));
        }
        if !changed {
            if applying {
                self.input_dialog.error = self.explorer.last_error.take();
            }
            return;
        }
        self.settings.last_model = Some(path.clone());
        self.model_settings = (Some(path.clone()), opened.settings.clone());
        if let Some(why) = opened.user_failed {
            let key = MessageKey::InputSettingsLeftOut;
            self.notices
                .push(Message::new(key, &[&path.display(), &why]));
        }
        for warning in warnings {
            self.notices.push(Message::verbatim(warning));
        }
        if applying {
            self.settings.model_inputs.set(&path, user);
            // The dialog stays open on the values now in use.
            let model = self.explorer.latest_model();
            self.input_dialog.show(&path, model, &opened.settings);
            self.status = Some(Message::new(MessageKey::InputApplied, &[]));
        } else if self.input_dialog.open {
            self.input_dialog.open = false;
        }
    }
}
