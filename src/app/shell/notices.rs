//! What could not be restored or done, shown above the views until dismissed: the app never
//! fails to open because a remembered file went bad, but it says so instead of hiding it.

use super::commands::Command;
use super::panels::Panels;

pub(crate) fn notices_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    for (i, notice) in p.notices.iter().enumerate() {
        ui.horizontal(|ui| {
            if ui.button(s.dismiss).on_hover_text(s.dismiss_tip).clicked() {
                p.commands.push(Command::DismissNotice(i));
            }
            ui.add(
                egui::Label::new(
                    egui::RichText::new(notice.as_str()).color(ui.visuals().warn_fg_color),
                )
                .wrap(),
            );
        });
    }
}
