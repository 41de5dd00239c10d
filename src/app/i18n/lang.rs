//! The languages the app can show, by their place among the loaded ones; stored in the
//! settings by their code.

use super::load::{Language, languages};
use super::messages::Strings;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::LazyLock;

/// A language the app can show, by its index among [`Lang::all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Lang(u8);

#[allow(non_upper_case_globals)]
impl Lang {
    pub const En: Lang = Lang(0);
    pub const Zh: Lang = Lang(1);
    /// The languages compiled in.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// Every language: the compiled-in ones, then the user's extra files.
    pub fn all() -> Vec<Lang> {
        (0..languages().len()).map(|i| Lang(i as u8)).collect()
    }

    fn language(self) -> &'static Language {
        let all = languages();
        all.get(self.0 as usize).unwrap_or(&all[0])
    }

    /// The language's own name, for the switch (the file's `language_name`).
    pub fn native_name(self) -> &'static str {
        self.language().strings.language_name
    }

    /// The language's code (`en`, `zh`): the Fluent file's name, and the key of model files'
    /// `"translations"` and lesson files.
    pub fn code(self) -> &'static str {
        &self.language().code
    }

    /// The language with this code (English when there is none).
    pub fn from_code(code: &str) -> Lang {
        Lang::find(code).unwrap_or(Lang::En)
    }

    /// The language with this code, if the app has it.
    pub fn find(code: &str) -> Option<Lang> {
        let i = languages().iter().position(|l| l.code == code)?;
        Some(Lang(i as u8))
    }

    pub fn strings(self) -> &'static Strings {
        self.language().strings
    }
}

/// Stored by code, so settings keep meaning the same language when languages are added.
impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Reads a code (`"zh"`) or the names older settings files used (`"En"`, `"Zh"`); a language
/// that is no longer there reads as English.
impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Ok(Lang::from_code(&code.to_lowercase()))
    }
}

/// The English strings (tests compare what the app shows with them).
pub static EN: LazyLock<&'static Strings> = LazyLock::new(|| Lang::En.strings());

/// The 简体中文 strings.
pub static ZH: LazyLock<&'static Strings> = LazyLock::new(|| Lang::Zh.strings());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::i18n::fill::fill;

    #[test]
    fn the_built_in_languages_load() {
        assert_eq!(Lang::En.code(), "en");
        assert_eq!(Lang::Zh.code(), "zh");
        assert_eq!(Lang::En.native_name(), "English");
        assert_eq!(Lang::Zh.native_name(), "简体中文");
        assert_eq!(EN.play, "▶ Play");
        assert_eq!(ZH.play, "▶ 播放");
        assert_eq!(fill(EN.pooling, &[&"max"]), "Pooling: max");
        assert_eq!(Lang::from_code("zh"), Lang::Zh);
        assert_eq!(Lang::from_code("xx"), Lang::En);
    }

    #[test]
    fn settings_keep_the_language_by_code_and_read_old_names() {
        assert_eq!(serde_json::to_string(&Lang::Zh).unwrap(), "\"zh\"");
        for old in ["\"Zh\"", "\"zh\""] {
            assert_eq!(serde_json::from_str::<Lang>(old).unwrap(), Lang::Zh);
        }
        assert_eq!(
            serde_json::from_str::<Lang>("\"klingon\"").unwrap(),
            Lang::En
        );
    }
}
