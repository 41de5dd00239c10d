//! Dropout at inference: its switch, rate and mask seed (in every dense stage too), and a
//! dropout stage's units with the dropped ones crossed out.

use super::common::current_mask;
use super::units::units_grid_ui;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;

/// The units of a dropout stage, the dropped ones crossed out.
pub(crate) fn dropout_stage_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    dropout_controls_ui(ui, p);
    let mask = current_mask(p, stage);
    if let Some(m) = &mask {
        let dropped = m.iter().filter(|k| !**k).count();
        ui.label(fill(p.s.dropped, &[&grouped(dropped), &grouped(m.len())]));
    }
    // The units as a grid, the dropped ones crossed out (a dropout after a hidden dense layer
    // has no maps to lay its vector over).
    units_grid_ui(ui, p, stage, mask.as_deref(), 24.0);
}

/// The dropout switch, its rate and the seed of its mask.
pub(crate) fn dropout_controls_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    ui.group(|ui| {
        ui.strong(s.dropout);
        if !p.ex.has_dropout() {
            ui.label(s.dropout_none);
            return;
        }
        let mut d = p.ex.dropout;
        ui.horizontal(|ui| {
            ui.checkbox(&mut d.enabled, s.dropout);
            ui.add_enabled(
                d.enabled,
                egui::Slider::new(&mut d.rate, 0.0..=0.9).text(s.dropout_rate),
            );
            if ui
                .add_enabled(d.enabled, egui::Button::new(s.resample_mask))
                .clicked()
            {
                p.commands.push(Command::ResampleDropout);
            }
        });
        if d != p.ex.dropout {
            p.commands.push(Command::SetDropout(d));
        }
        ui.small(s.dropout_note);
        if let Some(stage) =
            p.ex.net
                .layers()
                .iter()
                .position(|l| matches!(l.kind, crate::engine::LayerKind::Dropout { .. }))
                .map(|i| i + 1)
                .filter(|&st| p.ex.dropout.enabled && p.ex.stage != st)
        {
            let mask = current_mask(p, stage);
            if let Some(m) = &mask {
                let dropped = m.iter().filter(|k| !**k).count();
                ui.label(fill(s.dropped, &[&grouped(dropped), &grouped(m.len())]));
            }
            // Small here: the dense layer's own view comes below.
            units_grid_ui(ui, p, stage, mask.as_deref(), 9.0);
        }
    });
}
