//! What could not be restored or done, shown above the views until dismissed: the app never
//! fails to open because a remembered file went bad, but it says so instead of hiding it.
//! Notices of one kind are one notice that lists them (in a list that scrolls), with one
//! Dismiss: three hundred unreadable language files do not cover the window.

use super::commands::Command;
use super::panels::Panels;

/// How many lines a notice's list shows before it scrolls.
const LIST_LINES: f32 = 5.0;

pub(crate) fn notices_ui(ui: &mut egui::Ui, p: &mut Panels) {
    let s = p.s;
    let warn = ui.visuals().warn_fg_color;
    for group in p.notices.groups() {
        ui.horizontal(|ui| {
            if ui.button(s.dismiss).on_hover_text(s.dismiss_tip).clicked() {
                p.commands.push(Command::DismissNotice(group.first));
            }
            ui.vertical(|ui| {
                let heading = egui::RichText::new(group.heading(s)).color(warn);
                ui.add(egui::Label::new(heading).wrap());
                let items = group.items(s);
                if items.is_empty() {
                    return;
                }
                let line = ui.text_style_height(&egui::TextStyle::Body);
                egui::ScrollArea::vertical()
                    .id_salt(("notice-list", group.first))
                    .max_height(LIST_LINES * (line + ui.spacing().item_spacing.y))
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for item in items {
                            ui.add(egui::Label::new(egui::RichText::new(item).color(warn)).wrap());
                        }
                    });
            });
        });
    }
}
