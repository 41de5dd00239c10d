//! Choosing a file: the kinds of file the app opens (one list), whether the system can show a
//! file dialog, and an in-app browser for when it cannot (a bare X session without a desktop
//! portal or zenity, where rfd returns nothing, exactly as if the person had cancelled).
//! [`FileBrowser`] is the state; [`file_browser_ui`] draws it.

use crate::app::i18n::{Strings, fill};
use crate::app::shell::commands::Command;
use egui::{Key, RichText};
use std::path::{Path, PathBuf};

/// What a file is opened as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A network (the model menu's "Open model…").
    Model,
    /// What the network reads ("Open image…", Ctrl+O).
    Input,
    /// Class names for the input settings dialog.
    Labels,
}

/// A kind of file the app opens: its name in dialogs and its extensions (lower case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileKind {
    pub role: FileRole,
    pub name: &'static str,
    pub extensions: &'static [&'static str],
}

/// Every kind of file the app opens. The system dialogs' filters, the in-app browser and files
/// dropped on the window all read this list: a new reader (ONNX models, WAV inputs) is one
/// more line here.
pub(crate) const FILE_KINDS: &[FileKind] = &[
    FileKind {
        role: FileRole::Model,
        name: "convscope model",
        extensions: &["json"],
    },
    FileKind {
        role: FileRole::Model,
        name: "ONNX model",
        extensions: &["onnx"],
    },
    FileKind {
        role: FileRole::Input,
        name: "image",
        extensions: &["png", "jpg", "jpeg", "bmp", "gif", "webp"],
    },
    FileKind {
        role: FileRole::Input,
        name: "sound",
        extensions: &["wav"],
    },
    // After the models: a dropped `.json` is a model; a labels file may still be JSON.
    FileKind {
        role: FileRole::Labels,
        name: "class labels",
        extensions: &["txt", "json"],
    },
];

/// What export writes.
pub(crate) const EXPORT_KIND: FileKind = FileKind {
    role: FileRole::Input,
    name: "PNG",
    extensions: &["png"],
};

/// What a lesson's handout is written as.
pub(crate) const HANDOUT_KIND: FileKind = FileKind {
    role: FileRole::Input,
    name: "HTML",
    extensions: &["html"],
};

/// The kinds opened as `role`.
pub(crate) fn kinds(role: FileRole) -> impl Iterator<Item = &'static FileKind> {
    FILE_KINDS.iter().filter(move |k| k.role == role)
}

/// What `path` opens as, by its extension (any case); `None` for an unknown one.
pub(crate) fn role_of(path: &Path) -> Option<FileRole> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    FILE_KINDS
        .iter()
        .find(|k| k.extensions.contains(&ext.as_str()))
        .map(|k| k.role)
}

/// Whether the system can be expected to show a file dialog: rfd asks the desktop portal over
/// the session bus, then falls back to zenity. When neither is there, it returns at once with
/// nothing, which looks like a cancel.
pub(crate) fn system_dialog_expected() -> bool {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()))
    };
    if on_path("zenity") {
        return true;
    }
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists());
    let data_dirs =
        std::env::var("XDG_DATA_DIRS").unwrap_or_else(|_| "/usr/local/share:/usr/share".into());
    let portal = data_dirs.split(':').any(|d| {
        Path::new(d)
            .join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .is_file()
    });
    bus && portal
}

/// How long a system dialog is at least open when a person cancels it: rfd answers "nothing"
/// sooner only when no dialog came up.
const QUICKER_THAN_A_PERSON: std::time::Duration = std::time::Duration::from_millis(250);

/// What the system dialog answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SystemAnswer {
    Chosen(PathBuf),
    Cancelled,
    /// No dialog came up (or none could): the in-app browser takes over.
    NoDialog,
}

