//! The main view of the selected stage: picks the view for its layer kind. Activations and
//! global pooling show their maps before and after; flatten shows the vector it makes.

use crate::analysis::arithmetic::linked_cells;
use crate::app::i18n::fill;
use crate::app::widgets::maps::{
    GridOut, as_maps, fit_grid, legend_ui, line_height, maps_grid_ui, outline, scale_for,
    stage_scale, stage_title,
};
use crate::app::widgets::textures::TexKey;
use crate::app::{Command, Panels, arith_view, conv_view, fc_view, merge_view, pool_view};
use crate::engine::{LayerKind, Tensor, dropout_mask, layer_dropout_seed};
use crate::viz::{Scale, plane_image};
use egui::{Color32, Vec2};
use egui_plot::{Bar, BarChart, Plot};
use ndarray::{Array2, Axis};

pub(crate) fn stage_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let stage = p.ex.stage;
    ui.horizontal(|ui| {
        ui.heading(stage_title(p, stage));
        if ui
            .button(p.s.export_png)
            .on_hover_text(p.s.export_tip)
            .clicked()
        {
            p.commands.push(Command::ExportDialog);
        }
        if matches!(
            p.ex.stage_layer(stage).map(|l| &l.kind),
            Some(LayerKind::Conv2d(_) | LayerKind::Dense(_))
        ) {
            ui.toggle_value(&mut p.view.arith.show, p.s.arith_show)
                .on_hover_text(p.s.arith_show_tip);
        }
    });
    if let Some(note) = &p.ex.window_note {
        ui.colored_label(ui.visuals().warn_fg_color, fill(p.s.cut_short, &[note]));
    }
    arith_view::side_panel_ui(ui, p, stage);
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let ex = p.ex;
            match ex.stage_layer(stage).map(|l| &l.kind) {
                None => input_stage_ui(ui, p),
                Some(LayerKind::Conv2d(conv)) => conv_view::conv_ui(ui, p, stage, conv),
                Some(LayerKind::Pool2d(pool)) => pool_view::pool_ui(ui, p, stage, pool),
                Some(LayerKind::Activation(_)) => {
                    ui.label(p.s.activation_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::GlobalAvgPool) => {
                    ui.label(p.s.gap_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::Flatten) => flatten_ui(ui, p, stage),
                Some(LayerKind::Dropout { .. }) => dropout_stage_ui(ui, p, stage),
                Some(LayerKind::Dense(dense)) => fc_view::dense_ui(ui, p, stage, dense),
                Some(LayerKind::Softmax | LayerKind::LogSoftmax) => fc_view::softmax_ui(ui, p),
                Some(LayerKind::BatchNorm(_)) => {
                    ui.label(p.s.batch_norm_tip);
                    elementwise_ui(ui, p, stage);
                }
                Some(LayerKind::Prelu(_)) => {
                    ui.label(p.s.activation_tip);
                    elementwise_ui(ui, p, stage);
                }
                Some(LayerKind::GlobalMaxPool) => {
                    ui.label(p.s.gmp_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::AdaptivePool(_)) => {
                    ui.label(p.s.adaptive_pool_tip);
                    before_after_ui(ui, p, stage);
                }
                Some(LayerKind::Merge(m)) => merge_view::merge_ui(ui, p, stage, *m),
            }
        });
}

/// The shared/per-channel scale switch and the legend of the stage's first channel.
/// "N parameters: X% of the network's M": where a network keeps its parameters (in the dense
/// layers, as a rule) is one of the things the app teaches.
pub(crate) fn parameter_share(p: &Panels, params: usize) -> String {
    let total = p.ex.net.parameter_count().max(1);
    let percent = format!("{:.1}", 100.0 * params as f64 / total as f64);
    fill(p.s.param_share, &[&params, &percent, &total])
}

pub(crate) fn scale_row_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    ui.horizontal(|ui| {
        ui.checkbox(&mut p.view.shared_scale, p.s.shared_scale)
            .on_hover_text(p.s.shared_scale_tip);
        if let Some(t) = p.ex.trace.get(stage) {
            let maps = as_maps(t);
            let scale = if p.view.shared_scale {
                stage_scale(p, stage, &maps)
            } else {
                scale_for(&maps, 0, false)
            };
            legend_ui(ui, &scale);
        }
    });
}

fn input_stage_ui(ui: &mut egui::Ui, p: &mut Panels) {
    ui.label(p.s.network_sees_tip);
    scale_row_ui(ui, p, 0);
    let (c, h, w) = p.ex.trace.first().map_or((1, 1, 1), |t| as_maps(t).dim());
    let room = ui.available_size() - Vec2::new(0.0, line_height(ui));
    let (cols, cell) = fit_grid(room, c, (h, w), 12.0);
    let out = maps_grid_ui(ui, p, 0, cell, cols);
    hover_value_ui(ui, p, 0, out.hovered);
}

/// A layer that keeps its input's shape: maps before and after, or a vector before and after
/// as bars.
pub(crate) fn elementwise_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    let from = p.ex.before_stage(stage);
    let vectors = (p.ex.trace.get(from), p.ex.trace.get(stage));
    let (Some(Tensor::Vector(before)), Some(Tensor::Vector(after))) = vectors else {
        before_after_ui(ui, p, stage);
        return;
    };
    let bars = |values: &ndarray::Array1<f32>, offset: f64, color: Color32| {
        let bars: Vec<Bar> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| Bar::new(i as f64 + offset, v as f64).width(0.4).fill(color))
            .collect();
        bars
    };
    let (before, after) = (
        bars(before, -0.2, Color32::GRAY),
        bars(after, 0.2, Color32::from_rgb(90, 130, 200)),
    );
    let names = (stage_title(p, from), stage_title(p, stage));
    Plot::new(("elementwise", stage))
        .height(240.0)
        .width(ui.available_width().clamp(200.0, 720.0))
        .legend(egui_plot::Legend::default())
        .allow_drag(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(names.0, before));
            plot.bar_chart(BarChart::new(names.1, after));
        });
}

