//! What the app ships and finds: bundled sample pictures (compiled in, so the app runs from
//! any folder) and the sample models in `sample_models/` folders.

use crate::app::explorer::prepare::InputImage;
use crate::data::shapes;
use crate::engine::Model;
use crate::io::{Audio, FileError, decode_image, decode_wav, load_audio, load_image};
use image::Rgb32FImage;
use std::path::{Path, PathBuf};

/// A picture compiled into the app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub name: &'static str,
    bytes: &'static [u8],
}

macro_rules! speech {
    ($name:literal) => {
        Sample {
            name: $name,
            bytes: include_bytes!(concat!("../../../assets/samples/", $name, ".wav")),
        }
    };
}

macro_rules! sample {
    ($name:literal) => {
        Sample {
            name: $name,
            bytes: include_bytes!(concat!("../../../assets/samples/", $name, ".png")),
        }
    };
}

/// Digits first (the digit models' natural input), then patterns, then photos.
pub(crate) const SAMPLES: &[Sample] = &[
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
pub(crate) const DEFAULT_SAMPLE: &str = "digit_7";

/// Pictures of the synthetic shapes set, drawn when asked for (not stored): the first image
/// of each class in the held-out set the shape models were tested on, in
/// [`shapes::CLASSES`] order.
pub(crate) const SHAPE_SAMPLES: [&str; 5] = [
    "shape_circle",
    "shape_square",
    "shape_triangle",
    "shape_cross",
    "shape_ring",
];

/// Recordings of spoken digits compiled into the app (FSDD, CC BY-SA 4.0: see
/// assets/ATTRIBUTION.md), one per speaker, all from the speech models' test split.
pub(crate) const SPEECH_SAMPLES: &[Sample] = &[
    speech!("speech_7_george_0"),
    speech!("speech_3_jackson_1"),
    speech!("speech_0_nicolas_2"),
    speech!("speech_9_theo_3"),
    speech!("speech_5_yweweler_4"),
];

/// Every sample's name, in menu order: the stored pictures, the shapes, the recordings.
pub fn sample_names() -> impl Iterator<Item = &'static str> {
    SAMPLES
        .iter()
        .map(|s| s.name)
        .chain(SHAPE_SAMPLES.iter().copied())
        .chain(SPEECH_SAMPLES.iter().map(|s| s.name))
}

/// A recording as an input: its waveform drawn as the "original" picture.
pub(crate) fn audio_input(name: String, path: Option<PathBuf>, audio: Audio) -> InputImage {
    InputImage {
        name,
        path,
        image: crate::viz::waveform::waveform_image(&audio.samples, 256, 64),
        audio: Some(std::sync::Arc::new(audio)),
    }
}

/// The sample that suits `model` when the input shown is a sample made for another kind of
/// model (a digit fed to the shapes net, say): a shape for a model with the shapes set's
/// classes, a digit for a one-channel model with classes 0-9, a photo for any other model
/// whose input is larger than a digit's (`edges`: a 28x28 digit blown up to 128x128 is a
/// blur); `None` when `current` is not a digit or shape sample (photos and patterns suit
/// anything) or already suits.
pub(crate) fn better_sample(model: &Model, current: &str) -> Option<&'static str> {
    let family = |name: &str| name.split('_').next().map(str::to_string);
    let labels = &model.info.labels;
    let natural = if model.info.audio.is_some() {
        SPEECH_SAMPLES[0].name
    } else if labels.iter().map(String::as_str).eq(shapes::CLASSES) {
        SHAPE_SAMPLES[0]
    } else if model.input.channels == 1 && labels.iter().map(String::as_str).eq(DIGIT_LABELS) {
        DEFAULT_SAMPLE
    } else if model.input.height.min(model.input.width) > DIGIT_SIDE {
        if model.input.channels == 1 {
            GREY_PHOTO
        } else {
            COLOUR_PHOTO
        }
    } else {
        return None;
    };
    let current_family = family(current)?;
    let is_sample = sample_names().any(|n| n == current);
    (is_sample
        && ["digit", "shape", "speech"].contains(&current_family.as_str())
        && family(natural) != Some(current_family))
    .then_some(natural)
}

