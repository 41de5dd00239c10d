//! Typography of Chinese (and any CJK) text, as docs/languages.md sets it out: a space
//! between a Chinese character and a Latin letter or digit (`8 个通道`, `conv1 层`), none
//! between two Chinese characters, so a Chinese word filled into a message does not get the
//! spaces its template keeps for numbers (`换用平均池化训练的权重`, not `换用 平均 池化…`);
//! and no slanted Chinese: italics are a Latin convention, and slanted hanzi read as a
//! rendering fault.

/// A Chinese character (or Japanese kana): what a space around a filled-in value depends on.
/// Punctuation (`，`, `（`) is not one: it never takes a space.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
        | '\u{3400}'..='\u{4DBF}'   // extension A
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{3040}'..='\u{30FF}'   // hiragana and katakana
        | '\u{20000}'..='\u{2FA1F}' // extensions B and beyond
    )
}

/// Whether `text` holds a Chinese character.
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(is_cjk)
}

/// `text` in italics unless it holds Chinese (which stays upright).
pub fn italics(text: impl Into<String>) -> egui::RichText {
    let text = text.into();
    if has_cjk(&text) {
        egui::RichText::new(text)
    } else {
        egui::RichText::new(text).italics()
    }
}

/// `text` with line breaks in place of the spaces where it would not fit in `width` at `font`:
/// a short label then breaks between its words (`100,608` / `个参数`) and not inside a Chinese
/// word (`100,608 个参` / `数`), as egui's wrapping does, which may break after any hanzi. A word
/// wider than `width` is left for egui to wrap.
pub fn break_at_spaces(ui: &egui::Ui, text: &str, font: &egui::FontId, width: f32) -> String {
    let painter = ui.painter();
    let fits = |s: &str| {
        painter
            .layout_no_wrap(s.to_owned(), font.clone(), egui::Color32::WHITE)
            .size()
            .x
            <= width
    };
    if fits(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut line = String::new();
    for word in text.split(' ') {
        if line.is_empty() {
            line.push_str(word);
        } else if fits(&format!("{line} {word}")) {
            line.push(' ');
            line.push_str(word);
        } else {
            out.push_str(&line);
            out.push('\n');
            line = word.to_owned();
        }
    }
    out.push_str(&line);
    out
}

/// Where a space in a template stands between two Chinese characters once a value is filled
/// in: the space before a value (`out` ends in "字 ", `value` starts with one).
pub(super) fn drop_space_before(out: &str, value: &str) -> bool {
    let mut back = out.chars().rev();
    back.next() == Some(' ')
        && back.next().is_some_and(is_cjk)
        && value.chars().next().is_some_and(is_cjk)
}

/// …and the space after it (`value` ends in one, `rest` of the template starts with " 字").
pub(super) fn drop_space_after(value: &str, rest: &str) -> bool {
    let mut ahead = rest.chars();
    value.chars().next_back().is_some_and(is_cjk)
        && ahead.next() == Some(' ')
        && ahead.next().is_some_and(is_cjk)
}

/// What breaks the spacing and punctuation rules in one message of a CJK language file (its
/// placeholders already written `{1}`, `{2}`, …): each problem with the text around it.
pub fn problems(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let around = |i: usize| -> String {
        let from = i.saturating_sub(6);
        chars[from..(i + 7).min(chars.len())].iter().collect()
    };
    // A placeholder counts as Latin: the values it stands for are numbers and names.
    let latin = |c: char| c.is_ascii_alphanumeric() || c == '{' || c == '}';
    let full_width = |c: char| "，。、；：？！（）“”‘’《》【】".contains(c);
    let mut found = Vec::new();
    for i in 1..chars.len() {
        let (a, b) = (chars[i - 1], chars[i]);
        if (is_cjk(a) && latin(b)) || (latin(a) && is_cjk(b)) {
            found.push(format!(
                "no space between Chinese and Latin, a digit or a value: {}",
                around(i)
            ));
        }
        if is_cjk(a) && matches!(b, ',' | ';' | ':' | '?' | '!' | '(' | ')') {
            found.push(format!("half-width {b:?} after Chinese: {}", around(i)));
        }
        if (a == ' ' && full_width(b)) || (full_width(a) && b == ' ') {
            found.push(format!(
                "space beside full-width punctuation: {}",
                around(i)
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_told_from_latin_and_punctuation() {
        assert!(is_cjk('池') && is_cjk('カ'));
        assert!(!is_cjk('a') && !is_cjk('，') && !is_cjk('7'));
        assert!(has_cjk("conv1 层") && !has_cjk("conv1"));
    }

    #[test]
    fn italics_leave_chinese_upright() {
        let slanted = |t: egui::RichText| format!("{t:?}").contains("italics: true");
        assert!(slanted(italics("Convolution maps move")));
        assert!(!slanted(italics("卷积特征图随输入移动")));
    }

    #[test]
    fn the_problems_of_a_line_are_named() {
        assert!(problems("共 {1} 个参数，占 {2}%。").is_empty());
        assert!(problems("预测：{1}（{2}%）").is_empty());
        assert_eq!(problems("共{1}个").len(), 2);
        assert_eq!(problems("按M键").len(), 2);
        assert_eq!(problems("池化: 最大").len(), 1);
        assert_eq!(problems("打开 （F1）").len(), 1);
        assert_eq!(problems("池化(最大)").len(), 2);
        assert!(problems("Pooling: max, avg").is_empty());
    }
}
