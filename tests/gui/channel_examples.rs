//! The explorer's "What excites this channel" panel: it ranks the bundled MNIST test digits off
//! the UI thread, shows what `analysis::channel_examples` ranks, keeps each ranking, and stops
//! when asked.

use crate::support::{H, app, apply, apply_now, shows, step_until};
use convscope::analysis::channel_examples::{Target, top_examples};
use convscope::app::{Command, ConvscopeApp, DataChoice, ExampleData, ExamplesKey};
use convscope::data::examples::{ExampleSet, ExampleSpec};
use convscope::engine::RunOptions;
use std::time::Duration;

fn harness() -> H {
    app().with(|app| app.examples.open = true).build()
}

fn key(app: &ConvscopeApp, channel: usize) -> ExamplesKey {
    ExamplesKey::now(
        &app.explorer,
        channel,
        ExampleData::Bundled(DataChoice::Mnist),
    )
}

#[test]
fn channel_examples_show_the_ranking_the_analysis_makes() {
    let mut h = harness();
    let conv2 = h.state().explorer.stage_named("conv2").expect("conv2");
    apply(&mut h, Command::SelectStage(conv2));
    h.state_mut().examples.channel = 2;
    step_until(&mut h, Duration::from_secs(120), "the ranking", |a| {
        a.examples.ranking(&key(a, 2)).is_some()
    });
    h.run();
    let app = h.state();
    let shown = app
        .examples
        .ranking(&key(app, 2))
        .cloned()
        .expect("a ranking")
        .expect("no error");
    // The same ranking, made here on the explorer's network and the same test digits.
    let net = &app.explorer.net;
    let spec = DataChoice::Mnist.spec(0).expect("bundled MNIST");
    let set = ExampleSet::open(&ExampleSpec::Set(spec), net, false).expect("the test set");
    let options = RunOptions {
        pool_mode: Some(app.explorer.pool_mode),
        dropout: None,
    };
    let want = top_examples(
        net,
        Target {
            stage: conv2,
            channel: 2,
        },
        set.len(),
        9,
        &|i| set.pixels(i, net),
        &options,
        &|| true,
    )
    .expect("ranked");
    let got: Vec<(usize, f32)> = shown.examples.iter().map(|e| (e.index, e.value)).collect();
    let want: Vec<(usize, f32)> = want.iter().map(|e| (e.index, e.value)).collect();
    assert_eq!(got, want);
    assert_eq!(shown.scanned, set.len());
    let first = &shown.examples[0];
    assert!(shows(&h, &format!("{} · {:.2}", first.label, first.value)));
    assert!(shows(&h, "test inputs that excite channel 2 most"));
}

#[test]
fn channel_examples_stop_when_asked_and_stay_stopped() {
    let mut h = harness();
    let conv1 = h.state().explorer.stage_named("conv1").expect("conv1");
    apply_now(&mut h, Command::SelectStage(conv1));
    // One frame starts channel 0's ranking: stop it at once.
    h.step();
    assert!(h.state().examples.busy());
    h.state_mut().examples.cancel();
    let k = key(h.state(), 0);
    assert!(h.state().examples.was_stopped(&k));
    for _ in 0..5 {
        h.step();
    }
    assert!(!h.state().examples.busy());
    assert!(h.state().examples.ranking(&k).is_none());
    assert!(shows(&h, "Stopped before the end."));
}

#[test]
fn feature_visualisation_makes_every_channels_picture_as_the_analysis_does() {
    use convscope::analysis::feature_vis::{VisSettings, visualize};
    let mut h = app()
        .with(|app| {
            app.examples.open = true;
            app.examples.show_vis = true;
        })
        .build();
    let conv1 = h.state().explorer.stage_named("conv1").expect("conv1");
    apply(&mut h, Command::SelectStage(conv1));
    step_until(&mut h, Duration::from_secs(120), "the pictures", |a| {
        !a.examples.busy()
    });
    h.run();
    let app = h.state();
    let key = convscope::app::VisKey::now(&app.explorer);
    let pictures = app
        .examples
        .vis
        .pictures(&key)
        .cloned()
        .expect("pictures")
        .expect("no error");
    assert_eq!(pictures.len(), key.channels());
    let options = RunOptions {
        pool_mode: Some(app.explorer.pool_mode),
        dropout: None,
    };
    let target = Target {
        stage: conv1,
        channel: 1,
    };
    let v = visualize(
        &app.explorer.net,
        target,
        &VisSettings::default(),
        &options,
        &|_| true,
    )
    .expect("visualised");
    assert_eq!((pictures[1].start, pictures[1].end), (v.start, v.end));
    assert!(shows(&h, "channel 1"));
}
