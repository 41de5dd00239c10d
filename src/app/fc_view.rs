//! Fully-connected stages: each class's weights laid back over the maps, the logits, the
//! probabilities, dropout, and the training history.

use super::i18n::fill;
use super::maps_ui::{GAP, full_uv, legend_ui};
use super::stage_view::{parameter_share, vector_rows_ui};
use super::textures::TexKey;
use super::{Command, Panels};
use crate::analysis::argmax;
use crate::engine::Dense;
use crate::viz::{Scale, to_color_image};
use egui::{Color32, Vec2};
use egui_plot::{Bar, BarChart, Corner, Legend, Line, LineStyle, Plot, PlotPoints};

pub(crate) fn dense_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, dense: &Dense) {
    let s = p.s;
    ui.label(s.dense_tip);
    ui.label(fill(
        s.dense_summary,
        &[
            &dense.in_features(),
            &dense.out_features(),
            &dense.weight.len(),
            &dense.bias.as_ref().map_or(0, |b| b.len()),
        ],
    ));
    ui.label(parameter_share(p, dense.parameter_count()));
    dropout_controls_ui(ui, p);
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.strong(s.templates).on_hover_text(s.templates_tip);
            templates_ui(ui, p, stage, dense);
        });
        ui.separator();
        ui.vertical(|ui| {
            ui.strong(s.logits);
            logits_ui(ui, p, stage);
            if is_last_dense(p, stage) {
                ui.strong(s.probabilities)
                    .on_hover_text(s.probabilities_tip);
                probabilities_ui(ui, p);
            }
        });
    });
    history_ui(ui, p);
}

fn is_last_dense(p: &Panels, stage: usize) -> bool {
    let layers = p.ex.net.layers();
    !layers
        .iter()
        .skip(stage)
        .any(|l| matches!(l.kind, crate::engine::LayerKind::Dense(_)))
}

/// One row per class: its weights over each input channel, shaped like the maps before flatten.
fn templates_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, dense: &Dense) {
    let Some(maps) = p.ex.trace[..stage].iter().rev().find_map(|t| t.as_maps()) else {
        return;
    };
    let (c, h, w) = maps.dim();
    if c * h * w != dense.in_features() {
        return;
    }
    let scale = Scale::symmetric_quantile(dense.weight.iter(), 0.98);
    legend_ui(ui, &scale);
    let shown = c.min(16);
    let cell = (360.0 / (shown * w) as f32).clamp(1.0, 6.0).floor();
    let tile = Vec2::new(w as f32 * cell, h as f32 * cell);
    for class in 0..dense.out_features() {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = GAP / 2.0;
            ui.add_sized([28.0, tile.y], egui::Label::new(p.ex.net.label(class)));
            for channel in 0..shown {
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
                        to_color_image(plane.view(), &scale)
                    },
                );
                let (rect, _) = ui.allocate_exact_size(tile, egui::Sense::hover());
                ui.painter()
                    .image(tex.id(), rect, full_uv(), Color32::WHITE);
            }
        });
    }
}

