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

/// A recording to save (mono 16-bit WAV).
pub(crate) const RECORDING_KIND: FileKind = FileKind {
    role: FileRole::Input,
    name: "WAV",
    extensions: &["wav"],
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
        Purpose::Export | Purpose::Handout(_) | Purpose::SaveRecording => {
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
    /// The last recording, to write as WAV.
    SaveRecording,
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
            Purpose::SaveRecording => Command::SaveRecording(path),
        }
    }

    /// For a file to write: its kind (PNG, HTML).
    pub(crate) fn save_kind(self) -> Option<FileKind> {
        match self {
            Purpose::Open(_) => None,
            Purpose::Export => Some(EXPORT_KIND),
            Purpose::Handout(_) => Some(HANDOUT_KIND),
            Purpose::SaveRecording => Some(RECORDING_KIND),
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
    /// What is typed in the name field: for export the name to write in `dir`; when opening,
    /// the start of a name to find in a long listing (type-ahead). With a `/` in it (or a
    /// leading `~`), a path: a folder to go to or a file to choose.
    pub file_name: String,
    /// Why the last folder could not be read.
    pub error: Option<String>,
    /// A typed path that names nothing there is (said under the listing, not ignored).
    pub missing: Option<PathBuf>,
    /// The input asked for is a recording (a speech model's), not a picture.
    pub for_sound: bool,
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
            missing: None,
            for_sound: false,
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
            Purpose::Export | Purpose::Handout(_) | Purpose::SaveRecording => self
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

    /// The path typed in the name field, when what is typed is one (it has a `/`, or starts
    /// with `~`): as typed when absolute, from the home folder after `~`, else from `dir`.
    pub fn typed_path(&self) -> Option<PathBuf> {
        let typed = self.file_name.trim();
        let is_path = typed.contains('/') || typed.contains(std::path::MAIN_SEPARATOR);
        if typed.starts_with('~') {
            let home = std::env::var_os("HOME").map(PathBuf::from)?;
            let rest = typed.trim_start_matches('~').trim_start_matches('/');
            return Some(home.join(rest));
        }
        is_path.then(|| self.dir.join(typed))
    }

    /// The entries shown: when opening, those whose name holds what is typed (any case), so a
    /// few letters find one file among thousands; all of them for export or a typed path.
    pub fn shown(&self) -> impl Iterator<Item = &Entry> {
        let typed = self.file_name.trim().to_lowercase();
        let filter = matches!(self.purpose, Purpose::Open(_))
            && !typed.is_empty()
            && self.typed_path().is_none();
        self.entries
            .iter()
            .filter(move |e| !filter || e.name.to_lowercase().contains(&typed))
    }

    /// "Open"/"Save", Enter, or a double click: a typed folder or a selected one is entered
    /// (`None`); otherwise the chosen file, if there is one: the typed path, the selected
    /// file, the one file the typed letters leave, or for export the typed name in `dir`. A
    /// typed path that names nothing is kept in `missing`, to be said.
    pub fn confirm(&mut self) -> Option<PathBuf> {
        self.missing = None;
        if let Some(path) = self.typed_path() {
            return self.confirm_typed(path);
        }
        if let Some(sel) = self.selected.clone()
            && sel.is_dir()
        {
            let _ = self.enter(&sel);
            return None;
        }
        match self.purpose {
            Purpose::Open(_) => self.selected.clone().or_else(|| {
                let mut files = self.shown().filter(|e| !e.is_dir);
                match (files.next(), files.next()) {
                    (Some(only), None) if !self.file_name.trim().is_empty() => {
                        Some(only.path.clone())
                    }
                    _ => None,
                }
            }),
            Purpose::Export | Purpose::Handout(_) | Purpose::SaveRecording => {
                let name = self.file_name.trim();
                if name.is_empty() {
                    return None;
                }
                Some(self.with_extension(self.dir.join(name)))
            }
        }
    }

    /// A typed path: a folder is entered (the field cleared); a file there is chosen; for
    /// export, a name in a folder there is written.
    fn confirm_typed(&mut self, path: PathBuf) -> Option<PathBuf> {
        if path.is_dir() {
            if self.enter(&path).is_ok() {
                self.file_name.clear();
            }
            return None;
        }
        let usable = match self.purpose {
            Purpose::Open(_) => path.is_file(),
            Purpose::Export | Purpose::Handout(_) | Purpose::SaveRecording => {
                path.parent().is_some_and(Path::is_dir)
            }
        };
        if !usable {
            self.missing = Some(path);
            return None;
        }
        Some(match self.purpose {
            Purpose::Open(_) => path,
            Purpose::Export | Purpose::Handout(_) | Purpose::SaveRecording => {
                self.with_extension(path)
            }
        })
    }

    /// A file to write, with the extension of its kind (".png", ".html") unless it has it.
    fn with_extension(&self, mut path: PathBuf) -> PathBuf {
        let ext = self.purpose.save_kind().map_or("png", |k| k.extensions[0]);
        if path
            .extension()
            .is_none_or(|x| !x.eq_ignore_ascii_case(ext))
        {
            path.set_extension(ext);
        }
        path
    }

    fn can_confirm(&self) -> bool {
        !self.file_name.trim().is_empty() || self.selected.is_some()
    }
}

/// `path` ending in `.png` (added when it ends otherwise).
/// The listing's height: fixed, so the window keeps its size (and its place, where a modal is
/// centred) from folder to folder, and nothing moves under the pointer between two clicks.
const LIST_HEIGHT: f32 = 320.0;

/// The browser as a modal window over the app; `Some` when it ends.
pub(crate) fn file_browser_ui(
    ctx: &egui::Context,
    b: &mut FileBrowser,
    s: &Strings,
) -> Option<Outcome> {
    let mut outcome = None;
    let title = match b.purpose {
        Purpose::Open(FileRole::Input) if b.for_sound => s.browse_open_sound,
        Purpose::Open(FileRole::Input) => s.browse_open_image,
        Purpose::Open(FileRole::Model) => s.browse_open_model,
        Purpose::Open(FileRole::Labels) => s.browse_open_labels,
        Purpose::Export => s.browse_export,
        Purpose::Handout(false) => s.handout_button,
        Purpose::Handout(true) => s.handout_answers_button,
        Purpose::SaveRecording => s.record_save,
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
            // One line whatever the folder (the whole path on hover): the window keeps its size.
            let dir = b.dir.display().to_string();
            ui.add(egui::Label::new(&dir).truncate())
                .on_hover_text(&dir);
        });
        ui.horizontal(|ui| {
            let label = ui.label(s.browse_file_name);
            let field = ui
                .add(egui::TextEdit::singleline(&mut b.file_name).desired_width(f32::INFINITY))
                .labelled_by(label.id)
                .on_hover_text(s.browse_file_name_tip);
            if field.changed() {
                b.missing = None;
            }
        });
        // One line kept for what went wrong, shown or not: nothing below it moves.
        let problem = match (&b.missing, &b.error) {
            (Some(path), _) => Some(fill(s.browse_no_such, &[&path.display()])),
            (None, Some(e)) => Some(fill(s.browse_unreadable, &[&b.dir.display(), e])),
            (None, None) => None,
        };
        let width = ui.available_width();
        let line = ui.text_style_height(&egui::TextStyle::Body);
        ui.allocate_ui_with_layout(
            egui::vec2(width, line),
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.set_min_size(egui::vec2(width, line));
                if let Some(text) = problem {
                    let label =
                        egui::Label::new(RichText::new(&text).color(ui.visuals().error_fg_color));
                    ui.add(label.truncate()).on_hover_text(text);
                }
            },
        );
        ui.separator();
        let mut clicked = None;
        let mut double = None;
        egui::ScrollArea::vertical()
            .min_scrolled_height(LIST_HEIGHT)
            .max_height(LIST_HEIGHT)
            .auto_shrink(false)
            .show(ui, |ui| {
                let mut any = false;
                for e in b.shown() {
                    any = true;
                    let label = if e.is_dir {
                        format!("{}/", e.name)
                    } else {
                        e.name.clone()
                    };
                    let selected = b.selected.as_deref() == Some(e.path.as_path());
                    let r = ui.selectable_label(selected, label);
                    // A double click opens the entry its first click chose: one that only the
                    // second click reached (the list moved in between) is only selected.
                    if r.double_clicked() && selected {
                        double = Some(e.path.clone());
                    } else if r.clicked() || r.double_clicked() {
                        clicked = Some(e.path.clone());
                    }
                }
                if !any {
                    ui.label(RichText::new(s.browse_empty).weak());
                }
            });
        if let Some(path) = clicked {
            b.select(&path);
        }
        if let Some(path) = double {
            b.select(&path);
            outcome = b.confirm().map(Outcome::Chosen);
        }
        ui.separator();
        ui.horizontal(|ui| {
            let confirm = match b.purpose {
                Purpose::Export | Purpose::Handout(_) | Purpose::SaveRecording => s.browse_save,
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
    fn a_typed_path_goes_to_its_folder_or_chooses_its_file_and_says_when_it_is_not_there() {
        let dir = folder();
        let d = dir.path();
        let mut b = FileBrowser::new(Purpose::Open(FileRole::Input), &d.join("pictures"), "");
        // A whole path to a file opens it, from wherever the browser is.
        b.file_name = d.join("a.jpg").display().to_string();
        assert_eq!(b.confirm(), Some(d.join("a.jpg")));
        // A folder's path is entered, and the field cleared.
        b.file_name = format!("{}/", d.display());
        assert_eq!(b.confirm(), None);
        assert_eq!(b.dir, d);
        assert_eq!(b.file_name, "");
        // A relative one is from the folder shown.
        b.file_name = "pictures/c.png".into();
        assert_eq!(b.confirm(), Some(d.join("pictures/c.png")));
        // Nothing there: said, not ignored.
        b.file_name = d.join("nope/x.png").display().to_string();
        assert_eq!(b.confirm(), None);
        assert_eq!(b.missing, Some(d.join("nope/x.png")));
        // Export: a whole path in a folder that exists is written there, as a PNG.
        let mut e = FileBrowser::new(Purpose::Export, d, "pool1.png");
        e.file_name = d.join("pictures/slide").display().to_string();
        assert_eq!(e.confirm(), Some(d.join("pictures/slide.png")));
        e.file_name = d.join("nope/slide.png").display().to_string();
        assert_eq!(e.confirm(), None);
        assert_eq!(e.missing, Some(d.join("nope/slide.png")));
    }

    #[test]
    fn a_few_typed_letters_find_a_file_in_a_long_listing() {
        let dir = tempfile::tempdir().expect("temp dir");
        for speaker in ["george", "jackson", "lucas"] {
            for i in 0..50 {
                std::fs::write(
                    dir.path().join(format!("{}_{speaker}_{i}.wav", i % 10)),
                    b"x",
                )
                .unwrap();
            }
        }
        let mut b = FileBrowser::new(Purpose::Open(FileRole::Input), dir.path(), "");
        assert_eq!(b.shown().count(), 150);
        b.file_name = "GEORGE_4".into();
        let found: Vec<&str> = b.shown().map(|e| e.name.as_str()).collect();
        // 4_george_4 and 0_george_40 … 9_george_49, whatever the case typed.
        assert!(found.iter().all(|n| n.contains("george_4")), "{found:?}");
        assert_eq!(found.len(), 11);
        // Several left: Enter chooses none of them; one left: Enter opens it.
        assert_eq!(b.confirm(), None);
        b.file_name = "3_lucas_13".into();
        assert_eq!(b.confirm(), Some(dir.path().join("3_lucas_13.wav")));
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
