//! Legends drawn beside a plot rather than over it: a short sample of each line (colour and
//! solid / dashed / dotted) and its name in normal-size text.

use egui::{Color32, Pos2, Sense, Shape, Stroke, Vec2};

/// How a plotted line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dash {
    Solid,
    Dashed,
    Dotted,
}

impl Dash {
    pub(crate) fn line_style(self) -> egui_plot::LineStyle {
        match self {
            Dash::Solid => egui_plot::LineStyle::Solid,
            Dash::Dashed => egui_plot::LineStyle::dashed_loose(),
            Dash::Dotted => egui_plot::LineStyle::dotted_loose(),
        }
    }
}

/// One legend entry: a 28-point sample of the line, then `text`.
pub(crate) fn key_ui(
    ui: &mut egui::Ui,
    color: Color32,
    dash: Dash,
    width: f32,
    text: &str,
) -> egui::Response {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let h = ui.text_style_height(&egui::TextStyle::Body);
        let (rect, _) = ui.allocate_exact_size(Vec2::new(28.0, h), Sense::hover());
        let y = rect.center().y;
        let (a, b) = (Pos2::new(rect.left(), y), Pos2::new(rect.right(), y));
        let stroke = Stroke::new(width, color);
        let painter = ui.painter();
        match dash {
            Dash::Solid => {
                painter.line_segment([a, b], stroke);
            }
            Dash::Dashed => {
                painter.extend(Shape::dashed_line(&[a, b], stroke, 7.0, 4.0));
            }
            Dash::Dotted => {
                painter.extend(Shape::dotted_line(&[a, b], color, 5.0, width.max(1.5)));
            }
        }
        // Wrapped, so a long legend entry (a run's settings) stays inside a narrow panel.
        ui.add(egui::Label::new(text).wrap())
    })
    .inner
}
