//! The toolbar (model, input, pooling, playback, language, look) and the status bar. The
//! pooling controls are the explorer's (`explorer::pooling`).

use super::commands::Command;
use super::keys::{no_labels_hint, shortcut_text};
use super::panels::Panels;
use super::view_state::Tab;
use crate::app::explorer::pooling::pooling_ui;
use crate::app::explorer::stage::unlike::unlike_line_ui;
use crate::app::i18n::{Lang, fill};
use crate::app::input::canvas::is_empty_drawing;
use crate::app::input::samples::reads_digits;
use crate::app::widgets::steady::{steady_button_ui, widest};

pub(crate) fn toolbar_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    ui.horizontal_wrapped(|ui| {
        ui.strong("convscope");
        ui.separator();
        for (tab, label, tip) in [
            (Tab::Explorer, s.tab_explorer, s.tab_explorer_tip),
            (Tab::Lab, s.tab_lab, s.tab_lab_tip),
            (Tab::Train, s.tab_train, s.tab_train_tip),
        ] {
            let r = ui.selectable_label(p.view.tab == tab, label);
            if r.on_hover_text(tip).clicked() {
                p.commands.push(Command::ShowTab(tab));
            }
        }
        if ui
            .selectable_label(p.view.show_lesson, s.lessons)
            .on_hover_text(s.lessons_tip)
            .clicked()
        {
            p.commands.push(Command::ToggleLessons);
        }
        ui.separator();
        model_menu_ui(ui, p);
        let (open, open_tip, _) = p.open_input_words();
        if ui.button(open).on_hover_text(open_tip).clicked() {
            p.commands.push(Command::OpenImageDialog);
        }
        ui.separator();
        pooling_ui(ui, p);
        ui.separator();
        let play = if p.view.playing { s.stop } else { s.play };
        if steady_button_ui(ui, play, [s.play, s.stop])
            .on_hover_text(s.play_tip)
            .clicked()
        {
            p.commands.push(Command::TogglePlay);
        }
        if ui
            .button(s.export_png)
            .on_hover_text(s.export_tip)
            .clicked()
        {
            p.commands.push(Command::ExportDialog);
        }
        ui.separator();
        view_group_ui(ui, p);
        if p.busy {
            ui.spinner();
            ui.label(s.loading);
        } else if p.ex.is_running() {
            ui.spinner();
            ui.label(s.running_network);
        }
    });
}

/// The model button (as wide as the longest model name in its menu: opening the twin does not
/// move the rest) and its menu: the sample models, Open, and the input settings.
fn model_menu_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let names = p.models.iter().map(|m| m.name.as_str());
    let model_label = |name: &str| s.labelled(s.model, &name);
    let width = widest(
        ui,
        names
            .chain([p.ex.model.info.name.as_str()])
            .map(model_label),
    );
    let model_button =
        egui::Button::new(model_label(&p.ex.model.info.name)).min_size(egui::vec2(width, 0.0));
    egui::containers::menu::MenuButton::from_button(model_button)
        .ui(ui, |ui| {
            for m in p.models {
                let selected = p.ex.model_path.as_deref() == Some(m.path.as_path());
                if ui.selectable_label(selected, &m.name).clicked() {
                    p.commands.push(Command::OpenModel(m.path.clone()));
                    ui.close();
                }
                let description = m.description_in(p.settings.language.code());
                let line = description.lines().next().unwrap_or_default();
                ui.label(egui::RichText::new(line).small().weak());
            }
            ui.separator();
            if ui.button(s.open_model).clicked() {
                p.commands.push(Command::OpenModelDialog);
                ui.close();
            }
            let key = shortcut_text(&Command::ToggleInputSettings).unwrap_or_default();
            let settings = egui::Button::new(s.input_settings_menu).shortcut_text(key);
            if ui
                .add_enabled(p.ex.model_path.is_some(), settings)
                .on_hover_text(s.key_input_settings)
                .clicked()
            {
                p.commands.push(Command::ToggleInputSettings);
                ui.close();
            }
        })
        .0
        .on_hover_text(&p.ex.net.info.description);
}

/// Languages, look, presentation and keys, wrapped as one group: the toolbar never splits the
/// two languages over two rows, whatever the model's name makes fit.
fn view_group_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    // A nested row does not wrap by itself: it starts a new row when last frame's width does
    // not fit.
    let group = egui::Id::unique("toolbar-view-group");
    let width: f32 = ui.data(|d| d.get_temp(group)).unwrap_or(0.0);
    if ui.max_rect().right() - ui.cursor().left() < width {
        ui.end_row();
    }
    let row = ui.horizontal(|ui| {
        for lang in Lang::all() {
            if ui
                .selectable_label(p.settings.language == lang, lang.native_name())
                .clicked()
            {
                p.commands.push(Command::SetLanguage(lang));
            }
        }
        let theme = if p.settings.dark { s.light } else { s.dark };
        if steady_button_ui(ui, theme, [s.light, s.dark]).clicked() {
            p.commands.push(Command::ToggleTheme);
        }
        if ui
            .selectable_label(p.view.zoom_before_presentation.is_some(), s.presentation)
            .on_hover_text(s.presentation_tip)
            .clicked()
        {
            p.commands.push(Command::TogglePresentation);
        }
        if ui
            .selectable_label(p.view.show_keys, s.keys)
            .on_hover_text(s.keys_tip)
            .clicked()
        {
            p.commands.push(Command::ToggleKeysHelp);
        }
    });
    ui.data_mut(|d| d.insert_temp(group, row.response.rect.width()));
}

pub(crate) fn status_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    ui.horizontal(|ui| {
        if is_empty_drawing(&p.ex.input) {
            // Nothing to read: what a blank picture scores says nothing about a digit.
            let ask = if reads_digits(&p.ex.model) {
                s.canvas_empty
            } else {
                s.canvas_empty_other
            };
            ui.strong(ask);
        } else {
            prediction_ui(ui, p);
            unlike_line_ui(ui, p);
        }
        ui.separator();
        ui.label(format!("{} · {}", p.ex.model.info.name, p.ex.input.name));
        if let Some(e) = &p.ex.last_error {
            ui.separator();
            ui.colored_label(ui.visuals().error_fg_color, e);
        } else if let Some(msg) = p.status {
            ui.separator();
            ui.label(msg.text(s));
        }
    });
}

/// The network's answer: its top class and how sure it is, or why it has none.
fn prediction_ui(ui: &mut egui::Ui, p: &Panels) {
    let s = p.s;
    // The lab shows a shifted input: its reading is what is on screen.
    if let Some((dx, dy)) = p.lab_shift_shown()
        && !p.lab.shifted_probabilities.is_empty()
    {
        let probabilities = &p.lab.shifted_probabilities;
        let top = crate::analysis::argmax(probabilities);
        let percent = format!(
            "{:.1}",
            probabilities.get(top).copied().unwrap_or(0.0) * 100.0
        );
        let text = fill(
            s.prediction_shifted,
            &[&p.ex.net.label(top), &percent, &dx, &dy],
        );
        ui.strong(text);
        return;
    }
    match p.ex.prediction() {
        Some((i, prob)) => {
            let text = fill(
                s.prediction,
                &[&p.ex.net.label(i), &format!("{:.1}", prob * 100.0)],
            );
            let r = ui.strong(text);
            if p.ex.net.info.labels.is_empty() {
                r.on_hover_text(no_labels_hint(s));
            }
        }
        None => {
            ui.label(s.no_prediction_for(p.ex.was_cut(), p.ex.unnamed_scores()));
        }
    }
}
