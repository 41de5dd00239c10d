//! What several GUI tests share: the list of sample models each per-model test must cover.

use std::path::PathBuf;

/// Every model in `sample_models/`, by file stem, in file-name order. The monkey and the
/// legibility tests run one test per model so that they go side by side; each checks that it
/// covers exactly this list, and this list is checked against the folder.
pub const SAMPLE_MODELS: [&str; 11] = [
    "digits-avg",
    "digits-gap",
    "digits-max",
    "digits-nopool",
    "edges",
    "fc-dropout",
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
