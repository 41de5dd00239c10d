//! One frame: what background work finished, the keys, every panel laid out, then the
//! commands they gave applied, the animations advanced and the settings saved now and then.

use super::app::ConvscopeApp;
use super::commands::Command;
use super::panels::Panels;
use super::settings::Settings;
use super::view_state::{PLAY_SECONDS, SWEEP_SECONDS, Tab};
use super::{keys, notices, presentation, toolbar};
use crate::app::explorer::explain::view::{explain_ui, panel_width as explain_width};
use crate::app::explorer::stage::view::stage_ui;
use crate::app::explorer::strip::view::{fixed_height as strip_height, pipeline_ui};
use crate::app::input::dialog::input_dialog_ui;
use crate::app::input::panel::{folded_input_ui, folded_width, input_ui};
use crate::app::lesson::view::{lesson_ui, panel_width};
use crate::app::widgets::file_browser::{self, FileRole, Outcome, Purpose};
use crate::app::widgets::view_rects::{Fixed, record_panel};
use crate::lesson::ViewId;
use std::path::PathBuf;

/// How often the settings are written while the app runs (and once more on exit).
const SAVE_EVERY_SECONDS: f64 = 30.0;

impl eframe::App for ConvscopeApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(line) = self.frame_stats.record(frame.info().cpu_usage) {
            eprintln!("{line}");
        }
        let started = std::time::Instant::now();
        self.frame_ui(ui);
        self.frame_stats
            .ui_took(started.elapsed().as_secs_f32(), self.textures.frame_work());
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_settings();
        if self.frame_stats.enabled() {
            eprintln!("{}", self.frame_stats.summary());
        }
    }
}

