//! The input settings window (Model ▸ Input settings, Ctrl+I): normalisation, class labels,
//! input size and channel order for the open model. The form is [`InputDialog`]'s; Apply,
//! Reset and the labels file become commands.

use super::form::InputDialog;
use crate::app::i18n::{Strings, fill, grouped};
use crate::app::shell::commands::Command;
use crate::engine::Model;
use crate::io::ChannelOrder;

/// A single-line field with its label (the label names the field for screen readers).
fn field_ui(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str) {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(220.0)
            .hint_text(hint),
    )
    .labelled_by(l.id);
    ui.label(egui::RichText::new(hint).weak());
    ui.end_row();
}

/// The dialog, while it is open: its values edit the form, its buttons push commands.
pub(crate) fn input_dialog_ui(
    ctx: &egui::Context,
    d: &mut InputDialog,
    model: &Model,
    s: &Strings,
    commands: &mut Vec<Command>,
) {
    if !d.open {
        return;
    }
    let mut open = true;
    egui::Window::new(s.input_settings_title)
        .id(egui::Id::unique("input-settings"))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(520.0)
        // Over the middle of the window, clear of the toolbar and the pipeline strip.
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .show(ctx, |ui| {
            ui.label(egui::RichText::new(&model.info.name).strong());
            ui.label(egui::RichText::new(s.input_settings_intro).weak());
            ui.add_space(4.0);
            fields_ui(ui, d, model.input.channels, s);
            ui.add_space(4.0);
            labels_ui(ui, d, model.output_shape().len(), s, commands);
            if let Some(e) = &d.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.separator();
            buttons_ui(ui, d, s, commands);
        });
    if !open {
        d.open = false;
    }
}

/// Normalisation, input size and channel order.
fn fields_ui(ui: &mut egui::Ui, d: &mut InputDialog, channels: usize, s: &Strings) {
    egui::Grid::new("input-settings-grid")
        .num_columns(3)
        .show(ui, |ui| {
            let per_channel = fill(s.input_per_channel, &[&channels]);
            field_ui(ui, s.input_mean, &mut d.form.mean, &per_channel);
            field_ui(ui, s.input_std, &mut d.form.std, &per_channel);
            field_ui(ui, s.input_size, &mut d.form.size, s.input_size_hint);
            ui.label(s.input_order);
            ui.horizontal(|ui| {
                ui.radio_value(&mut d.form.order, ChannelOrder::Rgb, "RGB");
                ui.radio_value(&mut d.form.order, ChannelOrder::Bgr, "BGR");
            });
            ui.label(egui::RichText::new(s.input_order_hint).weak());
            ui.end_row();
        });
}

/// The class labels, one a line (how many of the model's `classes`), or read from a file.
fn labels_ui(
    ui: &mut egui::Ui,
    d: &mut InputDialog,
    classes: usize,
    s: &Strings,
    commands: &mut Vec<Command>,
) {
    let given = d
        .form
        .labels
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let label_id = ui
        .horizontal(|ui| {
            let l = ui.label(s.input_labels);
            ui.label(
                egui::RichText::new(fill(
                    s.input_labels_count,
                    &[&grouped(given), &grouped(classes)],
                ))
                .weak(),
            );
            if ui.button(s.input_labels_file).clicked() {
                commands.push(Command::LabelsFileDialog);
            }
            l.id
        })
        .inner;
    egui::ScrollArea::vertical()
        .max_height(160.0)
        .show(ui, |ui| {
            let r = ui.add(
                egui::TextEdit::multiline(&mut d.form.labels)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY)
                    .hint_text(s.input_labels_hint),
            );
            r.labelled_by(label_id);
        });
}

/// Apply and Reset (off while the model opens again with the new values).
fn buttons_ui(ui: &mut egui::Ui, d: &InputDialog, s: &Strings, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let busy = d.pending.is_some();
        if ui
            .add_enabled(!busy, egui::Button::new(s.input_apply))
            .on_hover_text(s.input_apply_tip)
            .clicked()
        {
            commands.push(Command::ApplyInputSettings);
        }
        if ui
            .add_enabled(!busy, egui::Button::new(s.input_reset))
            .on_hover_text(s.input_reset_tip)
            .clicked()
        {
            commands.push(Command::ResetInputSettings);
        }
        if busy {
            ui.spinner();
        }
    });
}
