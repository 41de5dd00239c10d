//! The "What excites this channel" side panel of a stage with maps: a channel and a data set to
//! pick, the ranking's progress (with Stop), and the nine best inputs as a 3x3 grid of crops
//! with what each is in its tooltip. The ranking itself is
//! [`crate::app::explorer::examples::ExamplesState`]'s.

use crate::analysis::channel_examples::{channel_count, stage_shape};
use crate::analysis::receptive_fields;
use crate::app::explorer::examples::{ExampleData, ExamplesKey, Ranking};
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::train::plots::data_name;
use crate::app::train::settings::DataChoice;
use crate::app::widgets::maps::full_uv;
use crate::app::widgets::textures::color_image;
use crate::engine::Shape;
use egui::{Color32, TextureOptions, Vec2};
use std::sync::Arc;

/// Whether stage `stage` can show the panel: a stage with maps, not the input.
pub(crate) fn has_examples(p: &Panels, stage: usize) -> bool {
    stage > 0
        && stage <= p.ex.net.layers().len()
        && matches!(stage_shape(&p.ex.net, stage), Shape::Maps { .. })
}

/// The toggle in the stage's heading row.
pub(crate) fn examples_toggle_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    if has_examples(p, stage) {
        ui.toggle_value(&mut p.examples.open, p.s.examples_show)
            .on_hover_text(p.s.examples_show_tip);
    }
}

/// The side panel, when open on a stage with maps.
pub(crate) fn examples_panel_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    if !p.examples.open || !has_examples(p, stage) {
        return;
    }
    egui::Panel::right("channel-examples")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("channel-examples-scroll")
                .show(ui, |ui| panel_ui(ui, p, stage));
        });
}

fn panel_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    let s = p.s;
    ui.heading(s.examples_title);
    ui.horizontal(|ui| {
        ui.selectable_value(&mut p.examples.show_vis, false, s.examples_mode_examples)
            .on_hover_text(s.examples_mode_examples_tip);
        ui.selectable_value(&mut p.examples.show_vis, true, s.examples_mode_vis)
            .on_hover_text(s.examples_mode_vis_tip);
    });
    if p.examples.show_vis {
        return super::feature_vis::feature_vis_ui(ui, p);
    }
    let field = receptive_fields(&p.ex.net)[stage - 1].size;
    ui.label(fill(s.examples_about, &[&field.1, &field.0]));
    let channels = channel_count(stage_shape(&p.ex.net, stage));
    p.examples.channel = p.examples.channel.min(channels - 1);
    ui.horizontal(|ui| {
        ui.label(s.examples_channel)
            .on_hover_text(s.examples_channel_tip);
        let last = channels - 1;
        if ui.small_button("◀").clicked() {
            p.examples.channel = p.examples.channel.saturating_sub(1);
        }
        ui.add(egui::DragValue::new(&mut p.examples.channel).range(0..=last))
            .on_hover_text(s.examples_channel_tip);
        if ui.small_button("▶").clicked() {
            p.examples.channel = (p.examples.channel + 1).min(last);
        }
    });
    let net = Arc::clone(&p.ex.net);
    if !p.examples.data.as_ref().is_some_and(|d| d.fits(&net)) {
        p.examples.data = ExampleData::first_for(&net);
    }
    let Some(data) = p.examples.data.clone() else {
        ui.label(fill(s.examples_none, &[&net.input.shape()]));
        return;
    };
    data_picker_ui(ui, p, &data);
    let key = ExamplesKey::now(p.ex, p.examples.channel, data);
    p.examples.want(key.clone(), false, ui.ctx());
    status_ui(ui, p, &key);
    if let Some(Ok(ranking)) = p.examples.ranking(&key).cloned() {
        ranking_ui(ui, p, &key, &ranking);
    }
}

