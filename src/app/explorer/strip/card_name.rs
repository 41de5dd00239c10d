//! A card's name, readable at a glance on any network: whole on one line when it is short,
//! on two lines broken where the name has a seam (`features.` / `12`, `Mixed_` / `5b`) when it
//! is long; the card widens to what its name needs (up to [`MAX_CARD_WIDTH`]), and only a
//! name too long even for that is cut, at its start (its whole name is then the tooltip).

/// The widest a card grows for its name or its shape.
pub(crate) const MAX_CARD_WIDTH: f32 = 180.0;
/// The room either side of a card's name inside its highlight (egui's button padding is 4: on
/// a 14-card strip at a laptop's presentation size those 84 points were a card's worth).
pub(crate) const NAME_PAD: f32 = 1.0;
/// A name up to this wide stays on one line; a longer one is set on two.
const ONE_LINE_WIDTH: f32 = 120.0;

/// What a card's name is set as in `room` points of line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NameLayout {
    /// Whole, on one line.
    One(String),
    /// Whole, on two lines.
    Two(String, String),
    /// Too long for two lines: its end, cut at the start with "…", at a smaller size.
    Cut(String),
}

/// Where `name` may break onto a second line: after a `.`, `/`, `_`, `-` or space, before a
/// capital that follows a small letter (`Mixed` `Conv`), and anywhere between two Chinese
/// characters. Byte offsets of each second line's start.
fn seams(name: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let mut out = Vec::new();
    for w in chars.windows(2) {
        let ((_, a), (at, b)) = (w[0], w[1]);
        let seam = matches!(a, '.' | '/' | '_' | '-' | ' ')
            || (a.is_lowercase() && b.is_uppercase())
            || (!a.is_ascii() && !b.is_ascii());
        if seam {
            out.push(at);
        }
    }
    out
}

