//! Drawing the translation lab: shift controls, then the selected stage's maps (`maps`), the
//! per-stage similarity table (`table`) and the sweep plot (`sweep`). Everything shown comes
//! from [`Lab`](super::state::Lab) (computed by `analysis`); these files only draw it.

use super::maps::StageMaps;
use super::state::{LabSettings, max_shift};
use super::sweep::{HeatMaps, sweep_ui};
use super::table::{stage_label, table_ui};
use crate::app::i18n::typography;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::line_height;
use crate::io::Fill;
use crate::lesson::ViewId;

#[derive(Default)]
pub(crate) struct LabView {
    maps: StageMaps,
    heat: Option<HeatMaps>,
}

impl LabView {
    pub(crate) fn ui(&mut self, ui: &mut egui::Ui, p: &mut Panels) {
        // The panel's height in view (inside the scroll area below there is no limit).
        let viewport = ui.available_height();
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                controls_ui(ui, p);
                // A lesson step that names some of the lab's views says what they show itself.
                if !p.view.lesson_layout
                    || p.view
                        .folds(&[ViewId::LabMaps, ViewId::LabTable, ViewId::LabSweep])
                {
                    ui.label(typography::italics(p.s.lab_caption));
                }
                if let Some(e) = &p.lab.last_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                // What the controls above leave of the view. The table scrolls by itself in
                // it: a network of 70 stages (ResNet-18) would otherwise push the sweep
                // beside it out of view.
                let rest = (viewport - ui.min_rect().height()).max(viewport * 0.5);
                // A lesson step that names some of the lab's views folds the others away.
                let maps = !p.view.folds(&[ViewId::LabMaps]);
                let table = !p.view.folds(&[ViewId::LabTable]);
                let sweep = !p.view.folds(&[ViewId::LabSweep]);
                if ui.available_width() >= BESIDE_MIN_WIDTH || !maps {
                    // The table on the left, the maps above the sweep on the right: on a wide
                    // screen every view gets half the height instead of what the table leaves.
                    ui.horizontal_top(|ui| {
                        if table {
                            ui.vertical(|ui| {
                                ui.set_max_width(TABLE_WIDTH);
                                // Named by a lesson step, every row in view (no scroll of its own).
                                let most = if p.view.focus(&ViewId::LabTable) {
                                    f32::INFINITY
                                } else {
                                    rest
                                };
                                egui::ScrollArea::vertical()
                                    .id_salt("lab-table-scroll")
                                    .max_height(most)
                                    .show(ui, |ui| table_ui(ui, p));
                            });
                            ui.separator();
                        }
                        ui.vertical(|ui| {
                            if maps {
                                let room = if sweep { rest * 0.5 } else { rest };
                                self.maps.ui(ui, p, room);
                                ui.separator();
                            }
                            if sweep {
                                sweep_ui(ui, p, &mut self.heat);
                            }
                        });
                    });
                } else {
                    let room = maps_room_above_table(ui, p);
                    self.maps.ui(ui, p, room);
                    ui.separator();
                    // The table and the sweep side by side, so the plot is in view.
                    ui.horizontal_top(|ui| {
                        if table {
                            ui.vertical(|ui| {
                                ui.set_max_width(TABLE_WIDTH);
                                table_ui(ui, p);
                            });
                            ui.separator();
                        }
                        if sweep {
                            ui.vertical(|ui| sweep_ui(ui, p, &mut self.heat));
                        }
                    });
                }
            });
    }
}

/// From this width on (points), the table sits beside the maps and the sweep.
const BESIDE_MIN_WIDTH: f32 = 900.0;
const TABLE_WIDTH: f32 = 440.0;

/// The height the maps may take above the table: what the table (a row per stage, the heading
/// and the two-line verdict) leaves, and at least a quarter of the height.
fn maps_room_above_table(ui: &egui::Ui, p: &Panels) -> f32 {
    let lines = line_height(ui);
    let table_row = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    let table = (p.lab.strides.len() + 1) as f32 * table_row + 3.0 * lines + 16.0;
    (ui.available_height() - table).max(ui.available_height() * 0.25)
}

fn fill_name(p: &Panels, f: Fill) -> &'static str {
    match f {
        Fill::Zero => p.s.fill_zero,
        Fill::Edge => p.s.fill_edge,
        Fill::Wrap => p.s.fill_wrap,
    }
}

fn controls_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let mut settings: LabSettings = p.lab.settings;
    let m = max_shift(&p.ex.net);
    let (x, y) = match p.ex.model.info.audio {
        Some(_) => (s.axis_time, s.axis_frequency),
        None => ("dx", "dy"),
    };
    ui.horizontal_wrapped(|ui| {
        ui.add(egui::Slider::new(&mut settings.dx, -m..=m).text(x))
            .on_hover_text(s.shift_tip);
        ui.add(egui::Slider::new(&mut settings.dy, -m..=m).text(y))
            .on_hover_text(s.shift_tip);
        ui.separator();
        ui.label(s.fill).on_hover_text(s.fill_tip);
        for f in Fill::ALL {
            ui.selectable_value(&mut settings.fill, f, fill_name(p, f));
        }
        ui.separator();
        let stage = p.ex.stage;
        let label = ui.label(s.lab_stage);
        egui::ComboBox::from_id_salt("lab-stage")
            .selected_text(stage_label(p, stage).to_string())
            .show_ui(ui, |ui| {
                for i in 0..p.lab.names.len() {
                    if ui.selectable_label(i == stage, stage_label(p, i)).clicked() {
                        p.commands.push(Command::SelectStage(i));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    if settings != p.lab.settings {
        p.commands.push(Command::SetLab(settings));
    }
}
