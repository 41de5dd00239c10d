//! `convscope record` through a fake recorder on PATH: a script named `pw-record` (the first
//! recorder looked for) that writes known raw samples, half a second of silence, a tone, then
//! silence, as a microphone would.

use crate::support::{convscope_command, repo};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A folder holding a fake `pw-record` that prints `raw` (s16le) and ends; and the raw bytes:
/// 0.5 s of silence, 0.4 s of a 440 Hz tone at half scale, 1.5 s of silence, at 8000 Hz.
fn fake_recorder(dir: &Path) -> std::path::PathBuf {
    let rate = 8000.0;
    let mut samples = vec![0i16; 4000];
    samples.extend(
        (0..3200).map(|i| {
            (0.5 * 32767.0 * (i as f32 * 440.0 * std::f32::consts::TAU / rate).sin()) as i16
        }),
    );
    samples.extend(vec![0i16; 12000]);
    let raw: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(dir.join("speech.raw"), raw).unwrap();
    let script = bin.join("pw-record");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n# convscope's test microphone: ignores its flags, prints known samples\necho \"$@\" > {}\ncat {}\n",
            dir.join("args.txt").display(),
            dir.join("speech.raw").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn path_with(bin: &Path) -> String {
    format!("{}:/usr/bin:/bin", bin.display())
}

#[test]
fn record_writes_the_spoken_part_as_a_wav_at_the_models_rate() {
    let dir = tempfile::tempdir().unwrap();
    let bin = fake_recorder(dir.path());
    let out = dir.path().join("seven.wav");
    let run = convscope_command()
        .env("PATH", path_with(&bin))
        .args(["record", "--seconds", "3", "--model"])
        .arg(repo("sample_models/speech-max.json"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let args = std::fs::read_to_string(dir.path().join("args.txt")).unwrap();
    assert!(
        args.contains("--rate 8000") && args.contains("--channels 1"),
        "{args}"
    );
    let wav = hound::WavReader::open(&out).unwrap();
    let spec = wav.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 8000, 16)
    );
    // The tone (0.4 s) with 50 ms kept on each side: 0.5 s of the 3 s.
    let n = wav.len() as usize;
    assert_eq!(n, 4000, "{said}");
    // The recording stopped a second after the tone ended (0.9 s in), not at 3 s; where
    // exactly depends on how the pipe's reads fall on 20 ms chunks.
    let recorded: f32 = said
        .split("recorded ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no recorded length in {said}"));
    assert!((1.9..2.0).contains(&recorded), "{said}");
}

#[test]
fn record_says_what_to_do_without_a_recorder_or_with_a_silent_one() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = dir.path().join("x.wav");
    let run = convscope_command()
        .env("PATH", empty.display().to_string())
        .args(["record", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("pw-record") && err.contains("alsa-utils"),
        "{err}"
    );
    // A microphone that gives only silence.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(dir.path().join("quiet.raw"), vec![0u8; 16000]).unwrap();
    let script = bin.join("pw-record");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat {}\n",
            dir.path().join("quiet.raw").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = convscope_command()
        .env("PATH", path_with(&bin))
        .args(["record", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("silence") && err.contains("muted"), "{err}");
    assert!(!out.exists(), "nothing written");
    let run = convscope_command()
        .args(["record", "--model"])
        .arg(repo("sample_models/digits-max.json"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("not a speech model") && err.contains("--rate"),
        "{err}"
    );
}
