//! What a command does: panels and keys push [`Command`]s while the frame is laid out, and
//! the app applies them here afterwards. The Train tab's, the input settings dialog's and the
//! lessons' commands are applied beside their state (`train::apply`, `input::model_open`,
//! `lesson::setup`).

use super::app::ConvscopeApp;
use super::commands::Command;
use super::jobs::Loaded;
use super::message::{Message, MessageKey};
use super::presentation;
use super::view_state::{PLAY_SECONDS, Tab};
use crate::app::explorer::state::twin_path;
use crate::app::input::player::play_input;
use crate::app::input::samples;
use crate::app::widgets::file_browser::{self, FileBrowser, FileRole, Purpose, SystemAnswer};
use crate::app::widgets::textures::TexKey;
use std::path::{Path, PathBuf};

impl ConvscopeApp {
    /// Applies one command.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let ex = &mut self.explorer;
        match command {
            Command::NextStage
            | Command::PrevStage
            | Command::LastStage
            | Command::SelectStage(_)
            | Command::ToggleBlock(_)
            | Command::OpenBlock
            | Command::CloseBlock => self.apply_stage(command),
            Command::CyclePool => ex.cycle_pool_mode(),
            Command::SetPool(mode) => ex.set_pool_mode(mode),
            Command::SetPoolWindow(w) => ex.set_pool_window(w),
            Command::LoadTwin => {
                if let Some((path, _)) = ex.model_path.as_deref().and_then(twin_path) {
                    self.open_model_file(path, ctx);
                }
            }
            Command::Record
            | Command::StopRecording
            | Command::SetRecordLength(_)
            | Command::SaveRecording(_) => self.apply_recording(ctx, command),
            Command::SaveRecordingDialog => self.choose_file(ctx, Purpose::SaveRecording),
            // Tests switch dialogs off, and sound with them: a test never plays a sound.
            Command::PlayAudio if !self.native_dialogs => {}
            Command::PlayAudio => {
                if let Err(e) = play_input(ex.heard_audio()) {
                    ex.last_error = Some(e.to_string());
                }
            }
            Command::OpenModelDialog => self.choose_file(ctx, Purpose::Open(FileRole::Model)),
            Command::OpenModel(path) => self.open_model_file(path, ctx),
            Command::OpenImageDialog => self.choose_file(ctx, Purpose::Open(FileRole::Input)),
            Command::OpenImage(path) => self.jobs.load_image(path, ctx),
            Command::LoadSample(_) | Command::UseCanvas | Command::ClearCanvas => {
                self.apply_input_source(command)
            }
            Command::SetLanguage(lang) => self.settings.language = lang,
            Command::ToggleTheme | Command::TogglePresentation | Command::ToggleFullscreen => {
                self.apply_display(ctx, command)
            }
            Command::ToggleKeysHelp => self.view.show_keys = !self.view.show_keys,
            Command::ToggleExplain => self.explain.shown = !self.explain.shown,
            Command::SetExplain(choice) => self.explain.set_choice(choice),
            Command::CompareHistory(name) => self.view.compare_history = name,
            Command::DismissNotice(i) => self.notices.dismiss(i),
            Command::TogglePlay => {
                self.view.playing = !self.view.playing;
                self.view.play_next_at = ctx.input(|i| i.time) + PLAY_SECONDS;
            }
            Command::ExportDialog => self.choose_file(ctx, Purpose::Export),
            Command::Export(path) => self.export(&path),
            Command::SetDropout(d) => ex.set_dropout(d),
            Command::SetNoise(n) => ex.set_noise(n),
            Command::CycleNoise => ex.set_noise(ex.noise.cycled()),
            Command::ResampleDropout => {
                let mut d = ex.dropout;
                d.seed = d.seed.wrapping_add(1);
                ex.set_dropout(d);
            }
            Command::ShowTab(tab) => self.view.tab = tab,
            Command::ToggleLab => {
                self.view.tab = match self.view.tab {
                    Tab::Explorer => Tab::Lab,
                    Tab::Lab | Tab::Train => Tab::Explorer,
                }
            }
            Command::SetLab(settings) => self.lab.settings = settings,
            Command::NudgeShift(dx, dy) => self.lab.nudge(dx, dy, &ex.net),
            Command::RunSweep => self.lab.start_sweep(ex, ctx),
            Command::CancelSweep => self.lab.cancel_sweep(),
            Command::ToggleLessons => self.view.show_lesson = !self.view.show_lesson,
            Command::OpenLesson(name) => self.open_lesson(ctx, &name),
            Command::LessonStep(i) => self.go_to_step(ctx, i),
            Command::NextLessonStep => self.next_step(ctx),
            Command::PrevLessonStep => self.go_to_step(ctx, self.lesson.step.saturating_sub(1)),
            Command::RevealLessonStep => self.reveal_step(ctx),
            Command::ResetLessonStep => self.go_to_step(ctx, self.lesson.step),
            Command::HandoutDialog(answers) => {
                self.choose_file(ctx, Purpose::Handout(answers));
            }
            Command::WriteHandout(path, answers) => self.start_handout(ctx, path, answers),
            Command::CloseLesson => {
                self.lesson.lesson = None;
                self.lesson.error = None;
                self.view.show.clear();
            }
            Command::SetTrainSettings(_)
            | Command::StartTraining
            | Command::PauseTraining
            | Command::ResumeTraining
            | Command::StopTraining
            | Command::FollowTraining(_)
            | Command::ClearRuns
            | Command::SaveRunDialog
            | Command::SaveRun(_)
            | Command::OpenRunInExplorer => self.apply_train(ctx, command),
            Command::StepCell(dc, dy, dx) => {
                self.view.arith.show = true;
                if let Some(t) = ex.trace.get(ex.stage) {
                    self.view.arith.step(t, (dc, dy, dx));
                }
            }
            Command::ToggleInputSettings
            | Command::ApplyInputSettings
            | Command::ResetInputSettings
            | Command::LabelsFileDialog
            | Command::LabelsFile(_) => self.apply_input(ctx, command),
        }
    }

    /// Moves through the stages and opens or closes the strip's blocks.
    fn apply_stage(&mut self, command: Command) {
        let ex = &mut self.explorer;
        match command {
            Command::NextStage | Command::PrevStage => {
                let strip = &mut self.view.strip;
                strip.sync(&ex.net);
                let (stage, count) = (ex.stage, ex.stage_count());
                ex.select_stage(match command {
                    Command::NextStage => strip.next(stage, count),
                    _ => strip.prev(stage, count),
                });
            }
            Command::LastStage => ex.select_stage(usize::MAX),
            Command::SelectStage(i) => {
                ex.select_stage(i);
                self.view.strip.sync(&ex.net);
                self.view.strip.reveal(ex.stage);
            }
            Command::ToggleBlock(index) => {
                self.view.strip.sync(&ex.net);
                if let Some(stage) = self.view.strip.toggle(index) {
                    ex.select_stage(stage);
                }
            }
            Command::OpenBlock | Command::CloseBlock => {
                let strip = &mut self.view.strip;
                strip.sync(&ex.net);
                let opening = command == Command::OpenBlock;
                if let Some(b) = strip.block_of(ex.stage)
                    && strip.open.get(b) == Some(&!opening)
                    && let Some(stage) = strip.toggle(b)
                {
                    ex.select_stage(stage);
                }
            }
            _ => {}
        }
    }

    /// A sample or the drawing canvas as the input.
    fn apply_input_source(&mut self, command: Command) {
        let ex = &mut self.explorer;
        match command {
            Command::LoadSample(name) => match samples::sample_image(name) {
                Ok(input) => {
                    if ex.set_input(input) {
                        self.settings.last_sample = Some(name.to_string());
                        self.settings.last_image_file = None;
                    }
                }
                Err(e) => ex.last_error = Some(e.to_string()),
            },
            Command::UseCanvas => {
                ex.set_input(self.canvas.to_input_for(&ex.model.input));
                self.textures.forget(TexKey::Canvas);
            }
            Command::ClearCanvas => {
                self.canvas.clear();
                self.textures.forget(TexKey::Canvas);
                ex.set_input(self.canvas.to_input());
            }
            _ => {}
        }
    }

    /// The theme, presentation mode and full screen.
    fn apply_display(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                self.apply_look(ctx);
            }
            Command::TogglePresentation => {
                match self.view.zoom_before_presentation.take() {
                    Some(zoom) => {
                        self.settings.zoom = zoom;
                        self.apply_look(ctx);
                        presentation::apply(ctx, false);
                    }
                    None => {
                        self.view.zoom_before_presentation = Some(self.settings.zoom);
                        presentation::apply(ctx, true);
                    }
                }
                self.settings.presentation = self.view.zoom_before_presentation.is_some();
            }
            Command::ToggleFullscreen => {
                let full = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!full));
            }
            _ => {}
        }
    }

    /// Asks for a file for `purpose`: the system's dialog when there is one (and tests have
    /// not turned them off), else the in-app browser; never nothing.
    pub(crate) fn choose_file(&mut self, ctx: &egui::Context, purpose: Purpose) {
        let ex = &self.explorer;
        let file_name = match purpose {
            Purpose::Export => {
                let stage = ex.stage_layer(ex.stage).map(|l| l.name.as_str());
                format!("{}.png", stage.unwrap_or("input"))
            }
            Purpose::Open(_) => String::new(),
            Purpose::SaveRecording => format!("recording-{}.wav", self.mic.takes),
            Purpose::Handout(answers) => {
                let id = self
                    .lesson
                    .lesson
                    .as_ref()
                    .map_or("lesson", |l| l.id.as_str());
                let copy = if answers { "-answers" } else { "" };
                format!("{id}-{}{copy}.html", self.settings.language.code())
            }
        };
        let dir = self
            .browse_from
            .clone()
            .or_else(|| ex.input.path.as_deref()?.parent().map(Path::to_path_buf))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        if self.native_dialogs {
            match file_browser::system_dialog(purpose, &dir, &file_name) {
                SystemAnswer::Chosen(path) => return self.file_chosen(ctx, purpose, path),
                SystemAnswer::Cancelled => return,
                SystemAnswer::NoDialog => {
                    self.status = Some(Message::new(MessageKey::NoSystemDialog, &[]));
                }
            }
        }
        let mut browser = FileBrowser::new(purpose, &dir, &file_name);
        // A speech model's input is a recording: the browser says so in its title.
        browser.for_sound = self.explorer.model.info.audio.is_some();
        self.file_browser = Some(browser);
    }

    pub(crate) fn file_chosen(&mut self, ctx: &egui::Context, purpose: Purpose, path: PathBuf) {
        self.browse_from = path.parent().map(Path::to_path_buf);
        self.apply(ctx, purpose.command(path));
    }

    /// The selected stage's maps as "Export PNG" draws them (the handout's figures too).
    pub(crate) fn export_image(&self) -> Option<image::RgbaImage> {
        let ex = &self.explorer;
        let tensor = ex.trace.get(ex.stage)?;
        let side = tensor.as_maps().map_or(28, |m| m.dim().2);
        Some(crate::viz::export::grid_image(
            tensor,
            crate::viz::export::cell_px_for(side, 160),
            self.view.shared_scale,
        ))
    }

    /// Writes the selected stage's maps as a PNG.
    pub fn export(&mut self, path: &Path) {
        let Some(image) = self.export_image() else {
            return;
        };
        match crate::viz::export::save_png(&image, path) {
            Ok(()) => self.status = Some(Message::new(MessageKey::Saved, &[&path.display()])),
            Err(e) => self.explorer.last_error = Some(e.to_string()),
        }
    }

    pub(crate) fn finish_jobs(&mut self) {
        for done in self.jobs.poll() {
            match done {
                Loaded::Model(load) => self.model_loaded(load),
                Loaded::Image(Ok(input)) => {
                    let path = input.path.clone();
                    if self.explorer.set_input(input) {
                        self.settings.last_image_file = path;
                        self.settings.last_sample = None;
                    }
                }
                Loaded::Image(Err(e)) => self.explorer.last_error = Some(e.to_string()),
            }
        }
    }
}
