//! Fully-connected stages: each class's weights laid back over the maps, the logits, the
//! probabilities, dropout, and the training history.

use super::common::{maps_before, parameter_share};
use super::dropout::dropout_controls_ui;
use super::history::history_ui;
use super::units::units_grid_ui;
use super::unlike::{unlike_box_ui, unlike_line_ui};
use crate::analysis::argmax;
use crate::app::explorer::explain::view::{bar_clicked, chosen_band, explained_bar};
use crate::app::i18n::{fill, grouped};
use crate::app::shell::keys::no_labels_hint;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{GAP, full_uv, legend_ui, line_height, min_cell, stage_view};
use crate::app::widgets::plot_axis::one_mark_per_bar;
use crate::app::widgets::textures::{ScaleKey, TexKey};
use crate::app::widgets::view_rects::{AXES_ROOM, MIN_CHART, Sizes, record, record_rect};
use crate::engine::Dense;
use crate::lesson::{StagePart, ViewId};
use crate::viz::{Scale, plane_image};
use egui::{Color32, Vec2};
use egui_plot::{Bar, BarChart, Plot};

pub(crate) fn dense_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, dense: &Dense) {
    let s = p.s;
    ui.label(s.dense_tip);
    ui.label(fill(
        s.dense_summary,
        &[
            &grouped(dense.in_features()),
            &grouped(dense.out_features()),
            &grouped(dense.weight.len()),
            &grouped(dense.bias.as_ref().map_or(0, |b| b.len())),
        ],
    ));
    ui.label(parameter_share(p, dense.parameter_count()));
    let weights = stage_view(p, stage, StagePart::Weights);
    let bars = stage_view(p, stage, StagePart::Bars);
    // A lesson step that names none of them folds the dropout controls and the history away.
    if !p.view.folds(&[ViewId::Dropout]) {
        dropout_controls_ui(ui, p);
    }
    if ends_in_classes(p, stage, dense) {
        no_labels_ui(ui, p);
        // The class templates give their room to the bars a lesson step names.
        let templates = !p.view.focus(&bars) || p.view.named(&weights);
        ui.horizontal_top(|ui| {
            if templates && templates_fit(p, stage, dense) {
                ui.vertical(|ui| {
                    ui.strong(s.templates).on_hover_text(s.templates_tip);
                    let rows = class_rows(ui, p, stage, dense.out_features());
                    if rows.len() < dense.out_features() {
                        ui.label(fill(
                            s.templates_top,
                            &[&rows.len(), &grouped(dense.out_features())],
                        ));
                    }
                    templates_ui(ui, p, stage, dense, &rows, |p, class| p.ex.net.label(class));
                });
                ui.separator();
            }
            // The logits beside the probabilities (not above them), so that the chart and
            // its axis stay on screen; named by a lesson step, the chart keeps its room first.
            let chart = (MIN_CHART + AXES_ROOM).x;
            if !p.view.focus(&bars) || ui.available_width() >= LOGITS_WIDTH + chart {
                ui.vertical(|ui| {
                    ui.strong(s.logits);
                    logits_ui(ui, p, stage);
                });
            }
            ui.vertical(|ui| {
                ui.strong(s.probabilities)
                    .on_hover_text(s.probabilities_tip);
                unlike_line_ui(ui, p);
                probabilities_ui(ui, p, stage_view(p, stage, StagePart::Bars));
            });
        });
    } else {
        hidden_units_ui(ui, p, stage, dense);
    }
    if !p.view.folds(&[ViewId::History]) {
        history_ui(ui, p);
    }
}

/// The classes whose weights are drawn: all of them, in order, when they fit the height left
/// (a row per class); else as many as fit, the highest-scoring first (a 1000-class network).
fn class_rows(ui: &egui::Ui, p: &Panels, stage: usize, classes: usize) -> Vec<usize> {
    let fit = rows_that_fit(ui, 3.0);
    if classes <= fit {
        return (0..classes).collect();
    }
    let mut rows = highest_first(p, stage, classes);
    rows.truncate(fit);
    rows
}

/// How many rows of one line each fit the height left below `reserved` lines (at least one).
fn rows_that_fit(ui: &egui::Ui, reserved: f32) -> usize {
    let row = line_height(ui);
    ((ui.available_height() - reserved * row) / row)
        .floor()
        .max(1.0) as usize
}