/// Asks the system's file dialog (blocking) for a file for `purpose`, starting in `dir`.
pub(crate) fn system_dialog(purpose: Purpose, dir: &Path, file_name: &str) -> SystemAnswer {
    if !system_dialog_expected() {
        return SystemAnswer::NoDialog;
    }
    let mut dialog = rfd::FileDialog::new().set_directory(dir);
    let started = std::time::Instant::now();
    let picked = match purpose {
        Purpose::Open(role) => {
            for k in kinds(role) {
                dialog = dialog.add_filter(k.name, k.extensions);
            }
            dialog.pick_file()
        }
        Purpose::Export | Purpose::Handout(_) => {
            let kind = purpose.save_kind().unwrap_or(EXPORT_KIND);
            dialog
                .add_filter(kind.name, kind.extensions)
                .set_file_name(file_name)
                .save_file()
        }
    };
    match picked {
        Some(path) => SystemAnswer::Chosen(path),
        None if started.elapsed() < QUICKER_THAN_A_PERSON => SystemAnswer::NoDialog,
        None => SystemAnswer::Cancelled,
    }
}

/// What the browser is choosing a file for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Open(FileRole),
    /// A PNG to write.
    Export,
    /// A lesson's handout to write (`true`: the teacher's copy).
    Handout(bool),
}

impl Purpose {
    /// The command that does what the file was chosen for.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            Purpose::Open(FileRole::Model) => Command::OpenModel(path),
            Purpose::Open(FileRole::Input) => Command::OpenImage(path),
            Purpose::Open(FileRole::Labels) => Command::LabelsFile(path),
            Purpose::Export => Command::Export(path),
            Purpose::Handout(answers) => Command::WriteHandout(path, answers),
        }
    }

    /// For a file to write: its kind (PNG, HTML).
    pub(crate) fn save_kind(self) -> Option<FileKind> {
        match self {
            Purpose::Open(_) => None,
            Purpose::Export => Some(EXPORT_KIND),
            Purpose::Handout(_) => Some(HANDOUT_KIND),
        }
    }
}

/// One line of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub path: PathBuf,
    pub is_dir: bool,
}

/// The in-app browser: a folder, what it holds that suits the purpose, and the choice so far.
#[derive(Debug, Clone, PartialEq)]
pub struct FileBrowser {
    pub purpose: Purpose,
    pub dir: PathBuf,
    /// Folders first, then the files of the purpose's kinds, each sorted by name.
    pub entries: Vec<Entry>,
    pub selected: Option<PathBuf>,
    /// For export: the name to write in `dir`.
    pub file_name: String,
    /// Why the last folder could not be read.
    pub error: Option<String>,
}

/// How the browser ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Chosen(PathBuf),
    Cancelled,
}

impl FileBrowser {
    /// The browser on `dir` (the current directory when `dir` cannot be read).
    pub fn new(purpose: Purpose, dir: &Path, file_name: &str) -> Self {
        let mut b = FileBrowser {
            purpose,
            dir: PathBuf::new(),
            entries: Vec::new(),
            selected: None,
            file_name: file_name.to_string(),
            error: None,
        };
        if b.enter(dir).is_err() {
            let fallback = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
            let _ = b.enter(&fallback);
        }
        b
    }

