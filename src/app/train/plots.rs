//! The Train tab's learning curves: accuracy and loss against the epoch for the current run
//! and the earlier ones on the same axes, one colour per run, with a legend beside the plots
//! that gives each run's settings (its colour and label are made here for the whole tab).

use super::protocol::EpochPoint;
use super::run::Run;
use super::settings::DataChoice;
use crate::app::i18n::{Strings, fill};
use crate::app::widgets::plot_legend::{Dash, key_ui};
use crate::app::widgets::view_rects::{Sizes, record};
use crate::lesson::ViewId;
use egui::{Color32, Id, Vec2};
use egui_plot::{Line, Plot, PlotPoints};

/// The colour of run number `n`, the same on every plot and in the legend.
pub(crate) fn run_colour(n: usize) -> Color32 {
    const PALETTE: [Color32; 6] = [
        Color32::from_rgb(31, 119, 180),
        Color32::from_rgb(255, 127, 14),
        Color32::from_rgb(44, 160, 44),
        Color32::from_rgb(214, 39, 40),
        Color32::from_rgb(148, 103, 189),
        Color32::from_rgb(140, 86, 75),
    ];
    PALETTE[n % PALETTE.len()]
}

pub(crate) fn data_name(s: &Strings, d: DataChoice) -> &'static str {
    match d {
        DataChoice::Mnist => s.data_mnist,
        DataChoice::Fashion => s.data_fashion,
        DataChoice::Shapes => s.data_shapes,
        DataChoice::Speech => s.data_speech,
    }
}

/// A run's settings in one line, for the legend.
pub(crate) fn run_label(s: &Strings, run: &Run) -> String {
    let t = &run.settings;
    let mut parts = vec![
        format!("#{} {}", run.number, run.arch_name),
        format!("{} {}", data_name(s, t.data), t.train_size),
        t.pool.map_or(s.as_arch, |m| s.pool_mode(m)).to_string(),
    ];
    if let Some(p) = t.dropout {
        parts.push(format!("{} {p:.2}", s.dropout));
    }
    if t.weight_decay > 0.0 {
        parts.push(format!("{} {}", s.weight_decay, t.weight_decay));
    }
    if !t.augment.is_none() {
        parts.push(format!(
            "{} ±{} / {}",
            s.augment, t.augment.shift, t.augment.noise
        ));
    }
    if t.data == DataChoice::Speech && t.synthetic_voices {
        parts.push(s.train_voices_add.to_string());
    }
    if t.data == DataChoice::Speech && !t.voice.is_none() {
        parts.push(s.vary_voice.to_string());
    }
    parts.push(format!("{} {}", s.learning_rate, t.lr));
    parts.push(format!("{} {}", s.train_batch, t.batch));
    parts.push(format!("{} {}", s.train_seed, t.seed));
    parts.join(" · ")
}

/// A run's settings in few words, for a lesson's legend: what its runs differ in (the data's
/// size, the regularisers, the seed); the architecture and the optimiser are the lesson's.
fn short_label(s: &Strings, run: &Run) -> String {
    let t = &run.settings;
    let mut parts = vec![
        format!("#{}", run.number),
        format!("{} {}", data_name(s, t.data), t.train_size),
    ];
    if let Some(p) = t.dropout {
        parts.push(format!("{} {p:.2}", s.dropout));
    }
    if t.weight_decay > 0.0 {
        parts.push(format!("{} {}", s.weight_decay, t.weight_decay));
    }
    if t.augment.shift > 0 {
        parts.push(format!("{} ±{}", s.augment, t.augment.shift));
    }
    parts.push(format!("{} {}", s.train_seed, t.seed));
    parts.join(" · ")
}

/// A run's numbers: once it finished, its accuracies measured after training (what a lesson's
/// tables quote); before, those after its last epoch so far, as the epoch trained, and the epoch.
pub(crate) fn run_result(s: &Strings, run: &Run) -> Option<String> {
    if let Some((train, test)) = run.after_training() {
        let numbers = format!(
            "{} {:.1}% · {} {:.1}%",
            s.train_acc,
            train * 100.0,
            s.test_acc,
            test * 100.0
        );
        return Some(fill(s.after_training, &[&numbers]));
    }
    let last = &run.epochs.last()?.stats;
    let mut parts = vec![format!(
        "{} {:.1}%",
        s.train_acc,
        last.train_accuracy * 100.0
    )];
    if let Some(test) = last.test_accuracy {
        parts.push(format!("{} {:.1}%", s.test_acc, test * 100.0));
    }
    parts.push(format!("({} {})", s.epoch, last.epoch));
    Some(parts.join(" · "))
}

/// Which numbers a plot shows.
#[derive(Clone, Copy, PartialEq)]
enum Measure {
    Accuracy,
    Loss,
}

