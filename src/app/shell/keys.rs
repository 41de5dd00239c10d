//! The keyboard shortcuts window (F1 or the "Keys" button). It is drawn from the same tables
//! the app reads keys from ([`Command::shortcuts`], [`Command::lab_shortcuts`]), so the list
//! cannot go out of date.

use super::commands::Command;
use super::panels::Panels;
use crate::app::i18n::{Strings, fill};
use egui::{Key, KeyboardShortcut, Modifiers};

/// What a shortcut's command does, in the UI language (`None`: not listed).
fn describe(command: &Command, s: &Strings) -> Option<String> {
    let text = match command {
        Command::NextStage => s.key_next_stage,
        Command::PrevStage => s.key_prev_stage,
        Command::SelectStage(0) => s.key_first_stage,
        Command::LastStage => s.key_last_stage,
        Command::OpenBlock => s.key_open_group,
        Command::CloseBlock => s.key_close_group,
        Command::CyclePool => s.key_cycle_pooling,
        Command::CycleNoise => s.key_cycle_noise,
        Command::ToggleLab => s.key_toggle_lab,
        Command::ToggleExplain => s.key_toggle_explain,
        Command::ToggleFullscreen => s.key_fullscreen,
        Command::TogglePresentation => s.presentation,
        Command::OpenImageDialog => s.key_open_image,
        Command::Record => s.key_record,
        Command::ToggleInputSettings => s.key_input_settings,
        Command::CancelSweep => s.key_cancel_sweep,
        Command::ToggleKeysHelp => s.key_help,
        Command::ToggleLessons => s.key_lessons,
        Command::NextLessonStep => s.key_next_lesson_step,
        Command::PrevLessonStep => s.key_prev_lesson_step,
        Command::RevealLessonStep => s.key_reveal_lesson_step,
        Command::StepCell(0, _, _) => s.key_step_cell,
        Command::StepCell(_, _, _) => s.key_step_channel,
        Command::NudgeShift(dx, dy) => {
            let arrow = match (dx.signum(), dy.signum()) {
                (1, _) => "→",
                (-1, _) => "←",
                (_, 1) => "↓",
                _ => "↑",
            };
            return Some(fill(s.key_nudge, &[&arrow]));
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// A shortcut as people write it: "Ctrl+O", "→", "PageDown".
pub(crate) fn key_text(shortcut: &KeyboardShortcut) -> String {
    let key = match shortcut.logical_key {
        Key::ArrowRight => "→",
        Key::ArrowLeft => "←",
        Key::ArrowUp => "↑",
        Key::ArrowDown => "↓",
        Key::Escape => "Esc",
        other => other.name(),
    };
    let mut text = String::new();
    if shortcut.modifiers.contains(Modifiers::COMMAND) {
        text.push_str(if cfg!(target_os = "macos") {
            "Cmd+"
        } else {
            "Ctrl+"
        });
    }
    if shortcut.modifiers.shift {
        text.push_str("Shift+");
    }
    text.push_str(key);
    text
}

/// The key that gives `command` anywhere in the window, as people write it.
pub(crate) fn shortcut_text(command: &Command) -> Option<String> {
    Command::shortcuts()
        .into_iter()
        .find(|(_, c)| c == command)
        .map(|(k, _)| key_text(&k))
}

/// The hint shown where classes appear by number: how to give them names.
pub(crate) fn no_labels_hint(s: &Strings) -> String {
    let key = shortcut_text(&Command::ToggleInputSettings).unwrap_or_default();
    fill(s.no_labels_hint, &[&key])
}

/// The rows of one table: keys that do the same thing share a row ("→ / PageDown").
fn rows(shortcuts: &[(KeyboardShortcut, Command)], s: &Strings) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    for (shortcut, command) in shortcuts {
        let Some(what) = describe(command, s) else {
            continue;
        };
        let keys = key_text(shortcut);
        match rows.iter_mut().find(|(_, w)| *w == what) {
            Some((k, _)) => {
                k.push_str(" / ");
                k.push_str(&keys);
            }
            None => rows.push((keys, what)),
        }
    }
    rows
}

fn table_ui(ui: &mut egui::Ui, id: &str, rows: &[(String, String)]) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(2)
        .min_col_width(140.0)
        .show(ui, |ui| {
            for (keys, what) in rows {
                ui.strong(keys);
                ui.label(what);
                ui.end_row();
            }
        });
}

pub(crate) fn keys_window_ui(ctx: &egui::Context, p: &mut Panels) {
    let s = p.s;
    let mut open = p.view.show_keys;
    egui::Window::new(s.keys_title)
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.heading(s.keys_anywhere);
            let mut anywhere = rows(&Command::shortcuts(), s);
            anywhere.push(("Ctrl+ + / Ctrl+ -".to_owned(), s.key_zoom.to_owned()));
            table_ui(ui, "keys-anywhere", &anywhere);
            ui.add_space(8.0);
            ui.heading(s.keys_in_lab);
            table_ui(ui, "keys-lab", &rows(&Command::lab_shortcuts(), s));
            ui.add_space(8.0);
            ui.heading(s.keys_in_lesson);
            table_ui(ui, "keys-lesson", &rows(&Command::lesson_shortcuts(), s));
        });
    if open != p.view.show_keys {
        p.commands.push(Command::ToggleKeysHelp);
    }
}

