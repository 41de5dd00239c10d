//! `convscope handout`: one self-contained HTML file per lesson and language, checked without
//! a browser: every step is there with its title, every figure is inlined as a PNG `data:` URI,
//! nothing points outside the file and nothing needs a script; the teacher's copy adds the
//! evidence, verdicts and right answers, the students' copy has none of them.

use super::support::{convscope, repo};
use convscope::lesson::Lesson;

/// Every `src="…"` and `href="…"` value in `html`.
fn references(html: &str) -> Vec<&str> {
    ["src=\"", "href=\"", "url("]
        .iter()
        .flat_map(|key| {
            html.match_indices(key).map(move |(at, _)| {
                let rest = &html[at + key.len()..];
                &rest[..rest.find(['"', ')']).unwrap_or(rest.len())]
            })
        })
        .collect()
}

fn handout(lesson: &str, lang: &str, answers: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("h.html");
    let mut args = vec!["handout", lesson, "--lang", lang, "--out"];
    let out_arg = out.to_str().unwrap().to_string();
    args.push(&out_arg);
    // A lesson's training runs on a few digits: seconds in a debug build, not minutes.
    args.push("--quick-runs");
    if answers {
        args.push("--answers");
    }
    let o = convscope(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(&out).unwrap()
}

/// The built-in lessons, one test each below, so that the test harness prints them side by
/// side (each is four handouts, trained and measured: the slowest of the CLI's tests).
const BUILTIN: [&str; 3] = ["convolution", "pooling-and-fc", "learning"];

#[test]
fn every_builtin_lesson_has_its_handout_test() {
    let mut names = Lesson::builtin_names();
    names.sort_unstable();
    let mut tested = BUILTIN.to_vec();
    tested.sort_unstable();
    assert_eq!(names, tested, "add the new lesson's handout test below");
}

#[test]
fn convolution_prints_self_contained_in_both_languages() {
    prints_self_contained_in_both_languages("convolution");
}

#[test]
fn pooling_and_fc_prints_self_contained_in_both_languages() {
    prints_self_contained_in_both_languages("pooling-and-fc");
}

#[test]
fn learning_prints_self_contained_in_both_languages() {
    prints_self_contained_in_both_languages("learning");
}

fn prints_self_contained_in_both_languages(name: &str) {
    let lesson = Lesson::builtin(name).unwrap();
    for lang in ["en", "zh"] {
        for answers in [false, true] {
            let html = handout(name, lang, answers);
            let at = format!("{name} {lang} answers {answers}");
            assert!(html.starts_with("<!DOCTYPE html>"), "{at}");
            assert!(html.contains("<meta charset=\"utf-8\">"), "{at}");
            assert!(html.contains("@page"), "print CSS: {at}");
            for (i, _) in lesson.steps.iter().enumerate() {
                let title = lesson.step_text(lang, i, &Default::default()).unwrap().0;
                let section = format!("<section class=\"step\" id=\"step-{}\">", i + 1);
                let at_step = html
                    .find(&section)
                    .unwrap_or_else(|| panic!("{at}: {section}"));
                // The title is the step's (its numbers filled in: compare the words before any).
                let words = title.split('{').next().unwrap().trim();
                // As HTML writes them (`window's` is `window&#39;s`).
                let words = words
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;");
                assert!(html[at_step..].contains(&words), "{at}: {words}");
            }
            let steps = html.matches("<section class=\"step\"").count();
            assert_eq!(steps, lesson.steps.len(), "{at}");
            let images = html.matches("<img ").count();
            assert_eq!(images, lesson.steps.len(), "a figure per step: {at}");
            for r in references(&html) {
                assert!(r.starts_with("data:image/png;base64,"), "{at}: {r:.60}");
            }
            let lower = html.to_lowercase();
            for outside in ["http:", "https:", "<script", "<link", "@import", "file:"] {
                assert!(!lower.contains(outside), "{at}: {outside}");
            }
            assert_eq!(html.contains("class=\"verdict\""), answers, "{at}");
            assert_eq!(html.contains("class=\"evidence\""), answers, "{at}");
            assert_eq!(html.contains("<li class=\"right\">"), answers, "{at}");
            assert!(!html.contains('`'), "no Markdown backticks: {at}");
        }
    }
}

#[test]
fn a_broken_lesson_or_an_unwritable_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("mine.toml");
    std::fs::write(
        &toml,
        "id = \"mine\"\n[[step]]\nid = \"a\"\npool = \"big\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.en.ftl"),
        "lesson-title = M\na-title = A\na = .\n",
    )
    .unwrap();
    let out = dir.path().join("h.html");
    let o = convscope(&[
        "handout",
        toml.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("mine.toml, line 4") && err.contains("big"),
        "{err}"
    );
    assert!(!out.exists());
    let o = convscope(&[
        "handout",
        "pooling-and-fc",
        "--out",
        repo("no-such-folder/h.html").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-folder"));
}
