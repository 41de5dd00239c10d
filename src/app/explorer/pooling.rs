//! The pooling controls: the mode button (M), the window, the twin trained with the other
//! mode, and the note shown while the weights run with another mode than they were trained
//! with. Every control keeps its place whatever the mode, so M moves nothing.

use super::controls::PoolWindow;
use super::state::{trained_pool_mode, twin_path};
use crate::app::i18n::fill;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::app::widgets::steady::{reserved_label_ui, steady_button_ui, widest};
use crate::engine::PoolMode;

/// The toolbar's pooling controls (nothing for a model without pooling layers).
pub(crate) fn pooling_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let ex = p.ex;
    if ex.model.pool_layers().is_empty() {
        return;
    }
    // Every label a control can take is measured, and the control is as wide as the longest:
    // M changes what it says, never where anything is.
    let mode_label = |m: PoolMode| fill(s.pooling, &[&s.pool_mode(m)]);
    let labels = PoolMode::ALL.map(mode_label);
    if steady_button_ui(
        ui,
        &mode_label(ex.pool_mode),
        labels.iter().map(String::as_str),
    )
    .on_hover_text(s.pooling_tip)
    .clicked()
    {
        p.commands.push(Command::CyclePool);
    }
    let current = ex
        .pool_window
        .label()
        .unwrap_or_else(|| s.window_as_trained.to_string());
    // The label before the box, in the normal text colour (from_label puts a grey one after).
    let label = ui.label(s.window);
    let windows = PoolWindow::ALL.map(|w| w.label().unwrap_or_else(|| s.window_as_trained.into()));
    let combo_width = widest(ui, windows) + ui.spacing().icon_width;
    egui::ComboBox::from_id_salt("pool-window")
        .width(combo_width)
        .selected_text(current)
        .show_ui(ui, |ui| {
            for w in PoolWindow::ALL {
                let text = w.label().unwrap_or_else(|| s.window_as_trained.to_string());
                if ui.selectable_label(ex.pool_window == w, text).clicked() {
                    p.commands.push(Command::SetPoolWindow(w));
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(s.window_tip);
    // A model with a twin keeps the twin's button in its place whatever the mode; it shows
    // (and works) only while the twin's mode is in use, so it never pushes the rest along.
    let trained = trained_pool_mode(&ex.model);
    if let Some(t) = trained
        && let Some((_, mode)) = ex.model_path.as_deref().and_then(twin_path)
        && mode != t
    {
        let shown = ex.pool_mode == mode;
        let button = egui::Button::new(fill(s.load_twin, &[&s.pool_mode(mode)]));
        let r = ui.add_visible(shown, button);
        if shown && r.on_hover_text(s.twin_tip).clicked() {
            p.commands.push(Command::LoadTwin);
        }
    }
}

/// The note shown when the weights were trained with another pooling mode than the one in use.
pub(crate) fn other_mode_note(p: &Panels) -> Option<String> {
    let trained = trained_pool_mode(&p.ex.model)?;
    let now: PoolMode = p.ex.pool_mode;
    (trained != now).then(|| {
        let (trained, now) = (p.s.pool_mode(trained), p.s.pool_mode(now));
        fill(p.s.trained_other_mode, &[&trained, &now])
    })
}

/// The note of [`other_mode_note`] in a space kept for it whether it shows or not: as tall as
/// the longest note this model can show, so that M does not push what is below down.
pub(crate) fn other_mode_note_ui(ui: &mut egui::Ui, p: &Panels) {
    let Some(trained) = trained_pool_mode(&p.ex.model) else {
        return;
    };
    let notes: Vec<String> = PoolMode::ALL
        .into_iter()
        .filter(|&m| m != trained)
        .map(|m| {
            let now = p.s.pool_mode(m);
            fill(p.s.trained_other_mode, &[&p.s.pool_mode(trained), &now])
        })
        .collect();
    let shown = other_mode_note(p);
    let color = ui.visuals().warn_fg_color;
    reserved_label_ui(
        ui,
        &notes,
        shown.map(|n| egui::RichText::new(n).color(color)),
    );
}