fn data_picker_ui(ui: &mut egui::Ui, p: &mut Panels, data: &ExampleData) {
    let s = p.s;
    let name = |d: &ExampleData| match d {
        ExampleData::Bundled(choice) => data_name(s, *choice).to_string(),
        ExampleData::Folder(dir) => dir.display().to_string(),
    };
    ui.horizontal(|ui| {
        ui.label(s.examples_data).on_hover_text(s.examples_data_tip);
        egui::ComboBox::from_id_salt("examples-data")
            .selected_text(name(data))
            .show_ui(ui, |ui| {
                for choice in DataChoice::ALL {
                    let d = ExampleData::Bundled(choice);
                    let fits = d.fits(&p.ex.net);
                    let r = ui.add_enabled(
                        fits,
                        egui::Button::selectable(*data == d, data_name(s, choice)),
                    );
                    let r = if fits {
                        r
                    } else {
                        r.on_disabled_hover_text(s.examples_unfit)
                    };
                    if r.clicked() {
                        p.examples.data = Some(d);
                    }
                }
            })
            .response
            .on_hover_text(s.examples_data_tip);
    });
}

/// Progress and Stop while ranking; a note and Run again once stopped; the error otherwise.
fn status_ui(ui: &mut egui::Ui, p: &mut Panels, key: &ExamplesKey) {
    let s = p.s;
    if let Some((done, total)) = p.examples.progress(key) {
        ui.horizontal(|ui| {
            if total == 0 {
                ui.spinner();
                ui.label(s.examples_loading);
            } else {
                let text = fill(s.examples_progress, &[&grouped(done), &grouped(total)]);
                ui.add(
                    egui::ProgressBar::new(done as f32 / total as f32)
                        .desired_width(160.0)
                        .text(text),
                );
            }
            if ui
                .button(s.examples_cancel)
                .on_hover_text(s.examples_cancel_tip)
                .clicked()
            {
                p.examples.cancel();
            }
        });
    } else if p.examples.was_stopped(key) {
        ui.horizontal(|ui| {
            ui.label(s.examples_stopped);
            if ui.button(s.examples_again).clicked() {
                p.examples.want(key.clone(), true, ui.ctx());
            }
        });
    } else if let Some(Err(e)) = p.examples.ranking(key) {
        ui.colored_label(ui.visuals().error_fg_color, e.as_str());
    }
}

/// The crops in a 3x3 grid, each with its label and value below it and what it is on hover.
fn ranking_ui(ui: &mut egui::Ui, p: &mut Panels, key: &ExamplesKey, ranking: &Ranking) {
    let s = p.s;
    ui.label(fill(
        s.examples_scanned,
        &[
            &ranking.examples.len(),
            &grouped(ranking.scanned),
            &key.target.channel,
        ],
    ));
    let textures = p.examples.textures_for(key, || {
        ranking
            .examples
            .iter()
            .enumerate()
            .map(|(i, e)| {
                ui.ctx().load_texture(
                    format!("channel-example-{i}"),
                    color_image(&e.image),
                    TextureOptions::NEAREST,
                )
            })
            .collect()
    });
    let tile = ((ui.available_width() - 16.0) / 3.0).clamp(48.0, 128.0);
    egui::Grid::new("channel-examples-grid")
        .spacing(Vec2::splat(6.0))
        .show(ui, |ui| {
            for (rank, (e, tex)) in ranking.examples.iter().zip(&textures).enumerate() {
                ui.vertical(|ui| {
                    let [w, h] = tex.size().map(|v| v.max(1) as f32);
                    let scale = tile / w.max(h);
                    let (rect, response) =
                        ui.allocate_exact_size(Vec2::splat(tile), egui::Sense::hover());
                    let shown =
                        egui::Rect::from_center_size(rect.center(), Vec2::new(w, h) * scale);
                    ui.painter().rect_filled(rect, 0.0, Color32::GRAY);
                    ui.painter()
                        .image(tex.id(), shown, full_uv(), Color32::WHITE);
                    response.on_hover_text(fill(
                        s.examples_item_tip,
                        &[
                            &(rank + 1),
                            &e.index,
                            &e.label,
                            &e.cell.0,
                            &e.cell.1,
                            &format!("{:.3}", e.value),
                        ],
                    ));
                    ui.small(fill(
                        s.examples_item,
                        &[&e.label, &format!("{:.2}", e.value)],
                    ));
                });
                if rank % 3 == 2 {
                    ui.end_row();
                }
            }
        });
}