    fn extensions(&self) -> Vec<&'static str> {
        match self.purpose {
            Purpose::Open(role) => kinds(role)
                .flat_map(|k| k.extensions.iter().copied())
                .collect(),
            Purpose::Export | Purpose::Handout(_) => self
                .purpose
                .save_kind()
                .map(|k| k.extensions.to_vec())
                .unwrap_or_default(),
        }
    }

    /// Lists `dir`; on failure keeps the old listing and says why (the error is returned too).
    pub fn enter(&mut self, dir: &Path) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.error = Some(e.to_string());
                return Err(e);
            }
        };
        let extensions = self.extensions();
        let mut listed: Vec<Entry> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let path = e.path();
                // Follows links: a linked folder is a folder.
                let is_dir = path.is_dir();
                let suits = is_dir
                    || path
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| extensions.contains(&x.to_ascii_lowercase().as_str()));
                (suits && !name.starts_with('.')).then_some(Entry { name, path, is_dir })
            })
            .collect();
        listed.sort_by(|a, b| {
            (!a.is_dir, a.name.to_lowercase()).cmp(&(!b.is_dir, b.name.to_lowercase()))
        });
        self.dir = dir.to_path_buf();
        self.entries = listed;
        self.selected = None;
        self.error = None;
        Ok(())
    }

    /// Goes to the folder above (nothing at the root).
    pub fn up(&mut self) {
        if let Some(parent) = self.dir.parent().map(Path::to_path_buf) {
            let _ = self.enter(&parent);
        }
    }

    /// Clicking an entry: selects it, and for export takes a file's name.
    pub fn select(&mut self, path: &Path) {
        if self.purpose.save_kind().is_some()
            && !path.is_dir()
            && let Some(name) = path.file_name()
        {
            self.file_name = name.to_string_lossy().into_owned();
        }
        self.selected = Some(path.to_path_buf());
    }

    /// "Open"/"Save" (or a double click): a selected folder is entered (`None`); otherwise the
    /// chosen file, if there is one.
    pub fn confirm(&mut self) -> Option<PathBuf> {
        if let Some(sel) = self.selected.clone()
            && sel.is_dir()
        {
            let _ = self.enter(&sel);
            return None;
        }
        match self.purpose {
            Purpose::Open(_) => self.selected.clone(),
            Purpose::Export | Purpose::Handout(_) => {
                let name = self.file_name.trim();
                if name.is_empty() || name.contains('/') {
                    return None;
                }
                let ext = self.purpose.save_kind().map_or("png", |k| k.extensions[0]);
                let mut path = self.dir.join(name);
                if path
                    .extension()
                    .is_none_or(|x| !x.eq_ignore_ascii_case(ext))
                {
                    path.set_extension(ext);
                }
                Some(path)
            }
        }
    }

    fn can_confirm(&self) -> bool {
        match self.purpose {
            Purpose::Open(_) => self.selected.is_some(),
            Purpose::Export | Purpose::Handout(_) => {
                !self.file_name.trim().is_empty() || self.selected.is_some()
            }
        }
    }
}

