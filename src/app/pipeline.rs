//! The pipeline strip: one card per stage (name, output shape, parameters, thumbnail); click a
//! card or use Left/Right to move. The cards narrow so that every stage stays in view.

use super::hover_link::{outline_cells, strip_link};
use super::i18n::fill;
use super::maps_ui::{full_uv, map_texture};
use super::{Command, Panels};
use egui::{Color32, Sense, Vec2};

/// The widest a card gets, and the narrowest before the strip scrolls.
const CARD_WIDTH: f32 = 76.0;
const MIN_CARD_WIDTH: f32 = 44.0;
const THUMB: f32 = 40.0;
/// Between two cards, where the arrow is drawn.
const ARROW_GAP: f32 = 12.0;
/// A card's frame: inner margin and stroke on each side.
const CARD_MARGIN: f32 = 4.0;

/// The width of one card's contents so that `count` cards fit `width` (the whole network is in
/// view, however many stages it has: a 14-stage network on a 1280x800 laptop in presentation
/// mode still shows its flatten, dense and softmax cards).
pub(crate) fn card_width(width: f32, count: usize) -> f32 {
    let n = count.max(1) as f32;
    let per = (width - (n - 1.0) * ARROW_GAP) / n - 2.0 * (CARD_MARGIN + 1.0);
    per.floor().clamp(MIN_CARD_WIDTH, CARD_WIDTH)
}

pub(crate) fn pipeline_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let count = p.ex.stage_count();
    let width = card_width(ui.available_width(), count);
    egui::ScrollArea::horizontal().show(ui, |ui| {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = ARROW_GAP;
            let mut previous: Option<egui::Rect> = None;
            for stage in 0..count {
                let rect = card_ui(ui, p, stage, width);
                if let Some(prev) = previous {
                    arrow(ui, prev, rect);
                }
                previous = Some(rect);
            }
        });
    });
}

/// A small arrow in the gap between two cards.
fn arrow(ui: &egui::Ui, from: egui::Rect, to: egui::Rect) {
    let y = from.center().y;
    let a = egui::pos2(from.right() + 2.0, y);
    let b = egui::pos2(to.left() - 2.0, y);
    let stroke = egui::Stroke::new(1.5, ui.visuals().text_color());
    ui.painter().arrow(a, b - a, stroke);
}

fn card_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, width: f32) -> egui::Rect {
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
    let mut frame = egui::Frame::group(ui.style()).inner_margin(CARD_MARGIN);
    if selected {
        frame = frame
            .fill(ui.visuals().selection.bg_fill.linear_multiply(0.35))
            .stroke(ui.visuals().selection.stroke);
    }
    let response = frame
        .show(ui, |ui| {
            ui.set_width(width);
            ui.vertical_centered(|ui| {
                ui.spacing_mut().item_spacing.y = 1.0;
                if ui.selectable_label(selected, &name).clicked() {
                    p.commands.push(Command::SelectStage(stage));
                }
                // Narrow cards wrap their lines rather than push the strip off screen.
                let small =
                    |text: String| egui::Label::new(egui::RichText::new(text).small()).wrap();
                ui.add(small(kind.to_string()));
                ui.add(small(shape.clone()));
                if params > 0 {
                    ui.add(small(fill(p.s.params, &[&params])));
                }
                let thumb_side = THUMB.min(width);
                let (rect, mut thumb) =
                    ui.allocate_exact_size(Vec2::splat(thumb_side), Sense::click());
                let channel = p.ex.thumbnail_channels.get(stage).copied().unwrap_or(0);
                // A hovered map cell shows its channel and its links on the neighbours.
                let link = strip_link(&p.ex.net, p.view.hover_before, stage, channel);
                let channel = link.and_then(|l| l.channel).unwrap_or(channel);
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
                    let scale = thumb_side / w.max(h).max(1) as f32;
                    let size = Vec2::new(w as f32, h as f32) * scale;
                    let img = egui::Rect::from_center_size(rect.center(), size);
                    ui.painter().image(tex.id(), img, full_uv(), Color32::WHITE);
                    if let Some(l) = link {
                        outline_cells(ui, img, (h, w), l.rect);
                    }
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
    response.rect
}