/// "channel c, row y, column x: value" for a hovered cell.
pub(crate) fn hover_value_ui(
    ui: &mut egui::Ui,
    p: &Panels,
    stage: usize,
    hovered: Option<(usize, usize, usize)>,
) {
    let text = hovered
        .and_then(|(c, y, x)| {
            let maps = as_maps(p.ex.trace.get(stage)?);
            let v = maps.get((c, y, x)).copied()?;
            Some(fill(p.s.hover_value, &[&c, &y, &x, &format!("{v:.4}")]))
        })
        .unwrap_or_default();
    ui.label(text);
}

/// The maps going into a layer and coming out, at the same scale per cell.
fn before_after_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    scale_row_ui(ui, p, stage);
    let before = p.ex.before_stage(stage);
    let (c, h, w) =
        p.ex.trace
            .get(before)
            .map_or((1, 1, 1), |t| as_maps(t).dim());
    // Two grids side by side, each under its title, the hover readout below.
    let room = Vec2::new(
        ui.available_width() * 0.48,
        ui.available_height() - 2.0 * line_height(ui),
    );
    let (cols, cell) = fit_grid(room, c, (h, w), 8.0);
    let mut hovered = None;
    let mut grids = Vec::new();
    ui.horizontal_top(|ui| {
        for s in [before, stage] {
            ui.vertical(|ui| {
                let shape =
                    p.ex.trace
                        .get(s)
                        .map(|t| t.shape().to_string())
                        .unwrap_or_default();
                ui.label(format!("{} · {shape}", stage_title(p, s)));
                let out = maps_grid_ui(ui, p, s, cell, cols);
                if out.hovered.is_some() {
                    hovered = out.hovered.map(|h| (s, h));
                }
                grids.push((s, out));
            });
        }
    });
    if let Some((from, cell)) = hovered {
        let grids: Vec<(usize, &GridOut)> = grids.iter().map(|(s, g)| (*s, g)).collect();
        link_hover_ui(ui, p, &grids, from, cell);
    }
    if let Some((s, h)) = hovered {
        hover_value_ui(ui, p, s, Some(h));
    }
}

/// Outlines the hovered cell and, on the other grids, the cells it feeds or came from.
pub(crate) fn link_hover_ui(
    ui: &egui::Ui,
    p: &Panels,
    grids: &[(usize, &GridOut)],
    from: usize,
    (ch, y, x): (usize, usize, usize),
) {
    let cell = (x as i64, y as i64, x as i64 + 1, y as i64 + 1);
    for (stage, grid) in grids {
        if *stage == from {
            if let Some(r) = grid.cells_rect(ch, cell) {
                outline(ui, r, Color32::WHITE);
            }
            continue;
        }
        let Some(linked) = linked_cells(&p.ex.net, from, (ch, y, x), *stage) else {
            continue;
        };
        let channels = match linked.channel {
            Some(c) => c..c + 1,
            None => 0..grid.tiles.len(),
        };
        for c in channels {
            if let Some(r) = grid.cells_rect(c, linked.rect) {
                outline(ui, r, Color32::from_rgb(255, 60, 60));
            }
        }
    }
}

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
            ui.painter().image(
                tex.id(),
                rect,
                crate::app::widgets::maps::full_uv(),
                Color32::WHITE,
            );
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

/// The nearest stage with maps on the way into `stage` (following what each layer reads, so
/// in a graph too): the maps a flatten or dense layer's vector was made from.
pub(crate) fn maps_before(p: &Panels, stage: usize) -> Option<usize> {
    let mut s = stage;
    while s > 0 {
        s = p.ex.before_stage(s);
        if p.ex.trace.get(s)?.as_maps().is_some() {
            return Some(s);
        }
    }
    None
}

fn flatten_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
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
    ui.strong(format!("{}: {from} → {shape}", p.s.flattened));
    vector_rows_ui(ui, p, stage, None);
}

/// The keep-mask a dropout layer used for the current run, if dropout is on.
pub(crate) fn current_mask(p: &Panels, stage: usize) -> Option<Vec<bool>> {
    let d = p.ex.dropout;
    let layer = stage.checked_sub(1)?;
    let len = p.ex.trace.get(stage)?.shape().len();
    d.enabled.then(|| {
        dropout_mask(
            len,
            d.rate.clamp(0.0, 0.999),
            layer_dropout_seed(d.seed, layer),
        )
    })
}

fn dropout_stage_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
    fc_view::dropout_controls_ui(ui, p);
    let mask = current_mask(p, stage);
    if let Some(m) = &mask {
        let dropped = m.iter().filter(|k| !**k).count();
        ui.label(fill(p.s.dropped, &[&dropped, &m.len()]));
    }
    // The units as a grid, the dropped ones crossed out (a dropout after a hidden dense layer
    // has no maps to lay its vector over).
    crate::app::units_ui::units_grid_ui(ui, p, stage, mask.as_deref(), 24.0);
}
