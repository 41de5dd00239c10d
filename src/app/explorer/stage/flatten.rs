//! A flatten stage: the vector it makes, one row per channel of the maps it came from.

use super::common::maps_before;
use crate::app::i18n::fill;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{full_uv, legend_ui};
use crate::app::widgets::textures::TexKey;
use crate::viz::{Scale, plane_image};
use egui::{Color32, Vec2};
use ndarray::{Array2, Axis};

/// One row per channel: the flattened vector in C, H, W order, channel boundaries marked.
pub(crate) fn vector_rows_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    stage: usize,
    dropped: Option<&[bool]>,
) {
    let Some(maps) = maps_before(p, stage).and_then(|s| p.ex.trace.get(s)?.as_maps()) else {
        return;
    };
    let Some(vector) = p.ex.trace.get(stage).and_then(|t| t.as_vector()) else {
        return;
    };
    let (c, h, w) = maps.dim();
    let per = h * w;
    if c * per != vector.len() || per == 0 {
        return;
    }
    let values = Array2::from_shape_fn((c, per), |(ch, i)| vector[ch * per + i]);
    let scale = Scale::fit(values.iter());
    legend_ui(ui, &scale);
    let cell = ((ui.available_width() - 60.0) / per as f32).clamp(1.0, 12.0);
    for ch in 0..c {
        ui.horizontal(|ui| {
            ui.add_sized(
                [50.0, cell.max(10.0)],
                egui::Label::new(egui::RichText::new(fill(p.s.channel, &[&ch])).small()),
            );
            let (rect, _) = ui.allocate_exact_size(
                Vec2::new(cell * per as f32, cell.max(6.0)),
                egui::Sense::hover(),
            );
            if !ui.is_rect_visible(rect) {
                return;
            }
            let tex = p.tex.get(ui.ctx(), TexKey::Row { stage, channel: ch }, || {
                let row = values.index_axis(Axis(0), ch).insert_axis(Axis(0));
                plane_image(row, &scale)
            });
            ui.painter()
                .image(tex.id(), rect, full_uv(), Color32::WHITE);
            if let Some(mask) = dropped {
                for i in 0..per {
                    if mask.get(ch * per + i) == Some(&false) {
                        let x = rect.left() + i as f32 * cell;
                        ui.painter().line_segment(
                            [
                                egui::pos2(x, rect.top()),
                                egui::pos2(x + cell, rect.bottom()),
                            ],
                            egui::Stroke::new(1.0, Color32::RED),
                        );
                    }
                }
            }
        });
    }
}

/// The flattened vector and the shapes before and after.
pub(crate) fn flatten_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    ui.label(p.s.flatten_tip);
    let shape =
        p.ex.trace
            .get(stage)
            .map(|t| t.shape())
            .unwrap_or(crate::engine::Shape::Vector(0));
    let from =
        p.ex.trace
            .get(p.ex.before_stage(stage))
            .map(|t| t.shape().to_string())
            .unwrap_or_default();
    ui.strong(p.s.labelled(p.s.flattened, &format!("{from} → {shape}")));
    vector_rows_ui(ui, p, stage, None);
}
