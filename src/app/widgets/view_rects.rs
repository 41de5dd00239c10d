//! The layout contract's record: each frame, every view a lesson step can name
//! ([`ViewId`]) writes down where it was drawn, whether all of it was visible (inside the
//! window and the clip of the panel or scroll area it is in), and how small its map cells, maps
//! and charts came out. The lesson layout test reads it after a frame; the views read the
//! minimums below to size themselves while a lesson names them.
//!
//! The record lives in egui's memory for the frame (one owner: this file), so a view records
//! itself with the `Ui` it draws into, wherever it sits.

use crate::lesson::ViewId;
use egui::{Rect, Vec2};

/// The smallest map cell a named view may draw, in screen pixels.
pub const MIN_CELL_PX: f32 = 4.0;
/// The smallest map (or weight image) a named view may draw, in screen pixels.
pub const MIN_MAP_PX: f32 = 48.0;
/// A map at least this large, in screen pixels, reads as a picture whatever its cells (a named
/// view's maps need cells of [`MIN_CELL_PX`] or this size, and [`MIN_MAP_PX`]): the
/// cell minimum is for small maps (a 28x28 digit's), where one cell is one stroke. A photo's
/// 128x128 maps at 4 px a cell would take 512 px each, and eight of them no screen has.
pub const PICTURE_MAP_PX: f32 = 128.0;

/// The smallest chart a named view may draw, in points (logical pixels).
pub const MIN_CHART: Vec2 = Vec2::new(480.0, 300.0);

/// What a plot's axes and their labels take of the size asked of it, outside the chart area
/// the contract measures: a view asks for [`MIN_CHART`] plus this.
pub(crate) const AXES_ROOM: Vec2 = Vec2::new(40.0, 40.0);

/// Where a view was drawn in the last frame, and how small its parts were.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewRect {
    /// Everything the view occupied (points; the union of its parts).
    pub rect: Rect,
    /// Every part lay inside the window and inside the clip of what holds it (nothing cut off
    /// or scrolled out of view).
    pub whole: bool,
    /// The smallest map cell it drew, in points.
    pub cell: Option<f32>,
    /// The smallest map or weight image it drew (its shorter side), in points.
    pub map: Option<f32>,
    /// Its smallest chart's size (the smaller width and the smaller height), in points.
    pub chart: Option<Vec2>,
}

/// How small a part of a view came out (what does not apply is `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Sizes {
    pub cell: Option<f32>,
    pub map: Option<f32>,
    pub chart: Option<Vec2>,
}

impl Sizes {
    /// A grid of maps drawn `cell` points per map cell, its maps `map` points on their
    /// shorter side.
    pub(crate) fn maps(cell: f32, map: f32) -> Sizes {
        Sizes {
            cell: Some(cell),
            map: Some(map),
            chart: None,
        }
    }

    /// A chart of this size.
    pub(crate) fn chart(size: Vec2) -> Sizes {
        Sizes {
            chart: Some(size),
            ..Sizes::default()
        }
    }
}

/// The panels whose place the layout contract fixes while a lesson is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fixed {
    /// The lesson panel: its left edge never moves.
    LessonPanel,
    /// The stage strip: its height never changes.
    StripPanel,
}

/// The views drawn in the last frame, and where the fixed panels were.
#[derive(Debug, Clone, Default)]
pub struct ViewRects {
    views: std::collections::BTreeMap<ViewId, ViewRect>,
    panels: std::collections::BTreeMap<Fixed, Rect>,
}

fn min_opt(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl ViewRects {
    /// The record of the frame laid out last.
    pub fn of(ctx: &egui::Context) -> ViewRects {
        ctx.data(|d| d.get_temp::<ViewRects>(memory_id()))
            .unwrap_or_default()
    }

    pub fn get(&self, view: &ViewId) -> Option<&ViewRect> {
        self.views.get(view)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ViewId, &ViewRect)> {
        self.views.iter()
    }

    /// Where panel `which` was (its rect inside its frame), when it was shown.
    pub fn panel(&self, which: Fixed) -> Option<Rect> {
        self.panels.get(&which).copied()
    }

    fn add(&mut self, view: ViewId, part: ViewRect) {
        let merged = match self.views.get(&view) {
            None => part,
            Some(old) => ViewRect {
                rect: old.rect.union(part.rect),
                whole: old.whole && part.whole,
                cell: min_opt(old.cell, part.cell),
                map: min_opt(old.map, part.map),
                chart: match (old.chart, part.chart) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                },
            },
        };
        self.views.insert(view, merged);
    }
}

fn memory_id() -> egui::Id {
    egui::Id::unique("convscope-view-rects")
}

/// Forgets the last frame's record: called before the panels are laid out.
pub(crate) fn start_frame(ctx: &egui::Context) {
    ctx.data_mut(|d| d.insert_temp(memory_id(), ViewRects::default()));
}

/// Records that `view` drew a part of itself at `rect` in `ui`, with what came out how small.
/// A part counts as whole when it lies inside the window and inside `ui`'s clip.
pub(crate) fn record(ui: &egui::Ui, view: ViewId, rect: Rect, sizes: Sizes) {
    // Half a point of slack: rounding puts an edge a hair outside.
    let inside = |outer: Rect| outer.expand(0.5).contains_rect(rect);
    let whole = inside(ui.clip_rect()) && inside(ui.ctx().content_rect());
    let part = ViewRect {
        rect,
        whole,
        cell: sizes.cell,
        map: sizes.map,
        chart: sizes.chart,
    };
    ui.ctx().data_mut(|d| {
        d.get_temp_mut_or_default::<ViewRects>(memory_id())
            .add(view, part)
    });
}

/// Records where panel `which` is: the rect `ui` (the panel's own) may fill.
pub(crate) fn record_panel(ui: &egui::Ui, which: Fixed) {
    let rect = ui.max_rect();
    ui.ctx().data_mut(|d| {
        d.get_temp_mut_or_default::<ViewRects>(memory_id())
            .panels
            .insert(which, rect)
    });
}

/// Records a part of `view` that is neither maps nor a chart (a table, a panel of text).
pub(crate) fn record_rect(ui: &egui::Ui, view: ViewId, rect: Rect) {
    record(ui, view, rect, Sizes::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn parts_of_a_view_add_up_to_the_smallest_and_the_whole() {
        let mut rects = ViewRects::default();
        let view = ViewId::Evidence;
        let part = |x: f32, whole: bool, cell: f32| ViewRect {
            rect: Rect::from_min_size(pos2(x, 0.0), Vec2::splat(10.0)),
            whole,
            cell: Some(cell),
            map: None,
            chart: Some(Vec2::new(500.0, 300.0 + x)),
        };
        rects.add(view.clone(), part(0.0, true, 5.0));
        rects.add(view.clone(), part(20.0, false, 3.0));
        let r = rects.get(&view).unwrap();
        assert_eq!(r.rect, Rect::from_min_max(pos2(0.0, 0.0), pos2(30.0, 10.0)));
        assert!(!r.whole);
        assert_eq!(r.cell, Some(3.0));
        assert_eq!(r.map, None);
        assert_eq!(r.chart, Some(Vec2::new(500.0, 300.0)));
    }
}
