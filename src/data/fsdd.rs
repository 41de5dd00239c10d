//! The Free Spoken Digit Dataset: `{digit}_{speaker}_{index}.wav` recordings (8 kHz mono), as
//! log-mel spectrograms computed with the model's own input parameters. The dataset's split:
//! recordings 0-4 of each speaker and digit are the test set; or one speaker held out. More
//! folders after a `+` (synthetic voices) add training recordings only, never test ones.

use super::dataset::{Dataset, Split, digit_names};
use super::error::Error;
use crate::engine::Model;
use crate::io::audio_input::{Audio, audio_pixels, decode_wav, load_audio};
use crate::io::error::FileError;
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};

/// Largest number of recordings read from one folder.
pub(crate) const MAX_RECORDINGS: usize = 20_000;

/// `fsdd:DIR` or `fsdd@SPEAKER:DIR`, either followed by `+MORE` folders for training only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsddSpec {
    /// The dataset folder (holding `recordings/`) or the recordings folder itself.
    pub dir: PathBuf,
    /// The speaker whose recordings are the test split; `None` for the dataset's split.
    pub held_out: Option<String>,
    /// Folders (or packs) whose every recording is a training one (synthetic voices).
    pub train_also: Vec<PathBuf>,
}

impl FsddSpec {
    /// From the part before the first `:` (`fsdd` or `fsdd@SPEAKER`) and the folder; an
    /// [`Error::Spec`] naming `KIND:DIR` when either is missing.
    pub(crate) fn parse(kind: &str, dir: &str) -> Result<FsddSpec, Error> {
        let bad = |message: &str| Error::Spec {
            spec: format!("{kind}:{dir}"),
            message: message.to_string(),
        };
        if dir.is_empty() {
            return Err(bad("give the folder of the recordings: fsdd:DIR"));
        }
        let held_out = match kind.strip_prefix("fsdd@") {
            Some("") => return Err(bad("fsdd@SPEAKER:DIR needs a speaker's name")),
            Some(s) => Some(s.to_string()),
            None => None,
        };
        let mut dirs = dir.split('+');
        let dir = dirs.next().unwrap_or_default();
        let train_also: Vec<PathBuf> = dirs.map(PathBuf::from).collect();
        if dir.is_empty() || train_also.iter().any(|d| d.as_os_str().is_empty()) {
            return Err(bad(
                "give a folder on each side of `+`: fsdd:DIR+MORE (MORE: training recordings only)",
            ));
        }
        Ok(FsddSpec {
            dir: PathBuf::from(dir),
            held_out,
            train_also,
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
            Some(s) => write!(f, "fsdd@{s}:{}", self.dir.display())?,
            None => write!(f, "fsdd:{}", self.dir.display())?,
        }
        self.train_also
            .iter()
            .try_for_each(|d| write!(f, "+{}", d.display()))
    }
}

/// What a file name says about a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordingName {
    pub digit: u8,
    pub speaker: String,
    pub index: u32,
}