/// The words on the command's button, where it has one (the lesson panel's).
pub(crate) fn button_label(command: &Command, s: &Strings) -> Option<&'static str> {
    Some(match command {
        Command::PrevLessonStep => s.lesson_prev,
        Command::NextLessonStep => s.lesson_next,
        Command::RevealLessonStep => s.lesson_reveal,
        Command::ResetLessonStep => s.lesson_reset,
        Command::CloseLesson => s.lesson_close,
        Command::HandoutDialog(false) => s.handout_button,
        Command::HandoutDialog(true) => s.handout_answers_button,
        _ => return None,
    })
}

/// What the command's button does, with its key when it has one ("… (Space)").
pub(crate) fn button_tip(command: &Command, s: &Strings) -> Option<String> {
    let what = match command {
        Command::PrevLessonStep | Command::NextLessonStep => s.lesson_keys_tip,
        Command::RevealLessonStep => s.lesson_reveal_tip,
        Command::ResetLessonStep => s.lesson_reset_tip,
        Command::HandoutDialog(false) => s.handout_button_tip,
        Command::HandoutDialog(true) => s.handout_answers_tip,
        _ => return None,
    };
    let key = Command::lesson_shortcuts()
        .into_iter()
        .chain(Command::shortcuts())
        .find(|(_, c)| c == command)
        .map(|(k, _)| key_text(&k));
    Some(match key {
        // The Previous / Next tip names both keys already.
        Some(_) if matches!(command, Command::PrevLessonStep | Command::NextLessonStep) => {
            what.to_string()
        }
        Some(key) => format!("{what} ({key})"),
        None => what.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Lang;

    #[test]
    fn every_shortcut_is_described_in_every_language() {
        for lang in Lang::ALL {
            let s = lang.strings();
            for (shortcut, command) in Command::shortcuts()
                .iter()
                .chain(&Command::lab_shortcuts())
                .chain(&Command::lesson_shortcuts())
            {
                assert!(
                    describe(command, s).is_some(),
                    "{:?} ({}) has no description in {lang:?}",
                    command,
                    key_text(shortcut)
                );
            }
        }
    }

    #[test]
    fn keys_with_the_same_job_share_a_row() {
        let rows = rows(&Command::shortcuts(), Lang::En.strings());
        let next = rows
            .iter()
            .find(|(_, what)| what == "Next stage")
            .expect("a row for the next stage");
        assert_eq!(next.0, "→ / PageDown");
        assert!(rows.iter().any(|(keys, _)| keys == "Ctrl+O"));
        let lab = super::rows(&Command::lab_shortcuts(), Lang::En.strings());
        assert!(lab.contains(&("↑".to_owned(), "Shift the image one pixel ↑".to_owned())));
        assert_eq!(lab.len(), 5);
    }
}