/// The two lines `name` breaks into at the seam that makes the wider line narrowest, and that
/// width (`None` for a name without a seam). A module path breaks between its modules
/// (`features.1.0/` / `block.0.0`, not `features.1.` / `0/block.0.0`) when it has two.
pub(crate) fn best_split(name: &str, width: impl Fn(&str) -> f32) -> Option<(usize, f32)> {
    let all = seams(name);
    let modules: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&at| name[..at].ends_with('/'))
        .collect();
    let seams = if modules.is_empty() { all } else { modules };
    seams
        .into_iter()
        .map(|at| (at, width(&name[..at]).max(width(&name[at..]))))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The room of line a name needs: its width on one line when that is short (or when `fixed`
/// asks for one line), else that of its two lines.
pub(crate) fn needed_room(name: &str, fixed: bool, width: impl Fn(&str) -> f32) -> f32 {
    let one = width(name);
    if fixed || one <= ONE_LINE_WIDTH {
        return one;
    }
    best_split(name, &width).map_or(one, |(_, two)| two.min(one))
}

/// How `prefix` + `name` is set in `room` points: one line, two, or (neither fitting, or two
/// lines not allowed) its end cut to fit measured by `cut_width` (a smaller font's).
pub(crate) fn layout_name(
    prefix: &str,
    name: &str,
    room: f32,
    two_lines: bool,
    width: impl Fn(&str) -> f32,
    cut_width: impl Fn(&str) -> f32,
) -> NameLayout {
    let whole = format!("{prefix}{name}");
    if width(&whole) <= room {
        return NameLayout::One(whole);
    }
    if two_lines
        && let Some((at, widest)) = best_split(&whole, &width)
        && widest <= room
    {
        return NameLayout::Two(whole[..at].to_string(), whole[at..].to_string());
    }
    NameLayout::Cut(end_that_fits(prefix, name, room, cut_width))
}

/// `prefix` and the longest end of `name` that fits in `room` as `width` measures it, the cut
/// marked "…" (`…0.0`); `prefix` and `name` whole when they fit.
pub(crate) fn end_that_fits(
    prefix: &str,
    name: &str,
    room: f32,
    width: impl Fn(&str) -> f32,
) -> String {
    let whole = format!("{prefix}{name}");
    if width(&whole) <= room {
        return whole;
    }
    // Where each shorter end starts; a shorter end is never wider, so the first that fits is
    // found by halving.
    let starts: Vec<usize> = name.char_indices().map(|(i, _)| i).skip(1).collect();
    let end = |k: usize| format!("{prefix}…{}", starts.get(k).map_or("", |&i| &name[i..]));
    let (mut lo, mut hi) = (0, starts.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if width(&end(mid)) <= room {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    end(lo)
}

/// A card's name in `ui` at `width`, clickable: one line, two, or cut (with a tooltip then).
pub(crate) fn card_name_ui(
    ui: &mut egui::Ui,
    prefix: &str,
    name: &str,
    selected: bool,
    width: f32,
    two_lines: bool,
) -> (egui::Response, bool) {
    let font = egui::TextStyle::Button.resolve(ui.style());
    // Never below the app's smallest text style: in presentation mode that is the size
    // legible from the back row.
    let floor = egui::TextStyle::Small.resolve(ui.style()).size;
    let room = width - 2.0 * NAME_PAD;
    let measure = |s: &str, size: f32| text_width(ui, s, size);
    let whole_width = measure(&format!("{prefix}{name}"), font.size);
    let small = (font.size * room / whole_width.max(1.0)).clamp(floor, font.size);
    let layout = layout_name(
        prefix,
        name,
        room,
        two_lines,
        |s| measure(s, font.size),
        |s| measure(s, small),
    );
    let (text, cut) = match layout {
        NameLayout::One(line) => (egui::RichText::new(line), false),
        NameLayout::Two(a, b) => (egui::RichText::new(format!("{a}\n{b}")), false),
        NameLayout::Cut(end) => (egui::RichText::new(end).size(small), true),
    };
    let label = ui
        .scope(|ui| {
            ui.spacing_mut().button_padding.x = NAME_PAD;
            ui.style_mut().wrap_mode = Some(if cut {
                egui::TextWrapMode::Truncate
            } else {
                egui::TextWrapMode::Extend
            });
            ui.selectable_label(selected, text)
        })
        .inner;
    (label, cut)
}

/// The width of `text` on one line in the button font's family at `size`.
pub(crate) fn text_width(ui: &egui::Ui, text: &str, size: f32) -> f32 {
    let family = egui::TextStyle::Button.resolve(ui.style()).family;
    let font = egui::FontId::new(size, family);
    ui.painter()
        .layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE)
        .size()
        .x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten points per character.
    fn width(s: &str) -> f32 {
        s.chars().count() as f32 * 10.0
    }

    #[test]
    fn a_long_module_path_keeps_its_end() {
        assert_eq!(end_that_fits("", "conv.1", 60.0, width), "conv.1");
        assert_eq!(end_that_fits("", "conv.0.0", 60.0, width), "…v.0.0");
        assert_eq!(end_that_fits("▶ ", "features.13", 60.0, width), "▶ ….13");
        // No room for any of it: the mark alone, never wider than asked when it can be.
        assert_eq!(end_that_fits("", "conv.0.0", 10.0, width), "…");
        assert_eq!(end_that_fits("", "конв.0.0", 40.0, width), "…0.0");
    }

    #[test]
    fn a_long_name_breaks_at_the_seam_nearest_its_middle() {
        let two = |s: &str, room| layout_name("", s, room, true, width, width);
        assert_eq!(two("conv1", 60.0), NameLayout::One("conv1".into()));
        assert_eq!(
            two("features.12", 90.0),
            NameLayout::Two("features.".into(), "12".into())
        );
        assert_eq!(
            two("node_batch_norm_52", 110.0),
            NameLayout::Two("node_batch_".into(), "norm_52".into())
        );
        assert_eq!(
            two("Mixed_5b", 60.0),
            NameLayout::Two("Mixed_".into(), "5b".into())
        );
        // No seam, or none that fits: cut at the start, never more than the room.
        assert_eq!(two("abcdefghij", 60.0), NameLayout::Cut("…fghij".into()));
        // A lesson's fixed strip: one line only.
        assert_eq!(
            layout_name("", "features.12", 60.0, false, width, width),
            NameLayout::Cut("…es.12".into())
        );
    }

    #[test]
    fn a_name_needs_one_line_when_short_and_its_two_lines_when_long() {
        assert_eq!(needed_room("features.12", false, width), 110.0);
        assert_eq!(needed_room("features.16.conv.1.0", false, width), 110.0);
        // Between modules: `features.1.0/` over `block.0.0`.
        assert_eq!(needed_room("features.1.0/block.0.0", false, width), 130.0);
        assert_eq!(needed_room("features.16.conv.1.0", true, width), 200.0);
        assert_eq!(needed_room("abcdefghijklmn", false, width), 140.0);
    }
}
