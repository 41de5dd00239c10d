//! Drawing stacks of feature maps: a grid of tiles with a hover readout, and a colour legend.

use super::textures::{ScaleKey, TexKey};
use super::view_rects::{MIN_CELL_PX, MIN_MAP_PX, PICTURE_MAP_PX, Sizes, record};
use crate::app::shell::panels::Panels;
use crate::engine::Tensor;
use crate::lesson::{StagePart, ViewId};
use crate::viz::export::vector_as_plane;
use crate::viz::grid::{GridLayout, cell_in_map};
use crate::viz::{Scale, plane_image};
use egui::{Color32, Pos2, Rect, Sense, TextureHandle, Vec2};
use ndarray::{Array3, Axis};
use std::borrow::Cow;

/// Gap between tiles, in points.
pub(crate) const GAP: f32 = 4.0;

/// A tensor as maps; a vector is folded into one near-square plane.
pub(crate) fn as_maps(t: &Tensor) -> Cow<'_, Array3<f32>> {
    match t {
        Tensor::Maps(a) => Cow::Borrowed(a),
        Tensor::Vector(v) => Cow::Owned(vector_as_plane(v.as_slice().unwrap_or(&v.to_vec()))),
    }
}

/// The colour scale used for channel `channel` of `maps`.
pub(crate) fn scale_for(maps: &Array3<f32>, channel: usize, shared: bool) -> Scale {
    if shared {
        Scale::fit(maps.iter())
    } else {
        Scale::fit(
            maps.index_axis(Axis(0), channel.min(maps.dim().0.saturating_sub(1)))
                .iter(),
        )
    }
}

/// The texture of one channel of a stage's output (uploaded once per change).
pub(crate) fn map_texture(
    ui: &egui::Ui,
    p: &mut Panels,
    stage: usize,
    channel: usize,
    shared: bool,
) -> Option<TextureHandle> {
    let t = p.ex.trace.get(stage)?;
    let maps = as_maps(t);
    if channel >= maps.dim().0 {
        return None;
    }
    let shared_scale = shared.then(|| stage_scale(p, stage, &maps));
    Some(p.tex.get(
        ui.ctx(),
        TexKey::Map {
            stage,
            channel,
            shared,
        },
        || {
            let scale = shared_scale.unwrap_or_else(|| scale_for(&maps, channel, false));
            plane_image(maps.index_axis(Axis(0), channel), &scale)
        },
    ))
}

/// The scale over every channel of stage `stage` (whose maps are `maps`), made once per run.
pub(crate) fn stage_scale(p: &mut Panels, stage: usize, maps: &Array3<f32>) -> Scale {
    p.tex
        .scale(ScaleKey::Maps(stage), || scale_for(maps, 0, true))
}

/// Where a grid was drawn and which cell the pointer is on.
pub(crate) struct GridOut {
    pub tiles: Vec<Rect>,
    /// (channel, row, column) under the pointer.
    pub hovered: Option<(usize, usize, usize)>,
    pub map_hw: (usize, usize),
    pub cell: f32,
}

impl GridOut {
    /// The rectangle of cells rows `y0..y1`, columns `x0..x1` (clipped) on tile `channel`.
    pub(crate) fn cells_rect(
        &self,
        channel: usize,
        (x0, y0, x1, y1): (i64, i64, i64, i64),
    ) -> Option<Rect> {
        let tile = self.tiles.get(channel)?;
        let (h, w) = (self.map_hw.0 as i64, self.map_hw.1 as i64);
        let clip = |v: i64, hi: i64| v.clamp(0, hi) as f32;
        Some(Rect::from_min_max(
            tile.min + Vec2::new(clip(x0, w), clip(y0, h)) * self.cell,
            tile.min + Vec2::new(clip(x1, w), clip(y1, h)) * self.cell,
        ))
    }
}

/// The columns and cell size (points per map pixel, whole, at most `max`) that show `count`
/// tiles of `h`x`w` cells largest inside `room`: maps shrink to fit the screen, they never
/// spill below it. At least one point per cell, whatever the room.
pub(crate) fn fit_grid(room: Vec2, count: usize, hw: (usize, usize), max: f32) -> (usize, f32) {
    fit_grid_gap(room, count, hw, max, GAP)
}

