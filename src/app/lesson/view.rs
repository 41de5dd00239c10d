//! The lesson panel, laid out for a room: the step's title and question, its choices, the prose
//! with its live numbers, and once the teacher reveals the answer the evidence table, the
//! verdict and the right choice marked; the step list and Previous / Reveal / Reset step /
//! Next. Its width is fixed for the window (its left edge never moves between steps or
//! languages); prose is drawn in the strong text colour. It only reads the lesson state and
//! pushes commands.

use super::state::LessonState;
use crate::app::i18n;
use crate::app::shell::commands::Command;
use crate::app::shell::keys;
use crate::app::shell::panels::Panels;
use crate::app::shell::presentation;
use crate::app::widgets::view_rects::record_rect;
use crate::lesson::{Facts, Lesson, Rendered, Table, ViewId};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontFamily, FontId, RichText, TextStyle};

/// The panel's width for the window: the same for every step and language.
pub(crate) fn panel_width(ctx: &egui::Context) -> f32 {
    (ctx.content_rect().width() * 0.28).clamp(300.0, 520.0)
}

/// The marks of the right choice after the reveal.
const RIGHT: Color32 = Color32::from_rgb(60, 170, 90);

pub(crate) fn lesson_ui(ui: &mut egui::Ui, state: &LessonState, facts: &Facts, p: &mut Panels) {
    // The panel's own scroll area is a last resort: a step's text is written to fit.
    egui::ScrollArea::vertical()
        .id_salt("lesson-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let Some(lesson) = &state.lesson else {
                super::picker::picker_ui(ui, &state.picker, state.error.as_deref(), p);
                return;
            };
            header_ui(ui, lesson, state, p);
            ui.separator();
            step_ui(ui, lesson, state, facts, p);
            ui.add_space(8.0);
            buttons_ui(ui, lesson, state, p);
            record_rect(ui, ViewId::Lesson, ui.min_rect());
        });
}

