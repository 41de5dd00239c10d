//! The lab's table: how similar each stage stays under the shift, and what happens to the
//! prediction.

use crate::app::i18n::fill;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::view_rects::record_rect;
use crate::lesson::ViewId;

pub(super) fn table_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let Some(result) = &p.lab.result else { return };
    let grid = egui::Grid::new("lab-table")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            ui.strong(s.col_stage);
            ui.strong(s.col_stride);
            ui.strong(s.col_same).on_hover_text(s.lab_table_tip);
            ui.strong(s.col_aligned).on_hover_text(s.lab_table_tip);
            ui.end_row();
            for (i, change) in result.stages.iter().enumerate() {
                let name = stage_label(p, i).to_string();
                let selected = i == p.ex.stage;
                if ui.selectable_label(selected, name).clicked() {
                    p.commands.push(Command::SelectStage(i));
                }
                let (sy, sx) = p.lab.strides.get(i).copied().unwrap_or((1, 1));
                ui.label(if sx == sy {
                    sx.to_string()
                } else {
                    format!("{sy}×{sx}")
                });
                ui.monospace(format!("{:.4}", change.same_position));
                ui.monospace(
                    change
                        .aligned
                        .map_or("—".to_string(), |a| format!("{a:.4}")),
                );
                ui.end_row();
            }
        });
    record_rect(ui, ViewId::LabTable, grid.response.rect);
    if let Some((top, before, after, now)) = p.lab.prediction_change(p.ex) {
        let label = |i: usize| p.ex.net.label(i);
        let text = fill(
            s.lab_prediction,
            &[
                &label(top),
                &format!("{before:.3}"),
                &format!("{after:.3}"),
                &label(now),
            ],
        );
        if now == top {
            ui.label(text);
        } else {
            ui.colored_label(ui.visuals().warn_fg_color, text);
        }
    }
}

/// A stage's name as shown: the input in the UI's language, layers by their names.
pub(super) fn stage_label<'a>(p: &'a Panels, stage: usize) -> &'a str {
    match stage {
        0 => p.s.input_stage,
        i => p.lab.names.get(i).map_or("", |n| n.as_str()),
    }
}
