//! The few things remembered between runs, in one small JSON file that the app reads and
//! writes itself (not through eframe's storage, which would also restore egui's own memory:
//! a zoom factor of 1e9 or 0 stored there panicked the window system before any code of ours
//! ran). The file is read through the bounded reader and written atomically; a missing,
//! unreadable or corrupt file gives the defaults and says why.

use crate::app::i18n::Lang;
use crate::io::error::read_limited;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub language: Lang,
    pub dark: bool,
    /// UI zoom (1.0 normal, larger for a projector).
    pub zoom: f32,
    pub last_model: Option<PathBuf>,
    /// A bundled sample's name, or
    pub last_sample: Option<String>,
    /// a picture file.
    pub last_image_file: Option<PathBuf>,
    /// The input settings given to each model file in the app (Model ▸ Input settings).
    pub model_inputs: crate::app::input::model_inputs::ModelInputs,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Lang::En,
            dark: true,
            zoom: 1.0,
            last_model: None,
            last_sample: None,
            last_image_file: None,
            model_inputs: Default::default(),
        }
    }
}

/// A settings file is a few hundred bytes, plus the input settings of up to
/// [`MAX_REMEMBERED`](crate::app::input::model_inputs::MAX_REMEMBERED) models (a thousand
/// class names are some 20 kB); anything past this is not one.
const MAX_SETTINGS_BYTES: u64 = 8 << 20;

impl Settings {
    pub const MIN_ZOOM: f32 = 0.5;
    pub const MAX_ZOOM: f32 = 3.0;

    /// Parses stored settings. Missing fields take their defaults; a zoom out of range is
    /// clamped (a non-number gives 1). Text that is not a settings object is an error.
    pub fn from_json(text: &str) -> Result<Settings, serde_json::Error> {
        let mut s: Settings = serde_json::from_str(text)?;
        s.zoom = Self::sane_zoom(s.zoom);
        Ok(s)
    }

    /// `zoom` within the app's bounds.
    pub fn sane_zoom(zoom: f32) -> f32 {
        if zoom.is_finite() {
            zoom.clamp(Self::MIN_ZOOM, Self::MAX_ZOOM)
        } else {
            1.0
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// Where the settings live, and reading and writing them.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingsFile {
    /// `None`: nowhere to keep them (no home folder); nothing is read or written.
    pub path: Option<PathBuf>,
}

impl SettingsFile {
    pub const FILE_NAME: &'static str = "settings.json";

    /// The usual place: `$XDG_DATA_HOME/convscope` or `~/.local/share/convscope` on Linux,
    /// `~/Library/Application Support/convscope` on macOS, `%APPDATA%\convscope` on Windows.
    pub fn default_location() -> SettingsFile {
        SettingsFile {
            path: data_dir().map(|d| d.join(Self::FILE_NAME)),
        }
    }

    pub fn at(path: impl Into<PathBuf>) -> SettingsFile {
        SettingsFile {
            path: Some(path.into()),
        }
    }

    /// Settings that are not kept anywhere (tests).
    pub fn none() -> SettingsFile {
        SettingsFile { path: None }
    }

    /// The stored settings, or the defaults with the reason when the file exists but cannot
    /// be used. A file that does not exist yet is not a problem.
    pub fn load(&self) -> (Settings, Option<String>) {
        let Some(path) = &self.path else {
            return (Settings::default(), None);
        };
        if std::fs::symlink_metadata(path).is_err() {
            return (Settings::default(), None);
        }
        let parsed = read_limited(path, MAX_SETTINGS_BYTES)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                let text = String::from_utf8(bytes)
                    .map_err(|_| format!("{}: is not UTF-8 text", path.display()))?;
                Settings::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
            });
        match parsed {
            Ok(settings) => (settings, None),
            Err(reason) => (Settings::default(), Some(reason)),
        }
    }

    /// Writes the settings atomically (a failed write leaves the old file). Nothing happens
    /// when there is nowhere to keep them.
    pub fn save(&self, settings: &Settings) -> Result<(), SaveError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|reason| SaveError::Folder {
                dir: dir.to_path_buf(),
                reason,
            })?;
        }
        Ok(crate::io::atomic::write_atomic(
            path,
            settings.to_json().as_bytes(),
        )?)
    }
}

/// Why the settings could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}: cannot create the folder: {reason}", dir.display())]
    Folder {
        dir: PathBuf,
        reason: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] crate::io::FileError),
}

pub(crate) use crate::io::data_dir;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let s = Settings {
            language: Lang::Zh,
            dark: false,
            zoom: 1.5,
            last_model: Some("m.json".into()),
            last_sample: Some("digit_3".into()),
            last_image_file: None,
            model_inputs: Default::default(),
        };
        assert_eq!(Settings::from_json(&s.to_json()).expect("parses"), s);
    }

    #[test]
    fn corrupt_text_is_an_error_and_partial_text_fills_in_defaults() {
        assert!(Settings::from_json("{not json").is_err());
        assert!(Settings::from_json("").is_err());
        assert!(Settings::from_json(r#"{"zoom":"big"}"#).is_err());
        let partial = Settings::from_json(r#"{"language":"Zh","zoom":99}"#).expect("parses");
        assert_eq!(partial.language, Lang::Zh);
        assert_eq!(partial.zoom, Settings::MAX_ZOOM);
        assert!(partial.dark);
        // Old files with fields no longer used still load.
        let old = Settings::from_json(r#"{"pool_mode":"Avg","zoom":0}"#).expect("parses");
        assert_eq!(old.zoom, Settings::MIN_ZOOM);
    }

    #[test]
    fn zoom_is_kept_in_bounds() {
        for (stored, sane) in [
            (1e9, Settings::MAX_ZOOM),
            (100.0, Settings::MAX_ZOOM),
            (0.0, Settings::MIN_ZOOM),
            (-1.0, Settings::MIN_ZOOM),
            (f32::NAN, 1.0),
            (f32::INFINITY, 1.0),
            (1.25, 1.25),
        ] {
            assert_eq!(Settings::sane_zoom(stored), sane, "{stored}");
        }
    }

    #[test]
    fn a_bad_file_gives_the_defaults_and_the_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SettingsFile::at(dir.path().join("settings.json"));
        // Not there yet: defaults, nothing to report.
        assert_eq!(file.load(), (Settings::default(), None));
        let path = file.path.clone().expect("path");
        for (content, says) in [
            (&b""[..], "EOF"),
            (&b"{\"zoom\": "[..], "EOF"),
            (&b"[1, 2]"[..], "line 1"),
            (&b"\xff\xfe"[..], "not UTF-8"),
        ] {
            std::fs::write(&path, content).expect("write");
            let (settings, why) = file.load();
            assert_eq!(settings, Settings::default());
            let why = why.expect("a reason");
            assert!(why.contains("settings.json") && why.contains(says), "{why}");
        }
        std::fs::remove_file(&path).expect("rm");
        std::fs::create_dir(&path).expect("a folder in its place");
        let why = file.load().1.expect("a reason");
        assert!(why.contains("folder"), "{why}");
    }

    #[test]
    fn saves_atomically_and_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SettingsFile::at(dir.path().join("sub/settings.json"));
        let s = Settings {
            zoom: 2.0,
            ..Settings::default()
        };
        file.save(&s).expect("saves");
        assert_eq!(file.load(), (s.clone(), None));
        // A failed write (the folder is a file) leaves nothing behind and reports it.
        let blocked = SettingsFile::at(dir.path().join("sub/settings.json/x.json"));
        assert!(blocked.save(&s).is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["settings.json"]);
        assert!(SettingsFile::none().save(&s).is_ok());
    }
}
