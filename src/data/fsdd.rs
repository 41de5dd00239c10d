//! The Free Spoken Digit Dataset: `{digit}_{speaker}_{index}.wav` recordings (8 kHz mono), as
//! log-mel spectrograms computed with the model's own input parameters. The dataset's split:
//! recordings 0-4 of each speaker and digit are the test set; or one speaker held out.

use super::{Dataset, Error, Split, digit_names};
use crate::engine::Model;
use crate::io::audio_input::{Audio, audio_pixels, load_audio};
use crate::io::error::FileError;
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};

/// Largest number of recordings read from one folder.
pub const MAX_RECORDINGS: usize = 20_000;

/// `fsdd:DIR` or `fsdd@SPEAKER:DIR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsddSpec {
    /// The dataset folder (holding `recordings/`) or the recordings folder itself.
    pub dir: PathBuf,
    /// The speaker whose recordings are the test split; `None` for the dataset's split.
    pub held_out: Option<String>,
}

impl FsddSpec {
    /// From the part before the first `:` (`fsdd` or `fsdd@SPEAKER`) and the folder.
    pub fn parse(kind: &str, dir: &str) -> Result<FsddSpec, String> {
        if dir.is_empty() {
            return Err("give the folder of the recordings: fsdd:DIR".into());
        }
        let held_out = match kind.strip_prefix("fsdd@") {
            Some("") => return Err("fsdd@SPEAKER:DIR needs a speaker's name".into()),
            Some(s) => Some(s.to_string()),
            None => None,
        };
        Ok(FsddSpec {
            dir: PathBuf::from(dir),
            held_out,
        })
    }

    /// Whether a recording belongs to the test split.
    fn is_test(&self, r: &RecordingName) -> bool {
        match &self.held_out {
            Some(s) => &r.speaker == s,
            None => r.index <= 4,
        }
    }
}

impl fmt::Display for FsddSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.held_out {
            Some(s) => write!(f, "fsdd@{s}:{}", self.dir.display()),
            None => write!(f, "fsdd:{}", self.dir.display()),
        }
    }
}

/// What a file name says about a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingName {
    pub digit: u8,
    pub speaker: String,
    pub index: u32,
}

/// `7_george_12.wav` -> digit 7, speaker george, index 12; `None` for any other name.
pub fn parse_name(name: &str) -> Option<RecordingName> {
    let stem = name.strip_suffix(".wav")?;
    let mut parts = stem.split('_');
    let digit: u8 = parts.next()?.parse().ok()?;
    let speaker = parts.next()?.to_string();
    let index: u32 = parts.next()?.parse().ok()?;
    (parts.next().is_none() && digit <= 9 && !speaker.is_empty()).then_some(RecordingName {
        digit,
        speaker,
        index,
    })
}

/// One recording with its label.
#[derive(Debug, Clone)]
pub struct Recording {
    pub path: PathBuf,
    pub name: RecordingName,
    pub audio: Audio,
}

/// The recordings folder of `dir`: `dir/recordings` when it exists, else `dir`.
fn recordings_dir(dir: &Path) -> PathBuf {
    let inner = dir.join("recordings");
    if inner.is_dir() {
        inner
    } else {
        dir.to_path_buf()
    }
}

/// Every recording of the folder, split into (train, test), each sorted by file name.
pub fn recordings(spec: &FsddSpec) -> Result<(Vec<Recording>, Vec<Recording>), Error> {
    let dir = recordings_dir(&spec.dir);
    let entries = std::fs::read_dir(&dir).map_err(|e| FileError::Read {
        path: dir.clone(),
        source: e,
    })?;
    let mut named: Vec<(PathBuf, RecordingName)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = parse_name(e.file_name().to_str()?)?;
            Some((e.path(), name))
        })
        .take(MAX_RECORDINGS + 1)
        .collect();
    let bad = |message: String| Error::Spec {
        spec: spec.to_string(),
        message,
    };
    if named.len() > MAX_RECORDINGS {
        return Err(bad(format!("more than {MAX_RECORDINGS} recordings")));
    }
    if named.is_empty() {
        return Err(bad(format!(
            "no recordings named DIGIT_SPEAKER_INDEX.wav in {}",
            dir.display()
        )));
    }
    if let Some(s) = &spec.held_out
        && !named.iter().any(|(_, n)| &n.speaker == s)
    {
        let mut speakers: Vec<&str> = named.iter().map(|(_, n)| n.speaker.as_str()).collect();
        speakers.sort();
        speakers.dedup();
        return Err(bad(format!(
            "no speaker `{s}`; the speakers are {}",
            speakers.join(", ")
        )));
    }
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let all: Vec<Recording> = named
        .into_par_iter()
        .map(|(path, name)| {
            let audio = load_audio(&path)?;
            Ok(Recording { path, name, audio })
        })
        .collect::<Result<_, FileError>>()?;
    let (test, train): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| spec.is_test(&r.name));
    Ok((train, test))
}

/// The spectrograms of `recordings` as a set, computed with `model`'s audio parameters.
pub fn spectrograms(
    name: String,
    recordings: &[Recording],
    model: &Model,
) -> Result<Dataset, Error> {
    let audio = model.info.audio.as_ref().ok_or_else(|| Error::Spec {
        spec: name.clone(),
        message: format!(
            "spoken digits need a model whose input is audio; {} reads images",
            model.info.name
        ),
    })?;
    let maps: Vec<Vec<f32>> = recordings
        .par_iter()
        .map(|r| {
            audio_pixels(&r.audio, audio, &model.input)
                .map(|m| m.into_iter().collect())
                .map_err(|e| Error::File(FileError::invalid(&r.path, e)))
        })
        .collect::<Result<_, Error>>()?;
    let labels = recordings.iter().map(|r| r.name.digit).collect();
    Dataset::from_floats(
        name,
        (1, model.input.height, model.input.width),
        maps.concat(),
        labels,
        digit_names(),
    )
}

/// The training and test spectrograms for `model`.
pub fn load(spec: &FsddSpec, model: &Model) -> Result<Split, Error> {
    let (train, test) = recordings(spec)?;
    let part = |which: &str| match &spec.held_out {
        Some(s) if which == "test" => format!("{spec} (test: speaker {s})"),
        Some(s) => format!("{spec} (train: every speaker but {s})"),
        None if which == "test" => format!("{spec} (test: recordings 0-4)"),
        None => format!("{spec} (train: recordings 5-49)"),
    };
    Ok(Split {
        train: spectrograms(part("train"), &train, model)?,
        test: spectrograms(part("test"), &test, model)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(
            parse_name("7_george_12.wav"),
            Some(RecordingName {
                digit: 7,
                speaker: "george".into(),
                index: 12
            })
        );
        for bad in [
            "7_george.wav",
            "x_george_1.wav",
            "12_a_1.wav",
            "7_george_1.mp3",
            "7__1.wav",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn specs_parse() {
        let s = FsddSpec::parse("fsdd@theo", "d").unwrap();
        assert_eq!(s.to_string(), "fsdd@theo:d");
        assert!(FsddSpec::parse("fsdd@", "d").is_err());
        assert!(FsddSpec::parse("fsdd", "").is_err());
        let split = FsddSpec::parse("fsdd", "d").unwrap();
        let name = |speaker: &str, index| RecordingName {
            digit: 1,
            speaker: speaker.into(),
            index,
        };
        assert!(split.is_test(&name("a", 4)) && !split.is_test(&name("a", 5)));
        assert!(s.is_test(&name("theo", 30)) && !s.is_test(&name("a", 0)));
    }
}
