//! A layer that joins branches (add, concat, mul): the maps of every input beside the result,
//! hover links across them, and for an add or a mul the arithmetic of the hovered cell.

use super::common::{elementwise_ui, hover_value_ui, link_hover_ui, scale_row_ui};
use crate::app::i18n::fill;
use crate::app::shell::panels::Panels;
use crate::app::widgets::maps::{
    GAP, GridOut, as_maps, fit_grid, line_height, maps_grid_ui, record_grid, stage_title,
    stage_view,
};
use crate::engine::{Merge, Tensor};
use crate::lesson::StagePart;
use egui::Vec2;

pub(crate) fn merge_ui(ui: &mut egui::Ui, p: &mut Panels, stage: usize, merge: Merge) {
    ui.label(match merge {
        Merge::Add => p.s.merge_add_tip,
        Merge::Concat => p.s.merge_concat_tip,
        Merge::Mul => p.s.merge_mul_tip,
    });
    let inputs = p.ex.input_stages(stage);
    let reads: Vec<String> = inputs.iter().map(|&s| stage_title(p, s)).collect();
    ui.label(fill(p.s.merge_reads, &[&reads.join(", ")]));
    if !matches!(p.ex.trace.get(stage), Some(Tensor::Maps(_))) {
        elementwise_ui(ui, p, stage);
        return;
    }
    scale_row_ui(ui, p, stage);
    let shown: Vec<usize> = inputs.iter().copied().chain([stage]).collect();
    // Every grid gets an equal share of the width; the arithmetic line and the hover readout
    // stay below them.
    let room = Vec2::new(
        ui.available_width() / shown.len() as f32 - ui.spacing().item_spacing.x,
        ui.available_height() - 4.0 * line_height(ui),
    );
    let mut grids: Vec<(usize, GridOut)> = Vec::new();
    let mut hovered = None;
    ui.horizontal_top(|ui| {
        for &s in &shown {
            let Some(t) = p.ex.trace.get(s) else {
                continue;
            };
            let (c, h, w) = as_maps(t).dim();
            let (cols, cell) = fit_inside(room, c, (h, w));
            ui.vertical(|ui| {
                ui.set_max_width(room.x);
                let title = if s == stage {
                    format!("= {} · {}", stage_title(p, s), t.shape())
                } else {
                    format!("{} · {}", stage_title(p, s), t.shape())
                };
                ui.add(egui::Label::new(egui::RichText::new(title).strong()).truncate());
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
        let refs: Vec<(usize, &GridOut)> = grids.iter().map(|(s, g)| (*s, g)).collect();
        link_hover_ui(ui, p, &refs, from, cell);
        if let Some(text) = cell_arithmetic(p, stage, merge, &inputs, cell) {
            ui.label(egui::RichText::new(text).monospace().size(15.0));
        }
        hover_value_ui(ui, p, from, Some(cell));
    } else {
        ui.label(p.s.merge_hover_hint);
    }
}

/// As [`fit_grid`], but a grid that would not fit at one point per cell (64 maps of 56x56 in
/// a third of the window) gets smaller cells instead of spilling over its neighbour.
fn fit_inside(room: Vec2, count: usize, (h, w): (usize, usize)) -> (usize, f32) {
    let (cols, cell) = fit_grid(room, count, (h, w), 8.0);
    let rows = count.max(1).div_ceil(cols.max(1)) as f32;
    let c = cols as f32;
    let width = c * w as f32 * cell + (c - 1.0) * GAP;
    let height = rows * h as f32 * cell + (rows - 1.0) * GAP;
    let shrink = (room.x / width).min(room.y / height).min(1.0);
    (cols, cell * shrink.max(0.05))
}

/// "One cell (channel c, row y, column x): a + b = s" for an add (a × b for a mul); `None` for
/// a concat, whose cells are copies.
fn cell_arithmetic(
    p: &Panels,
    stage: usize,
    merge: Merge,
    inputs: &[usize],
    (c, y, x): (usize, usize, usize),
) -> Option<String> {
    let op = match merge {
        Merge::Add => " + ",
        Merge::Mul => " × ",
        Merge::Concat => return None,
    };
    let value = |s: usize| -> Option<f32> {
        let maps = as_maps(p.ex.trace.get(s)?);
        let (_, h, w) = maps.dim();
        // A mul's one weight per channel is a 1x1 map.
        let (yy, xx) = if (h, w) == (1, 1) { (0, 0) } else { (y, x) };
        maps.get((c, yy, xx)).copied()
    };
    let terms: Vec<String> = inputs
        .iter()
        .map(|&s| value(s).map(|v| format!("{v:.4}")))
        .collect::<Option<_>>()?;
    let result = value(stage)?;
    Some(fill(
        p.s.merge_add_cell,
        &[&c, &y, &x, &terms.join(op), &format!("{result:.4}")],
    ))
}