/// The lesson's title and the step list.
fn header_ui(ui: &mut egui::Ui, lesson: &Lesson, state: &LessonState, p: &mut Panels) {
    let s = p.s;
    let code = p.settings.language.code();
    ui.add(egui::Label::new(RichText::new(lesson.title(code)).strong()).wrap());
    let count = lesson.steps.len();
    ui.horizontal(|ui| {
        let label = ui.label(i18n::fill(s.lesson_step, &[&(state.step + 1), &count]));
        let current = lesson
            .step_text(code, state.step, &Facts::default())
            .map(|(title, _)| title)
            .unwrap_or_default();
        egui::ComboBox::from_id_salt("lesson-steps")
            .selected_text(current)
            .truncate()
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
}

/// The size of the evidence table's numbers: 24 px at 1080 lines in presentation mode (a
/// 45th of the window's height), a step above the body text otherwise.
fn number_points(ui: &egui::Ui, p: &Panels) -> f32 {
    let body = ui.text_style_height(&TextStyle::Body);
    if p.view.zoom_before_presentation.is_some() {
        let px = presentation::window_px(ui.ctx()).y / 45.0;
        (px / ui.ctx().pixels_per_point()).max(body)
    } else {
        body * 1.2
    }
}

fn step_ui(ui: &mut egui::Ui, lesson: &Lesson, state: &LessonState, facts: &Facts, p: &Panels) {
    let s = p.s;
    let code = p.settings.language.code();
    let index = state.step;
    let Some((title, text)) = lesson.step_text(code, index, facts) else {
        return;
    };
    let strong = ui.visuals().strong_text_color();
    let heading = ui.text_style_height(&TextStyle::Heading);
    ui.add(
        egui::Label::new(
            RichText::new(title)
                .strong()
                .size(heading * 0.9)
                .color(strong),
        )
        .wrap(),
    );
    let mut rendered: Vec<Rendered> = vec![text.clone()];
    if let Some(question) = lesson.step_part(code, index, "question", facts) {
        ui.add_space(4.0);
        let size = ui.text_style_height(&TextStyle::Body) * 1.15;
        ui.add(
            egui::Label::new(
                RichText::new(&question.text)
                    .strong()
                    .size(size)
                    .color(strong),
            )
            .wrap(),
        );
        rendered.push(question);
    }
    choices_ui(ui, lesson, state, facts, p, &mut rendered);
    if !state.revealed {
        let key = Command::lesson_shortcuts()
            .into_iter()
            .find(|(_, c)| *c == Command::RevealLessonStep)
            .map(|(k, _)| keys::key_text(&k))
            .unwrap_or_default();
        ui.label(i18n::fill(s.lesson_predict, &[&key]));
    }
    ui.add_space(4.0);
    for paragraph in text.text.split('\n') {
        prose_ui(ui, paragraph, strong);
        ui.add_space(4.0);
    }
    if state.revealed {
        if let Some((table, r)) = lesson.evidence(code, index, facts) {
            evidence_ui(ui, &table, p);
            rendered.push(r);
        }
        if let Some(verdict) = lesson.step_part(code, index, "verdict", facts) {
            verdict_ui(ui, &verdict.text, s.lesson_verdict, strong);
            rendered.push(verdict);
        }
    }
    notes_ui(ui, state, &rendered, p);
}

/// The choices of the question, the right one marked once revealed.
fn choices_ui(
    ui: &mut egui::Ui,
    lesson: &Lesson,
    state: &LessonState,
    facts: &Facts,
    p: &Panels,
    rendered: &mut Vec<Rendered>,
) {
    let Some(step) = lesson.steps.get(state.step) else {
        return;
    };
    if step.choices.is_empty() {
        return;
    }
    let code = p.settings.language.code();
    let strong = ui.visuals().strong_text_color();
    let right = |name: &str| state.revealed && step.answer.as_deref() == Some(name);
    let choices: Vec<(String, bool, Rendered)> = step
        .choices
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let text = lesson.step_part(code, state.step, &format!("choice-{name}"), facts)?;
            let letter = char::from(b'A' + (i % 26) as u8);
            let mark = if right(name) { "✔ " } else { "" };
            Some((format!("{mark}{letter}  {}", text.text), right(name), text))
        })
        .collect();
    // Rows of choices, each as many as fit it unwrapped, in order; a choice too wide for a
    // row of its own wraps there. Never squeezed into what its neighbours left of a row, where
    // it would stand one word to a line.
    let margin = 2.0 * CHOICE_MARGIN.x + ui.spacing().item_spacing.x + 4.0;
    let font = TextStyle::Body.resolve(ui.style());
    let widths: Vec<f32> = choices
        .iter()
        .map(|(label, ..)| {
            ui.painter()
                .layout_no_wrap(label.clone(), font.clone(), strong)
                .size()
                .x
                + margin
        })
        .collect();
    let choice_ui = |ui: &mut egui::Ui, label: &str, right: bool| {
        let mut frame = egui::Frame::group(ui.style()).inner_margin(CHOICE_MARGIN);
        if right {
            frame = frame
                .fill(RIGHT.linear_multiply(0.25))
                .stroke(egui::Stroke::new(2.0, RIGHT));
        }
        frame.show(ui, |ui| {
            let r = ui.add(egui::Label::new(RichText::new(label).strong().color(strong)).wrap());
            if right {
                r.on_hover_text(p.s.lesson_right_answer);
            }
        });
    };
    ui.add_space(2.0);
    for row in rows_that_fit(&widths, ui.available_width()) {
        ui.horizontal(|ui| {
            for (label, right, _) in &choices[row] {
                choice_ui(ui, label, *right);
            }
        });
    }
    rendered.extend(choices.into_iter().map(|(.., text)| text));
}

/// Consecutive runs of items of `widths` whose sum stays within `room`, in order; an item
/// wider than `room` alone.
fn rows_that_fit(widths: &[f32], room: f32) -> Vec<std::ops::Range<usize>> {
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0.0);
    for (i, &w) in widths.iter().enumerate() {
        if i > start && used + w > room {
            rows.push(start..i);
            (start, used) = (i, 0.0);
        }
        used += w;
    }
    if start < widths.len() {
        rows.push(start..widths.len());
    }
    rows
}

/// The space inside a choice's frame.
const CHOICE_MARGIN: egui::Vec2 = egui::vec2(8.0, 4.0);

/// One paragraph of prose: `code` spans in the monospace face, without their backticks.
fn prose_ui(ui: &mut egui::Ui, paragraph: &str, color: Color32) {
    let body = TextStyle::Body.resolve(ui.style());
    let mono = FontId::new(body.size, FontFamily::Monospace);
    let mut job = LayoutJob::default();
    for (i, part) in paragraph.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        let font = if i % 2 == 1 {
            mono.clone()
        } else {
            body.clone()
        };
        job.append(part, 0.0, TextFormat::simple(font, color));
    }
    job.wrap.max_width = ui.available_width();
    ui.add(egui::Label::new(job).wrap());
}

