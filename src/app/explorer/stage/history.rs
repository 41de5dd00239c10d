//! The training history stored in a model file: accuracy and loss per epoch, optionally beside
//! another sample model's (dashed). The accuracy axis zooms to where the curves are, so the
//! gap between training and test accuracy (what over-fitting looks like) is visible.

use crate::app::i18n::Strings;
use crate::app::input::samples::SampleModel;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::line_height;
use crate::app::widgets::plot_axis::readable_x_axis;
use crate::app::widgets::plot_legend::{Dash, key_ui};
use crate::app::widgets::view_rects::{AXES_ROOM, MIN_CHART, Sizes, record};
use crate::lesson::ViewId;
use egui::{Color32, Id};
use egui_plot::{Line, Plot, PlotPoints};

/// One epoch of a model's training record; any value may be missing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Epoch {
    pub epoch: f64,
    pub train_accuracy: Option<f64>,
    pub test_accuracy: Option<f64>,
    pub train_loss: Option<f64>,
    pub test_loss: Option<f64>,
}

/// The epochs of a model's `training.history` (empty when there is none).
pub(crate) fn history(training: &serde_json::Value) -> Vec<Epoch> {
    training
        .get("history")
        .and_then(|h| h.as_array())
        .map(|rows| {
            rows.iter()
                .enumerate()
                .map(|(i, r)| {
                    let get = |k: &str| r.get(k).and_then(|v| v.as_f64()).filter(|v| v.is_finite());
                    Epoch {
                        epoch: get("epoch").unwrap_or(i as f64 + 1.0),
                        train_accuracy: get("train_accuracy"),
                        // A run that held a validation split out measured that each epoch.
                        test_accuracy: get("test_accuracy").or(get("validation_accuracy")),
                        train_loss: get("train_loss"),
                        test_loss: get("test_loss"),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A model's curves as plot points: (train, test) accuracy and (train, test) loss.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Curves {
    pub train_accuracy: Vec<[f64; 2]>,
    pub test_accuracy: Vec<[f64; 2]>,
    pub train_loss: Vec<[f64; 2]>,
    pub test_loss: Vec<[f64; 2]>,
    /// The held-out curve is on a validation split of the training images, not the test set.
    pub validation: bool,
}

impl Curves {
    pub(crate) fn of(training: &serde_json::Value) -> Curves {
        let mut c = Curves {
            validation: training.get("validation_size").is_some(),
            ..Curves::default()
        };
        for e in history(training) {
            let x = e.epoch;
            c.train_accuracy.extend(e.train_accuracy.map(|v| [x, v]));
            c.test_accuracy.extend(e.test_accuracy.map(|v| [x, v]));
            c.train_loss.extend(e.train_loss.map(|v| [x, v]));
            c.test_loss.extend(e.test_loss.map(|v| [x, v]));
        }
        c
    }

    /// What the held-out accuracy curve is called: validation or test accuracy.
    fn held_out_name(&self, s: &'static Strings) -> &'static str {
        if self.validation {
            s.validation_acc
        } else {
            s.test_acc
        }
    }

    fn has_loss(&self) -> bool {
        !self.train_loss.is_empty() || !self.test_loss.is_empty()
    }

    fn is_empty(&self) -> bool {
        self.train_accuracy.is_empty() && self.test_accuracy.is_empty() && !self.has_loss()
    }
}

/// The accuracy range the zoomed plot shows: every accuracy after the first tenth of each
/// model's epochs (where the curves are still climbing from chance), padded a little and kept
/// within 0..=1. None when there is no accuracy at all.
pub(crate) fn zoomed_range(curves: &[&Curves]) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for c in curves {
        for series in [&c.train_accuracy, &c.test_accuracy] {
            let skip = series.len() / 10;
            for p in series.iter().skip(skip) {
                lo = lo.min(p[1]);
                hi = hi.max(p[1]);
            }
        }
    }
    if !lo.is_finite() {
        return None;
    }
    let pad = ((hi - lo) * 0.1).max(0.01);
    Some(((lo - pad).max(0.0), (hi + pad).min(1.0)))
}

pub(crate) const TRAIN_COLOUR: Color32 = Color32::from_rgb(214, 88, 88);
pub(crate) const TEST_COLOUR: Color32 = Color32::from_rgb(92, 142, 222);

/// The ids of the two plots, so tests can read their bounds from egui's memory.
pub(crate) const ACCURACY_PLOT: &str = "training-history-accuracy";
pub(crate) const LOSS_PLOT: &str = "training-history-loss";

/// Below this many points of height left, the history is a closed header to open, not plots
/// squeezed flat or pushed below the window.
const MIN_PLOTS_HEIGHT: f32 = 150.0;

pub(crate) fn history_ui(ui: &mut egui::Ui, p: &mut Panels) {
    if Curves::of(&p.ex.model.info.training).is_empty() {
        return;
    }
    let room = ui.available_height();
    if p.view.focus(&ViewId::History) || room >= MIN_PLOTS_HEIGHT + 3.0 * line_height(ui) {
        history_plots_ui(ui, p);
    } else {
        egui::CollapsingHeader::new(p.s.history)
            .id_salt("training-history-closed")
            .default_open(false)
            .show(ui, |ui| history_plots_ui(ui, p));
    }
}

/// Where the zoomed / full-scale choice is kept.
fn full_scale_id() -> Id {
    Id::unique("training-history-full-scale")
}

/// The accuracy axis zoomed to the curves again (a lesson step shows it so).
pub(crate) fn reset_zoom(ctx: &egui::Context) {
    ctx.data_mut(|d| d.remove::<bool>(full_scale_id()));
}

fn history_plots_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let mine = Curves::of(&p.ex.model.info.training);
    let s = p.s;
    let open_path = p.ex.model_path.as_deref();
    let others: Vec<&SampleModel> = p
        .models
        .iter()
        .filter(|m| Some(m.path.as_path()) != open_path && !history(&m.training).is_empty())
        .collect();
    let compared = p
        .view
        .compare_history
        .as_deref()
        .and_then(|name| others.iter().copied().find(|m| m.name == name));
    let full_id = full_scale_id();
    let mut full = ui.data(|d| d.get_temp::<bool>(full_id).unwrap_or(false));
    let focus = p.view.focus(&ViewId::History);
    if focus {
        // Named by a lesson step, which sets what is compared: the title, and the height to
        // the curves.
        ui.strong(s.history);
    } else {
        header_ui(ui, p, &mut full, &others, compared);
    }
    ui.data_mut(|d| d.insert_temp(full_id, full));
    let other = compared.map(|m| (m.name.clone(), Curves::of(&m.training)));
    let mut lines: Vec<(Option<String>, &Curves)> = vec![(None, &mine)];
    if let Some((name, curves)) = &other {
        lines.push((Some(name.clone()), curves));
    }
    // Named by a lesson step, the key goes inside the charts: the height is theirs.
    if !focus {
        keys_ui(ui, s, &lines);
    }
    let all: Vec<&Curves> = lines.iter().map(|(_, c)| *c).collect();
    let range = if full {
        Some((0.0, 1.0))
    } else {
        zoomed_range(&all)
    };
    plots_ui(ui, s, &lines, range, focus);
}

/// The title, the zoomed / full-scale switch and the model compared.
fn header_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    full: &mut bool,
    others: &[&SampleModel],
    compared: Option<&SampleModel>,
) {
    let s = p.s;
    ui.horizontal(|ui| {
        ui.strong(s.history);
        ui.separator();
        ui.selectable_value(full, false, s.history_zoomed)
            .on_hover_text(s.history_zoom_tip);
        ui.selectable_value(full, true, s.history_full)
            .on_hover_text(s.history_zoom_tip);
        if !others.is_empty() {
            ui.separator();
            compare_ui(ui, p, others, compared);
        }
    });
}

/// The sample model whose curves are drawn beside the open model's (dashed), or none.
fn compare_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    others: &[&SampleModel],
    compared: Option<&SampleModel>,
) {
    let s = p.s;
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
            for m in others {
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
}

/// The legend: beside the plots, where it covers nothing, saying which lines are dashed.
fn keys_ui(ui: &mut egui::Ui, s: &'static Strings, lines: &[(Option<String>, &Curves)]) {
    ui.horizontal_wrapped(|ui| {
        for (name, curves) in lines {
            let dash = if name.is_some() {
                Dash::Dashed
            } else {
                Dash::Solid
            };
            for (series, colour, what) in [
                (&curves.train_accuracy, TRAIN_COLOUR, s.train_acc),
                (&curves.test_accuracy, TEST_COLOUR, curves.held_out_name(s)),
                (&curves.train_loss, TRAIN_COLOUR, s.train_loss),
                (&curves.test_loss, TEST_COLOUR, s.test_loss),
            ] {
                if !series.is_empty() {
                    key_ui(ui, colour, dash, 2.0, &curve_name(name, what));
                }
            }
        }
    });
}

/// Accuracy (over `range`, when given) and loss against the epoch, side by side.
fn plots_ui(
    ui: &mut egui::Ui,
    s: &'static Strings,
    lines: &[(Option<String>, &Curves)],
    range: Option<(f64, f64)>,
    focus: bool,
) {
    let gap = 16.0;
    let mut plot_width = ((ui.available_width() - gap) / 2.0).clamp(180.0, 420.0);
    // The plots take the height left on screen (never spilling below it), 120 to 190 points
    // (opened from its closed header, they may need a scroll).
    let mut plot_height = (ui.available_height() - ui.spacing().item_spacing.y).clamp(120.0, 190.0);
    // Named by a lesson step: charts of at least the contract's size; the loss beside the
    // accuracy only where both fit at that size.
    let mut with_loss = lines.iter().any(|(_, c)| c.has_loss());
    if focus {
        let least = MIN_CHART + AXES_ROOM;
        let half = (ui.available_width() - gap) / 2.0;
        with_loss &= half >= least.x;
        let width = if with_loss {
            half
        } else {
            ui.available_width()
        };
        plot_width = width.clamp(least.x, 640.0);
        plot_height = (ui.available_height() - ui.spacing().item_spacing.y).clamp(least.y, 400.0);
    }
    ui.horizontal_top(|ui| {
        let mut plot = Plot::new(ACCURACY_PLOT)
            .id(Id::unique(ACCURACY_PLOT))
            .height(plot_height)
            .width(plot_width)
            .custom_x_axes(vec![readable_x_axis(s.epoch)])
            .y_axis_label(s.accuracy)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false);
        // A new range (0-1 / zoomed, another model compared) replaces the remembered bounds.
        let range_id = Id::unique("training-history-range");
        if ui.data(|d| d.get_temp::<Option<(f64, f64)>>(range_id)) != Some(range) {
            plot = plot.reset();
            ui.data_mut(|d| d.insert_temp(range_id, range));
        }
        if focus {
            plot =
                plot.legend(egui_plot::Legend::default().position(egui_plot::Corner::RightBottom));
        }
        if let Some((lo, hi)) = range {
            plot = plot
                .include_y(lo)
                .include_y(hi)
                .auto_bounds([true, false])
                .default_y_bounds(lo, hi);
        }
        let shown = plot.show(ui, |plot| {
            curves_ui(plot, lines, |c| {
                [
                    (&c.train_accuracy, TRAIN_COLOUR, s.train_acc),
                    (&c.test_accuracy, TEST_COLOUR, c.held_out_name(s)),
                ]
            })
        });
        let rect = shown.response.rect;
        record(ui, ViewId::History, rect, Sizes::chart(rect.size()));
        if with_loss {
            Plot::new(LOSS_PLOT)
                .id(Id::unique(LOSS_PLOT))
                .height(plot_height)
                .width(plot_width)
                .include_y(0.0)
                .custom_x_axes(vec![readable_x_axis(s.epoch)])
                .y_axis_label(s.loss)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .show(ui, |plot| {
                    curves_ui(plot, lines, |c| {
                        [
                            (&c.train_loss, TRAIN_COLOUR, s.train_loss),
                            (&c.test_loss, TEST_COLOUR, s.test_loss),
                        ]
                    })
                });
        }
    });
}

/// A curve's name in the legend: the compared model's name before it.
fn curve_name(model: &Option<String>, what: &str) -> String {
    match model {
        Some(n) => format!("{n}: {what}"),
        None => what.to_string(),
    }
}

/// The open model's curves solid and the compared model's dashed: the two series `pick`
/// chooses from each (accuracy or loss, train and test) with their colours and names.
fn curves_ui<'a>(
    plot: &mut egui_plot::PlotUi<'_>,
    lines: &[(Option<String>, &'a Curves)],
    pick: impl Fn(&'a Curves) -> [(&'a Vec<[f64; 2]>, Color32, &'a str); 2],
) {
    for (model, curves) in lines {
        let style = if model.is_some() {
            Dash::Dashed
        } else {
            Dash::Solid
        }
        .line_style();
        for (series, colour, what) in pick(curves) {
            plot.line(
                Line::new(curve_name(model, what), PlotPoints::from(series.clone()))
                    .color(colour)
                    .width(2.0)
                    .style(style),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn history_reads_epochs_losses_and_skips_missing_values() {
        let t = json!({"history": [
            {"epoch": 1, "train_accuracy": 0.5, "test_accuracy": 0.4, "train_loss": 2.0},
            {"epoch": 2, "train_accuracy": 0.9}
        ]});
        let h = history(&t);
        assert_eq!(h.len(), 2);
        assert_eq!(
            (h[0].epoch, h[0].train_accuracy, h[0].test_accuracy),
            (1.0, Some(0.5), Some(0.4))
        );
        assert_eq!((h[0].train_loss, h[0].test_loss), (Some(2.0), None));
        assert_eq!((h[1].train_accuracy, h[1].test_accuracy), (Some(0.9), None));
        assert!(history(&json!(null)).is_empty());
        assert!(history(&json!({"history": "x"})).is_empty());
    }

    #[test]
    fn a_validation_run_plots_its_held_out_curve_as_validation_accuracy() {
        let t = json!({"validation_size": 1000, "history": [
            {"epoch": 1, "train_accuracy": 0.5, "validation_accuracy": 0.45},
        ]});
        let c = Curves::of(&t);
        assert!(c.validation);
        assert_eq!(c.test_accuracy, vec![[1.0, 0.45]]);
        assert_eq!(
            c.held_out_name(*crate::app::i18n::EN),
            "validation accuracy"
        );
        let plain = Curves::of(&json!({"history": [{"epoch": 1, "test_accuracy": 0.4}]}));
        assert!(!plain.validation);
        assert_eq!(plain.held_out_name(*crate::app::i18n::EN), "test accuracy");
    }

    #[test]
    fn the_zoomed_range_leaves_out_the_first_tenth_of_the_epochs() {
        // 20 epochs: training climbs from 0.2 to 1.0 by epoch 3, test settles at 0.9.
        let rows: Vec<_> = (1..=20)
            .map(|e| {
                let train = if e < 3 { 0.2 } else { 1.0 };
                json!({"epoch": e, "train_accuracy": train, "test_accuracy": 0.9})
            })
            .collect();
        let c = Curves::of(&json!({ "history": rows }));
        let (lo, hi) = zoomed_range(&[&c]).expect("a range");
        // Epochs 1-2 (the first tenth) are left out: 0.9..1.0 padded by 0.01.
        assert!((lo - 0.89).abs() < 1e-9, "{lo}");
        assert!((hi - 1.0).abs() < 1e-9, "{hi}");
        assert_eq!(zoomed_range(&[&Curves::default()]), None);
    }
}
