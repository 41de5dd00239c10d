//! What the app says in its status bar, notices and key list, in class: a message already
//! shown follows a switch of language; notices of one kind are one notice; a language the
//! settings ask for and the app lacks is said, not hidden; presentation mode is remembered;
//! the key list speaks a teacher's words.

use crate::support::{DESKTOP, H, LAPTOP, PROJECTOR, app, apply, painted_texts};
use convscope::app::i18n::{EN, ZH};
use convscope::app::{Command, Lang, SettingsFile};
use egui_kittest::kittest::Queryable;

/// Everything painted in the last frame, one text a line.
fn screen_text(h: &H) -> String {
    painted_texts(h)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_status_message_follows_the_language() {
    let mut h = app().size(DESKTOP).build();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("slide.png");
    apply(&mut h, Command::Export(out.clone()));
    let status = h.state().status.as_ref().map(ToString::to_string);
    assert!(status.unwrap_or_default().contains("slide.png"));
    let english = convscope::app::i18n::fill(EN.saved, &[&out.display()]);
    assert!(screen_text(&h).contains(&english), "{}", screen_text(&h));

    apply(&mut h, Command::SetLanguage(Lang::Zh));
    let chinese = convscope::app::i18n::fill(ZH.saved, &[&out.display()]);
    let shown = screen_text(&h);
    assert!(
        shown.contains(&chinese),
        "the status stays English: {shown}"
    );
    assert!(!shown.contains(&english), "{shown}");
}

#[test]
fn an_unknown_language_in_the_settings_is_english_with_a_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.json");
    std::fs::write(&path, r#"{"language": "tlh", "dark": false}"#).expect("write");
    let h = app()
        .size(DESKTOP)
        .settings_file(SettingsFile::at(&path))
        .build();
    let state = h.state();
    assert_eq!(state.settings.language, Lang::En);
    assert!(!state.settings.dark, "the rest of the settings are used");
    let notice = state.notices.join("\n");
    assert!(
        notice.contains("\"tlh\"") && notice.contains("English"),
        "no word of the language: {notice:?}"
    );
    assert!(h.query_by_label_contains("\"tlh\"").is_some());
    // A known language says nothing.
    std::fs::write(&path, r#"{"language": "zh"}"#).expect("write");
    let h = app()
        .size(DESKTOP)
        .settings_file(SettingsFile::at(&path))
        .build();
    assert_eq!(h.state().settings.language, Lang::Zh);
    assert!(h.state().notices.is_empty(), "{:?}", h.state().notices);
}

/// 300 language files with a mistake in each give one notice listing them, with one
/// Dismiss, that leaves the views their room; Dismiss takes them all away.
#[test]
fn three_hundred_broken_language_files_are_one_notice() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..300 {
        let file = dir.path().join(format!("x{i:03}.ftl"));
        std::fs::write(file, "language_name = Broken\nplay = { $v1\n").expect("write");
    }
    let problems = convscope::app::i18n::check_language_files(dir.path());
    assert_eq!(problems.len(), 300);
    for (lang, size) in [(Lang::En, LAPTOP), (Lang::Zh, PROJECTOR)] {
        let problems = problems.clone();
        let mut h = app()
            .size(size)
            .lang(lang)
            .with(move |a| a.report_language_problems(&problems))
            .build();
        let s = lang.strings();
        assert_eq!(h.state().notices.len(), 300);
        assert_eq!(h.get_all_by_label(s.dismiss).count(), 1, "one Dismiss");
        // The notice, list included, takes at most a quarter of the window.
        let texts = painted_texts(&h);
        let listed: Vec<_> = texts.iter().filter(|t| t.text.contains(".ftl")).collect();
        assert!(!listed.is_empty(), "the files are listed");
        let bottom = listed.iter().map(|t| t.rect.bottom()).fold(0.0, f32::max);
        let window = h.ctx.content_rect().height();
        assert!(bottom < window * 0.25, "{bottom} of {window}");
        assert!(
            texts.iter().any(|t| t.text.contains("300")),
            "the heading says how many"
        );
        h.get_by_label(s.dismiss).click();
        h.run();
        assert!(h.state().notices.is_empty());
    }
}

#[test]
fn presentation_mode_is_remembered_between_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.json");
    let mut h = app()
        .size(PROJECTOR)
        .settings_file(SettingsFile::at(&path))
        .build();
    assert!(h.state().view.zoom_before_presentation.is_none());
    apply(&mut h, Command::TogglePresentation);
    h.state_mut().save_settings();
    drop(h);
    // The next start opens in it, laid out at presentation size.
    let h = app()
        .size(PROJECTOR)
        .settings_file(SettingsFile::at(&path))
        .build();
    assert!(
        h.state().view.zoom_before_presentation.is_some(),
        "presentation mode was forgotten"
    );
    assert!(
        (h.ctx.zoom_factor() - 1.5).abs() < 1e-3,
        "{}",
        h.ctx.zoom_factor()
    );
    // Switched off, it stays off next time, at the zoom from before.
    let mut h = h;
    apply(&mut h, Command::TogglePresentation);
    h.state_mut().save_settings();
    drop(h);
    let h = app()
        .size(PROJECTOR)
        .settings_file(SettingsFile::at(&path))
        .build();
    assert!(h.state().view.zoom_before_presentation.is_none());
    assert_eq!(h.ctx.zoom_factor(), 1.0);
}

#[test]
fn present_on_the_command_line_opens_in_presentation_mode() {
    let h = app()
        .size(LAPTOP)
        .startup(convscope::app::Startup {
            present: true,
            ..Default::default()
        })
        .build();
    assert!(h.state().view.zoom_before_presentation.is_some());
    assert!(h.ctx.zoom_factor() > 1.05, "{}", h.ctx.zoom_factor());
}

/// Words a teacher does not use for what the keys do. (抗混叠最大池化 stays: it is the
/// glossary's one Chinese name for blur-max, used everywhere, docs/languages.md.)
const JARGON: [&str; 5] = ["card", "block", "anti-aliased", "卡片", "模块"];

#[test]
fn the_key_list_speaks_plainly() {
    for lang in Lang::ALL {
        let mut h = app().size(DESKTOP).lang(lang).build();
        apply(&mut h, Command::ToggleKeysHelp);
        let s = lang.strings();
        assert!(h.query_by_label(s.keys_title).is_some());
        let shown = screen_text(&h);
        for word in JARGON {
            assert!(
                !shown.contains(word),
                "{lang:?}: \"{word}\" in the key list:\n{shown}"
            );
        }
        // The keys that open and close a group of layers are still listed.
        assert!(shown.contains("↓") && shown.contains("↑"));
    }
}
