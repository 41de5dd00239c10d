//! Hover linking across stages outside the view that has the pointer: the cell under the
//! pointer (in any map grid) is remembered for a frame, and the pipeline strip outlines on each
//! neighbouring stage's thumbnail the cells it feeds and came from.

use crate::analysis::arithmetic::{LinkedCells, linked_cells};
use crate::engine::{LayerKind, Model, Shape};
use crate::viz::export::plane_side;
use egui::{Color32, Rect, Vec2};

/// A hovered map cell: (stage, (channel, row, column)).
pub(crate) type StageCell = (usize, (usize, usize, usize));

/// What the strip outlines on stage `stage`'s thumbnail for `hover`: the hovered cell itself,
/// or the cells it feeds (next stage) or came from (previous stage). The channel is always
/// given: where every channel is linked (a convolution), `fallback` (the thumbnail's own).
pub(crate) fn strip_link(
    model: &Model,
    hover: Option<StageCell>,
    stage: usize,
    fallback: usize,
) -> Option<LinkedCells> {
    let (from, (c, y, x)) = hover?;
    if let Some(linked) = flattened_cell(model, from, (c, y, x), stage) {
        return Some(linked);
    }
    let linked = if from == stage {
        LinkedCells {
            channel: Some(c),
            rect: (x as i64, y as i64, x as i64 + 1, y as i64 + 1),
        }
    } else {
        linked_cells(model, from, (c, y, x), stage)?
    };
    Some(LinkedCells {
        channel: Some(linked.channel.unwrap_or(fallback)),
        ..linked
    })
}

/// A map cell's value in the vector a flatten stage right after it makes, where the strip's
/// thumbnail (the vector folded into a near-square plane) shows it.
fn flattened_cell(
    model: &Model,
    from: usize,
    (c, y, x): (usize, usize, usize),
    stage: usize,
) -> Option<LinkedCells> {
    let layer = model.layers().get(stage.checked_sub(1)?)?;
    if model.sources(stage - 1) != [crate::engine::graph::chained(from)] {
        return None;
    }
    if !matches!(layer.kind, LayerKind::Flatten) {
        return None;
    }
    let maps = match from {
        0 => model.input.shape(),
        s => *model.shapes().get(s - 1)?,
    };
    let Shape::Maps {
        channels,
        height,
        width,
    } = maps
    else {
        return None;
    };
    if c >= channels || y >= height || x >= width {
        return None;
    }
    let index = (c * height + y) * width + x;
    let side = plane_side(channels * height * width);
    let (row, col) = ((index / side) as i64, (index % side) as i64);
    Some(LinkedCells {
        channel: Some(0),
        rect: (col, row, col + 1, row + 1),
    })
}

/// Outlines `cells` (x0, y0, x1, y1 in map cells) on a map of `(h, w)` drawn into `image`.
pub(crate) fn outline_cells_ui(
    ui: &egui::Ui,
    image: Rect,
    (h, w): (usize, usize),
    (x0, y0, x1, y1): (i64, i64, i64, i64),
) {
    let k = Vec2::new(
        image.width() / w.max(1) as f32,
        image.height() / h.max(1) as f32,
    );
    let at = |x: i64, y: i64| image.min + Vec2::new(x as f32 * k.x, y as f32 * k.y);
    let r = Rect::from_min_max(at(x0, y0), at(x1, y1));
    ui.painter().rect_stroke(
        r,
        0.0,
        egui::Stroke::new(1.5, Color32::from_rgb(255, 60, 60)),
        egui::StrokeKind::Outside,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PoolMode, zoo};

    /// The digits net: input 1@28x28, conv1 (stage 1, 3x3 pad 1), relu1 (2), pool1 (3, 2x2/2).
    #[test]
    fn a_conv_cell_lights_its_input_window_and_the_cells_it_feeds() {
        let model = zoo::digits(1, PoolMode::Max);
        let hover = Some((1, (3, 10, 12)));
        let same = strip_link(&model, hover, 1, 0).expect("the cell itself");
        assert_eq!(same.channel, Some(3));
        assert_eq!(same.rect, (12, 10, 13, 11));
        let input = strip_link(&model, hover, 0, 0).expect("its window on the input");
        assert_eq!(input.rect, (11, 9, 14, 12));
        assert_eq!(input.channel, Some(0));
        let relu = strip_link(&model, hover, 2, 5).expect("the relu cell it feeds");
        assert_eq!((relu.channel, relu.rect), (Some(3), (12, 10, 13, 11)));
        // Two stages away: nothing (only neighbours are linked).
        assert_eq!(strip_link(&model, hover, 3, 0), None);
        // A pooled cell: the 2x2 window it came from on the relu maps.
        let pooled = strip_link(&model, Some((3, (1, 2, 3))), 2, 0).expect("its window");
        assert_eq!((pooled.channel, pooled.rect), (Some(1), (6, 4, 8, 6)));
        assert_eq!(strip_link(&model, None, 1, 0), None);
    }

    /// The digits net ends its maps in 16@7x7, flattened to 784 values (a 28-wide plane): a
    /// pooled cell lights one value of the flatten card, in C, H, W order.
    #[test]
    fn a_pooled_cell_lights_its_value_in_the_flattened_vector() {
        let model = zoo::digits(1, PoolMode::Max);
        let flatten = model
            .layers()
            .iter()
            .position(|l| matches!(l.kind, LayerKind::Flatten))
            .expect("a flatten layer")
            + 1;
        let Shape::Maps {
            channels,
            height,
            width,
        } = model.shapes()[flatten - 2]
        else {
            panic!("maps before flatten");
        };
        let (c, y, x) = (channels - 1, height - 1, width - 1);
        let link = strip_link(&model, Some((flatten - 1, (c, y, x))), flatten, 0).expect("linked");
        let last = channels * height * width - 1;
        let side = plane_side(last + 1);
        let (row, col) = ((last / side) as i64, (last % side) as i64);
        assert_eq!(link.channel, Some(0));
        assert_eq!(link.rect, (col, row, col + 1, row + 1));
        // The first cell is the vector's first value.
        let first = strip_link(&model, Some((flatten - 1, (0, 0, 0))), flatten, 0).expect("linked");
        assert_eq!(first.rect, (0, 0, 1, 1));
    }
}
