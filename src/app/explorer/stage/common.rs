//! What the stage views share: the colour scale row, the hover readout and links between
//! grids, maps before and after a layer, a layer's share of the parameters, and the way back
//! from a vector to the maps it was made from.

use crate::analysis::arithmetic::linked_cells;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{
    GridOut, as_maps, fit_grid, legend_ui, line_height, maps_grid_ui, outline_ui, record_grid,
    scale_for, stage_scale, stage_title, stage_view,
};
use crate::engine::{Tensor, dropout_mask, layer_dropout_seed};
use crate::lesson::StagePart;
use egui::{Color32, Vec2};
use egui_plot::{Bar, BarChart, Plot};

/// "N parameters: X% of the network's M": where a network keeps its parameters (in the dense
/// layers, as a rule) is one of the things the app teaches.
pub(crate) fn parameter_share(p: &Panels, params: usize) -> String {
    let total = p.ex.net.parameter_count().max(1);
    let percent = format!("{:.1}", 100.0 * params as f64 / total as f64);
    fill(
        p.s.param_share,
        &[&grouped(params), &percent, &grouped(total)],
    )
}

/// The shared/per-channel scale switch and the legend of the stage's first channel.
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
pub(crate) fn before_after_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize) {
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
                record_grid(ui, stage_view(p, stage, StagePart::Maps), &out);
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
                outline_ui(ui, r, Color32::WHITE);
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
                outline_ui(ui, r, Color32::from_rgb(255, 60, 60));
            }
        }
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