/// `7_george_12.wav` -> digit 7, speaker george, index 12; `None` for any other name.
pub(crate) fn parse_name(name: &str) -> Option<RecordingName> {
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
pub(crate) struct Recording {
    pub path: PathBuf,
    pub name: RecordingName,
    pub audio: Audio,
    /// From a `+` folder: a training recording whatever its name says.
    pub training_only: bool,
}

/// The file the app ships the recordings in (`scripts/make-fsdd-pack.py`): every WAV file's
/// bytes, unchanged, in one gzip stream.
pub(crate) const PACK_NAME: &str = "recordings.wavs.gz";
const PACK_MAGIC: &[u8] = b"CONVSCOPE-WAVS 1\n";
/// Largest pack read (gzip'd), and largest it may unpack to.
const MAX_PACK_BYTES: u64 = 64 << 20;
const MAX_UNPACKED_BYTES: u64 = 256 << 20;
/// Largest recording inside a pack (one 8 kHz 16-bit minute is 0.96 MB).
const MAX_PACKED_RECORDING: usize = 8 << 20;

/// Where the recordings are: a folder of WAV files or a pack.
enum Source {
    Folder(PathBuf),
    Pack(PathBuf),
}

/// `dir/recordings` when it is a folder, else `dir/recordings.wavs.gz` when it exists, else
/// `dir` itself (a folder of WAV files, or a pack named on its own).
fn source(dir: &Path) -> Source {
    let inner = dir.join("recordings");
    let pack = dir.join(PACK_NAME);
    if inner.is_dir() {
        Source::Folder(inner)
    } else if pack.is_file() {
        Source::Pack(pack)
    } else if dir.is_file() {
        Source::Pack(dir.to_path_buf())
    } else {
        Source::Folder(dir.to_path_buf())
    }
}

/// The (name, WAV bytes) entries of a pack, in its order.
fn unpack(path: &Path) -> Result<Vec<(String, Vec<u8>)>, FileError> {
    use std::io::Read;
    let raw = crate::io::error::read_limited(path, MAX_PACK_BYTES)?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(&raw[..])
        .take(MAX_UNPACKED_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::invalid(path, format!("cannot un-gzip: {e}")))?;
    if bytes.len() as u64 > MAX_UNPACKED_BYTES {
        return Err(FileError::invalid(
            path,
            format!("unpacks to more than {} MB", MAX_UNPACKED_BYTES >> 20),
        ));
    }
    let Some(mut rest) = bytes.strip_prefix(PACK_MAGIC) else {
        return Err(FileError::invalid(
            path,
            "is not a pack of recordings (made by scripts/make-fsdd-pack.py)",
        ));
    };
    let truncated = |what: &str| FileError::invalid(path, format!("truncated in {what}"));
    let take = |n: usize, rest: &mut &[u8], what: &str| -> Result<Vec<u8>, FileError> {
        if rest.len() < n {
            return Err(truncated(what));
        }
        let (head, tail) = rest.split_at(n);
        *rest = tail;
        Ok(head.to_vec())
    };
    let mut entries = Vec::new();
    while !rest.is_empty() {
        if entries.len() >= MAX_RECORDINGS {
            return Err(FileError::invalid(
                path,
                format!("holds more than {MAX_RECORDINGS} recordings"),
            ));
        }
        let at = entries.len() + 1;
        let len = take(2, &mut rest, &format!("the name of recording {at}"))?;
        let name = take(
            u16::from_le_bytes([len[0], len[1]]) as usize,
            &mut rest,
            &format!("the name of recording {at}"),
        )?;
        let name = String::from_utf8(name)
            .map_err(|_| FileError::invalid(path, format!("recording {at}: name is not UTF-8")))?;
        let len = take(4, &mut rest, &format!("the size of {name}"))?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        if len > MAX_PACKED_RECORDING {
            return Err(FileError::invalid(
                path,
                format!("{name}: {len} bytes, more than {MAX_PACKED_RECORDING}"),
            ));
        }
        let data = take(len, &mut rest, &name)?;
        entries.push((name, data));
    }
    Ok(entries)
}

/// A recording found in a folder or pack: its path, what its name says, and its bytes when it
/// came from a pack.
type Found = (PathBuf, RecordingName, Option<Vec<u8>>);

/// Every recording named `DIGIT_SPEAKER_INDEX.wav` in the folder or pack at `dir`, at most
/// [`MAX_RECORDINGS`] + 1 (the caller refuses more).
fn find(dir: &Path) -> Result<Vec<Found>, Error> {
    Ok(match source(dir) {
        Source::Folder(dir) => {
            let entries = std::fs::read_dir(&dir).map_err(|e| FileError::Read {
                path: dir.clone(),
                source: e,
            })?;
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = parse_name(e.file_name().to_str()?)?;
                    Some((e.path(), name, None))
                })
                .take(MAX_RECORDINGS + 1)
                .collect()
        }
        Source::Pack(pack) => unpack(&pack)?
            .into_iter()
            .filter_map(|(file, bytes)| {
                let name = parse_name(&file)?;
                Some((pack.join(file), name, Some(bytes)))
            })
            .collect(),
    })
}