/// Outputs `0..count` of stage `stage`, the highest value first.
fn highest_first(p: &Panels, stage: usize, count: usize) -> Vec<usize> {
    let values: Vec<f32> =
        p.ex.trace
            .get(stage)
            .and_then(|t| t.as_vector())
            .map(|v| v.to_vec())
            .unwrap_or_default();
    let value = |i: usize| values.get(i).copied().unwrap_or(f32::NEG_INFINITY);
    let mut rows: Vec<usize> = (0..count).collect();
    rows.sort_by(|&a, &b| value(b).total_cmp(&value(a)));
    rows
}

/// How many of a hidden layer's units get their weights drawn as templates: the most active.
const TEMPLATE_UNITS: usize = 12;

/// A hidden dense layer: its units' values as a grid, and (where its input is the flattened
/// maps) the weights of its most active units laid back over the maps.
fn hidden_units_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, dense: &Dense) {
    let s = p.s;
    let units = stage_view(p, stage, StagePart::Maps);
    let weights = stage_view(p, stage, StagePart::Weights);
    // A lesson step that names the weights and not the units gives the units' room to them.
    let show_units = !p.view.focus(&weights) || p.view.named(&units);
    ui.horizontal_top(|ui| {
        if show_units {
            ui.vertical(|ui| {
                ui.strong(fill(s.hidden_units, &[&grouped(dense.out_features())]))
                    .on_hover_text(s.hidden_units_tip);
                units_grid_ui(ui, p, stage, None, 16.0, Some(units.clone()));
            });
        }
        if !templates_fit(p, stage, dense) {
            return;
        }
        if show_units {
            ui.separator();
        }
        ui.vertical(|ui| {
            let mut rows = highest_first(p, stage, dense.out_features());
            // As many as fit the height left (one row per unit), at most TEMPLATE_UNITS.
            rows.truncate(TEMPLATE_UNITS.min(rows_that_fit(ui, 2.0)));
            ui.strong(fill(s.unit_templates, &[&rows.len()]))
                .on_hover_text(s.unit_templates_tip);
            templates_ui(ui, p, stage, dense, &rows, |p, unit| {
                fill(p.s.unit_name, &[&unit])
            });
        });
    });
}

/// Whether this dense layer gives the classes: it is the last dense layer and has one output
/// per label, or (a model without labels, its classes shown by number) the network ends in
/// classes. Any other dense layer is hidden, however many outputs it has.
fn ends_in_classes(p: &Panels, stage: usize, dense: &Dense) -> bool {
    let labels = p.ex.net.info.labels.len();
    is_last_dense(p, stage)
        && (dense.out_features() == labels || (labels == 0 && p.ex.net.ends_in_classes()))
}

fn is_last_dense(p: &Panels, stage: usize) -> bool {
    let layers = p.ex.net.layers();
    !layers
        .iter()
        .skip(stage)
        .any(|l| matches!(l.kind, crate::engine::LayerKind::Dense(_)))
}

/// The maps this dense layer's input was flattened from, if it was: (channels, height, width).
fn flattened_from(p: &Panels, stage: usize, dense: &Dense) -> Option<(usize, usize, usize)> {
    // Only when every layer between the maps and this one keeps the vector as it is (flatten),
    // not through another dense layer.
    let layers = p.ex.net.layers();
    let before = layers.get(..stage.checked_sub(1)?)?;
    let last_maps = maps_before(p, stage)?;
    if before
        .iter()
        .skip(last_maps)
        .any(|l| matches!(l.kind, crate::engine::LayerKind::Dense(_)))
    {
        return None;
    }
    let (c, h, w) = p.ex.trace.get(last_maps)?.as_maps()?.dim();
    (c * h * w == dense.in_features()).then_some((c, h, w))
}

fn templates_fit(p: &Panels, stage: usize, dense: &Dense) -> bool {
    flattened_from(p, stage, dense).is_some()
}