/// The side of the digit samples; a model that reads larger pictures gets a photo.
const DIGIT_SIDE: usize = 28;
/// The photo a grey model made for photos opens with (the classic test picture for filters).
const GREY_PHOTO: &str = "photo_camera_gray";
const COLOUR_PHOTO: &str = "photo_cat";

const DIGIT_LABELS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// A shape sample's picture, drawn by the shapes set's generator.
fn shape_image(class: usize) -> Rgb32FImage {
    let set = shapes::generate(SHAPE_SAMPLES.len(), shapes::TEST_SEED);
    let pixels = set.pixels(class);
    let (_, h, w) = pixels.dim();
    Rgb32FImage::from_fn(w as u32, h as u32, |x, y| {
        let at = |c: usize| pixels[[c, y as usize, x as usize]];
        image::Rgb([at(0), at(1), at(2)])
    })
}

/// Why a sample or a file cannot be read as an input.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InputFileError {
    #[error("{0}: no such sample")]
    NoSuchSample(String),
    /// The file (or a bundled sample's bytes) cannot be read or decoded.
    #[error(transparent)]
    File(#[from] FileError),
}

/// Decodes a bundled sample by name.
pub(crate) fn sample_image(name: &str) -> Result<InputImage, InputFileError> {
    if let Some(sample) = SPEECH_SAMPLES.iter().find(|s| s.name == name) {
        let path = PathBuf::from(format!("assets/samples/{name}.wav"));
        let audio = decode_wav(sample.bytes, &path)?;
        return Ok(audio_input(name.to_string(), None, audio));
    }
    if let Some(class) = SHAPE_SAMPLES.iter().position(|&s| s == name) {
        return Ok(InputImage {
            name: name.to_string(),
            path: None,
            image: shape_image(class),
            audio: None,
        });
    }
    let sample = SAMPLES
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| InputFileError::NoSuchSample(name.to_string()))?;
    let path = PathBuf::from(format!("assets/samples/{name}.png"));
    let image = decode_image(sample.bytes, &path)?;
    Ok(InputImage {
        name: name.to_string(),
        path: None,
        image,
        audio: None,
    })
}

/// Reads a picture or WAV file (any size the decoder limits allow).
pub(crate) fn image_file(path: &Path) -> Result<InputImage, InputFileError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let is_wav = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    if is_wav {
        let audio = load_audio(path)?;
        return Ok(audio_input(name, Some(path.to_path_buf()), audio));
    }
    let image = load_image(path)?;
    Ok(InputImage {
        name,
        path: Some(path.to_path_buf()),
        image,
        audio: None,
    })
}

/// A model found in a `sample_models/` folder.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleModel {
    pub name: String,
    pub description: String,
    /// The description in other languages, by code (the file's `translations`).
    pub descriptions: std::collections::BTreeMap<String, String>,
    /// The model's `"training"` record (`null` when it has none): its learning curves can be
    /// drawn beside another model's without loading its weights.
    pub training: serde_json::Value,
    pub path: PathBuf,
}

impl SampleModel {
    /// The description in `lang` (a language code), English when it has none.
    pub fn description_in(&self, lang: &str) -> &str {
        self.descriptions
            .get(lang)
            .map_or(self.description.as_str(), String::as_str)
    }
}

/// Where sample models are looked for: the source tree, beside the executable, the working
/// directory.
pub(crate) fn default_model_dirs() -> Vec<PathBuf> {
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
pub(crate) fn fallback_model_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gui/sample_models/tiny-max.json")
}