impl ConvscopeApp {
    /// One frame: results that arrived, keys, every panel, then the commands they gave.
    fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.take_results(&ctx);
        let mut commands = self.keys_and_drops(&ctx);
        self.textures.start_frame(self.explorer.generation);
        self.view.hover_before = self.view.hover.take();
        crate::app::widgets::view_rects::start_frame(&ctx);
        let stage_before = self.explorer.stage;
        self.panels_ui(ui, &mut commands);
        let chosen = self.dialogs_ui(&ctx, &mut commands);
        for command in commands {
            self.apply(&ctx, command);
        }
        if let Some((purpose, path)) = chosen {
            self.file_browser = None;
            self.file_chosen(&ctx, purpose, path);
        }
        self.after_commands(&ctx, stage_before);
    }

    /// Before anything is drawn: the window fitted to its screen, and whatever the background
    /// work (loads, runs, sweeps, training) finished since the last frame.
    pub(crate) fn take_results(&mut self, ctx: &egui::Context) {
        let resized = self.fit_window_to_monitor(ctx);
        if resized {
            // The new size is asked for in points at the zoom of the frame it was measured in:
            // a zoom changed in the same frame (`--present` on the first frame) would make the
            // window that much larger than its screen. Presentation follows on the next frame.
            ctx.request_repaint();
        } else if self.view.zoom_before_presentation.is_some() {
            // The window may have moved to another screen or been resized.
            presentation::apply(ctx, true);
        }
        self.finish_jobs();
        self.finish_recording();
        if self.explorer.running.is_some() && !self.explorer.poll_run() {
            // Not done yet: look again soon (the worker cannot wake the window itself).
            ctx.request_repaint_after(std::time::Duration::from_millis(15));
        }
        self.lab.poll();
        self.examples.poll();
        self.poll_lesson_evidence(ctx);
        self.familiar.sync(&self.explorer, ctx);
        self.explain.sync(&self.explorer, ctx);
        self.poll_training();
        self.poll_lesson_runs(ctx);
        self.sync_lab(ctx);
        self.explorer.set_language(self.settings.language.code());
        super::fonts::follow_language(ctx, self.settings.language.code());
    }

    /// The lab follows the explorer while it is shown.
    fn sync_lab(&mut self, ctx: &egui::Context) {
        if self.view.tab == Tab::Lab {
            self.lab.sync(&self.explorer);
            if self.lab.shifting() {
                ctx.request_repaint_after(std::time::Duration::from_millis(15));
            }
        }
    }

    /// Every panel, each pushing what was asked of it to `commands`.
    fn panels_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let facts = if self.view.show_lesson && self.lesson.lesson.is_some() {
            self.lesson_facts()
        } else {
            crate::lesson::Facts::default()
        };
        let lesson_open = self.view.show_lesson && self.lesson.lesson.is_some();
        self.view.lesson_layout = lesson_open;
        if !lesson_open {
            self.view.show.clear();
        }
        let mut p = Panels {
            ex: &self.explorer,
            s: self.settings.language.strings(),
            tex: &mut self.textures,
            view: &mut self.view,
            canvas: &mut self.canvas,
            settings: &self.settings,
            models: &self.models,
            busy: self.jobs.busy(),
            status: self.status.as_ref(),
            notices: &self.notices,
            lab: &self.lab,
            examples: &mut self.examples,
            familiar: &self.familiar,
            explain: &self.explain,
            train: &self.train,
            mic: &self.mic,
            commands,
        };
        egui::Panel::top("toolbar").show(ui, |ui| toolbar::toolbar_ui(ui, &mut p));
        egui::Panel::bottom("status").show(ui, |ui| toolbar::status_ui(ui, &mut p));
        if !p.notices.is_empty() {
            egui::Panel::top("notices").show(ui, |ui| notices::notices_ui(ui, &mut p));
        }
        // The lesson panel takes the window's height beside the strip, at a width fixed for
        // the window: its edge never moves between steps or languages.
        if p.view.show_lesson {
            egui::Panel::right("lesson")
                .exact_size(panel_width(ui.ctx()))
                .resizable(false)
                .show(ui, |ui| {
                    record_panel(ui, Fixed::LessonPanel);
                    lesson_ui(ui, &self.lesson, &facts, &mut p)
                });
        }
        let strip = egui::Panel::top("pipeline");
        let strip = if lesson_open {
            strip.exact_size(strip_height(ui)).resizable(false)
        } else {
            strip
        };
        strip.show(ui, |ui| {
            record_panel(ui, Fixed::StripPanel);
            pipeline_ui(ui, &mut p)
        });
        let folded = lesson_open && !p.view.named(&ViewId::Input) && !p.view.input_unfolded;
        if folded {
            egui::Panel::left("input-folded")
                .exact_size(folded_width(ui))
                .resizable(false)
                .show(ui, |ui| folded_input_ui(ui, &mut p));
        } else {
            egui::Panel::left("input")
                .default_size(250.0)
                .show(ui, |ui| input_ui(ui, &mut p));
        }
        if p.view.tab == Tab::Explorer && p.explain.shown {
            egui::Panel::right("explain")
                .exact_size(explain_width(ui.ctx().content_rect().width()))
                .resizable(false)
                .show(ui, |ui| explain_ui(ui, &mut p));
        }
        egui::CentralPanel::default().show(ui, |ui| match p.view.tab {
            Tab::Explorer => stage_ui(ui, &mut p),
            Tab::Lab => self.lab_view.ui(ui, &mut p),
            Tab::Train => self.train_view.ui(ui, &mut p),
        });
        keys::keys_window_ui(ui.ctx(), &mut p);
    }

    /// The windows over the panels: the input settings dialog and the in-app file browser
    /// (what it chose, to act on after the commands).
    fn dialogs_ui(
        &mut self,
        ctx: &egui::Context,
        commands: &mut Vec<Command>,
    ) -> Option<(Purpose, PathBuf)> {
        // The dialog is about one model file: another model closes it.
        if self.input_dialog.model != self.explorer.model_path {
            self.input_dialog.open = false;
        }
        let s = self.settings.language.strings();
        let model = &self.explorer.model;
        input_dialog_ui(ctx, &mut self.input_dialog, model, s, commands);
        let b = self.file_browser.as_mut()?;
        match file_browser::file_browser_ui(ctx, b, s) {
            Some(Outcome::Chosen(path)) => Some((b.purpose, path)),
            Some(Outcome::Cancelled) => {
                self.file_browser = None;
                None
            }
            None => None,
        }
    }

    /// After the commands: what a change of stage stops, the animations, repaints while
    /// something moves, the zoom kept in bounds, and the settings saved now and then.
    fn after_commands(&mut self, ctx: &egui::Context, stage_before: usize) {
        self.sync_lab(ctx);
        if self.explain.sync(&self.explorer, ctx) {
            ctx.request_repaint();
        }
        if self.explorer.stage != stage_before {
            self.view.sweep = None;
            self.view.arith.animating = false;
        }
        self.animate(ctx);
        if self.view.hover != self.view.hover_before {
            ctx.request_repaint(); // the strip catches up with the pointer
        }
        if self.busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        // egui's own Ctrl+/Ctrl- zoom knows nothing of the app's bounds.
        let zoom = Settings::sane_zoom(ctx.zoom_factor());
        if zoom != ctx.zoom_factor() {
            ctx.set_zoom_factor(zoom);
        }
        // Presentation mode's zoom belongs to the screen, not to the settings.
        if self.view.zoom_before_presentation.is_none() {
            self.settings.zoom = zoom;
        }
        let now = ctx.input(|i| i.time);
        if now - self.saved_at >= SAVE_EVERY_SECONDS {
            self.saved_at = now;
            self.save_settings();
        }
    }

    fn keys_and_drops(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        // While the file browser is open, keys are its own.
        if !ctx.egui_wants_keyboard_input() && self.file_browser.is_none() {
            let mut first = Vec::new();
            if self.lesson.lesson.is_some() {
                first.extend(Command::lesson_shortcuts());
            }
            if self.view.tab == Tab::Lab {
                first.extend(Command::lab_shortcuts());
            }
            for (shortcut, command) in first.into_iter().chain(Command::shortcuts()) {
                if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                    commands.push(command);
                }
            }
        }
        for file in ctx.input(|i| i.raw.dropped_files.clone()) {
            let path = file.path().to_path_buf();
            if !path.as_os_str().is_empty() {
                commands.push(match file_browser::role_of(&path) {
                    Some(FileRole::Model) => Command::OpenModel(path),
                    Some(FileRole::Labels) => Command::LabelsFile(path),
                    _ => Command::OpenImage(path),
                });
            }
        }
        commands
    }

    /// The window opens at 1280x800 (the size every layout is checked at); on the first frame
    /// that knows its monitor, a screen much larger than that (a 1920x1080 projector) gets the
    /// window maximised instead of a small window in its corner.
    /// Whether it asked for a new window size this frame.
    fn fit_window_to_monitor(&mut self, ctx: &egui::Context) -> bool {
        if self.view.window_fitted {
            return false;
        }
        let (monitor, inner) = ctx.input(|i| (i.viewport().monitor_size, i.viewport().inner_rect));
        let (Some(monitor), Some(inner)) = (monitor, inner) else {
            return false;
        };
        self.view.window_fitted = true;
        let fits = monitor.x >= inner.width() * 1.2 && monitor.y >= inner.height() * 1.2;
        if fits {
            // The size first (a bare X server without a window manager ignores "maximised"),
            // then maximised (a window manager fits it between its panels).
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(egui::Pos2::ZERO));
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(monitor));
            ctx.send_viewport_cmd(egui::ViewportCommand::Maximized(true));
        }
        fits
    }

    fn animate(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        if self.view.playing {
            if now >= self.view.play_next_at {
                let ex = &mut self.explorer;
                let strip = &mut self.view.strip;
                strip.sync(&ex.net);
                let next = if ex.stage + 1 >= ex.stage_count() {
                    0
                } else {
                    strip.next(ex.stage, ex.stage_count())
                };
                ex.select_stage(next);
                self.view.play_next_at = now + PLAY_SECONDS;
            }
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(
                (self.view.play_next_at - now).max(0.01),
            ));
        }
        if let Some(i) = self.view.sweep {
            if now >= self.view.sweep_next_at {
                let len = self
                    .explorer
                    .trace
                    .get(self.explorer.stage)
                    .and_then(|t| t.as_maps())
                    .map_or(0, |m| m.dim().1 * m.dim().2);
                self.view.sweep = (i + 1 < len).then_some(i + 1);
                self.view.sweep_next_at = now + SWEEP_SECONDS;
            }
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(SWEEP_SECONDS));
        }
        let shown = self.explorer.trace.get(self.explorer.stage);
        if let Some(wait) = self.view.arith.tick(shown, now) {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }
}
