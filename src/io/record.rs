//! Recording from the default microphone through whichever system recorder is installed
//! (pw-record, parecord or arecord, as playing goes through pw-play, paplay or aplay): the app
//! builds against no audio library. The recorder writes raw 16-bit mono samples to its
//! standard output; this module reads them as they come (for a level meter), stops at a time
//! limit or after a second of silence once speech has begun, and trims the silence at both
//! ends.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The recorders tried in order, the first found on PATH records.
pub const RECORDERS: [&str; 3] = ["pw-record", "parecord", "arecord"];

/// A system recorder found on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    pub path: PathBuf,
}

impl Recorder {
    /// The first of [`RECORDERS`] on PATH.
    pub fn find() -> Option<Recorder> {
        find_on_path(&RECORDERS).map(|path| Recorder { path })
    }

    fn name(&self) -> String {
        self.path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }

    /// The command that writes raw signed 16-bit little-endian mono samples at `rate` to
    /// standard output until it is stopped.
    fn command(&self, rate: u32) -> Command {
        let mut cmd = Command::new(&self.path);
        // A short latency: PulseAudio otherwise hands a recording over in 2-second fragments
        // (and a stopped recorder loses the last one), so the level meter would stand still
        // and a short word would vanish.
        match self.name().as_str() {
            "pw-record" => cmd
                .args(["--rate", &rate.to_string(), "--channels", "1"])
                .args(["--format", "s16", "--latency", "20ms", "-"]),
            "parecord" => cmd.arg("--raw").arg(format!("--rate={rate}")).args([
                "--channels=1",
                "--format=s16le",
                "--latency-msec=20",
            ]),
            _ => cmd
                .args(["-q", "-t", "raw", "-f", "S16_LE", "-c", "1"])
                .args(["-r", &rate.to_string()]),
        };
        cmd
    }
}

/// The first of `names` that is a file in a folder of PATH.
pub fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// How long and at what rate to record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordSettings {
    /// The longest recording, in seconds.
    pub seconds: f32,
    pub rate: u32,
    /// Stop this long after the speech ends (`None`: record the whole time).
    pub stop_after_silence: Option<f32>,
}

impl Default for RecordSettings {
    fn default() -> Self {
        RecordSettings {
            seconds: 2.0,
            rate: 8000,
            stop_after_silence: Some(1.0),
        }
    }
}

/// Why nothing usable was recorded, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(
        "no recorder found: install PipeWire's pw-record, PulseAudio's parecord (pulseaudio-utils) or ALSA's arecord (alsa-utils)"
    )]
    NoRecorder,
    #[error("{}: cannot start: {reason}", recorder.display())]
    Start {
        recorder: PathBuf,
        reason: std::io::Error,
    },
    #[error("{}: recorded nothing ({detail}): is a microphone connected and chosen as the default input?", recorder.display())]
    Nothing { recorder: PathBuf, detail: String },
    #[error(
        "heard only silence (loudest {peak:.3} of full scale): is the microphone muted or its level at zero?"
    )]
    Silent { peak: f32 },
}

/// A finished recording: mono samples in -1..1 at `rate`, silence trimmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Take {
    pub samples: Vec<f32>,
    pub rate: u32,
    /// Seconds recorded before trimming.
    pub recorded: f32,
}

/// Below this RMS (of full scale, about -50 dBFS) a stretch counts as silence: FSDD's quietest
/// speaker peaks at 0.024 of full scale, and a class's microphone may be as quiet.
const SILENCE_RMS: f32 = 0.003;
/// The stretch the level meter and the silence check look at.
const CHUNK_SECONDS: f32 = 0.02;

fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|v| v * v).sum::<f32>() / samples.len() as f32).sqrt()
}