/// Decodes found recordings, sorted by path.
fn decode(mut found: Vec<Found>) -> Result<Vec<Recording>, Error> {
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found
        .into_par_iter()
        .map(|(path, name, bytes)| {
            let audio = match bytes {
                Some(bytes) => decode_wav(&bytes, &path)?,
                None => load_audio(&path)?,
            };
            Ok(Recording {
                path,
                name,
                audio,
                training_only: false,
            })
        })
        .collect::<Result<_, FileError>>()?)
}

/// Every recording of the folder or pack, split into (train, test), each sorted by file name;
/// the `+` folders' recordings follow the training ones.
pub(crate) fn recordings(spec: &FsddSpec) -> Result<(Vec<Recording>, Vec<Recording>), Error> {
    let bad = |message: String| Error::Spec {
        spec: spec.to_string(),
        message,
    };
    let named = find(&spec.dir)?;
    let extra: Vec<Vec<Found>> = spec
        .train_also
        .iter()
        .map(|d| find(d))
        .collect::<Result<_, _>>()?;
    let total = named.len() + extra.iter().map(Vec::len).sum::<usize>();
    if total > MAX_RECORDINGS {
        return Err(bad(format!("more than {MAX_RECORDINGS} recordings")));
    }
    for (dir, found) in
        std::iter::once((&spec.dir, &named)).chain(spec.train_also.iter().zip(&extra))
    {
        if found.is_empty() {
            return Err(bad(format!(
                "no recordings named DIGIT_SPEAKER_INDEX.wav in {}",
                dir.display()
            )));
        }
    }
    if let Some(s) = &spec.held_out
        && !named.iter().any(|(_, n, _)| &n.speaker == s)
    {
        let mut speakers: Vec<&str> = named.iter().map(|(_, n, _)| n.speaker.as_str()).collect();
        speakers.sort();
        speakers.dedup();
        return Err(bad(format!(
            "no speaker `{s}`; the speakers are {}",
            speakers.join(", ")
        )));
    }
    let (test, mut train): (Vec<_>, Vec<_>) = decode(named)?
        .into_iter()
        .partition(|r| spec.is_test(&r.name));
    for found in extra {
        train.extend(decode(found)?.into_iter().map(|r| Recording {
            training_only: true,
            ..r
        }));
    }
    Ok((train, test))
}

/// The spectrograms of `recordings` as a set, computed with `model`'s audio parameters.
pub(crate) fn spectrograms(
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
                .map_err(|e| Error::File(FileError::invalid(&r.path, e.to_string())))
        })
        .collect::<Result<_, Error>>()?;
    let labels = recordings.iter().map(|r| r.name.digit).collect();
    let set = Dataset::from_floats(
        name,
        (1, model.input.height, model.input.width),
        maps.concat(),
        labels,
        digit_names(),
    )?;
    Ok(set.with_recordings(
        recordings
            .iter()
            .map(|r| std::sync::Arc::new(r.audio.clone()))
            .collect(),
    ))
}

