//! The layout contract for lessons, asserted from what egui laid out: at a 1920x1080 projector
//! and a 1280x800 laptop in presentation mode, in both languages, every step of every built-in
//! lesson, before and after its reveal, shows every view it names wholly on screen (inside the
//! window, nothing cut off or scrolled away) and at a readable size (map cells of at least
//! 4 px, maps of 48 px, charts of 480x300 points, no text under the presentation floor); the
//! lesson's own text is never cut off; the lesson panel's left edge and the strip's height
//! stay where they are, whatever the step and the language; the prose is drawn at 7:1 contrast
//! or more and the "predict first" hint at 4.5:1; the evidence table's numbers are 24 px at a
//! 1080-line projector; no Markdown backtick is shown literally. One test per language and
//! size, so that they run side by side.

use super::support::{H, LAPTOP, PROJECTOR, app, apply, painted_texts, repo, wait_for_jobs};
use convscope::app::{
    Command, Fixed, Lang, MIN_CELL_PX, MIN_CHART, MIN_MAP_PX, PICTURE_MAP_PX, RunCap, ViewRects,
};
use convscope::lesson::{Facts, Lesson, ViewId};
use egui::{Color32, Vec2};

/// A lesson's runs on an eighth of their digits for one epoch: seconds, not minutes, in a
/// debug build.
pub const TINY_RUNS: RunCap = RunCap {
    shrink: 8,
    epochs: 1,
};

/// The app on the sample models at `size` in presentation mode, in `lang` (the Chinese walks
/// use the light theme, so that both themes are checked).
fn open(lang: Lang, size: Vec2) -> H {
    let mut h = app()
        .size(size)
        .lang(lang)
        .models_in(&[repo("sample_models")])
        .no_dialogs()
        // A lesson's training runs, tiny: each step is checked once its runs have finished.
        .with(|app| app.lesson.runs.cap = Some(TINY_RUNS))
        .build();
    apply(&mut h, Command::TogglePresentation);
    if lang == Lang::Zh {
        apply(&mut h, Command::ToggleTheme);
    }
    // Away from every widget: no hover state, no tooltip.
    h.event(egui::Event::PointerGone);
    h.run();
    h
}

