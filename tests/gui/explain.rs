//! "Where it looked" (issue 29): the W key shows the view, a method is picked by its label, a
//! class by clicking its probability bar (and again to go back to the prediction), and each
//! map is what the attribution engine computes for the network and input on screen, at the
//! size its method gives. Drives the real app with egui_kittest on digits-max and a digit.

use crate::support::{H, app, apply, wait_for_jobs};
use convscope::analysis::attribution::{Map, Method, Request, default_cam_stage, explain};
use convscope::app::{Command, ExplainChoice, ViewRects};
use convscope::lesson::{StagePart, ViewId};
use egui_kittest::kittest::Queryable;

/// digits-max on digit_7 with "Where it looked" shown and its map made.
fn shown() -> H {
    let mut h = app().sample("digits-max").build();
    assert!(!h.state().explain.shown, "hidden until asked for");
    h.key_press(egui::Key::W);
    wait_for_jobs(&mut h);
    assert!(h.state().explain.shown);
    h
}

/// The map on screen is the engine's for the explorer's input, network and switches.
fn assert_engine_map(h: &H) {
    let app = h.state();
    let ex = &app.explorer;
    let r = app.explain.result.as_ref().expect("a map");
    assert!(app.explain.current(), "the map is for the latest request");
    let request = Request {
        class: app.explain.choice.class,
        stage: (r.attribution.method == Method::GradCam).then_some(r.attribution.stage),
        options: ex.run_options(),
        ..Request::new(app.explain.choice.method)
    };
    let input = ex.trace[0].as_maps().expect("maps");
    let want = explain(&ex.net, input, &request).expect("explains");
    assert_eq!(r.attribution, want);
    assert_eq!(r.plane, want.map.plane());
}

/// Clicks inside the probability chart above class `class`'s bar.
fn click_bar(h: &mut H, class: usize) {
    let rects = ViewRects::of(&h.ctx);
    let chart = rects
        .get(&ViewId::stage("softmax", StagePart::Bars))
        .expect("the probability bars are on screen")
        .rect;
    // The chart spans the bars (0.7 wide, at 0..n-1) plus 5% of that on each side.
    let n = h.state().explorer.probabilities.len() as f32;
    let span = n - 1.0 + 0.7;
    let lo = -0.35 - 0.05 * span;
    let x = chart.left() + (class as f32 - lo) / (1.1 * span) * chart.width();
    let pos = egui::pos2(x, chart.center().y);
    let button = |pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(pos));
    h.step();
    h.event(button(true));
    h.step();
    h.event(button(false));
    wait_for_jobs(h);
}

#[test]
fn each_method_picked_by_its_label_gives_the_engines_map_at_its_size() {
    let mut h = shown();
    // Grad-CAM by default, at the last stage with maps (the input stage is selected): pool2.
    let (stage, hw) = {
        let ex = &h.state().explorer;
        let stage = default_cam_stage(&ex.net).expect("digits-max has maps");
        let (_, sh, sw) = ex.trace[stage].as_maps().expect("maps").dim();
        (stage, (sh, sw))
    };
    let r = h.state().explain.result.clone().expect("a map");
    assert_eq!(r.attribution.method, Method::GradCam);
    assert_eq!(r.attribution.stage, stage);
    assert_eq!(h.state().explorer.net.layers()[stage - 1].name, "pool2");
    assert_eq!(r.plane.dim(), hw);
    assert_eq!(hw, (7, 7));
    assert_engine_map(&h);
    assert!(
        h.query_by_label_contains("the last stage with maps")
            .is_some()
    );

    for (label, method) in [
        ("Gradient", Method::Gradient),
        ("Gradient × input", Method::GradXInput),
        ("SmoothGrad", Method::SmoothGrad),
        ("Occlusion", Method::Occlusion),
    ] {
        h.get_by_label(label).click();
        wait_for_jobs(&mut h);
        let app = h.state();
        assert_eq!(app.explain.choice.method, method, "{label}");
        let r = app.explain.result.as_ref().expect("a map");
        assert_eq!(r.attribution.method, method);
        assert_eq!(
            r.plane.dim(),
            (28, 28),
            "{label}: one value per input pixel"
        );
        match &r.attribution.map {
            Map::Input(a) => assert_eq!(a.dim(), (1, 28, 28)),
            Map::Plane(p) => assert_eq!(p.dim(), (28, 28)),
        }
        assert_engine_map(&h);
    }
}

#[test]
fn grad_cam_follows_the_selected_stage_when_it_has_maps() {
    let mut h = shown();
    let conv2 = h.state().explorer.stage_named("conv2").expect("conv2");
    apply(&mut h, Command::SelectStage(conv2));
    wait_for_jobs(&mut h);
    let r = h.state().explain.result.clone().expect("a map");
    assert_eq!(r.attribution.stage, conv2);
    assert_eq!(r.plane.dim(), (14, 14));
    assert!(h.query_by_label_contains("the selected stage").is_some());
    assert_engine_map(&h);
}

