//! What the app ships and finds: bundled sample pictures (compiled in, so the app runs from
//! any folder) and the sample models in `sample_models/` folders.

use super::state::InputImage;
use crate::io::{decode_image, load_image};
use std::path::{Path, PathBuf};

/// A picture compiled into the app.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub name: &'static str,
    bytes: &'static [u8],
}

macro_rules! sample {
    ($name:literal) => {
        Sample {
            name: $name,
            bytes: include_bytes!(concat!("../../assets/samples/", $name, ".png")),
        }
    };
}

/// Digits first (the digit models' natural input), then patterns, then photos.
pub const SAMPLES: &[Sample] = &[
    sample!("digit_0"),
    sample!("digit_1"),
    sample!("digit_2"),
    sample!("digit_3"),
    sample!("digit_4"),
    sample!("digit_5"),
    sample!("digit_6"),
    sample!("digit_7"),
    sample!("digit_8"),
    sample!("digit_9"),
    sample!("synth_square"),
    sample!("synth_square_shifted"),
    sample!("synth_vertical_bar"),
    sample!("synth_checkerboard"),
    sample!("photo_cat"),
    sample!("photo_astronaut"),
    sample!("photo_coffee"),
    sample!("photo_camera_gray"),
];

/// The sample the app opens with.
pub const DEFAULT_SAMPLE: &str = "digit_7";

/// Decodes a bundled sample by name.
pub fn sample_image(name: &str) -> Result<InputImage, String> {
    let sample = SAMPLES
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("{name}: no such sample"))?;
    let path = PathBuf::from(format!("assets/samples/{name}.png"));
    let image = decode_image(sample.bytes, &path).map_err(|e| e.to_string())?;
    Ok(InputImage {
        name: name.to_string(),
        path: None,
        image,
    })
}

/// Reads a picture file (any size the decoder limits allow).
pub fn image_file(path: &Path) -> Result<InputImage, String> {
    let image = load_image(path).map_err(|e| e.to_string())?;
    Ok(InputImage {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        path: Some(path.to_path_buf()),
        image,
    })
}

/// A model found in a `sample_models/` folder.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleModel {
    pub name: String,
    pub description: String,
    pub path: PathBuf,
}

/// Where sample models are looked for: the source tree, beside the executable, the working
/// directory.
pub fn default_model_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_models")];
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
    {
        dirs.push(dir.join("sample_models"));
    }
    if let Ok(dir) = std::env::current_dir() {
        dirs.push(dir.join("sample_models"));
    }
    dirs
}

/// The untrained fixture the app falls back to when no sample model is found.
pub fn fallback_model_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gui/sample_models/tiny-max.json")
}

/// Every `*.json` model in the first of `dirs` that has any, sorted by name; unreadable files
/// are listed with their error as description so the menu shows why.
pub fn discover_models(dirs: &[PathBuf]) -> Vec<SampleModel> {
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut models: Vec<SampleModel> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|path| describe(&path))
            .collect();
        if !models.is_empty() {
            models.sort_by(|a, b| a.name.cmp(&b.name));
            return models;
        }
    }
    Vec::new()
}

fn describe(path: &Path) -> SampleModel {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let description = crate::io::error::read_limited(path, 64 << 20)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|v| {
            v.get("description")
                .and_then(|d| d.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default();
    SampleModel {
        name: stem,
        description,
        path: path.to_path_buf(),
    }
}

/// The model to open first: the remembered one, else `digits-max`, else the first max-pooling
/// sample, else the first sample, else the fixture.
pub fn startup_model(models: &[SampleModel], remembered: Option<&Path>) -> PathBuf {
    if let Some(p) = remembered.filter(|p| p.is_file()) {
        return p.to_path_buf();
    }
    models
        .iter()
        .find(|m| m.name == "digits-max")
        .or_else(|| models.iter().find(|m| m.name.ends_with("-max")))
        .or_else(|| models.first())
        .map(|m| m.path.clone())
        .unwrap_or_else(fallback_model_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_decodes() {
        for s in SAMPLES {
            let img = sample_image(s.name).expect(s.name);
            assert!(img.image.width() > 0);
        }
        assert!(sample_image("nope").unwrap_err().contains("nope"));
    }

    #[test]
    fn fixture_models_are_found_sorted_with_descriptions() {
        let dir = fallback_model_path().parent().expect("dir").to_path_buf();
        let models = discover_models(&[PathBuf::from("/no/such/dir"), dir]);
        let names: Vec<_> = models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["tiny-avg", "tiny-max"]);
        assert!(models[0].description.contains("untrained"));
        assert_eq!(
            startup_model(&models, None),
            models[1].path,
            "a -max model first"
        );
    }
}