/// WCAG's relative luminance of an sRGB colour.
fn luminance(c: Color32) -> f32 {
    let lin = |v: u8| {
        let v = v as f32 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG's contrast ratio of two colours.
fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// What stays fixed over a walk, and what broke the contract.
#[derive(Default)]
struct Walk {
    edge: Option<f32>,
    strip: Option<f32>,
    problems: Vec<String>,
}

impl Walk {
    /// `what` must stay at the value it had the first time.
    fn fixed(at: &str, what: &str, slot: &mut Option<f32>, now: f32, problems: &mut Vec<String>) {
        match *slot {
            None => *slot = Some(now),
            Some(was) if (was - now).abs() > 0.5 => {
                problems.push(format!("{at}: the {what} moved from {was:.1} to {now:.1}"));
            }
            Some(_) => {}
        }
    }

    /// Checks the contract on the step on screen.
    fn check(&mut self, h: &H, lesson: &Lesson, index: usize, code: &str, size: Vec2) {
        let app = h.state();
        let step = &lesson.steps[index];
        let revealed = app.lesson.revealed;
        let at = format!(
            "{code} {}x{} {} step {} ({}) revealed {revealed}",
            size.x,
            size.y,
            lesson.id,
            index + 1,
            step.id
        );
        assert_eq!(app.lesson.step, index, "{at}");
        if let Some(e) = &app.lesson.error {
            self.problems.push(format!("{at}: {e}"));
        }
        let rects = ViewRects::of(&h.ctx);
        let screen = h.ctx.content_rect();
        let ppp = h.ctx.pixels_per_point();
        let floor = (size.y / 60.0).clamp(14.0, 18.0);
        let texts = painted_texts(h);
        if std::env::var_os("LAYOUT_DEBUG").is_some() {
            eprintln!("{at}: screen {screen:?} ppp {ppp}");
            for (v, r) in rects.iter() {
                eprintln!(
                    "    {v}: {:?} whole {} cell {:?} map {:?} chart {:?}",
                    r.rect, r.whole, r.cell, r.map, r.chart
                );
            }
            eprintln!(
                "    lesson panel {:?} strip {:?}",
                rects.panel(Fixed::LessonPanel),
                rects.panel(Fixed::StripPanel)
            );
        }
        let mut views: Vec<ViewId> = step.show.clone();
        views.push(ViewId::Lesson);
        for view in &views {
            // The evidence is drawn once revealed (a step that asks nothing shows it at once).
            let has_table = lesson.evidence(code, index, &Facts::default()).is_some();
            if *view == ViewId::Evidence && (!revealed || !has_table) {
                continue;
            }
            let Some(r) = rects.get(view) else {
                self.problems.push(format!("{at}: {view} is not on screen"));
                continue;
            };
            let mut say = |what: String| self.problems.push(format!("{at}: {view} {what}"));
            if !r.whole || !screen.expand(0.5).contains_rect(r.rect) {
                say(format!("is cut off or scrolled away ({:?})", r.rect));
            }
            // Cells of 4 px, or (a photo's maps) maps of a picture's size; and never tiny maps.
            let map_px = r.map.map(|m| m * ppp);
            if let Some(cell) = r.cell.filter(|c| c * ppp + 0.01 < MIN_CELL_PX)
                && map_px.is_none_or(|m| m + 0.01 < PICTURE_MAP_PX)
            {
                say(format!("draws map cells of {:.1} px", cell * ppp));
            }
            if let Some(map) = map_px.filter(|m| m + 0.01 < MIN_MAP_PX) {
                say(format!("draws maps of {map:.1} px"));
            }
            if let Some(chart) = r
                .chart
                .filter(|c| c.x + 0.5 < MIN_CHART.x || c.y + 0.5 < MIN_CHART.y)
            {
                say(format!(
                    "draws a chart of {:.0}x{:.0} points",
                    chart.x, chart.y
                ));
            }
            for t in texts.iter().filter(|t| r.rect.intersects(t.rect)) {
                if t.px + 0.01 < floor {
                    say(format!("writes \"{}\" at {:.1} px", t.text, t.px));
                }
                // The table's numbers are read from the back of the room.
                let projector = size.y >= PROJECTOR.y;
                if *view == ViewId::Evidence && projector && is_number(&t.text) && t.px < 23.99 {
                    say(format!(
                        "writes the number \"{}\" at {:.1} px",
                        t.text, t.px
                    ));
                }
            }
        }
        self.panels(&rects, &at);
        self.contrast(h, lesson, index, code, &rects, &at);
    }

    /// The lesson panel's edge and the strip's height.
    fn panels(&mut self, rects: &ViewRects, at: &str) {
        match rects.panel(Fixed::LessonPanel) {
            Some(r) => Self::fixed(
                at,
                "lesson panel's edge",
                &mut self.edge,
                r.left(),
                &mut self.problems,
            ),
            None => self.problems.push(format!("{at}: no lesson panel")),
        }
        match rects.panel(Fixed::StripPanel) {
            Some(r) => Self::fixed(
                at,
                "strip's height",
                &mut self.strip,
                r.height(),
                &mut self.problems,
            ),
            None => self.problems.push(format!("{at}: no strip")),
        }
    }

    /// The prose, question, verdict and table are drawn at 7:1 or more against the panel, the
    /// "predict first" hint (shown until the reveal) at 4.5:1; no text shows a backtick.
    fn contrast(
        &mut self,
        h: &H,
        lesson: &Lesson,
        index: usize,
        code: &str,
        rects: &ViewRects,
        at: &str,
    ) {
        let facts = h.state().lesson_facts();
        let Some(panel) = rects.panel(Fixed::LessonPanel) else {
            return;
        };
        let mut words: Vec<String> = Vec::new();
        if let Some((_, prose)) = lesson.step_text(code, index, &facts) {
            words.push(prose.text);
        }
        for part in ["question", "verdict"] {
            if let Some(r) = lesson.step_part(code, index, part, &facts) {
                words.push(r.text);
            }
        }
        let background = h.ctx.global_style().visuals.panel_fill;
        let lang = Lang::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .expect("a language");
        let predict = lang.strings().lesson_predict;
        let hint = predict.split('{').next().unwrap_or(predict).trim();
        let mut hint_seen = false;
        for t in painted_texts(h) {
            let text = t.text.trim();
            if !panel.contains_rect(t.rect) {
                continue;
            }
            if text.contains('`') {
                self.problems
                    .push(format!("{at}: \"{text}\" shows a Markdown backtick"));
            }
            if text.contains(hint) {
                hint_seen = true;
                let ratio = contrast(t.color, background);
                if ratio < 4.5 {
                    self.problems.push(format!(
                        "{at}: the hint \"{text}\" at {ratio:.1}:1 contrast, under 4.5:1"
                    ));
                }
            }
            if text.chars().count() < 8 {
                continue;
            }
            if !words.iter().any(|w| w.contains(text)) {
                continue;
            }
            let ratio = contrast(t.color, background);
            if ratio < 7.0 {
                self.problems.push(format!(
                    "{at}: \"{text}\" at {ratio:.1}:1 contrast, under 7:1"
                ));
            }
        }
        if !h.state().lesson.revealed && !hint_seen {
            self.problems
                .push(format!("{at}: unrevealed, without the \"{hint}\" hint"));
        }
    }
}

/// A table cell that is a number (digits with their signs, separators, units and "…" while
/// measured), not a row's or column's name such as "conv1".
fn is_number(text: &str) -> bool {
    let text = text.trim();
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " .,%±−-+/:×()…≈<>".contains(c))
}

/// Every step of every built-in lesson, before and after its reveal.
fn walk(lang: Lang, size: Vec2) {
    let mut h = open(lang, size);
    let code = lang.code();
    let mut walk = Walk::default();
    // LAYOUT_LESSON=convolution walks that lesson alone (while working on one).
    let only = std::env::var("LAYOUT_LESSON").ok();
    for name in Lesson::builtin_names() {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let lesson = Lesson::builtin(name).expect("a built-in lesson");
        apply(&mut h, Command::OpenLesson(name.to_string()));
        for index in 0..lesson.steps.len() {
            apply(&mut h, Command::LessonStep(index));
            wait_for_jobs(&mut h);
            walk.check(&h, &lesson, index, code, size);
            if !h.state().lesson.revealed {
                apply(&mut h, Command::RevealLessonStep);
                wait_for_jobs(&mut h);
                walk.check(&h, &lesson, index, code, size);
            }
        }
        // The other language at the last step: the panel's edge and the strip stay put.
        let other = Lang::ALL.into_iter().find(|l| *l != lang).expect("two");
        apply(&mut h, Command::SetLanguage(other));
        let last = lesson.steps.len() - 1;
        walk.check(&h, &lesson, last, other.code(), size);
        apply(&mut h, Command::SetLanguage(lang));
    }
    assert!(
        walk.problems.is_empty(),
        "{} problems:\n{}",
        walk.problems.len(),
        walk.problems.join("\n")
    );
}

#[test]
fn every_named_view_fits_a_projector_in_english() {
    walk(Lang::En, PROJECTOR);
}

#[test]
fn every_named_view_fits_a_laptop_in_english() {
    walk(Lang::En, LAPTOP);
}

#[test]
fn every_named_view_fits_a_projector_in_chinese() {
    walk(Lang::Zh, PROJECTOR);
}

#[test]
fn every_named_view_fits_a_laptop_in_chinese() {
    walk(Lang::Zh, LAPTOP);
}