/// A run's three curves of `measure`: per epoch on the training set (solid) and the test set
/// (dashed), and per batch, smoothed (dotted).
fn series(run: &Run, measure: Measure) -> [(Vec<[f64; 2]>, Dash); 3] {
    let per_epoch = |f: &dyn Fn(&EpochPoint) -> Option<f32>| -> Vec<[f64; 2]> {
        run.epochs
            .iter()
            .filter_map(|e| f(e).map(|v| [e.stats.epoch as f64, v as f64]))
            .collect()
    };
    match measure {
        Measure::Accuracy => [
            (per_epoch(&|e| Some(e.stats.train_accuracy)), Dash::Solid),
            (per_epoch(&|e| e.stats.test_accuracy), Dash::Dashed),
            (run.batch_accuracy.clone(), Dash::Dotted),
        ],
        Measure::Loss => [
            (per_epoch(&|e| Some(e.stats.train_loss)), Dash::Solid),
            (per_epoch(&|e| e.test_loss), Dash::Dashed),
            (run.batch_loss.clone(), Dash::Dotted),
        ],
    }
}

/// The legend: the runs with their settings (the latest first), then what solid, dashed and
/// dotted mean.
pub(crate) fn legend_ui(ui: &mut egui::Ui, s: &Strings, earlier: &[Run], current: &Run) {
    for run in earlier.iter().chain(std::iter::once(current)).rev() {
        // Each run keeps its last numbers beside its settings: runs compare at a glance.
        let label = match run_result(s, run) {
            Some(result) => format!("{} → {result}", run_label(s, run)),
            None => run_label(s, run),
        };
        key_ui(ui, run_colour(run.number), Dash::Solid, 3.0, &label);
    }
    let grey = ui.visuals().text_color();
    ui.horizontal_wrapped(|ui| {
        key_ui(ui, grey, Dash::Solid, 2.0, s.train_acc_epoch);
        key_ui(ui, grey, Dash::Dashed, 2.0, s.test_acc);
        key_ui(ui, grey, Dash::Dotted, 1.5, s.batch_curve);
    });
}

/// The legend as a lesson shows it: each run in few words with its final numbers (see
/// [`short_label`]), then what solid, dashed and dotted mean, on one line each.
pub(crate) fn short_legend_ui(ui: &mut egui::Ui, s: &Strings, earlier: &[Run], current: &Run) {
    for run in earlier.iter().chain(std::iter::once(current)).rev() {
        let label = match run_result(s, run) {
            Some(result) => format!("{} → {result}", short_label(s, run)),
            None => short_label(s, run),
        };
        key_ui(ui, run_colour(run.number), Dash::Solid, 3.0, &label);
    }
    let grey = ui.visuals().text_color();
    ui.horizontal_wrapped(|ui| {
        key_ui(ui, grey, Dash::Solid, 2.0, s.train_acc_epoch);
        key_ui(ui, grey, Dash::Dashed, 2.0, s.test_acc);
        key_ui(ui, grey, Dash::Dotted, 1.5, s.batch_curve);
    });
}

/// The lowest a plot is drawn, however little room there is: its axes still read.
pub(crate) const MIN_PLOT_HEIGHT: f32 = 110.0;

/// Whether the two plots go side by side at this width.
fn side_by_side(width: f32) -> bool {
    width >= 480.0
}

/// The height the two plots need at the current width when each is `plot_height` high.
pub(crate) fn plots_height(ui: &egui::Ui, plot_height: f32) -> f32 {
    let rows = if side_by_side(ui.available_width()) {
        1.0
    } else {
        2.0
    };
    rows * (plot_height + ui.spacing().item_spacing.y)
}

/// The accuracy and loss plots, side by side when there is room, together at most
/// `max_height` high (what is left of the visible height once the status line, the legend and
/// the kernels and maps have theirs), but never lower than [`MIN_PLOT_HEIGHT`] each.
pub(crate) fn plots_ui(
    ui: &mut egui::Ui,
    s: &Strings,
    earlier: &[Run],
    current: &Run,
    max_height: f32,
) {
    let runs: Vec<&Run> = earlier.iter().chain(std::iter::once(current)).collect();
    let wide = side_by_side(ui.available_width());
    let width = if wide {
        (ui.available_width() - 12.0) / 2.0
    } else {
        ui.available_width()
    };
    let gap = ui.spacing().item_spacing.y;
    let room = if wide {
        max_height - gap
    } else {
        max_height / 2.0 - gap
    };
    let height = (width * 0.6).min(room).clamp(MIN_PLOT_HEIGHT, 320.0);
    let plot = |ui: &mut egui::Ui, measure: Measure| {
        plot_ui(ui, s, &runs, measure, Vec2::new(width, height));
    };
    if wide {
        ui.horizontal_top(|ui| {
            plot(ui, Measure::Accuracy);
            plot(ui, Measure::Loss);
        });
    } else {
        plot(ui, Measure::Accuracy);
        plot(ui, Measure::Loss);
    }
}

