//! Fonts: egui's defaults have no Chinese glyphs, so WenQuanYi Micro Hei (Apache-2.0, see
//! assets/ATTRIBUTION.md) is compiled in and added as a fallback for every family.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{FontData, FontFamily};

static CJK_FONT: &[u8] = include_bytes!("../../../assets/fonts/wqy-microhei.ttc");

pub(crate) fn install(ctx: &egui::Context) {
    ctx.add_font(FontInsert {
        name: "wqy-microhei".into(),
        data: FontData::from_static(CJK_FONT),
        families: [FontFamily::Proportional, FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect(),
    });
}
