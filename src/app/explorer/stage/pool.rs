//! A pooling stage: the maps before and after, at the same size per cell so the shrinking is
//! visible, the counts, and the window behind a hovered (or swept) pooled cell.

use super::common::{link_hover_ui, scale_row_ui};
use crate::analysis::pooling::dense_weights_without;
use crate::app::explorer::pooling::other_mode_note_ui;
use crate::app::i18n::{fill, grouped};
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{
    GridOut, as_maps, fit_view, line_height, maps_grid_ui, outline_ui, record_grid, stage_view,
};
use crate::app::widgets::steady::reserved_label_ui;
use crate::engine::{Pool2d, PoolMode, Shape};
use crate::lesson::StagePart;
use egui::{Color32, RichText};

/// `8 @ 28x28 = 6272 values`.
fn count_text(p: &Panels, shape: Shape) -> String {
    fill(p.s.values, &[&shape, &grouped(shape.len())])
}

pub(crate) fn pool_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, pool: &Pool2d) {
    let s = p.s;
    let ex = p.ex;
    let mode = s.pool_mode(ex.pool_mode);
    // While a lesson names the maps, its text says what pooling is: the maps get the line.
    if !p.view.focus(&stage_view(p, stage, StagePart::Maps)) {
        ui.label(s.pool_tip);
    }
    // What the layer reads: the stage before it in a chain, anywhere earlier in a graph.
    let from = ex.before_stage(stage);
    let (Some(before), Some(after)) = (ex.trace.get(from), ex.trace.get(stage)) else {
        return;
    };
    let (bs, as_) = (before.shape(), after.shape());
    let change = if !bs.is_empty() {
        (as_.len() as f64 / bs.len() as f64 - 1.0) * 100.0
    } else {
        0.0
    };
    ui.strong(
        RichText::new(fill(
            s.values_change,
            &[
                &count_text(p, bs),
                &count_text(p, as_),
                &format!("{change:+.0}").replace('-', "−"),
            ],
        ))
        .size(16.0),
    );
    if let Some(sv) = dense_weights_without(&ex.net, stage - 1) {
        ui.label(fill(
            s.downstream,
            &[&sv.dense, &grouped(sv.with_pool), &grouped(sv.without_pool)],
        ));
    }
    let w = pool.window;
    ui.label(format!(
        "{mode} · {}x{} / {}",
        w.kernel.0, w.kernel.1, w.stride.0
    ));
    other_mode_note_ui(ui, p);
    ui.horizontal(|ui| {
        scale_row_ui(ui, p, stage);
        let sweeping = p.view.sweep.is_some();
        if ui.selectable_label(sweeping, s.sweep_window).clicked() {
            p.view.sweep = if sweeping { None } else { Some(0) };
        }
    });
    let (c, bh, bw) = as_maps(before).dim();
    let aw = as_maps(after).dim().2;
    let maps_view = stage_view(p, stage, StagePart::Maps);
    // While a lesson names the maps, the window's values give them their room.
    let focus = p.view.lesson_layout && p.view.named(&maps_view);
    let window_room = if focus {
        0.0
    } else {
        ui.available_width() * 0.24
    };
    // The two grids side by side, at the same cell size: each gets the share of the width its
    // maps take; they fit the height left under their titles.
    let gaps = 4.0 * ui.spacing().item_spacing.x;
    let share = bw as f32 / (bw + aw).max(1) as f32;
    let room = egui::vec2(
        (ui.available_width() - window_room - gaps) * share,
        ui.available_height() - line_height(ui) - ui.spacing().item_spacing.y,
    );
    let (cols, cell) = fit_view(ui, p, &maps_view, room, c, (bh, bw), 8.0);
    ui.horizontal_top(|ui| {
        let mut grids: Vec<GridOut> = Vec::new();
        for (label, st) in [(s.before_pooling, from), (s.after_pooling, stage)] {
            ui.vertical(|ui| {
                let shape =
                    p.ex.trace
                        .get(st)
                        .map(|t| t.shape().to_string())
                        .unwrap_or_default();
                ui.strong(format!("{label} · {shape}"));
                let grid = maps_grid_ui(ui, p, st, cell, cols);
                record_grid(ui, maps_view.clone(), &grid);
                grids.push(grid);
            });
        }
        let [before_grid, after_grid] = grids.as_slice() else {
            return;
        };
        if let Some(h) = before_grid.hovered {
            let grids = [(from, before_grid), (stage, after_grid)];
            link_hover_ui(ui, p, &grids, from, h);
        }
        // The window's values beside, where there is room for them.
        if !focus || ui.available_width() >= WINDOW_WIDTH {
            ui.vertical(|ui| window_ui(ui, p, stage, w, before_grid, after_grid));
        }
    });
}