#[test]
fn a_click_on_a_probability_bar_explains_that_class_and_again_goes_back() {
    let mut h = shown();
    let last = h.state().explorer.stage_count() - 1;
    apply(&mut h, Command::SelectStage(last));
    let (top, _) = h.state().explorer.prediction().expect("a prediction");
    let other = if top == 3 { 5 } else { 3 };
    click_bar(&mut h, other);
    assert_eq!(h.state().explain.choice.class, Some(other));
    let r = h.state().explain.result.clone().expect("a map");
    assert_eq!(r.attribution.class, other);
    assert_engine_map(&h);
    assert!(h.query_by_label_contains("not the prediction").is_some());
    // Again on the same bar: the prediction.
    click_bar(&mut h, other);
    assert_eq!(h.state().explain.choice.class, None);
    assert_eq!(
        h.state()
            .explain
            .result
            .as_ref()
            .map(|r| r.attribution.class),
        Some(top)
    );
    // The "back to the prediction" button does the same.
    click_bar(&mut h, other);
    assert_eq!(h.state().explain.choice.class, Some(other));
    h.get_by_label("Back to the prediction").click();
    wait_for_jobs(&mut h);
    assert_eq!(h.state().explain.choice.class, None);
}

#[test]
fn the_map_follows_pooling_and_noise_and_the_last_request_wins() {
    let mut h = shown();
    let choice = h.state().explain.choice;
    apply(
        &mut h,
        Command::SetExplain(ExplainChoice {
            method: Method::Gradient,
            ..choice
        }),
    );
    wait_for_jobs(&mut h);
    let before = h.state().explain.result.clone().expect("a map");
    apply(&mut h, Command::CyclePool);
    wait_for_jobs(&mut h);
    let pooled = h.state().explain.result.clone().expect("a map");
    assert_ne!(
        pooled.plane, before.plane,
        "average pooling changes the gradient"
    );
    assert_engine_map(&h);
    apply(&mut h, Command::CycleNoise);
    wait_for_jobs(&mut h);
    assert_engine_map(&h);
    // On a worker thread, several requests in a row: only the last one's map is taken.
    h.state_mut().explain.always_in_background = true;
    let choice = h.state().explain.choice;
    for method in [Method::SmoothGrad, Method::GradCam, Method::GradXInput] {
        apply(
            &mut h,
            Command::SetExplain(ExplainChoice { method, ..choice }),
        );
    }
    wait_for_jobs(&mut h);
    assert_eq!(
        h.state()
            .explain
            .result
            .as_ref()
            .map(|r| r.attribution.method),
        Some(Method::GradXInput)
    );
    assert_engine_map(&h);
}

#[test]
fn the_convolution_lesson_asks_where_it_looked_and_reveals_occlusion() {
    let mut h = app()
        .models_in(&[crate::support::repo("sample_models")])
        .build();
    apply(&mut h, Command::OpenLesson("convolution".into()));
    let lesson = convscope::lesson::Lesson::builtin("convolution").expect("built in");
    let index = lesson
        .steps
        .iter()
        .position(|s| s.id == "where")
        .expect("a step on where it looked");
    apply(&mut h, Command::LessonStep(index));
    wait_for_jobs(&mut h);
    let app = h.state();
    assert!(app.explain.shown, "the step shows the view");
    assert_eq!(app.explain.choice.method, Method::Gradient);
    assert_engine_map(&h);
    let facts = h.state().lesson_facts();
    let number = |name: &str| -> f64 {
        let text = facts
            .get(name)
            .unwrap_or_else(|| panic!("{name} is measured"));
        text.parse().unwrap_or_else(|_| panic!("{name} = {text}"))
    };
    for name in [
        "explain-bright",
        "explain-gradient-on-bright",
        "explain-occlusion-on-bright",
        "explain-top-overlap",
    ] {
        let v = number(name);
        eprintln!("{name} = {v}");
        assert!((0.0..=100.0).contains(&v), "{name} = {v}");
    }
    // The answer the step marks: the gradient is not on the ink alone.
    assert!(number("explain-gradient-on-bright") < 90.0);
    assert!(number("explain-score") > 0.0);
    // Every number of the step's texts is filled in, and its prose is short enough for a room.
    for code in ["en", "zh"] {
        let (_, text) = lesson.step_text(code, index, &facts).expect("texts");
        let mut parts = vec![text.clone()];
        for part in ["question", "evidence", "verdict", "choice-beside"] {
            parts.extend(lesson.step_part(code, index, part, &facts));
        }
        for r in &parts {
            assert!(r.unknown.is_empty(), "{code}: unknown {:?}", r.unknown);
            assert!(r.pending.is_empty(), "{code}: pending {:?}", r.pending);
        }
        let limit = convscope::lesson::PROSE_LIMITS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(320, |l| l.1);
        assert!(
            convscope::lesson::prose_chars(&text.text) <= limit,
            "{code}"
        );
    }
    apply(&mut h, Command::RevealLessonStep);
    wait_for_jobs(&mut h);
    assert_eq!(h.state().explain.choice.method, Method::Occlusion);
    assert_engine_map(&h);
    // The next step (the summary) hides the view again.
    apply(&mut h, Command::LessonStep(index + 1));
    assert!(!h.state().explain.shown);
}
