//! The whole network in one thin line under a strip too long for the window: one mark per
//! card (blocks in the block colour, the selected card in the selection colour), a frame
//! around the part in view; a click or a drag on it goes to the stage there.

use super::state::SKIP_COLOR;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use egui::{Rect, Sense, Stroke};

/// Where the strip's cards are and which part of them is in view.
pub(crate) struct StripExtent {
    /// Each shown card's stage and its rect in the strip's content, from its left end.
    pub cards: Vec<(usize, Rect)>,
    /// The content's width and the part in view: from `offset`, `visible` wide.
    pub content_width: f32,
    pub offset: f32,
    pub visible: f32,
}

impl StripExtent {
    /// The stage of the card nearest `x` in the content.
    fn stage_at(&self, x: f32) -> Option<usize> {
        self.cards
            .iter()
            .min_by(|a, b| distance(a.1, x).total_cmp(&distance(b.1, x)))
            .map(|&(stage, _)| stage)
    }
}

fn distance(rect: Rect, x: f32) -> f32 {
    if x < rect.left() {
        rect.left() - x
    } else {
        (x - rect.right()).max(0.0)
    }
}

pub(crate) fn overview_ui(ui: &mut egui::Ui, p: &mut Panels, extent: &StripExtent) {
    let height = 0.9 * ui.text_style_height(&egui::TextStyle::Small);
    let (bar, response) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        Sense::click_and_drag(),
    );
    let label = p.s.strip_overview.to_string();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    let scale = bar.width() / extent.content_width.max(1.0);
    let to_bar = |x: f32| bar.left() + x * scale;
    let painter = ui.painter_at(bar.expand(1.0));
    let visuals = ui.visuals();
    painter.rect_filled(bar, 2.0, visuals.extreme_bg_color);
    for &(stage, rect) in &extent.cards {
        let mark = Rect::from_x_y_ranges(
            to_bar(rect.left())..=to_bar(rect.right()).max(to_bar(rect.left()) + 1.0),
            bar.y_range().shrink(2.0),
        );
        let color = if stage == p.ex.stage {
            visuals.selection.stroke.color
        } else if p.view.strip.block_of(stage).is_some() {
            SKIP_COLOR.linear_multiply(0.7)
        } else {
            visuals.weak_text_color()
        };
        painter.rect_filled(mark, 0.0, color);
    }
    let window = Rect::from_x_y_ranges(
        to_bar(extent.offset)..=to_bar(extent.offset + extent.visible),
        bar.y_range(),
    );
    painter.rect_stroke(
        window,
        2.0,
        Stroke::new(1.5, visuals.strong_text_color()),
        egui::StrokeKind::Inside,
    );
    let at_pointer = |response: &egui::Response| {
        let pos = response.interact_pointer_pos().or(response.hover_pos())?;
        extent.stage_at((pos.x - bar.left()) / scale)
    };
    if (response.clicked() || response.dragged())
        && let Some(stage) = at_pointer(&response)
        && stage != p.ex.stage
    {
        p.commands.push(Command::SelectStage(stage));
    }
    let name = at_pointer(&response)
        .and_then(|stage| p.ex.stage_layer(stage))
        .map(|l| l.name.clone());
    let tip = match name {
        Some(name) => format!("{name}\n{}", p.s.strip_overview_tip),
        None => p.s.strip_overview_tip.to_string(),
    };
    response.on_hover_text(tip);
}