/// Records with `recorder`: `level(peak)` gets each chunk's peak (0..1) as it arrives;
/// `keep_going()` false stops early (a Stop button), keeping what was recorded.
pub fn record(
    recorder: &Recorder,
    settings: &RecordSettings,
    mut level: impl FnMut(f32),
    keep_going: impl Fn() -> bool,
) -> Result<Take, RecordError> {
    let mut child = recorder
        .command(settings.rate)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|reason| RecordError::Start {
            recorder: recorder.path.clone(),
            reason,
        })?;
    let mut out = child.stdout.take().expect("piped");
    let limit = (settings.seconds.max(0.1) * settings.rate as f32) as usize;
    let chunk = ((CHUNK_SECONDS * settings.rate as f32) as usize).max(1);
    let quiet_needed = settings
        .stop_after_silence
        .map(|s| (s * settings.rate as f32) as usize);
    let started = Instant::now();
    let deadline = Duration::from_secs_f32(settings.seconds.max(0.1) + 3.0);
    let mut samples: Vec<f32> = Vec::with_capacity(limit);
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    let (mut heard, mut quiet) = (false, 0usize);
    while samples.len() < limit && keep_going() && started.elapsed() < deadline {
        let n = match out.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.extend_from_slice(&buf[..n]);
        let whole = pending.len() / 2 * 2;
        let before = samples.len();
        samples.extend(
            pending[..whole]
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0),
        );
        pending.drain(..whole);
        samples.truncate(limit);
        let mut end = None;
        for (i, part) in samples[before..].chunks(chunk).enumerate() {
            level(part.iter().fold(0.0f32, |m, v| m.max(v.abs())));
            if rms(part) >= SILENCE_RMS {
                heard = true;
                quiet = 0;
            } else if heard {
                quiet += part.len();
            }
            if quiet_needed.is_some_and(|q| heard && quiet >= q) {
                // Stop where the silence was long enough, whatever else the read brought.
                end = Some(before + i * chunk + part.len());
                break;
            }
        }
        if let Some(end) = end {
            samples.truncate(end);
            break;
        }
    }
    let detail = stop(&mut child);
    if samples.is_empty() {
        return Err(RecordError::Nothing {
            recorder: recorder.path.clone(),
            detail,
        });
    }
    let recorded = samples.len() as f32 / settings.rate as f32;
    let kept = trim_silence(&samples, settings.rate);
    if kept.is_empty() {
        let peak = samples.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        return Err(RecordError::Silent { peak });
    }
    Ok(Take {
        samples: samples[kept].to_vec(),
        rate: settings.rate,
        recorded,
    })
}

/// Stops the recorder and returns what it said on standard error (or how it ended).
fn stop(child: &mut Child) -> String {
    let _ = child.kill();
    let status = child.wait();
    let mut said = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut said);
    }
    let said = said.trim();
    match (said.is_empty(), status) {
        (false, _) => said.lines().last().unwrap_or_default().to_string(),
        (true, Ok(s)) => format!("it ended with {s}"),
        (true, Err(e)) => e.to_string(),
    }
}

/// The samples between the first and the last stretch of sound (10 ms whose RMS reaches the
/// silence threshold, about -50 dBFS, and 5% of the loudest stretch's), with 50 ms kept on
/// each side; empty when nothing is louder than silence.
pub fn trim_silence(samples: &[f32], rate: u32) -> std::ops::Range<usize> {
    let step = ((rate / 100) as usize).max(1);
    let levels: Vec<f32> = samples.chunks(step).map(rms).collect();
    let loudest = levels.iter().copied().fold(0.0, f32::max);
    let floor = SILENCE_RMS.max(0.05 * loudest);
    let loud = |l: &&f32| **l >= floor;
    let (Some(first), Some(last)) = (
        levels.iter().position(|l| loud(&l)),
        levels.iter().rposition(|l| loud(&l)),
    ) else {
        return 0..0;
    };
    let margin = (rate / 20) as usize;
    let start = (first * step).saturating_sub(margin);
    let end = ((last + 1) * step + margin).min(samples.len());
    start..end
}

/// Writes mono samples as a 16-bit WAV file.
pub fn write_wav(path: &Path, samples: &[f32], rate: u32) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for &v in samples {
        w.write_sample((v.clamp(-1.0, 1.0) * 32767.0) as i16)?;
    }
    w.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f32, rate: u32, amplitude: f32) -> Vec<f32> {
        (0..(seconds * rate as f32) as usize)
            .map(|i| amplitude * (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin())
            .collect()
    }

    #[test]
    fn trimming_keeps_the_sound_and_a_little_around_it() {
        let rate = 8000;
        let mut s = vec![0.0; 4000];
        s.extend(tone(0.5, rate, 0.5));
        s.extend(vec![0.001; 6000]);
        let kept = trim_silence(&s, rate);
        assert_eq!(kept, 3600..8400);
        assert!(trim_silence(&vec![0.002; 8000], rate).is_empty());
    }
}
