//! What several GUI tests share: the list of sample models each per-model test must cover, and
//! the texts egui painted in a frame.

use std::path::PathBuf;

/// Every model in `sample_models/`, by file stem, in file-name order. The monkey and the
/// legibility tests run one test per model so that they go side by side; each checks that it
/// covers exactly this list, and this list is checked against the folder.
pub const SAMPLE_MODELS: [&str; 14] = [
    "digits-avg-shift",
    "digits-avg",
    "digits-gap",
    "digits-max-shift",
    "digits-max",
    "digits-nopool",
    "edges",
    "fc-dropout",
    "fc-l2",
    "fc-overfit",
    "shapes-avg",
    "shapes-max",
    "speech-avg",
    "speech-max",
];

/// The `.json` models in `sample_models/`, sorted by path.
pub fn sample_models() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_models");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sample_models/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    models.sort();
    models
}

/// The path of sample model `name`.
pub fn sample_model(name: &str) -> PathBuf {
    sample_models()
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == name))
        .unwrap_or_else(|| panic!("sample_models/{name}.json exists"))
}

#[test]
fn the_list_matches_the_folder() {
    let names: Vec<String> = sample_models()
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    assert_eq!(
        names, SAMPLE_MODELS,
        "a new sample model goes into SAMPLE_MODELS"
    );
}

/// One text egui painted in the last frame: its font size in screen pixels, and where it is
/// (in points, the part on screen).
#[derive(Debug, Clone)]
pub struct PaintedText {
    pub px: f32,
    pub text: String,
    pub rect: egui::Rect,
}

fn collect_texts(
    shape: &egui::Shape,
    clip: egui::Rect,
    screen: egui::Rect,
    ppp: f32,
    out: &mut Vec<PaintedText>,
) {
    match shape {
        egui::Shape::Vec(shapes) => {
            for s in shapes {
                collect_texts(s, clip, screen, ppp, out);
            }
        }
        egui::Shape::Text(t) => {
            let rect = t.visual_bounding_rect();
            let seen = rect.intersect(clip).intersect(screen);
            if !seen.is_positive() {
                return;
            }
            let job = &t.galley.job;
            for section in &job.sections {
                let range = section.byte_range.start.0..section.byte_range.end.0;
                let text = job.text.get(range).unwrap_or("");
                if text.trim().is_empty() {
                    continue;
                }
                out.push(PaintedText {
                    px: section.format.font_id.size * ppp,
                    text: text.to_string(),
                    rect: seen,
                });
            }
        }
        _ => {}
    }
}

/// Every text on screen in the last frame (clipped away or off the window: left out).
pub fn painted_texts<S>(h: &egui_kittest::Harness<'_, S>) -> Vec<PaintedText> {
    let output = h.output();
    let ppp = output.pixels_per_point;
    let screen = h.ctx.content_rect();
    let mut out = Vec::new();
    for egui::epaint::ClippedShape {
        clip_rect,
        shape,
        transform_after_tessellation: t,
    } in &output.shapes
    {
        // A transformed layer (egui's own scaling) would draw its galleys scaled by t.scaling.
        collect_texts(shape, *clip_rect, screen, ppp * t.scaling, &mut out);
    }
    out
}
