//! Plot axes whose tick labels stay readable on small plots, and bar charts that label every
//! bar.

use egui_plot::AxisHints;

/// An x axis named `name` that labels its ticks from 14 points apart (never closer than a
/// label is wide). egui_plot's default asks 60 points between x labels, so a 60-epoch history
/// or a 0.8 s recording in a plot 200-400 points wide was labelled only at 0.
pub(crate) fn readable_x_axis(name: impl Into<egui::WidgetText>) -> AxisHints<'static> {
    AxisHints::new_x().label(name).label_spacing(14.0..=32.0)
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
