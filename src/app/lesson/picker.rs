//! The lessons to choose from while none is open: the built-in ones and the teacher's own from
//! the lessons folder (see [`crate::io::user_lessons_dir`]), each by its title; choosing one
//! opens it at step 1. A lesson file with a mistake is listed with its error (file, line, what
//! is wrong) so the teacher sees what to fix. The folder is read again when its files change
//! (looked at every few seconds while the list is shown) or on "Look again".

use crate::app::i18n;
use crate::app::shell::commands::Command;
use crate::app::shell::panels::Panels;
use crate::lesson::catalog::{Entry, Source, catalog};
use egui::RichText;
use std::cell::RefCell;
use std::path::PathBuf;
use std::time::SystemTime;

/// How often (seconds) the folder's files are compared with what the list holds.
const LOOK_EVERY_SECONDS: f64 = 2.0;

/// The lessons folder and what was last read from it.
#[derive(Debug)]
pub struct Picker {
    /// Where the teacher's own lessons are (none: only the built-in ones).
    pub dir: Option<PathBuf>,
    listing: RefCell<Option<Listing>>,
}

impl Default for Picker {
    fn default() -> Self {
        Picker::in_folder(crate::io::user_lessons_dir())
    }
}

/// The catalogue as read, and what the folder held when it was read.
#[derive(Debug)]
struct Listing {
    looked_at: f64,
    files: Vec<(PathBuf, Option<SystemTime>)>,
    entries: Vec<Entry>,
    /// Why the folder could not be listed.
    error: Option<String>,
}

impl Picker {
    /// A picker for the lessons in `dir`.
    pub fn in_folder(dir: Option<PathBuf>) -> Self {
        Picker {
            dir,
            listing: RefCell::new(None),
        }
    }

    /// Reads the folder again at the next look.
    pub fn forget(&self) {
        self.listing.replace(None);
    }

    /// The files in the folder (lesson and text files) with their modification times.
    fn files(&self) -> Vec<(PathBuf, Option<SystemTime>)> {
        let Some(dir) = &self.dir else {
            return Vec::new();
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| (e.path(), e.metadata().and_then(|m| m.modified()).ok()))
                    .filter(|(p, _)| p.extension().is_some_and(|x| x == "toml" || x == "ftl"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Brings the listing up to date at time `now` (seconds): read when first asked, then
    /// again when the folder's files changed.
    fn refresh(&self, now: f64) {
        let mut listing = self.listing.borrow_mut();
        if let Some(l) = listing.as_mut() {
            if now - l.looked_at < LOOK_EVERY_SECONDS {
                return;
            }
            l.looked_at = now;
            if self.files() == l.files {
                return;
            }
        }
        let files = self.files();
        let (entries, error) = match catalog(self.dir.as_deref()) {
            Ok(entries) => (entries, None),
            Err(e) => (catalog(None).unwrap_or_default(), Some(e.to_string())),
        };
        *listing = Some(Listing {
            looked_at: now,
            files,
            entries,
            error,
        });
    }
}

/// The heading, the built-in lessons, the teacher's own (or where to put them), and why the
/// last lesson could not be opened.
pub(crate) fn picker_ui(ui: &mut egui::Ui, picker: &Picker, error: Option<&str>, p: &mut Panels) {
    let s = p.s;
    picker.refresh(ui.input(|i| i.time));
    ui.heading(s.lessons);
    ui.label(s.lesson_pick);
    let guard = picker.listing.borrow();
    let Some(listing) = guard.as_ref() else {
        return;
    };
    let code = p.settings.language.code();
    ui.add_space(6.0);
    ui.label(RichText::new(s.lesson_builtin).strong());
    for entry in listing
        .entries
        .iter()
        .filter(|e| matches!(e.source, Source::Builtin(_)))
    {
        entry_ui(ui, entry, code, p);
    }
    ui.add_space(10.0);
    let dir = picker
        .dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    ui.add(egui::Label::new(RichText::new(i18n::fill(s.lesson_yours, &[&dir])).strong()).wrap());
    let own: Vec<&Entry> = listing
        .entries
        .iter()
        .filter(|e| matches!(e.source, Source::File(_)))
        .collect();
    if own.is_empty() {
        ui.add(egui::Label::new(s.lesson_yours_none).wrap());
    }
    for entry in own {
        entry_ui(ui, entry, code, p);
    }
    if let Some(e) = &listing.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    let look_again = ui
        .button(s.lesson_look_again)
        .on_hover_text(s.lesson_look_again_tip)
        .clicked();
    drop(guard);
    if look_again {
        picker.forget();
    }
    if let Some(e) = error {
        ui.add_space(6.0);
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

/// One lesson: a button with its title that opens it, its id beside it; or, for a file with a
/// mistake, its name and what is wrong.
fn entry_ui(ui: &mut egui::Ui, entry: &Entry, code: &str, p: &mut Panels) {
    match &entry.lesson {
        Ok(lesson) => {
            ui.horizontal_wrapped(|ui| {
                let title = RichText::new(lesson.title(code)).strong();
                if ui.button(title).clicked() {
                    p.commands
                        .push(Command::OpenLesson(entry.source.open_arg()));
                }
                ui.weak(&lesson.id);
            });
        }
        Err(e) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(entry.id()).strong());
                ui.colored_label(ui.visuals().error_fg_color, p.s.lesson_broken);
            });
            ui.add(
                egui::Label::new(RichText::new(e.to_string()).color(ui.visuals().error_fg_color))
                    .wrap(),
            );
        }
    }
}
