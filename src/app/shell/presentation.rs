//! Presentation mode: legible from the back row of a classroom. It does not only zoom: it lays
//! the app out on a canvas about 720 points high whatever the screen (so one layout fits a
//! 1280x800 laptop and a 1920x1080 projector alike), and raises every text style so that no
//! text is smaller than 1/60 of the screen's height (18 px at 1080 lines, never under 14 px).

use egui::{TextStyle, Vec2};

/// The height, in points, presentation mode lays the app out on.
pub(crate) const CANVAS_HEIGHT: f32 = 720.0;
/// The narrowest width, in points, presentation mode lays the app out on.
pub(crate) const CANVAS_WIDTH: f32 = 1152.0;

/// The smallest text presentation mode allows on a window of `window_px` screen pixels.
pub(crate) fn min_text_px(window_px: Vec2) -> f32 {
    (window_px.y / 60.0).clamp(14.0, 18.0)
}

/// The zoom that fits the presentation canvas into a window of `window_px` screen pixels (the
/// native pixels per point of the screen already counted in).
pub(crate) fn zoom_for(window_px: Vec2, native_ppp: f32) -> f32 {
    let fit = (window_px.y / CANVAS_HEIGHT).min(window_px.x / CANVAS_WIDTH);
    (fit / native_ppp.max(0.1)).clamp(1.0, 3.0)
}

/// Every text style at least `min_points` high (headings a step above the rest); `None`
/// gives egui's own sizes back.
pub(crate) fn text_styles(
    min_points: Option<f32>,
) -> std::collections::BTreeMap<TextStyle, egui::FontId> {
    let mut styles = egui::Style::default().text_styles;
    if let Some(min) = min_points {
        for (style, font) in styles.iter_mut() {
            let floor = if *style == TextStyle::Heading {
                min * 1.35
            } else {
                min
            };
            font.size = font.size.max(floor);
        }
    }
    styles
}

/// The window's size in screen pixels.
pub(crate) fn window_px(ctx: &egui::Context) -> Vec2 {
    ctx.content_rect().size() * ctx.pixels_per_point()
}

/// Applies presentation mode (or takes it off) for the current window: zoom and text sizes.
/// Called every frame while it is on, so that a moved or resized window keeps it right.
pub(crate) fn apply(ctx: &egui::Context, on: bool) {
    let min = on.then(|| {
        let px = window_px(ctx);
        let zoom = zoom_for(px, ctx.native_pixels_per_point().unwrap_or(1.0));
        if (ctx.zoom_factor() - zoom).abs() > 1e-3 {
            ctx.set_zoom_factor(zoom);
        }
        let ppp = zoom * ctx.native_pixels_per_point().unwrap_or(1.0);
        // A hair over, so that rounding never lands a text at 17.99 px.
        min_text_px(px) / ppp + 0.01
    });
    let wanted = text_styles(min);
    if ctx.global_style().text_styles != wanted {
        ctx.all_styles_mut(|style| style.text_styles = wanted.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_projector_gets_18_px_text_and_a_laptop_14() {
        let projector = Vec2::new(1920.0, 1080.0);
        let laptop = Vec2::new(1280.0, 800.0);
        assert_eq!(min_text_px(projector), 18.0);
        assert_eq!(min_text_px(laptop), 14.0);
        assert_eq!(zoom_for(projector, 1.0), 1.5);
        // 1152x720 points on the laptop: the same layout as 1280x720 on the projector.
        assert!((zoom_for(laptop, 1.0) - 1.111).abs() < 1e-3);
        // A HiDPI laptop already has two pixels per point.
        assert!((zoom_for(Vec2::new(2560.0, 1600.0), 2.0) - 1.111).abs() < 1e-3);
    }

    #[test]
    fn every_style_is_raised_and_off_gives_the_defaults_back() {
        let on = text_styles(Some(12.0));
        assert!(on.values().all(|f| f.size >= 12.0));
        assert!(on[&TextStyle::Heading].size >= 16.0);
        assert_eq!(text_styles(None), egui::Style::default().text_styles);
    }
}
