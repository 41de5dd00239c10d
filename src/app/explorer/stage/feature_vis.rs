//! The feature visualisation half of the "What excites it" panel: a grid of the stage's
//! channels, each the input that raises its mean activation, with progress and Stop while they
//! are made. Clicking one shows that channel's dataset examples.

use crate::app::explorer::feature_vis::{MAX_CHANNELS, VisKey, settings};
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::full_uv;
use crate::app::widgets::textures::color_image;
use egui::{Color32, TextureOptions, Vec2};

pub(crate) fn feature_vis_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let vis = settings();
    ui.label(fill(s.vis_about, &[&vis.steps, &vis.blur_every]));
    let key = VisKey::now(p.ex);
    p.examples.vis.want(key.clone(), false, ui.ctx());
    if let Some(done) = p.examples.vis.progress(&key) {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(done)
                    .desired_width(160.0)
                    .text(s.vis_progress),
            );
            if ui
                .button(s.examples_cancel)
                .on_hover_text(s.examples_cancel_tip)
                .clicked()
            {
                p.examples.vis.cancel();
            }
        });
        return;
    }
    if p.examples.vis.was_stopped(&key) {
        ui.horizontal(|ui| {
            ui.label(s.examples_stopped);
            if ui.button(s.examples_again).clicked() {
                p.examples.vis.want(key.clone(), true, ui.ctx());
            }
        });
        return;
    }
    let pictures = match p.examples.vis.pictures(&key).cloned() {
        Some(Ok(pictures)) => pictures,
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e.as_str());
            return;
        }
        None => return,
    };
    let all = crate::analysis::channel_examples::channel_count(
        crate::analysis::channel_examples::stage_shape(&p.ex.net, key.stage),
    );
    if all > MAX_CHANNELS {
        ui.label(fill(s.vis_first, &[&MAX_CHANNELS, &grouped(all)]));
    }
    let textures = p.examples.vis.textures_for(&key, || {
        pictures
            .iter()
            .map(|c| {
                ui.ctx().load_texture(
                    format!("feature-vis-{}", c.channel),
                    color_image(&c.image),
                    TextureOptions::NEAREST,
                )
            })
            .collect()
    });
    let cols = 4;
    let tile = ((ui.available_width() - 24.0) / cols as f32).clamp(40.0, 96.0);
    egui::Grid::new("feature-vis-grid")
        .spacing(Vec2::splat(6.0))
        .show(ui, |ui| {
            for (i, (c, tex)) in pictures.iter().zip(&textures).enumerate() {
                ui.vertical(|ui| {
                    let (rect, response) =
                        ui.allocate_exact_size(Vec2::splat(tile), egui::Sense::click());
                    ui.painter()
                        .image(tex.id(), rect, full_uv(), Color32::WHITE);
                    if p.examples.channel == c.channel {
                        let stroke = egui::Stroke::new(2.0, ui.visuals().selection.bg_fill);
                        ui.painter()
                            .rect_stroke(rect, 0.0, stroke, egui::StrokeKind::Outside);
                    }
                    let tip = fill(
                        s.vis_item_tip,
                        &[
                            &c.channel,
                            &format!("{:.3}", c.start),
                            &format!("{:.3}", c.end),
                        ],
                    );
                    if response.on_hover_text(tip).clicked() {
                        p.examples.channel = c.channel;
                        p.examples.show_vis = false;
                    }
                    ui.small(fill(s.vis_item, &[&c.channel]));
                });
                if i % cols == cols - 1 {
                    ui.end_row();
                }
            }
        });
}