/// The step's numbers, large: the first column names the rows, the header the columns.
fn evidence_ui(ui: &mut egui::Ui, table: &Table, p: &Panels) {
    let size = number_points(ui, p);
    let strong = ui.visuals().strong_text_color();
    ui.add_space(4.0);
    let grid = egui::Grid::new("lesson-evidence")
        .striped(true)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for cell in &table.header {
                ui.label(RichText::new(strip_ticks(cell)).strong().color(strong));
            }
            ui.end_row();
            for row in &table.rows {
                for (i, cell) in row.iter().enumerate() {
                    let text = RichText::new(strip_ticks(cell)).color(strong);
                    if i == 0 {
                        ui.label(text);
                    } else {
                        ui.label(text.size(size).strong());
                    }
                }
                ui.end_row();
            }
        });
    record_rect(ui, ViewId::Evidence, grid.response.rect);
}

/// A table cell without Markdown's backticks.
fn strip_ticks(text: &str) -> String {
    text.replace('`', "")
}

/// What the numbers do and do not show, set off by a bar on its left.
fn verdict_ui(ui: &mut egui::Ui, text: &str, heading: &str, color: Color32) {
    ui.add_space(6.0);
    egui::Frame::new()
        .inner_margin(egui::Margin {
            left: 10,
            right: 4,
            top: 2,
            bottom: 2,
        })
        .show(ui, |ui| {
            let r = ui
                .vertical(|ui| {
                    ui.label(RichText::new(heading).strong().color(color));
                    for paragraph in text.split('\n') {
                        prose_ui(ui, paragraph, color);
                    }
                })
                .response
                .rect;
            let bar = egui::Rect::from_min_max(
                egui::pos2(r.left() - 7.0, r.top()),
                egui::pos2(r.left() - 4.0, r.bottom()),
            );
            ui.painter().rect_filled(bar, 1.0, RIGHT);
        });
}

/// Numbers still being measured, numbers the network lacks, and why the step could not be set
/// up.
fn notes_ui(ui: &mut egui::Ui, state: &LessonState, rendered: &[Rendered], p: &Panels) {
    let s = p.s;
    if rendered.iter().any(|r| !r.pending.is_empty()) {
        ui.horizontal(|ui| {
            ui.spinner();
            // Wrapped, so a long message never widens the panel.
            ui.add(egui::Label::new(s.lesson_measuring).wrap());
        });
    }
    let mut unknown: Vec<&str> = rendered
        .iter()
        .flat_map(|r| r.unknown.iter().map(String::as_str))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            i18n::fill(s.lesson_unknown, &[&unknown.join(", ")]),
        );
    }
    if let Some(e) = &state.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    for e in state.evidence.errors() {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

/// Previous, Reveal (while there is something to reveal), Reset step and Next; Close lesson.
fn buttons_ui(ui: &mut egui::Ui, lesson: &Lesson, state: &LessonState, p: &mut Panels) {
    let s = p.s;
    let count = lesson.steps.len();
    let last = state.step + 1 >= count;
    ui.horizontal_wrapped(|ui| {
        for (command, enabled) in [
            (Command::PrevLessonStep, state.step > 0),
            (Command::RevealLessonStep, !state.revealed),
            (Command::ResetLessonStep, true),
            (Command::NextLessonStep, !last || !state.revealed),
        ] {
            if command == Command::RevealLessonStep && state.revealed {
                continue;
            }
            let label = keys::button_label(&command, s).unwrap_or_default();
            let mut button = egui::Button::new(label);
            if command == Command::RevealLessonStep {
                button = button.fill(ui.visuals().selection.bg_fill);
            }
            let mut r = ui.add_enabled(enabled, button);
            if let Some(tip) = keys::button_tip(&command, s) {
                r = r.on_hover_text(tip);
            }
            if r.clicked() {
                p.commands.push(command);
            }
        }
    });
    ui.add_space(4.0);
    // Close and the handouts share a row, so the panel is no taller than before.
    super::handout::handout_buttons_ui(ui, &state.handout, p, |ui, p| {
        let close = Command::CloseLesson;
        if ui
            .button(keys::button_label(&close, s).unwrap_or_default())
            .clicked()
        {
            p.commands.push(close);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::rows_that_fit;

    #[test]
    fn choices_fill_rows_in_order_and_a_wide_one_stands_alone() {
        assert_eq!(rows_that_fit(&[30.0, 30.0, 30.0], 100.0), vec![0..3]);
        assert_eq!(rows_that_fit(&[60.0, 30.0, 30.0], 100.0), vec![0..2, 2..3]);
        assert_eq!(rows_that_fit(&[150.0, 30.0, 30.0], 100.0), vec![0..1, 1..3]);
        assert_eq!(
            rows_that_fit(&[30.0, 150.0, 30.0], 100.0),
            vec![0..1, 1..2, 2..3]
        );
        assert!(rows_that_fit(&[], 100.0).is_empty());
    }
}