/// [`fit_grid`] with `gap` between the tiles.
fn fit_grid_gap(
    room: Vec2,
    count: usize,
    (h, w): (usize, usize),
    max: f32,
    gap: f32,
) -> (usize, f32) {
    let count = count.max(1);
    let (h, w) = (h.max(1) as f32, w.max(1) as f32);
    let mut best = (1, 0.0f32);
    for cols in 1..=count {
        let rows = count.div_ceil(cols) as f32;
        let c = cols as f32;
        let by_width = (room.x - (c - 1.0) * gap) / (c * w);
        let by_height = (room.y - (rows - 1.0) * gap) / (rows * h);
        let cell = by_width.min(by_height).min(max);
        if cell > best.1 + 1e-3 {
            best = (cols, cell);
        }
    }
    let cell = if best.1 >= 2.0 {
        best.1.floor()
    } else {
        best.1.max(1.0)
    };
    (best.0, cell)
}

/// The smallest cell, in points, a lesson's named view draws maps of `h`x`w` cells at: whole
/// screen pixels, at least [`MIN_CELL_PX`] and making the map at least [`MIN_MAP_PX`]; for a
/// map as large as a picture, what makes it [`PICTURE_MAP_PX`].
pub(crate) fn min_cell(ui: &egui::Ui, (h, w): (usize, usize)) -> f32 {
    let side = h.min(w).max(1) as f32;
    let px = if side * MIN_CELL_PX > PICTURE_MAP_PX {
        (PICTURE_MAP_PX / side).ceil().max(1.0)
    } else {
        MIN_CELL_PX.max((MIN_MAP_PX / side).ceil())
    };
    px / ui.ctx().pixels_per_point()
}

/// [`fit_grid`] for `view`, drawn in `ui`: the cell in whole screen pixels (every cell the
/// same on screen at any zoom); while a lesson step names the view, never under [`min_cell`]
/// (as many columns as the width takes then, and the rows below).
pub(crate) fn fit_view(
    ui: &egui::Ui,
    p: &Panels,
    view: &ViewId,
    room: Vec2,
    count: usize,
    hw: (usize, usize),
    max: f32,
) -> (usize, f32) {
    let ppp = ui.ctx().pixels_per_point();
    let (cols, px) = fit_grid_gap(room * ppp, count, hw, max * ppp, GAP * ppp);
    let cell = px / ppp;
    let least = min_cell(ui, hw);
    if !(p.view.lesson_layout && p.view.named(view)) || cell >= least {
        return (cols, cell);
    }
    let tile = hw.1.max(1) as f32 * least + GAP;
    let cols = (((room.x + GAP) / tile).floor() as usize).clamp(1, count.max(1));
    (cols, least)
}

/// Every channel of stage `stage` as a grid with `cell` points per map pixel.
pub(crate) fn maps_grid_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    stage: usize,
    cell: f32,
    cols: usize,
) -> GridOut {
    first_maps_grid_ui(ui, p, stage, cell, cols, usize::MAX)
}

/// The first `shown` channels of stage `stage` (all, if it has fewer) as in [`maps_grid_ui`].
pub(crate) fn first_maps_grid_ui(
    ui: &mut egui::Ui,
    p: &mut Panels,
    stage: usize,
    cell: f32,
    cols: usize,
    shown: usize,
) -> GridOut {
    let (c, h, w) =
        p.ex.trace
            .get(stage)
            .map_or((0, 0, 0), |t| as_maps(t).dim());
    let c = c.min(shown);
    let (layout, rect, response) = allocate_maps_grid(ui, c, cols, (h, w), cell);
    let mut tiles = Vec::with_capacity(c);
    let shared = p.view.shared_scale;
    for ch in 0..c {
        let (ox, oy) = layout.tile_origin(ch);
        let tile = Rect::from_min_size(
            rect.min + Vec2::new(ox, oy),
            Vec2::new(layout.tile.0, layout.tile.1),
        );
        if !ui.is_rect_visible(tile) {
            // Scrolled out of view: its texture waits until it is seen.
        } else if let Some(tex) = map_texture(ui, p, stage, ch, shared) {
            ui.painter()
                .image(tex.id(), tile, full_uv(), Color32::WHITE);
        }
        tiles.push(tile);
    }
    let hovered = response.hover_pos().and_then(|pos| {
        let rel = pos - rect.min;
        let ch = layout.tile_at((rel.x, rel.y))?;
        let (ox, oy) = layout.tile_origin(ch);
        let (row, col) = cell_in_map((rel.x - ox, rel.y - oy), layout.tile, (h, w))?;
        Some((ch, row, col))
    });
    if let Some(cell) = hovered {
        p.view.hover = Some((stage, cell));
    }
    GridOut {
        tiles,
        hovered,
        map_hw: (h, w),
        cell,
    }
}

