//! The few things remembered between runs, stored as JSON through eframe's storage. A missing
//! or corrupt entry gives the defaults.

use super::i18n::Lang;
use crate::engine::PoolMode;
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
    pub pool_mode: Option<PoolMode>,
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
            pool_mode: None,
        }
    }
}

impl Settings {
    /// The eframe storage key.
    pub const KEY: &'static str = "convscope-settings";
    pub const MIN_ZOOM: f32 = 0.5;
    pub const MAX_ZOOM: f32 = 3.0;

    /// Parses stored settings; anything unreadable falls back to the defaults, and a zoom out
    /// of range is clamped.
    pub fn from_json(text: &str) -> Settings {
        let mut s: Settings = serde_json::from_str(text).unwrap_or_default();
        if !s.zoom.is_finite() {
            s.zoom = 1.0;
        }
        s.zoom = s.zoom.clamp(Self::MIN_ZOOM, Self::MAX_ZOOM);
        s
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

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
            pool_mode: Some(PoolMode::Avg),
        };
        assert_eq!(Settings::from_json(&s.to_json()), s);
    }

    #[test]
    fn corrupt_or_partial_text_gives_defaults() {
        assert_eq!(Settings::from_json("{not json"), Settings::default());
        assert_eq!(Settings::from_json(""), Settings::default());
        let partial = Settings::from_json(r#"{"language":"Zh","zoom":99}"#);
        assert_eq!(partial.language, Lang::Zh);
        assert_eq!(partial.zoom, Settings::MAX_ZOOM);
        assert!(partial.dark);
        // A wrong type anywhere rejects the whole entry rather than half-applying it.
        assert_eq!(
            Settings::from_json(r#"{"zoom":"big"}"#),
            Settings::default()
        );
    }
}
