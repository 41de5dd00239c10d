//! Fonts. egui's own (Ubuntu Light, Hack) have no Chinese, so WenQuanYi Micro Hei
//! (Apache-2.0, see assets/ATTRIBUTION.md) is compiled in. In a Chinese, Japanese or Korean
//! UI it comes first in both families, so the Latin letters and digits of a mixed line
//! (`共 7,850 个参数`, `conv1 层`) come from the same font as the hanzi, drawn at the same
//! weight: its Latin is Droid Sans, and its second face (Micro Hei Mono) is monospaced for the
//! number columns. Otherwise it is only the fallback for the odd Chinese word, and the English
//! UI keeps egui's look.

use egui::{FontData, FontDefinitions, FontFamily};
use std::sync::Arc;

static CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/wqy-microhei.ttc");

/// The proportional face of the collection, and its monospaced face.
const CJK: &str = "wqy-microhei";
const CJK_MONO: &str = "wqy-microhei-mono";

/// Whether a language with this code is written in hanzi, kana or hangul: `zh`, `zh-TW`,
/// `ja`, `ko`.
pub(crate) fn is_cjk_language(code: &str) -> bool {
    let primary = code.split(['-', '_']).next().unwrap_or_default();
    matches!(primary, "zh" | "ja" | "ko")
}

/// The fonts for a UI in the language `code`.
pub(crate) fn definitions(code: &str) -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert(CJK.into(), Arc::new(FontData::from_static(CJK_FONT)));
    fonts.font_data.insert(
        CJK_MONO.into(),
        Arc::new(FontData::from_blob(Arc::new(CJK_FONT), 1)),
    );
    let cjk_first = is_cjk_language(code);
    for (family, face) in [
        (FontFamily::Proportional, CJK),
        (FontFamily::Monospace, CJK_MONO),
    ] {
        let list = fonts.families.entry(family).or_default();
        if cjk_first {
            list.insert(0, face.to_string());
        } else {
            list.push(face.to_string());
        }
    }
    fonts
}

/// Installs the fonts for the language `code` when they are not the ones in use (the first
/// call, and after the language switch crosses between a CJK language and another one).
pub(crate) fn follow_language(ctx: &egui::Context, code: &str) {
    let id = egui::Id::unique("convscope-fonts-cjk-first");
    let cjk_first = is_cjk_language(code);
    if ctx.data(|d| d.get_temp::<bool>(id)) != Some(cjk_first) {
        ctx.set_fonts(definitions(code));
        ctx.data_mut(|d| d.insert_temp(id, cjk_first));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_takes_its_latin_from_the_chinese_font() {
        assert!(is_cjk_language("zh") && is_cjk_language("zh-TW") && is_cjk_language("ja"));
        assert!(!is_cjk_language("en") && !is_cjk_language("fr") && !is_cjk_language("zu"));
        let zh = definitions("zh");
        assert_eq!(zh.families[&FontFamily::Proportional][0], CJK);
        assert_eq!(zh.families[&FontFamily::Monospace][0], CJK_MONO);
        assert_eq!(zh.font_data[CJK_MONO].index, 1);
        // English keeps egui's fonts first, and Chinese as a fallback.
        let en = definitions("en");
        assert_ne!(en.families[&FontFamily::Proportional][0], CJK);
        assert_eq!(
            en.families[&FontFamily::Proportional]
                .last()
                .map(String::as_str),
            Some(CJK)
        );
        assert_eq!(
            en.families[&FontFamily::Monospace]
                .last()
                .map(String::as_str),
            Some(CJK_MONO)
        );
    }
}