/// The layout of `count` maps of `hw` cells in `cols` columns at `cell` points per map pixel,
/// and the room it takes in `ui` (hovered).
pub(crate) fn allocate_maps_grid(
    ui: &mut egui::Ui,
    count: usize,
    cols: usize,
    (h, w): (usize, usize),
    cell: f32,
) -> (GridLayout, Rect, egui::Response) {
    let layout = GridLayout {
        count,
        cols: cols.clamp(1, count.max(1)),
        tile: (w as f32 * cell, h as f32 * cell),
        gap: GAP,
    };
    let (gw, gh) = layout.size();
    let (rect, response) =
        ui.allocate_exact_size(Vec2::new(gw.max(1.0), gh.max(1.0)), Sense::hover());
    (layout, rect, response)
}

/// How many of `count` maps of `hw` cells fit `room` with cells of at least `least` points
/// (whole screen pixels at `ppp` pixels per point; at least one): what a lesson's named view
/// shows when all of them would be too small to read.
pub(crate) fn maps_that_fit(
    room: Vec2,
    count: usize,
    hw: (usize, usize),
    least: f32,
    ppp: f32,
) -> usize {
    (1..=count.max(1))
        .rev()
        .find(|&n| {
            fit_grid_gap(room * ppp, n, hw, f32::INFINITY, GAP * ppp).1 >= least * ppp - 1e-3
        })
        .unwrap_or(1)
}

/// The view `part` of stage `stage` as a lesson names it (`pool1.maps`, `input.maps`).
pub(crate) fn stage_view(p: &Panels, stage: usize, part: StagePart) -> ViewId {
    match p.ex.stage_layer(stage) {
        Some(l) => ViewId::stage(&l.name, part),
        None => ViewId::stage("input", part),
    }
}

/// Records a grid of maps as part of `view`: its tiles, its cell size and its maps' size.
pub(crate) fn record_grid(ui: &egui::Ui, view: ViewId, grid: &GridOut) {
    let Some(first) = grid.tiles.first() else {
        return;
    };
    let rect = grid.tiles.iter().fold(*first, |r, t| r.union(*t));
    let map = first.width().min(first.height());
    record(ui, view, rect, Sizes::maps(grid.cell, map));
}

pub(crate) fn full_uv() -> Rect {
    Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0))
}

/// A colour bar from `scale.lo` to `scale.hi`.
pub(crate) fn legend_ui(ui: &mut egui::Ui, scale: &Scale) {
    ui.horizontal(|ui| {
        ui.small(format!("{:.2}", scale.lo));
        let (rect, _) = ui.allocate_exact_size(Vec2::new(120.0, 10.0), Sense::hover());
        let steps = 30;
        for i in 0..steps {
            let t = i as f32 / (steps - 1) as f32;
            let v = scale.lo + (scale.hi - scale.lo) * t;
            let [r, g, b] = scale.color(v);
            let x0 = rect.left() + rect.width() * i as f32 / steps as f32;
            let x1 = rect.left() + rect.width() * (i + 1) as f32 / steps as f32;
            ui.painter().rect_filled(
                Rect::from_min_max(
                    Pos2::new(x0, rect.top()),
                    Pos2::new(x1 + 0.5, rect.bottom()),
                ),
                0.0,
                Color32::from_rgb(r, g, b),
            );
        }
        ui.small(format!("{:.2}", scale.hi));
    });
}

/// The height of one line of body text and the space after it.
pub(crate) fn line_height(ui: &egui::Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y
}

/// An outline on top of everything.
pub(crate) fn outline_ui(ui: &egui::Ui, rect: Rect, color: Color32) {
    ui.painter().rect_stroke(
        rect,
        0.0,
        egui::Stroke::new(2.0, color),
        egui::StrokeKind::Outside,
    );
}

/// `conv1 · conv2d`, the heading of a stage.
pub(crate) fn stage_title(p: &Panels, stage: usize) -> String {
    match p.ex.stage_layer(stage) {
        Some(l) => format!("{} · {}", l.name, p.s.layer_type(&l.kind)),
        None => p.s.input_stage.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maps_that_fit_are_the_most_that_stay_readable() {
        let room = Vec2::new(320.0, 200.0);
        let n = maps_that_fit(room, 32, (14, 14), 7.0, 1.0);
        assert!(n < 32, "32 maps of 14x14 at 7 px do not fit 320x200");
        assert!(fit_grid_gap(room, n, (14, 14), f32::INFINITY, GAP).1 >= 7.0);
        assert!(fit_grid_gap(room, n + 1, (14, 14), f32::INFINITY, GAP).1 < 7.0);
        assert_eq!(
            maps_that_fit(Vec2::splat(2000.0), 32, (14, 14), 7.0, 1.0),
            32
        );
        assert_eq!(maps_that_fit(Vec2::splat(5.0), 32, (14, 14), 7.0, 1.0), 1);
    }
}