/// The browser as a modal window over the app; `Some` when it ends.
pub(crate) fn file_browser_ui(
    ctx: &egui::Context,
    b: &mut FileBrowser,
    s: &Strings,
) -> Option<Outcome> {
    let mut outcome = None;
    let title = match b.purpose {
        Purpose::Open(FileRole::Input) => s.browse_open_image,
        Purpose::Open(FileRole::Model) => s.browse_open_model,
        Purpose::Open(FileRole::Labels) => s.browse_open_labels,
        Purpose::Export => s.browse_export,
        Purpose::Handout(false) => s.handout_button,
        Purpose::Handout(true) => s.handout_answers_button,
    };
    let modal = egui::Modal::new(egui::Id::unique("file-browser")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading(title);
        ui.horizontal(|ui| {
            if ui
                .button(s.browse_up)
                .on_hover_text(s.browse_up_tip)
                .clicked()
            {
                b.up();
            }
            ui.label(b.dir.display().to_string());
        });
        if let Some(e) = &b.error {
            let text = fill(s.browse_unreadable, &[&b.dir.display(), e]);
            ui.colored_label(ui.visuals().error_fg_color, text);
        }
        ui.separator();
        let mut clicked = None;
        let mut double = None;
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if b.entries.is_empty() {
                    ui.label(RichText::new(s.browse_empty).weak());
                }
                for e in &b.entries {
                    let label = if e.is_dir {
                        format!("{}/", e.name)
                    } else {
                        e.name.clone()
                    };
                    let selected = b.selected.as_deref() == Some(e.path.as_path());
                    let r = ui.selectable_label(selected, label);
                    if r.double_clicked() {
                        double = Some(e.path.clone());
                    } else if r.clicked() {
                        clicked = Some(e.path.clone());
                    }
                }
            });
        if let Some(path) = clicked {
            b.select(&path);
        }
        if let Some(path) = double {
            b.select(&path);
            outcome = b.confirm().map(Outcome::Chosen);
        }
        if b.purpose.save_kind().is_some() {
            ui.horizontal(|ui| {
                let label = ui.label(s.browse_file_name);
                ui.text_edit_singleline(&mut b.file_name)
                    .labelled_by(label.id);
            });
        }
        ui.separator();
        ui.horizontal(|ui| {
            let confirm = match b.purpose {
                Purpose::Export | Purpose::Handout(_) => s.browse_save,
                Purpose::Open(_) => s.browse_open,
            };
            let enter = ui.input(|i| i.key_pressed(Key::Enter));
            let pressed = ui
                .add_enabled(b.can_confirm(), egui::Button::new(confirm))
                .clicked();
            if (pressed || (enter && b.can_confirm()))
                && let Some(path) = b.confirm()
            {
                outcome = Some(Outcome::Chosen(path));
            }
            if ui.button(s.browse_cancel).clicked() {
                outcome = Some(Outcome::Cancelled);
            }
        });
    });
    if modal.should_close() && outcome.is_none() {
        outcome = Some(Outcome::Cancelled);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        std::fs::create_dir(d.join("pictures")).unwrap();
        std::fs::create_dir(d.join(".hidden")).unwrap();
        for f in ["b.PNG", "a.jpg", "notes.txt", "net.json", "pictures/c.png"] {
            std::fs::write(d.join(f), b"x").unwrap();
        }
        dir
    }

    fn names(b: &FileBrowser) -> Vec<&str> {
        b.entries.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn one_list_says_what_each_file_opens_as() {
        assert_eq!(role_of(Path::new("x/digit.PNG")), Some(FileRole::Input));
        assert_eq!(role_of(Path::new("digits-max.json")), Some(FileRole::Model));
        // A text file is a list of class names for the input settings.
        assert_eq!(role_of(Path::new("notes.txt")), Some(FileRole::Labels));
        assert_eq!(role_of(Path::new("notes.md")), None);
        assert_eq!(role_of(Path::new("README")), None);
    }

    #[test]
    fn the_listing_shows_folders_then_the_files_that_suit() {
        let dir = folder();
        let mut b = FileBrowser::new(Purpose::Open(FileRole::Input), dir.path(), "");
        assert_eq!(names(&b), ["pictures", "a.jpg", "b.PNG"]);
        let m = FileBrowser::new(Purpose::Open(FileRole::Model), dir.path(), "");
        assert_eq!(names(&m), ["pictures", "net.json"]);
        // A selected folder is entered; Up goes back.
        b.select(&dir.path().join("pictures"));
        assert_eq!(b.confirm(), None);
        assert_eq!(names(&b), ["c.png"]);
        b.select(&dir.path().join("pictures/c.png"));
        assert_eq!(b.confirm(), Some(dir.path().join("pictures/c.png")));
        b.up();
        assert_eq!(b.dir, dir.path());
        assert_eq!(b.selected, None);
    }

    #[test]
    fn export_writes_a_png_name_in_the_folder() {
        let dir = folder();
        let mut b = FileBrowser::new(Purpose::Export, dir.path(), "pool1.png");
        assert_eq!(names(&b), ["pictures", "b.PNG"]);
        assert_eq!(b.confirm(), Some(dir.path().join("pool1.png")));
        b.file_name = "slide".into();
        assert_eq!(b.confirm(), Some(dir.path().join("slide.png")));
        b.select(&dir.path().join("b.PNG"));
        assert_eq!(b.file_name, "b.PNG");
        assert_eq!(b.confirm(), Some(dir.path().join("b.PNG")));
        b.file_name = "  ".into();
        b.selected = None;
        assert_eq!(b.confirm(), None);
    }

    #[test]
    fn an_unreadable_folder_keeps_the_listing_and_says_why() {
        let dir = folder();
        let mut b = FileBrowser::new(Purpose::Open(FileRole::Input), dir.path(), "");
        assert!(b.enter(&dir.path().join("no-such-folder")).is_err());
        assert_eq!(b.dir, dir.path());
        assert!(b.error.is_some());
        assert_eq!(names(&b).len(), 3);
    }
}
