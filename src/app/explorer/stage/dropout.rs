//! Dropout at inference: its switch, rate and mask seed (in every dense stage too), and a
//! dropout stage's units with the dropped ones crossed out.

use super::common::current_mask;
use super::history::history_ui;
use super::units::units_grid_ui;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::view_rects::{AXES_ROOM, MIN_CHART};
use crate::lesson::ViewId;

/// The units of a dropout stage, the dropped ones crossed out; the learning curves beside them
/// (their width kept for them) when a lesson step names them.
pub(crate) fn dropout_stage_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    if !p.view.focus(&ViewId::History) {
        units_column_ui(ui, p, stage, true);
        return;
    }
    // The curves keep the room the contract asks for, at the right of what is in view; the
    // grid takes the rest.
    let gap = 2.0 * ui.spacing().item_spacing.x;
    let curves = (MIN_CHART + AXES_ROOM).x + gap;
    let room = ui.available_rect_before_wrap();
    let right = room.right().min(ui.clip_rect().right());
    let bottom = room.bottom().min(ui.clip_rect().bottom());
    let split = (right - curves).max(room.left() + 120.0);
    let grid_rect = egui::Rect::from_min_max(room.min, egui::pos2(split - gap, bottom));
    let curves_rect =
        egui::Rect::from_min_max(egui::pos2(split, room.top()), egui::pos2(right, bottom));
    let grid = ui.scope_builder(egui::UiBuilder::new().max_rect(grid_rect), |ui| {
        // The step sets the dropout; its controls give their room to the curves.
        units_column_ui(ui, p, stage, false);
    });
    let curves = ui.scope_builder(egui::UiBuilder::new().max_rect(curves_rect), |ui| {
        history_ui(ui, p);
    });
    ui.advance_cursor_after_rect(grid.response.rect.union(curves.response.rect));
}

/// The dropout controls (with `controls`), how many units are dropped and their grid.
fn units_column_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, controls: bool) {
    if controls {
        dropout_controls_ui(ui, p);
    }
    let mask = current_mask(p, stage);
    if let Some(m) = &mask {
        let dropped = m.iter().filter(|k| !**k).count();
        ui.label(fill(p.s.dropped, &[&grouped(dropped), &grouped(m.len())]));
    }
    // The units as a grid, the dropped ones crossed out (a dropout after a hidden dense layer
    // has no maps to lay its vector over).
    units_grid_ui(ui, p, stage, mask.as_deref(), 24.0, Some(ViewId::Dropout));
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
        ui.horizontal_wrapped(|ui| {
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
            units_grid_ui(ui, p, stage, mask.as_deref(), 9.0, None);
        }
    });
}
