//! The pipeline strip: one card per stage (name, output shape, parameters, thumbnail); click a
//! card or use Left/Right to move.

use super::i18n::fill;
use super::maps_ui::{full_uv, map_texture};
use super::{Command, Panels};
use egui::{Color32, Sense, Vec2};

const CARD_WIDTH: f32 = 76.0;
const THUMB: f32 = 40.0;

pub(crate) fn pipeline_ui(ui: &mut egui::Ui, p: &mut Panels) {
    egui::ScrollArea::horizontal().show(ui, |ui| {
        ui.horizontal(|ui| {
            let count = p.ex.stage_count();
            for stage in 0..count {
                card_ui(ui, p, stage);
                if stage + 1 < count {
                    ui.label("→");
                }
            }
        });
    });
}

fn card_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    let ex = p.ex;
    let selected = ex.stage == stage;
    let (name, kind, params) = match ex.stage_layer(stage) {
        Some(l) => (l.name.clone(), p.s.layer_type(&l.kind), l.parameter_count()),
        None => (p.s.input_stage.to_string(), "", 0),
    };
    let shape = ex
        .trace
        .get(stage)
        .map(|t| t.shape().to_string())
        .unwrap_or_default();
    let mut frame = egui::Frame::group(ui.style());
    if selected {
        frame = frame
            .fill(ui.visuals().selection.bg_fill.linear_multiply(0.35))
            .stroke(ui.visuals().selection.stroke);
    }
    let response = frame
        .show(ui, |ui| {
            ui.set_width(CARD_WIDTH);
            ui.vertical_centered(|ui| {
                if ui.selectable_label(selected, &name).clicked() {
                    p.commands.push(Command::SelectStage(stage));
                }
                ui.small(kind);
                ui.small(&shape);
                if params > 0 {
                    ui.small(fill(p.s.params, &[&params]));
                }
                let (rect, mut thumb) = ui.allocate_exact_size(Vec2::splat(THUMB), Sense::click());
                let channel = p.ex.thumbnail_channels.get(stage).copied().unwrap_or(0);
                let channels =
                    p.ex.trace
                        .get(stage)
                        .and_then(|t| t.as_maps())
                        .map(|m| m.dim().0);
                if let Some(channels) = channels.filter(|&c| c > 1) {
                    let last = channels - 1;
                    thumb = thumb.on_hover_text(fill(p.s.thumb_tip, &[&channel, &last]));
                }
                if let Some(tex) = map_texture(ui, p, stage, channel, false) {
                    let [w, h] = tex.size();
                    let scale = THUMB / w.max(h).max(1) as f32;
                    let size = Vec2::new(w as f32, h as f32) * scale;
                    let img = egui::Rect::from_center_size(rect.center(), size);
                    ui.painter().image(tex.id(), img, full_uv(), Color32::WHITE);
                }
                if thumb.clicked() {
                    p.commands.push(Command::SelectStage(stage));
                }
            });
        })
        .response;
    // The whole card is a click target, not only its name and thumbnail.
    let card = ui.interact(
        response.rect,
        ui.make_persistent_id(("stage-card", stage)),
        Sense::click(),
    );
    if card.clicked() {
        p.commands.push(Command::SelectStage(stage));
    }
    if selected && p.view.playing {
        response.scroll_to_me(None);
    }
}
