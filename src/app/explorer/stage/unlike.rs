//! The caution shown when the input is unlike the pictures the network was trained on (see
//! `explorer::familiar`): the whole explanation above the softmax stage's probabilities, the
//! teaching moment; elsewhere one line, the explanation on hover.

use crate::app::shell::panels::Panels;

/// The explanation in a frame: how the input differs, then what a softmax's confidence does
/// not say. Nothing when the input is like the training pictures.
pub(crate) fn unlike_box_ui(ui: &mut egui::Ui, p: &Panels) {
    let Some(unlike) = p.familiar.verdict().filter(|u| u.cautions()) else {
        return;
    };
    let s = p.s;
    let warn = ui.visuals().warn_fg_color;
    let size = (p.ex.model.input.height, p.ex.model.input.width);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, warn))
        .show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(760.0));
            ui.label(egui::RichText::new(unlike.heading(s)).color(warn).strong());
            for reason in unlike.reasons(s, size) {
                ui.label(format!("• {reason}"));
            }
            if let Some(lesson) = unlike.lesson_for(s, p.ex) {
                ui.label(egui::RichText::new(lesson).strong());
            }
        });
}

/// One line saying the input is unlike the training pictures, the explanation on hover.
pub(crate) fn unlike_line_ui(ui: &mut egui::Ui, p: &Panels) {
    let Some(unlike) = p.familiar.verdict().filter(|u| u.cautions()) else {
        return;
    };
    let warn = ui.visuals().warn_fg_color;
    ui.colored_label(warn, p.s.unlike_short)
        .on_hover_text(unlike.explanation(p.s, p.ex));
}