/// The training and test spectrograms for `model`.
pub(crate) fn load(spec: &FsddSpec, model: &Model) -> Result<Split, Error> {
    let (train, test) = recordings(spec)?;
    let part = |which: &str| match &spec.held_out {
        Some(s) if which == "test" => format!("{spec} (test: speaker {s})"),
        Some(s) if spec.train_also.is_empty() => format!("{spec} (train: every speaker but {s})"),
        Some(s) => format!("{spec} (train: every speaker but {s}, and the + folders)"),
        None if which == "test" => format!("{spec} (test: recordings 0-4)"),
        None if spec.train_also.is_empty() => format!("{spec} (train: recordings 5-49)"),
        None => format!("{spec} (train: recordings 5-49, and the + folders)"),
    };
    // The recordings are sorted by file name, digit by digit: a first-N subset for
    // `--train-limit` takes the lowest-numbered recordings of every speaker and digit instead.
    // The `+` folders' recordings come after all of those, and every one of them is kept.
    let mut spread: Vec<usize> = (0..train.len()).collect();
    spread.sort_by_key(|&i| {
        let r = &train[i];
        (
            r.training_only,
            r.name.index,
            r.name.speaker.clone(),
            r.name.digit,
        )
    });
    let training_only = train.iter().filter(|r| r.training_only).count();
    Ok(Split {
        train: spectrograms(part("train"), &train, model)?
            .with_spread(spread)
            .with_training_only(training_only),
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
        // Folders after a `+` are training recordings only, and print as they were given.
        let more = FsddSpec::parse("fsdd@theo", "d+voices+more").unwrap();
        assert_eq!(more.dir, PathBuf::from("d"));
        assert_eq!(
            more.train_also,
            [PathBuf::from("voices"), PathBuf::from("more")]
        );
        assert_eq!(more.to_string(), "fsdd@theo:d+voices+more");
        for bad in ["d+", "+voices", "d++voices"] {
            let err = FsddSpec::parse("fsdd", bad).unwrap_err().to_string();
            assert!(err.contains("each side of `+`"), "{bad}: {err}");
        }
    }

    /// A pack of `entries` (name, bytes) as scripts/make-fsdd-pack.py writes one, gzip'd.
    fn write_pack(path: &Path, body: &[u8]) {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(body).unwrap();
        std::fs::write(path, gz.finish().unwrap()).unwrap();
    }

    fn pack_body(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut body = PACK_MAGIC.to_vec();
        for (name, bytes) in entries {
            body.extend((name.len() as u16).to_le_bytes());
            body.extend(name.as_bytes());
            body.extend((bytes.len() as u32).to_le_bytes());
            body.extend(*bytes);
        }
        body
    }

    #[test]
    fn a_pack_reads_as_the_folder_it_was_made_from() {
        let wav = std::fs::read("tests/fixtures/audio/7_george_0.wav").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let loose = dir.path().join("loose");
        std::fs::create_dir(&loose).unwrap();
        let names = ["7_george_0.wav", "7_george_9.wav", "3_theo_12.wav"];
        for n in names {
            std::fs::write(loose.join(n), &wav).unwrap();
        }
        let packed = dir.path().join("packed");
        std::fs::create_dir(&packed).unwrap();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &wav[..])).collect();
        write_pack(&packed.join(PACK_NAME), &pack_body(&entries));
        let read = |d: &Path| recordings(&FsddSpec::parse("fsdd", d.to_str().unwrap()).unwrap());
        let (a_train, a_test) = read(&loose).unwrap();
        let (b_train, b_test) = read(&packed).unwrap();
        assert_eq!(a_test.len(), 1);
        assert_eq!(a_train.len(), 2);
        for (a, b) in a_train
            .iter()
            .chain(&a_test)
            .zip(b_train.iter().chain(&b_test))
        {
            assert_eq!(a.name, b.name);
            assert_eq!(a.audio.samples, b.audio.samples);
            assert_eq!(a.path.file_name(), b.path.file_name());
        }
    }

    #[test]
    fn a_broken_pack_says_what_is_wrong() {
        let wav = std::fs::read("tests/fixtures/audio/7_george_0.wav").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PACK_NAME);
        let spec = FsddSpec::parse("fsdd", dir.path().to_str().unwrap()).unwrap();
        let body = pack_body(&[("7_george_0.wav", &wav)]);
        for (bytes, expected) in [
            (
                body[..body.len() - 10].to_vec(),
                "truncated in 7_george_0.wav",
            ),
            (b"RIFF....".to_vec(), "is not a pack of recordings"),
        ] {
            write_pack(&path, &bytes);
            let err = recordings(&spec).unwrap_err().to_string();
            assert!(err.contains(expected) && err.contains(PACK_NAME), "{err}");
        }
        std::fs::write(&path, b"not gzip").unwrap();
        let err = recordings(&spec).unwrap_err().to_string();
        assert!(err.contains("un-gzip"), "{err}");
    }
}
