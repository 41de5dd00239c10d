//! Plot axes whose tick labels stay readable on small plots, and bar charts that label every
//! bar.

use egui_plot::AxisHints;

/// An x axis named `name` that labels its ticks from 14 points apart (never closer than a
/// label is wide). egui_plot's default asks 60 points between x labels, so a 60-epoch history
/// or a 0.8 s recording in a plot 200-400 points wide was labelled only at 0.
pub(crate) fn readable_x_axis(name: impl Into<egui::WidgetText>) -> AxisHints<'static> {
    AxisHints::new_x().label(name).label_spacing(14.0..=32.0)
}

/// Time steps to choose from, in seconds.
const TIME_STEPS: [f64; 11] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0];

/// The smallest step of time whose labels, `label_width` points wide, stand clear of each
/// other when `seconds` of time take `width` points (the whole span when none does).
pub(crate) fn time_step(seconds: f64, width: f32, label_width: f32) -> f64 {
    let per_second = width as f64 / seconds.max(1e-9);
    TIME_STEPS
        .into_iter()
        .find(|&step| step * per_second >= (label_width + 10.0) as f64)
        .unwrap_or(seconds.max(1e-9))
}

/// Grid marks along a time axis `width` points wide, a [`time_step`] apart: egui_plot's own
/// steps are powers of ten only, so a 0.8 s recording in a 250-point plot got labels every
/// 0.1 s run together ("0.10.20.3"), or only "0".
pub(crate) fn time_marks(
    width: f32,
    label_width: f32,
) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> + 'static {
    move |input| {
        let (lo, hi) = input.bounds;
        let step = time_step(hi - lo, width, label_width);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        (first..=last)
            .map(|k| egui_plot::GridMark {
                value: k as f64 * step,
                step_size: step,
            })
            .collect()
    }
}

/// One x mark per bar, all of the same weight, so every bar gets its label (egui_plot's own
/// spacer labels only every tenth: a chart of 10 classes showed only "0").
pub(crate) fn one_mark_per_bar(
    count: usize,
) -> impl Fn(egui_plot::GridInput) -> Vec<egui_plot::GridMark> + 'static {
    move |_| {
        (0..count)
            .map(|i| egui_plot::GridMark {
                value: i as f64,
                step_size: 10.0,
            })
            .collect()
    }
}
