//! Controls and notes that keep their place: a button as wide as the longest text it can take,
//! a note in a space kept for it whether it shows or not. Switching a mode (M) then changes
//! what the screen says, never where anything is under the pointer.

/// The width of the widest of `labels` on a button.
pub(crate) fn widest<T: Into<egui::WidgetText>>(
    ui: &egui::Ui,
    labels: impl IntoIterator<Item = T>,
) -> f32 {
    let text = labels
        .into_iter()
        .map(|l| {
            l.into()
                .into_galley(
                    ui,
                    Some(egui::TextWrapMode::Extend),
                    f32::INFINITY,
                    egui::TextStyle::Button,
                )
                .size()
                .x
        })
        .fold(0.0, f32::max);
    text + 2.0 * ui.spacing().button_padding.x
}

/// A button showing `text`, as wide as the widest of `labels` (the texts it can take).
pub(crate) fn steady_button_ui<'a>(
    ui: &mut egui::Ui,
    text: &str,
    labels: impl IntoIterator<Item = &'a str>,
) -> egui::Response {
    let width = widest(ui, labels);
    ui.add(egui::Button::new(text).min_size(egui::vec2(width, 0.0)))
}

/// `shown` (or nothing) in a space as tall as the tallest of `texts` at the available width.
pub(crate) fn reserved_label_ui(
    ui: &mut egui::Ui,
    texts: &[String],
    shown: Option<impl Into<egui::WidgetText>>,
) {
    let width = ui.available_width();
    let height = texts
        .iter()
        .map(|t| {
            egui::WidgetText::from(t.as_str())
                .into_galley(
                    ui,
                    Some(egui::TextWrapMode::Wrap),
                    width,
                    egui::TextStyle::Body,
                )
                .size()
                .y
        })
        .fold(0.0, f32::max);
    let size = egui::vec2(width, height);
    let layout = egui::Layout::top_down(egui::Align::Min);
    ui.allocate_ui_with_layout(size, layout, |ui| {
        ui.set_min_size(size);
        if let Some(text) = shown {
            ui.add(egui::Label::new(text).wrap());
        }
    });
}
