//! The input settings a person gave each model in the app (Model ▸ Input settings), kept in
//! the settings file by the model file's path and used whenever that file is opened again.
//! They win over the model's sidecar `M.onnx.json` and its `metadata_props`, as the CLI's
//! flags do.

use crate::engine::Model;
use crate::io::{FileError, InputSettings, load_model_and_settings};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How many models' settings are kept; opening or changing one makes it the most recent, and
/// the least recent beyond this are forgotten (a label list can be tens of kilobytes).
pub(crate) const MAX_REMEMBERED: usize = 32;

/// One model's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Remembered {
    pub model: PathBuf,
    pub settings: InputSettings,
}

/// Every model's settings, most recently set first.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ModelInputs(Vec<Remembered>);

/// The key a model is remembered by: its absolute path with links resolved when the file is
/// there (so `./m.onnx` and `/home/me/m.onnx` are one model), else the path as given.
fn key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

impl ModelInputs {
    /// The settings given for the model at `path` (empty when none were).
    pub fn get(&self, path: &Path) -> InputSettings {
        let key = key(path);
        self.0
            .iter()
            .find(|r| r.model == key)
            .map(|r| r.settings.clone())
            .unwrap_or_default()
    }

    /// Remembers `settings` for `path`; empty settings forget the model.
    pub fn set(&mut self, path: &Path, settings: InputSettings) {
        let key = key(path);
        self.0.retain(|r| r.model != key);
        if !settings.is_empty() {
            self.0.insert(
                0,
                Remembered {
                    model: key,
                    settings,
                },
            );
            self.0.truncate(MAX_REMEMBERED);
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A model file opened with the settings `user` gave it.
#[derive(Debug)]
pub(crate) struct Opened {
    pub model: Model,
    /// The input settings in effect (the user's, the sidecar's, the model's own).
    pub settings: InputSettings,
    /// The user's settings no longer fit the model (it changed on disk): it was opened
    /// without them, and this says why.
    pub user_failed: Option<String>,
}

/// Opens `path` with `user`'s settings. With `fallback`, settings that make the model fail
/// (a stale size or label list) are left out and the reason returned beside the model, so a
/// remembered mistake never keeps a model from opening.
pub(crate) fn open_with(
    path: &Path,
    user: &InputSettings,
    fallback: bool,
) -> Result<Opened, FileError> {
    match load_model_and_settings(path, user) {
        Ok((model, settings)) => Ok(Opened {
            model,
            settings,
            user_failed: None,
        }),
        Err(e) if fallback && !user.is_empty() => {
            let (model, settings) = load_model_and_settings(path, &InputSettings::default())?;
            Ok(Opened {
                model,
                settings,
                user_failed: Some(e.to_string()),
            })
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> InputSettings {
        InputSettings {
            labels: Some(names.iter().map(|s| s.to_string()).collect()),
            ..InputSettings::default()
        }
    }

    #[test]
    fn remembers_by_path_and_forgets_empty_settings() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.onnx");
        let b = dir.path().join("b.onnx");
        std::fs::write(&a, b"x").expect("write");
        let mut store = ModelInputs::default();
        assert!(store.get(&a).is_empty());
        store.set(&a, labels(&["cat", "dog"]));
        store.set(&b, labels(&["x"]));
        assert_eq!(store.get(&a), labels(&["cat", "dog"]));
        assert_eq!(store.get(&b), labels(&["x"]));
        // The same file by another spelling of its path.
        let other = dir.path().join(".").join("a.onnx");
        assert_eq!(store.get(&other), labels(&["cat", "dog"]));
        // Setting again replaces; empty settings forget.
        store.set(&other, labels(&["bird"]));
        assert_eq!((store.get(&a), store.len()), (labels(&["bird"]), 2));
        store.set(&a, InputSettings::default());
        assert_eq!((store.get(&a), store.len()), (InputSettings::default(), 1));
    }

    #[test]
    fn keeps_the_most_recent_models_only() {
        let mut store = ModelInputs::default();
        for i in 0..MAX_REMEMBERED + 5 {
            store.set(Path::new(&format!("/models/m{i}.onnx")), labels(&["a"]));
        }
        assert_eq!(store.len(), MAX_REMEMBERED);
        assert!(store.get(Path::new("/models/m0.onnx")).is_empty());
        let newest = format!("/models/m{}.onnx", MAX_REMEMBERED + 4);
        assert_eq!(store.get(Path::new(&newest)), labels(&["a"]));
        // Setting an old one again makes it the newest: it survives the next additions.
        let kept = format!("/models/m{}.onnx", 10);
        store.set(Path::new(&kept), labels(&["b"]));
        for i in 100..100 + MAX_REMEMBERED - 1 {
            store.set(Path::new(&format!("/models/m{i}.onnx")), labels(&["a"]));
        }
        assert_eq!(store.get(Path::new(&kept)), labels(&["b"]));
    }

    #[test]
    fn round_trips_through_json() {
        let mut store = ModelInputs::default();
        store.set(
            Path::new("/m.onnx"),
            InputSettings {
                mean: Some(vec![0.5]),
                size: Some([32, 48]),
                ..labels(&["a", "b"])
            },
        );
        let text = serde_json::to_string(&store).expect("json");
        assert_eq!(
            serde_json::from_str::<ModelInputs>(&text).expect("parses"),
            store
        );
    }

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/onnx")
            .join(name)
    }

    #[test]
    fn user_settings_win_over_the_sidecar_and_a_stale_one_is_left_out_with_the_reason() {
        // tiny-ts.onnx.json says circle/square/triangle, mean 0.5, std 0.25.
        let path = fixture("tiny-ts.onnx");
        let plain = open_with(&path, &InputSettings::default(), true).expect("opens");
        assert_eq!(plain.model.info.labels, ["circle", "square", "triangle"]);
        assert_eq!(plain.settings.std, Some(vec![0.25]));
        let mine = InputSettings {
            std: Some(vec![0.5]),
            ..labels(&["a", "b", "c"])
        };
        let opened = open_with(&path, &mine, true).expect("opens");
        assert_eq!(opened.model.info.labels, ["a", "b", "c"]);
        assert_eq!(opened.model.input.std, [0.5]);
        assert_eq!(opened.model.input.mean, [0.5], "the sidecar fills the rest");
        assert!(opened.user_failed.is_none());
        // Four labels for three classes: refused when applying, left out when reopening.
        let stale = labels(&["a", "b", "c", "d"]);
        let e = open_with(&path, &stale, false)
            .expect_err("refused")
            .to_string();
        assert!(e.contains("4 labels for 3 outputs"), "{e}");
        let opened = open_with(&path, &stale, true).expect("opens without them");
        assert_eq!(opened.model.info.labels, ["circle", "square", "triangle"]);
        let why = opened.user_failed.expect("a reason");
        assert!(why.contains("4 labels"), "{why}");
    }
}