/// The room the window's values take beside the maps.
const WINDOW_WIDTH: f32 = 170.0;

/// Outlines the window behind the hovered (or swept) pooled cell and lists its values.
fn window_ui(
    ui: &mut egui::Ui,
    p: &Panels,
    stage: usize,
    w: crate::engine::Window,
    before_grid: &GridOut,
    after_grid: &GridOut,
) {
    let (oh, ow) = after_grid.map_hw;
    let target = after_grid.hovered.or_else(|| {
        let i = p.view.sweep?;
        (ow > 0)
            .then(|| (0, i / ow, i % ow))
            .filter(|&(_, y, _)| y < oh)
    });
    let Some((ch, oy, ox)) = target else {
        ui.label(p.s.hover_pooled);
        return;
    };
    // The window of output (oy, ox) in input cells, end exclusive.
    let x0 = (ox * w.stride.1) as i64 - w.padding.1 as i64;
    let y0 = (oy * w.stride.0) as i64 - w.padding.0 as i64;
    let rect = (x0, y0, x0 + w.kernel.1 as i64, y0 + w.kernel.0 as i64);
    let highlight = Color32::from_rgb(255, 60, 60);
    if let Some(r) = before_grid.cells_rect(ch, rect) {
        outline_ui(ui, r, highlight);
    }
    if let Some(r) = after_grid.cells_rect(ch, (ox as i64, oy as i64, ox as i64 + 1, oy as i64 + 1))
    {
        outline_ui(ui, r, highlight);
    }
    window_values_ui(ui, p, stage, ch, (oy, ox), rect);
}

/// The numbers inside the window, the max marked or the mean written out, and the value the
/// engine computed.
fn window_values_ui(
    ui: &mut egui::Ui,
    p: &Panels,
    stage: usize,
    ch: usize,
    (oy, ox): (usize, usize),
    (x0, y0, x1, y1): (i64, i64, i64, i64),
) {
    let s = p.s;
    let ex = p.ex;
    let from = ex.before_stage(stage);
    let (Some(before), Some(after)) = (ex.trace.get(from), ex.trace.get(stage)) else {
        return;
    };
    let before = as_maps(before);
    let after = as_maps(after);
    let mut cells: Vec<Vec<Option<f32>>> = Vec::new();
    for y in y0..y1 {
        cells.push(
            (x0..x1)
                .map(|x| {
                    (y >= 0 && x >= 0)
                        .then(|| before.get((ch, y as usize, x as usize)).copied())
                        .flatten()
                })
                .collect(),
        );
    }
    let inside: Vec<f32> = cells.iter().flatten().flatten().copied().collect();
    let max = inside.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let count = ((y1 - y0) * (x1 - x0)).max(1) as usize;
    let sum: f32 = inside.iter().sum();
    ui.strong(format!(
        "{} · {} · ({oy}, {ox})",
        s.window_values,
        fill(s.channel, &[&ch])
    ));
    egui::Grid::new("pool-window").striped(true).show(ui, |ui| {
        let mut marked = false;
        for row in &cells {
            for v in row {
                let text = v.map_or(s.pad_cell.to_string(), |v| format!("{v:.3}"));
                let is_max = ex.pool_mode == PoolMode::Max && !marked && *v == Some(max);
                if is_max {
                    marked = true;
                    ui.label(
                        RichText::new(format!("[{text}]"))
                            .strong()
                            .color(Color32::from_rgb(255, 80, 80)),
                    );
                } else {
                    ui.label(text);
                }
            }
            ui.end_row();
        }
    });
    // What each mode writes under the window takes the room of the longest, so the engine's
    // value below stays where it was when M changes the mode.
    let explain = |mode| match mode {
        PoolMode::Max => fill(s.max_marked, &[&format!("{max:.3}")]),
        PoolMode::Avg => fill(
            s.mean_is,
            &[
                &format!("{sum:.3}"),
                &count,
                &format!("{:.3}", sum / count as f32),
            ],
        ),
        PoolMode::BlurMax => s.blurmax_note.to_string(),
    };
    let all = PoolMode::ALL.map(explain);
    reserved_label_ui(ui, &all, Some(explain(ex.pool_mode)));
    if let Some(v) = after.get((ch, oy, ox)) {
        ui.label(RichText::new(format!("→ {v:.3}")).strong().size(16.0));
    }
}
