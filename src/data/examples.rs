//! The inputs a channel's dataset examples are picked from: a labelled set's test (or
//! training) split, or a folder of the user's pictures, each read only when asked for.

use super::{DataSpec, Dataset, Error};
use crate::engine::Model;
use crate::io::FileError;
use ndarray::Array3;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where the inputs come from, as `--data` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleSpec {
    /// A labelled set (`mnist:DIR`, `shapes`, `fsdd:DIR`, ...).
    Set(DataSpec),
    /// `images:DIR`: every picture (or, for an audio model, recording) in `DIR`, by name.
    Folder(PathBuf),
}

impl FromStr for ExampleSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        match text.split_once(':') {
            Some(("images", dir)) if !dir.is_empty() => Ok(ExampleSpec::Folder(dir.into())),
            Some(("images", _)) => Err(Error::Spec {
                spec: text.to_string(),
                message: "give the folder of pictures: images:DIR".into(),
            }),
            _ => text
                .parse::<DataSpec>()
                .map(ExampleSpec::Set)
                .map_err(|e| match e {
                    Error::Spec { spec, message } => Error::Spec {
                        spec,
                        message: format!("{message}, or images:DIR (a folder of pictures)"),
                    },
                    other => other,
                }),
        }
    }
}

impl fmt::Display for ExampleSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExampleSpec::Set(spec) => write!(f, "{spec}"),
            ExampleSpec::Folder(dir) => write!(f, "images:{}", dir.display()),
        }
    }
}

/// The inputs, ready to be read one at a time.
#[derive(Debug, Clone)]
pub enum ExampleSet {
    Set(Dataset),
    /// The files, sorted by name.
    Folder(Vec<PathBuf>),
}

/// File endings a folder's inputs may have.
const PICTURES: [&str; 8] = ["png", "jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff"];

impl ExampleSet {
    /// Opens `spec` for `model`: the set's test split (training split with `train`), or the
    /// folder's pictures (recordings, for an audio model) sorted by file name.
    pub fn open(spec: &ExampleSpec, model: &Model, train: bool) -> Result<ExampleSet, Error> {
        match spec {
            ExampleSpec::Set(spec) => {
                let split = super::load_for(spec, model)?;
                let set = if train { split.train } else { split.test };
                let (c, h, w) = set.image_shape();
                let want = &model.input;
                if (c, h, w) != (want.channels, want.height, want.width) {
                    return Err(Error::Spec {
                        spec: spec.to_string(),
                        message: format!(
                            "its inputs are {c} @ {h}x{w}, the model takes {}: pick a set of that shape, or images:DIR",
                            want.shape()
                        ),
                    });
                }
                Ok(ExampleSet::Set(set))
            }
            ExampleSpec::Folder(dir) => Ok(ExampleSet::Folder(folder_files(
                dir,
                model.info.audio.is_some(),
            )?)),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ExampleSet::Set(set) => set.len(),
            ExampleSet::Folder(files) => files.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What input `i` is: its class name in a set, its file name in a folder.
    pub fn label(&self, i: usize) -> String {
        match self {
            ExampleSet::Set(set) => set
                .class_names()
                .get(set.label(i))
                .cloned()
                .unwrap_or_else(|| set.label(i).to_string()),
            ExampleSet::Folder(files) => files
                .get(i)
                .and_then(|p| p.file_name())
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        }
    }

    /// Input `i` before the model's normalisation (a picture's pixels in \[0,1\], a
    /// recording's log-mel values), or what is wrong with its file.
    pub fn pixels(&self, i: usize, model: &Model) -> Result<Array3<f32>, String> {
        match self {
            ExampleSet::Set(set) => Ok(set.pixels(i)),
            ExampleSet::Folder(files) => {
                let path = files.get(i).ok_or_else(|| format!("no input {i}"))?;
                crate::io::file_pixels(path, model).map_err(|e| e.to_string())
            }
        }
    }

    /// Whether the inputs are pictures in \[0,1\] (else spectrograms, drawn in false colour).
    pub fn is_pictures(&self, model: &Model) -> bool {
        match self {
            ExampleSet::Set(set) => set.is_images(),
            ExampleSet::Folder(_) => model.info.audio.is_none(),
        }
    }

    /// What the set is, for messages.
    pub fn name(&self) -> String {
        match self {
            ExampleSet::Set(set) => set.name.clone(),
            ExampleSet::Folder(files) => match files.first().and_then(|f| f.parent()) {
                Some(dir) => format!("{} pictures in {}", files.len(), dir.display()),
                None => "an empty folder".into(),
            },
        }
    }
}

/// The pictures (or `.wav` recordings) in `dir`, sorted by name.
fn folder_files(dir: &Path, recordings: bool) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::File(FileError::invalid(dir, crate::io::error::io_reason(&e))))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let ext = p
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if recordings {
                ext == "wav"
            } else {
                PICTURES.contains(&ext.as_str())
            }
        })
        .collect();
    files.sort();
    if files.is_empty() {
        let what = if recordings {
            "no .wav recordings"
        } else {
            "no pictures (.png, .jpg, .bmp, .gif, .webp, .tif)"
        };
        return Err(Error::Spec {
            spec: format!("images:{}", dir.display()),
            message: format!("the folder has {what}"),
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_a_bad_one_names_the_folder_form_too() {
        assert_eq!(
            "images:pics".parse::<ExampleSpec>().unwrap(),
            ExampleSpec::Folder("pics".into())
        );
        assert_eq!(
            "shapes".parse::<ExampleSpec>().unwrap(),
            ExampleSpec::Set(DataSpec::Shapes(None))
        );
        assert_eq!(
            "images:a/b".parse::<ExampleSpec>().unwrap().to_string(),
            "images:a/b"
        );
        let e = "cifar".parse::<ExampleSpec>().unwrap_err().to_string();
        assert!(e.contains("images:DIR") && e.contains("mnist:DIR"), "{e}");
        assert!("images:".parse::<ExampleSpec>().is_err());
    }

    #[test]
    fn a_folder_lists_its_pictures_by_name_and_an_empty_one_says_so() {
        let dir = std::env::temp_dir().join(format!("convscope-examples-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["b.png", "a.JPG", "notes.txt"] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        let files = folder_files(&dir, false).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.file_name().unwrap()).collect();
        assert_eq!(names, ["a.JPG", "b.png"]);
        let e = folder_files(&dir, true).unwrap_err().to_string();
        assert!(e.contains("no .wav recordings"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
        let e = folder_files(&dir, false).unwrap_err().to_string();
        assert!(e.contains(&dir.display().to_string()), "{e}");
    }
}