/// Every `*.json` model in the first of `dirs` that has any, sorted by name; unreadable files
/// are listed with their error as description so the menu shows why.
pub(crate) fn discover_models(dirs: &[PathBuf]) -> Vec<SampleModel> {
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
    let json = crate::io::error::read_limited(path, 64 << 20)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .unwrap_or_default();
    let description = json
        .get("description")
        .and_then(|d| d.as_str())
        .unwrap_or_default()
        .to_string();
    let descriptions = json
        .get("translations")
        .and_then(|t| t.as_object())
        .map(|t| {
            t.iter()
                .filter_map(|(lang, v)| {
                    let d = v.get("description")?.as_str()?;
                    Some((lang.clone(), d.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    SampleModel {
        name: stem,
        description,
        descriptions,
        training: json.get("training").cloned().unwrap_or_default(),
        path: path.to_path_buf(),
    }
}

/// The model to open first: the remembered one, else `digits-max`, else the first max-pooling
/// sample, else the first sample, else the fixture.
pub(crate) fn startup_model(models: &[SampleModel], remembered: Option<&Path>) -> PathBuf {
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
        assert!(
            sample_image("nope")
                .unwrap_err()
                .to_string()
                .contains("nope")
        );
    }

    #[test]
    fn shape_samples_are_the_held_out_shapes_in_class_order() {
        let held_out = shapes::generate(5, shapes::TEST_SEED);
        for (class, name) in SHAPE_SAMPLES.iter().enumerate() {
            assert_eq!(name.strip_prefix("shape_"), Some(shapes::CLASSES[class]));
            assert_eq!(held_out.label(class), class);
            let img = sample_image(name).expect(name).image;
            assert_eq!((img.width(), img.height()), (64, 64));
            let pixels = held_out.pixels(class);
            assert_eq!(img.get_pixel(10, 20).0[1], pixels[[1, 20, 10]]);
        }
        assert_eq!(
            sample_names().count(),
            SAMPLES.len() + 5 + SPEECH_SAMPLES.len()
        );
    }

    #[test]
    fn a_model_gets_a_sample_of_what_it_reads() {
        use crate::engine::{PoolMode, zoo};
        let mut digits = zoo::digits(1, PoolMode::Max);
        digits.info.labels = DIGIT_LABELS.iter().map(|c| c.to_string()).collect();
        let mut shapes_net = zoo::tiny_vgg(1, PoolMode::Max);
        shapes_net.info.labels = shapes::CLASSES.iter().map(|c| c.to_string()).collect();
        assert_eq!(better_sample(&shapes_net, "digit_3"), Some("shape_circle"));
        assert_eq!(better_sample(&shapes_net, "shape_ring"), None);
        assert_eq!(better_sample(&digits, "shape_ring"), Some(DEFAULT_SAMPLE));
        assert_eq!(better_sample(&digits, "digit_3"), None);
        // Photos, patterns, drawings and files are the person's choice.
        assert_eq!(better_sample(&shapes_net, "photo_cat"), None);
        assert_eq!(better_sample(&shapes_net, "drawing"), None);
        assert_eq!(better_sample(&shapes_net, "digit_3.png"), None);
    }

    /// Issue 11, item 16: the edges model (hand-made filters on 128x128 grey pictures, no
    /// classes) gets a grey photo instead of a blown-up digit or shape.
    #[test]
    fn a_model_made_for_photos_gets_a_photo() {
        let edges = crate::io::load_model(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_models/edges.json"),
        )
        .expect("edges loads");
        assert_eq!(better_sample(&edges, "digit_7"), Some(GREY_PHOTO));
        assert_eq!(better_sample(&edges, "shape_ring"), Some(GREY_PHOTO));
        assert_eq!(better_sample(&edges, "photo_cat"), None, "a photo stays");
        assert_eq!(better_sample(&edges, "synth_checkerboard"), None);
        assert!(sample_names().any(|n| n == GREY_PHOTO));
        assert!(sample_names().any(|n| n == COLOUR_PHOTO));
        // A colour model without known classes, larger than a digit: a colour photo.
        let mut colour = crate::engine::zoo::tiny_vgg(1, crate::engine::PoolMode::Max);
        colour.info.labels.clear();
        assert_eq!(better_sample(&colour, "digit_7"), Some(COLOUR_PHOTO));
    }

    #[test]
    fn fixture_models_are_found_sorted_with_descriptions() {
        let dir = fallback_model_path().parent().expect("dir").to_path_buf();
        let models = discover_models(&[PathBuf::from("/no/such/dir"), dir]);
        let names: Vec<_> = models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["tiny-avg", "tiny-dropout", "tiny-gap", "tiny-max"]);
        assert!(models[0].description.contains("untrained"));
        assert_eq!(
            startup_model(&models, None),
            models[3].path,
            "a -max model first"
        );
    }
}
