//! Plot axes whose tick labels stay readable on small plots.

use egui_plot::AxisHints;

/// An x axis named `name` that labels its ticks from 14 points apart (never closer than a label is wide). egui_plot's default asks
/// 60 points between x labels, so a 60-epoch history or a 0.8 s recording in a plot 200-400
/// points wide was labelled only at 0.
pub(crate) fn readable_x_axis(name: impl Into<egui::WidgetText>) -> AxisHints<'static> {
    AxisHints::new_x().label(name).label_spacing(14.0..=32.0)
}