/// The accuracy plot alone, `size` points (a lesson step that names `train`: the loss plot
/// and the snapshot give their room to it); recorded for the layout contract.
pub(crate) fn accuracy_plot_ui(ui: &mut egui::Ui, s: &Strings, runs: &[&Run], size: Vec2) {
    let rect = plot_ui(ui, s, runs, Measure::Accuracy, size).rect;
    record(ui, ViewId::Train, rect, Sizes::chart(rect.size()));
}

/// One plot of `measure` for `runs`, on axes that hold every run's epochs.
fn plot_ui(
    ui: &mut egui::Ui,
    s: &Strings,
    runs: &[&Run],
    measure: Measure,
    size: Vec2,
) -> egui::Response {
    let epochs = runs.iter().map(|r| r.settings.epochs).max().unwrap_or(1) as f64;
    let (id, label) = match measure {
        Measure::Accuracy => ("train-accuracy", s.accuracy),
        Measure::Loss => ("train-loss", s.loss),
    };
    let mut p = Plot::new(id)
        .id(Id::unique(id))
        .width(size.x)
        .height(size.y)
        .include_x(0.0)
        .include_x(epochs)
        .include_y(0.0)
        .custom_x_axes(vec![crate::app::widgets::plot_axis::readable_x_axis(
            s.epoch,
        )])
        .y_axis_label(label)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false);
    if measure == Measure::Accuracy {
        p = p.include_y(1.0);
    }
    p.show(ui, |plot| {
        for run in runs {
            let colour = run_colour(run.number);
            for (points, dash) in series(run, measure) {
                if points.is_empty() {
                    continue;
                }
                let width = if dash == Dash::Dotted { 1.5 } else { 2.5 };
                plot.line(
                    Line::new(format!("#{}", run.number), PlotPoints::from(points))
                        .color(colour)
                        .width(width)
                        .style(dash.line_style()),
                );
            }
        }
    })
    .response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::train::protocol::EpochPoint;
    use crate::app::train::run::RunState;
    use crate::app::train::settings::TrainSettings;

    fn epoch(epoch: usize, train: f32, test: f32) -> EpochPoint {
        EpochPoint {
            stats: crate::engine::train::EpochStats {
                epoch,
                train_loss: 0.5,
                train_accuracy: train,
                test_accuracy: Some(test),
            },
            test_loss: Some(0.4),
        }
    }

    /// Each run's legend line ends in its own last numbers, not only the latest run's.
    #[test]
    fn every_run_keeps_its_final_numbers() {
        let s = crate::app::i18n::Lang::En.strings();
        let mut first = Run::new(1, TrainSettings::default());
        first.epochs = vec![epoch(1, 0.80, 0.78), epoch(2, 0.912, 0.905)];
        let mut second = Run::new(2, TrainSettings::default());
        assert_eq!(run_result(s, &second), None, "no epoch yet, no numbers");
        second.epochs = vec![epoch(1, 0.5, 0.25)];
        assert_eq!(
            run_result(s, &first).as_deref(),
            Some("train accuracy 91.2% · test accuracy 90.5% · (epoch 2)")
        );
        assert_eq!(
            run_result(s, &second).as_deref(),
            Some("train accuracy 50.0% · test accuracy 25.0% · (epoch 1)")
        );
    }

    /// Once a run finished, its legend quotes the accuracies measured after training (as the
    /// lesson's tables do), not the last epoch's, which were counted while it trained.
    #[test]
    fn a_finished_run_shows_its_accuracies_after_training() {
        let s = crate::app::i18n::Lang::En.strings();
        let mut run = Run::new(1, TrainSettings::default());
        run.epochs = vec![epoch(1, 0.935, 0.955)];
        let mut model = crate::engine::zoo::digits(1, crate::engine::PoolMode::Max);
        model.info.training = serde_json::json!({"train_accuracy": 0.959, "test_accuracy": 0.955});
        run.model = Some(model);
        let running = run_result(s, &run);
        assert_eq!(
            running.as_deref(),
            Some("train accuracy 93.5% · test accuracy 95.5% · (epoch 1)"),
            "still running: the epoch's numbers"
        );
        run.state = RunState::Finished;
        assert_eq!(
            run_result(s, &run).as_deref(),
            Some("after training: train accuracy 95.9% · test accuracy 95.5%")
        );
        let zh = crate::app::i18n::Lang::Zh.strings();
        assert_eq!(
            run_result(zh, &run).as_deref(),
            Some("训练结束后：训练准确率 95.9% · 测试准确率 95.5%")
        );
    }
}