/// One row per output in `rows` (a class, or a hidden unit): its weights over each input
/// channel, shaped like the maps before flatten. Nothing when the input was not those maps.
fn templates_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    stage: usize,
    dense: &Dense,
    rows: &[usize],
    name: impl Fn(&Panels, usize) -> String,
) {
    let Some((c, h, w)) = flattened_from(p, stage, dense) else {
        return;
    };
    let scale = p.tex.scale(ScaleKey::Weights(stage), || {
        Scale::symmetric_quantile(dense.weight.iter(), 0.98)
    });
    legend_ui(ui, &scale);
    let shown = c.min(16);
    let view = stage_view(p, stage, StagePart::Weights);
    let (cell, per_line, rows) = if p.view.focus(&view) {
        focus_template_layout(ui, shown, (h, w), rows)
    } else {
        // Every row within the height left (a row is at least a line of text high).
        let per_row =
            ui.available_height() / rows.len().max(1) as f32 - ui.spacing().item_spacing.y;
        // At most 360 points wide, and less when the logits and the chart beside need the room.
        let width = 360.0f32.min(ui.available_width() * 0.45 - 60.0).max(40.0);
        let cell = (width / (shown * w) as f32)
            .min(per_row / h.max(1) as f32)
            .clamp(1.0, 6.0)
            .floor();
        (cell, shown, rows)
    };
    let tile = Vec2::new(w as f32 * cell, h as f32 * cell);
    for &class in rows {
        for first in (0..shown).step_by(per_line.max(1)) {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = GAP / 2.0;
                let label = if first == 0 {
                    name(p, class)
                } else {
                    String::new()
                };
                ui.add_sized([NAME_WIDTH, tile.y], egui::Label::new(label));
                for channel in first..(first + per_line).min(shown) {
                    let (rect, _) = ui.allocate_exact_size(tile, egui::Sense::hover());
                    if !ui.is_rect_visible(rect) {
                        continue;
                    }
                    let tex = p.tex.get(
                        ui.ctx(),
                        TexKey::Template {
                            stage,
                            class,
                            channel,
                        },
                        || {
                            let plane = ndarray::Array2::from_shape_fn((h, w), |(y, x)| {
                                dense.weight[[class, channel * h * w + y * w + x]]
                            });
                            plane_image(plane.view(), &scale)
                        },
                    );
                    ui.painter()
                        .image(tex.id(), rect, full_uv(), Color32::WHITE);
                    record(
                        ui,
                        view.clone(),
                        rect,
                        Sizes::maps(cell, tile.x.min(tile.y)),
                    );
                }
            });
        }
    }
}

/// About the width the logits' column takes beside the probabilities.
const LOGITS_WIDTH: f32 = 160.0;

/// The room a template row's name takes before its images.
const NAME_WIDTH: f32 = 56.0;

/// Templates named by a lesson step: the cell is the least the layout contract allows (or
/// more, up to 8 px, where the width and height give it), the channels wrap onto as many lines
/// as the width needs, and only the rows that fit the height are drawn (at least one).
fn focus_template_layout<'a>(
    ui: &egui::Ui,
    shown: usize,
    (h, w): (usize, usize),
    rows: &'a [usize],
) -> (f32, usize, &'a [usize]) {
    let least = min_cell(ui, (h, w));
    let ppp = ui.ctx().pixels_per_point();
    let width = ui.available_width() - NAME_WIDTH - GAP;
    let per_line = |cell: f32| {
        (((width + GAP / 2.0) / (w as f32 * cell + GAP / 2.0)) as usize).clamp(1, shown.max(1))
    };
    let lines_per_row = |cell: f32| shown.div_ceil(per_line(cell)) as f32;
    let spacing = ui.spacing().item_spacing.y;
    let height = ui.available_height();
    // The largest whole-pixel cell that still shows every row in the height.
    let mut cell = least;
    let mut px = (least * ppp).round() + 1.0;
    while px <= 8.0 * ppp {
        let c = px / ppp;
        let row = lines_per_row(c) * (h as f32 * c + spacing);
        if row * rows.len() as f32 > height {
            break;
        }
        cell = c;
        px += 1.0;
    }
    let row = lines_per_row(cell) * (h as f32 * cell + spacing);
    let fit = ((height / row).floor() as usize).clamp(1, rows.len().max(1));
    (cell, per_line(cell), &rows[..fit.min(rows.len())])
}

fn logits_ui(ui: &mut egui::Ui, p: &Panels, stage: usize) {
    let Some(v) = p.ex.trace.get(stage).and_then(|t| t.as_vector()) else {
        return;
    };
    let values: Vec<f32> = v.to_vec();
    let top = argmax(&values);
    let grid = egui::Grid::new("logits").striped(true).show(ui, |ui| {
        for (i, x) in values.iter().enumerate().take(64) {
            let label = p.ex.net.label(i);
            if i == top {
                ui.strong(label);
                ui.strong(format!("{x:+.3}"));
            } else {
                ui.label(label);
                ui.label(format!("{x:+.3}"));
            }
            ui.end_row();
        }
    });
    record_rect(
        ui,
        stage_view(p, stage, StagePart::Bars),
        grid.response.rect,
    );
}

/// Where classes are shown by number (the model has no names for them): how to add names.
pub(crate) fn no_labels_ui(ui: &mut egui::Ui, p: &Panels) {
    if p.ex.net.info.labels.is_empty() && !p.ex.probabilities.is_empty() {
        ui.label(egui::RichText::new(no_labels_hint(p.s)).weak());
    }
}

