//! `convscope lessons` and `--lesson` with the user's lessons folder: the built-in lessons and
//! a teacher's own, id and title, in either language; a teacher's file with a mistake is named
//! with its line.

use super::support::convscope_command;
use std::path::Path;
use std::process::Output;

/// `convscope ARGS` with the data folder at `data` (where `lessons/` is looked for).
fn with_data(data: &Path, args: &[&str]) -> Output {
    convscope_command()
        .env("XDG_DATA_HOME", data)
        .env("HOME", data)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn write_own_lesson(lessons: &Path) {
    std::fs::create_dir_all(lessons).unwrap();
    std::fs::write(
        lessons.join("my-kernels.toml"),
        "id = \"my-kernels\"\n[[step]]\nid = \"meet\"\nmodel = \"digits-max\"\n",
    )
    .unwrap();
    std::fs::write(
        lessons.join("my-kernels.en.ftl"),
        "lesson-title = My kernels\nmeet-title = Meet\nmeet = It has { $params } parameters.\n",
    )
    .unwrap();
    std::fs::write(
        lessons.join("my-kernels.zh.ftl"),
        "lesson-title = 我的卷积核\nmeet-title = 认识\nmeet = 共 { $params } 个参数。\n",
    )
    .unwrap();
}

#[test]
fn lists_builtin_and_own_lessons_with_their_titles_in_both_languages() {
    let data = tempfile::tempdir().unwrap();
    let lessons = data.path().join("convscope/lessons");
    write_own_lesson(&lessons);
    std::fs::write(
        lessons.join("broken.toml"),
        "id = \"broken\"\n[[step]]\nid = \"a\"\n\nstage = 3\n",
    )
    .unwrap();
    std::fs::write(
        lessons.join("broken.en.ftl"),
        "lesson-title = Broken\na-title = A\na = Text.\n",
    )
    .unwrap();
    let en = with_data(data.path(), &["lessons"]);
    assert!(en.status.success(), "{en:?}");
    let out = String::from_utf8(en.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("pooling-and-fc ") && lines[0].contains("Pooling"),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("my-kernels ") && l.ends_with("  My kernels")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("learning ") && l.contains("over-fitting")),
        "{out}"
    );
    assert!(!out.contains("broken"), "{out}");
    let err = String::from_utf8(en.stderr).unwrap();
    assert!(
        err.contains("broken.toml, line 5 (step 1)"),
        "the broken lesson is named with its line: {err}"
    );
    let zh = with_data(data.path(), &["lessons", "--lang", "zh"]);
    let out = String::from_utf8(zh.stdout).unwrap();
    assert!(out.contains("我的卷积核"), "{out}");
    assert!(out.lines().count() == lines.len(), "{out}");
    // An own lesson opens by its id as a built-in one does, and is checked first: the broken
    // one is refused with its file and line before any window opens.
    let open = with_data(data.path(), &["--lesson", "broken"]);
    assert!(!open.status.success());
    let err = String::from_utf8(open.stderr).unwrap();
    assert!(err.contains("broken.toml, line 5 (step 1)"), "{err}");
}

#[test]
fn a_language_other_than_en_or_zh_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let o = with_data(data.path(), &["lessons", "--lang", "fr"]);
    assert!(!o.status.success());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("fr") && err.contains("zh"), "{err}");
}

/// The code blocks of docs/lessons.md's worked example, in order: the TOML, the English and
/// the Chinese texts.
fn worked_example() -> Vec<String> {
    let doc = std::fs::read_to_string(super::support::repo("docs/lessons.md")).unwrap();
    let example = &doc[doc.find("## A worked example").expect("the worked example")..];
    example
        .split("```")
        .skip(1)
        .step_by(2)
        .take(3)
        .map(|block| {
            block
                .split_once('\n')
                .map_or("", |(_, body)| body)
                .to_string()
        })
        .collect()
}

#[test]
fn the_worked_example_in_the_docs_opens_lists_and_prints() {
    let data = tempfile::tempdir().unwrap();
    let lessons = data.path().join("convscope/lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    let blocks = worked_example();
    assert_eq!(blocks.len(), 3);
    for (name, text) in ["kernels.toml", "kernels.en.ftl", "kernels.zh.ftl"]
        .iter()
        .zip(&blocks)
    {
        std::fs::write(lessons.join(name), text).unwrap();
    }
    let list = with_data(data.path(), &["lessons", "--lang", "zh"]);
    let out = String::from_utf8(list.stdout).unwrap();
    assert!(
        out.contains("kernels") && out.contains("手工设计的卷积核"),
        "{out}"
    );
    let html = data.path().join("k.html");
    let o = with_data(
        data.path(),
        &[
            "handout",
            "kernels",
            "--answers",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Hand-made kernels"));
    assert!(!page.contains("Not measured"), "every number is filled in");
    assert_eq!(page.matches("<section class=\"step\"").count(), 3);
}
