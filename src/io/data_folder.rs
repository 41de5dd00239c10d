//! convscope's folder for the user's own files: settings, extra languages (`i18n/`) and
//! lessons (`lessons/`). The app and the command line both look there.

use std::path::{Path, PathBuf};

/// convscope's folder for the user's files (settings, extra languages, lessons), where eframe
/// kept its state too: `$XDG_DATA_HOME/convscope` (else `~/.local/share/convscope`) on Linux,
/// `~/Library/Application Support/convscope` on macOS, `%APPDATA%\convscope` on Windows.
pub(crate) fn data_dir() -> Option<PathBuf> {
    let home = std::env::home_dir();
    if cfg!(target_os = "macos") {
        return home.map(|h| h.join("Library/Application Support/convscope"));
    }
    if cfg!(windows) {
        return std::env::var_os("APPDATA").map(|a| Path::new(&a).join("convscope"));
    }
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".local/share")))
        .map(|d| d.join("convscope"))
}

/// The folder of the user's own lessons: `lessons/` in [`data_dir`].
pub(crate) fn user_lessons_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("lessons"))
}