fn logits_ui(ui: &mut egui::Ui, p: &Panels, stage: usize) {
    let Some(v) = p.ex.trace.get(stage).and_then(|t| t.as_vector()) else {
        return;
    };
    let values: Vec<f32> = v.to_vec();
    let top = argmax(&values);
    egui::Grid::new("logits").striped(true).show(ui, |ui| {
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
}

pub(crate) fn softmax_ui(ui: &mut egui::Ui, p: &mut Panels) {
    ui.label(p.s.softmax_tip);
    ui.strong(p.s.probabilities)
        .on_hover_text(p.s.probabilities_tip);
    probabilities_ui(ui, p);
    history_ui(ui, p);
}

/// The probabilities as bars, the top class highlighted; with dropout on, the bars without
/// dropout are drawn as outlines beside them.
pub(crate) fn probabilities_ui(ui: &mut egui::Ui, p: &Panels) {
    let probs = &p.ex.probabilities;
    if probs.is_empty() {
        ui.label(p.s.no_prediction_for(p.ex.was_cut()));
        return;
    }
    let top = argmax(probs);
    let base = Color32::from_rgb(90, 130, 200);
    let hot = Color32::from_rgb(240, 120, 40);
    let bars: Vec<Bar> = probs
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            Bar::new(i as f64, v as f64)
                .name(p.ex.net.label(i))
                .fill(if i == top { hot } else { base })
                .width(0.7)
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
    Plot::new("probabilities")
        .height(220.0)
        .width(ui.available_width().clamp(200.0, 520.0))
        .include_y(0.0)
        .include_y(1.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        // One mark per class, all of the same weight, so every bar gets its label.
        .x_grid_spacer(move |_| {
            (0..count)
                .map(|i| egui_plot::GridMark {
                    value: i as f64,
                    step_size: 10.0,
                })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(p.s.probabilities, bars));
            if let Some(r) = reference {
                plot.bar_chart(BarChart::new("no dropout", r));
            }
        });
}

pub(crate) fn dropout_controls_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    ui.group(|ui| {
        ui.strong(s.dropout);
        if !p.ex.has_dropout() {
            ui.label(s.dropout_none);
            return;
        }
        let mut d = p.ex.dropout;
        ui.horizontal(|ui| {
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
            let mask = super::stage_view::current_mask(p, stage);
            if let Some(m) = &mask {
                let dropped = m.iter().filter(|k| !**k).count();
                ui.label(fill(s.dropped, &[&dropped, &m.len()]));
            }
            vector_rows_ui(ui, p, stage, mask.as_deref());
        }
    });
}

/// (epoch, train accuracy, test accuracy) from the model's training history.
pub(crate) fn history(training: &serde_json::Value) -> Vec<(f64, Option<f64>, Option<f64>)> {
    training
        .get("history")
        .and_then(|h| h.as_array())
        .map(|rows| {
            rows.iter()
                .enumerate()
                .map(|(i, r)| {
                    let epoch = r
                        .get("epoch")
                        .and_then(|e| e.as_f64())
                        .unwrap_or(i as f64 + 1.0);
                    let get = |k: &str| r.get(k).and_then(|v| v.as_f64());
                    (epoch, get("train_accuracy"), get("test_accuracy"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A model's (train, test) accuracy curves as plot points.
fn curves(training: &serde_json::Value) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let mut train = Vec::new();
    let mut test = Vec::new();
    for (epoch, tr, te) in history(training) {
        train.extend(tr.map(|v| [epoch, v]));
        test.extend(te.map(|v| [epoch, v]));
    }
    (train, test)
}

const TRAIN_COLOUR: Color32 = Color32::from_rgb(214, 88, 88);
const TEST_COLOUR: Color32 = Color32::from_rgb(92, 142, 222);

fn history_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let (train, test) = curves(&p.ex.model.info.training);
    if train.is_empty() && test.is_empty() {
        return;
    }
    let s = p.s;
    let open_path = p.ex.model_path.as_deref();
    let others: Vec<_> = p
        .models
        .iter()
        .filter(|m| Some(m.path.as_path()) != open_path && !history(&m.training).is_empty())
        .collect();
    let compared = p
        .view
        .compare_history
        .as_deref()
        .and_then(|name| others.iter().find(|m| m.name == name));
    ui.horizontal(|ui| {
        ui.strong(s.history);
        if others.is_empty() {
            return;
        }
        ui.separator();
        let current = compared.map_or(s.compare_none, |m| m.name.as_str());
        let label = ui.label(s.compare_with);
        egui::ComboBox::from_id_salt("compare-history")
            .selected_text(current)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(compared.is_none(), s.compare_none)
                    .clicked()
                {
                    p.commands.push(Command::CompareHistory(None));
                }
                for m in &others {
                    let on = compared.is_some_and(|c| c.name == m.name);
                    if ui.selectable_label(on, &m.name).clicked() {
                        p.commands
                            .push(Command::CompareHistory(Some(m.name.clone())));
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(s.compare_tip);
    });
    let other = compared.map(|m| (m.name.clone(), curves(&m.training)));
    Plot::new("history")
        .height(200.0)
        .width(ui.available_width().clamp(200.0, 520.0))
        .legend(Legend::default().position(Corner::RightBottom))
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label(s.epoch)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(Line::new(s.train_acc, PlotPoints::from(train)).color(TRAIN_COLOUR));
            plot.line(Line::new(s.test_acc, PlotPoints::from(test)).color(TEST_COLOUR));
            if let Some((name, (train, test))) = other {
                let dashed = LineStyle::dashed_dense();
                let train_name = format!("{name}: {}", s.train_acc);
                let test_name = format!("{name}: {}", s.test_acc);
                plot.line(
                    Line::new(train_name, PlotPoints::from(train))
                        .color(TRAIN_COLOUR)
                        .style(dashed),
                );
                plot.line(
                    Line::new(test_name, PlotPoints::from(test))
                        .color(TEST_COLOUR)
                        .style(dashed),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::history;
    use serde_json::json;

    #[test]
    fn history_reads_epochs_and_skips_missing_values() {
        let t = json!({"history": [
            {"epoch": 1, "train_accuracy": 0.5, "test_accuracy": 0.4},
            {"epoch": 2, "train_accuracy": 0.9}
        ]});
        assert_eq!(
            history(&t),
            vec![(1.0, Some(0.5), Some(0.4)), (2.0, Some(0.9), None)]
        );
        assert!(history(&json!(null)).is_empty());
        assert!(history(&json!({"history": "x"})).is_empty());
    }
}
