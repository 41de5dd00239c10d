//! The lesson panel: the step's title and text with its live numbers, the step list, and
//! Previous / Reset step / Next. It only reads the lesson state and pushes commands.

use super::state::LessonState;
use crate::app::i18n;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::lesson::{Facts, Lesson};

pub(crate) fn lesson_ui(ui: &mut egui::Ui, state: &LessonState, facts: &Facts, p: &mut Panels) {
    let s = p.s;
    let code = p.settings.language.code();
    egui::ScrollArea::vertical().show(ui, |ui| {
        let Some(lesson) = &state.lesson else {
            pick_ui(ui, state, p);
            return;
        };
        ui.horizontal(|ui| {
            ui.heading(lesson.title(code));
        });
        let count = lesson.steps.len();
        ui.horizontal(|ui| {
            let current = lesson
                .step_text(code, state.step, facts)
                .map(|(title, _)| title)
                .unwrap_or_default();
            let label = ui.label(i18n::fill(s.lesson_step, &[&(state.step + 1), &count]));
            egui::ComboBox::from_id_salt("lesson-steps")
                .selected_text(current)
                .width(ui.available_width().min(360.0))
                .show_ui(ui, |ui| {
                    for i in 0..count {
                        let title = lesson
                            .step_text(code, i, &Facts::default())
                            .map(|(t, _)| t)
                            .unwrap_or_default();
                        if ui
                            .selectable_label(i == state.step, format!("{}. {title}", i + 1))
                            .clicked()
                        {
                            p.commands.push(Command::LessonStep(i));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.separator();
        step_ui(ui, lesson, state, facts, p);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let prev = ui
                .add_enabled(state.step > 0, egui::Button::new(s.lesson_prev))
                .on_hover_text(s.lesson_keys_tip);
            if prev.clicked() {
                p.commands.push(Command::PrevLessonStep);
            }
            if ui
                .button(s.lesson_reset)
                .on_hover_text(s.lesson_reset_tip)
                .clicked()
            {
                p.commands.push(Command::ResetLessonStep);
            }
            let next = ui
                .add_enabled(state.step + 1 < count, egui::Button::new(s.lesson_next))
                .on_hover_text(s.lesson_keys_tip);
            if next.clicked() {
                p.commands.push(Command::NextLessonStep);
            }
        });
        ui.add_space(4.0);
        if ui.button(s.lesson_close).clicked() {
            p.commands.push(Command::CloseLesson);
        }
    });
}

fn step_ui(ui: &mut egui::Ui, lesson: &Lesson, state: &LessonState, facts: &Facts, p: &Panels) {
    let s = p.s;
    let Some((title, text)) = lesson.step_text(p.settings.language.code(), state.step, facts)
    else {
        return;
    };
    ui.label(
        egui::RichText::new(title)
            .strong()
            .size(ui.style().text_styles[&egui::TextStyle::Heading].size * 0.9),
    );
    ui.add_space(4.0);
    for paragraph in text.text.split('\n') {
        ui.label(paragraph);
        ui.add_space(4.0);
    }
    if !text.pending.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(s.lesson_measuring);
        });
    }
    if !text.unknown.is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            i18n::fill(s.lesson_unknown, &[&text.unknown.join(", ")]),
        );
    }
    if let Some(e) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    for e in state.evidence.errors() {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

fn pick_ui(ui: &mut egui::Ui, state: &LessonState, p: &mut Panels) {
    let s = p.s;
    ui.heading(s.lessons);
    ui.label(s.lesson_pick);
    for name in Lesson::builtin_names() {
        let title = Lesson::builtin(name)
            .map(|l| l.title(p.settings.language.code()))
            .unwrap_or_else(|_| name.to_string());
        if ui.button(title).clicked() {
            p.commands.push(Command::OpenLesson(name.to_string()));
        }
    }
    ui.add_space(8.0);
    ui.label(egui::RichText::new(s.lesson_own).weak());
    if let Some(e) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}
