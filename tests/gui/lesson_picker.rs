//! The lesson picker: the built-in lessons and a teacher's own from their lessons folder, in
//! both languages; choosing one opens it at step 1; a lesson file with a mistake shows its
//! file, line and what is wrong instead of opening (or crashing); a lesson added while the app
//! runs appears on "Look again".

use crate::support::{H, app, repo, shows, wait_for_jobs};
use convscope::app::Lang;
use convscope::app::Picker;
use egui_kittest::kittest::Queryable;
use std::path::Path;

fn write_lesson(dir: &Path, stem: &str, en_title: &str, zh_title: &str) {
    std::fs::write(
        dir.join(format!("{stem}.toml")),
        format!(
            "id = \"{stem}\"\n[[step]]\nid = \"meet\"\nmodel = \"digits-max\"\n\
             sample = \"digit_7\"\nstage = \"conv1\"\n\
             [[step]]\nid = \"next\"\nstage = \"pool1\"\n"
        ),
    )
    .unwrap();
    for (code, title, words) in [
        (
            "en",
            en_title,
            "Meet|It has { $params } parameters.|Next|What now?",
        ),
        (
            "zh",
            zh_title,
            "认识|共 { $params } 个参数。|下一步|接下来呢？",
        ),
    ] {
        let w: Vec<&str> = words.split('|').collect();
        std::fs::write(
            dir.join(format!("{stem}.{code}.ftl")),
            format!(
                "lesson-title = {title}\nmeet-title = {}\nmeet = {}\n\
                 next-title = {}\nnext = .\nnext-question = {}\n",
                w[0], w[1], w[2], w[3]
            ),
        )
        .unwrap();
    }
}

/// The app in `lang` on the sample models, its picker reading `dir`, the Lessons panel shown.
fn picker_app(lang: Lang, dir: &Path) -> H {
    let dir = dir.to_path_buf();
    let mut h = app()
        .size(egui::vec2(1600.0, 1000.0))
        .lang(lang)
        .models_in(&[repo("sample_models")])
        .no_dialogs()
        .with(move |app| app.lesson.picker = Picker::in_folder(Some(dir)))
        .build();
    h.key_press(egui::Key::F2);
    h.run();
    h
}

#[test]
fn lists_builtin_and_own_lessons_and_opens_the_chosen_one_at_step_one() {
    for (lang, builtin, own, heading) in [
        (
            Lang::En,
            "Pooling and fully-connected layers",
            "My kernels",
            "Built-in lessons",
        ),
        (Lang::Zh, "池化层与全连接层", "我的卷积核", "内置课程"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_lesson(dir.path(), "my-kernels", "My kernels", "我的卷积核");
        let mut h = picker_app(lang, dir.path());
        assert!(shows(&h, heading), "{lang:?}");
        assert!(shows(&h, builtin), "{lang:?}");
        assert!(shows(&h, &dir.path().display().to_string()), "{lang:?}");
        h.get_by_label(own).click();
        h.run();
        wait_for_jobs(&mut h);
        let state = &h.state().lesson;
        let lesson = state.lesson.as_ref().expect("the chosen lesson is open");
        assert_eq!(lesson.id, "my-kernels");
        assert_eq!((state.step, state.error.as_deref()), (0, None));
        let ex = &h.state().explorer;
        assert_eq!(ex.net.layers()[ex.stage - 1].name, "conv1", "{lang:?}");
        assert!(shows(&h, own), "the open lesson shows its title: {lang:?}");
    }
}

#[test]
fn a_broken_lesson_shows_its_file_line_and_problem_and_new_ones_appear() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = picker_app(Lang::En, dir.path());
    assert!(
        shows(&h, "None yet"),
        "an empty folder says what to put there"
    );
    // Lessons written while the app runs: listed on "Look again".
    std::fs::write(
        dir.path().join("broken.toml"),
        "id = \"broken\"\n[[step]]\nid = \"a\"\n\npool = \"maximum\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.en.ftl"),
        "lesson-title = Broken\na-title = A\na = Text.\n",
    )
    .unwrap();
    write_lesson(dir.path(), "later", "Written later", "后来写的");
    h.get_by_label("Look again").click();
    h.run();
    assert!(shows(&h, "Written later"));
    assert!(!shows(&h, "None yet"));
    assert!(shows(&h, "cannot be opened"));
    assert!(
        shows(&h, "broken.toml, line 5 (step 1)") && shows(&h, "maximum"),
        "the error names file, line and the wrong value"
    );
    assert!(h.state().lesson.lesson.is_none());
}

#[test]
fn handout_buttons_ask_where_and_write_the_lesson_in_the_background() {
    use convscope::app::{Command, HandoutStatus};
    use std::time::Duration;
    for (lang, button, name) in [
        (Lang::En, "Handout…", "pooling-and-fc-en.html"),
        (Lang::Zh, "教师版…", "pooling-and-fc-zh-answers.html"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = picker_app(lang, dir.path());
        let title = if lang == Lang::En {
            "Pooling and fully-connected layers"
        } else {
            "池化层与全连接层"
        };
        h.get_by_label(title).click();
        h.run();
        wait_for_jobs(&mut h);
        let step = h.state().lesson.step;
        // Without a system dialog the in-app browser asks, with the handout's name filled in.
        h.get_by_label(button).click();
        h.run();
        let browser = h
            .state()
            .file_browser
            .as_ref()
            .expect("a file is asked for");
        assert_eq!(browser.file_name, name, "{lang:?}");
        // Where the browser would send it: written by a second app, the class's stays put.
        let out = dir.path().join(name);
        let answers = lang == Lang::Zh;
        crate::support::apply_now(&mut h, Command::WriteHandout(out.clone(), answers));
        crate::support::step_until(&mut h, Duration::from_secs(120), "the handout", |app| {
            !matches!(app.lesson.handout.status(), HandoutStatus::Writing(_))
        });
        assert_eq!(
            h.state().lesson.handout.status(),
            HandoutStatus::Written(out.clone())
        );
        let html = std::fs::read_to_string(&out).unwrap();
        assert!(html.contains(title), "{lang:?}");
        assert_eq!(html.contains("class=\"verdict\""), answers, "{lang:?}");
        assert_eq!(h.state().lesson.step, step);
    }
}