pub(crate) fn softmax_ui(ui: &mut egui::Ui, p: &mut Panels) {
    ui.label(p.s.softmax_tip);
    unlike_box_ui(ui, p);
    let bars = stage_view(p, p.ex.stage, StagePart::Bars);
    // A lesson step that names the learning curves and not the bars gives them the room.
    if !p.view.focus(&ViewId::History) || p.view.named(&bars) {
        ui.strong(p.s.probabilities)
            .on_hover_text(p.s.probabilities_tip);
        no_labels_ui(ui, p);
        probabilities_ui(ui, p, bars);
    }
    if !p.view.folds(&[ViewId::History]) {
        history_ui(ui, p);
    }
}

/// The probabilities as bars, the top class highlighted; with dropout on, the bars without
/// dropout are drawn as outlines beside them.
pub(crate) fn probabilities_ui(ui: &mut egui::Ui, p: &mut Panels, view: ViewId) {
    let probs = &p.ex.probabilities;
    if probs.is_empty() {
        ui.label(p.s.no_prediction_for(p.ex.was_cut(), p.ex.unnamed_scores()));
        return;
    }
    let top = argmax(probs);
    let base = Color32::from_rgb(90, 130, 200);
    let hot = Color32::from_rgb(240, 120, 40);
    let bars: Vec<Bar> = probs
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let bar = Bar::new(i as f64, v as f64)
                .name(p.ex.net.label(i))
                .fill(if i == top { hot } else { base })
                .width(0.7);
            explained_bar(p, i, bar)
        })
        .collect();
    let labels: Vec<String> = (0..probs.len()).map(|i| p.ex.net.label(i)).collect();
    let count = probs.len();
    let reference = p.ex.dropout.enabled.then(|| {
        p.ex.probabilities_no_dropout
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                Bar::new(i as f64 + 0.3, v as f64)
                    .width(0.25)
                    .fill(Color32::GRAY)
            })
            .collect::<Vec<_>>()
    });
    // Wide enough that each class's name fits under its bar ("square" and "triangle" ran
    // into one word), within the room there is.
    let widest_label = labels
        .iter()
        .map(|l| {
            let font = egui::TextStyle::Body.resolve(ui.style());
            ui.painter()
                .layout_no_wrap(l.clone(), font, Color32::WHITE)
                .size()
                .x
        })
        .fold(0.0, f32::max);
    let needed = PLOT_AXIS_ROOM + count as f32 * (widest_label + LABEL_GAP) * 1.1;
    // Up to 220 points high, within the height left (a line kept for what follows); named by a
    // lesson step, at least the contract's chart.
    let room = ui.available_height() - 2.0 * line_height(ui);
    let (height, width) = if p.view.focus(&view) {
        let least = MIN_CHART + AXES_ROOM;
        (
            room.clamp(least.y, 400.0),
            ui.available_width().min(needed.max(640.0)).max(least.x),
        )
    } else {
        (
            room.clamp(100.0, 220.0),
            ui.available_width().min(needed.max(520.0)).max(160.0),
        )
    };
    let labels_fit = needed <= width;
    // Where the names cannot fit, the bars are numbered and the names listed below.
    let names = labels.clone();
    let labels: Vec<String> = match labels_fit {
        true => labels,
        false => (0..count).map(|i| i.to_string()).collect(),
    };
    let shown = Plot::new("probabilities")
        .height(height)
        .width(width)
        .include_y(0.0)
        .include_y(1.0)
        // Room above a full bar for the value egui_plot writes over the hovered one.
        .set_margin_fraction(egui::vec2(0.05, 0.12))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_grid_spacer(one_mark_per_bar(count))
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            if let Some(band) = chosen_band(p) {
                plot.bar_chart(band);
            }
            plot.bar_chart(BarChart::new(p.s.probabilities, bars));
            if let Some(r) = reference {
                plot.bar_chart(BarChart::new("no dropout", r));
            }
        });
    let rect = shown.response.rect;
    record(ui, view, rect, Sizes::chart(rect.size()));
    if shown.response.clicked()
        && let Some(pos) = shown.response.interact_pointer_pos()
    {
        let x = shown.transform.value_from_position(pos).x.round();
        if x >= 0.0 && (x as usize) < count {
            bar_clicked(p, x as usize);
        }
    }
    if !labels_fit {
        let key: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{i} {n}"))
            .collect();
        ui.add(egui::Label::new(egui::RichText::new(key.join(" · ")).small()).wrap());
    }
}

/// What the plot's y axis and margins take of its width, in points.
const PLOT_AXIS_ROOM: f32 = 48.0;
/// The least space between two class names under the bars, in points.
const LABEL_GAP: f32 = 8.0;
