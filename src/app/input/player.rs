//! Playing the input recording through the system's player (pw-play, paplay or aplay) when
//! one exists: the app has no audio output of its own.

use std::path::{Path, PathBuf};

/// Players tried in order; the first found on PATH plays the file.
const PLAYERS: [&str; 3] = ["pw-play", "paplay", "aplay"];

/// The first system player found on PATH.
pub(crate) fn find_player() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    PLAYERS.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Plays a WAV file with `player` in the background; the error in words.
pub(crate) fn play(player: &Path, wav: &Path) -> Result<(), String> {
    std::process::Command::new(player)
        .arg(wav)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("{}: cannot start: {e}", player.display()))
}

/// Plays the input recording as the network hears it (with the noise control's noise):
/// written as 16-bit WAV to a temporary file (samples have no file of their own) and handed to
/// the player.
pub(crate) fn play_input(audio: Option<&std::sync::Arc<crate::io::Audio>>) -> Result<(), String> {
    let audio = audio.ok_or("the input is not a recording")?;
    let player = find_player().ok_or("no audio player found (pw-play, paplay or aplay)")?;
    let path = std::env::temp_dir().join(format!("convscope-play-{}.wav", std::process::id()));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: audio.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let write = || -> Result<(), hound::Error> {
        let mut w = hound::WavWriter::create(&path, spec)?;
        for &v in &audio.samples {
            w.write_sample((v.clamp(-1.0, 1.0) * 32767.0) as i16)?;
        }
        w.finalize()
    };
    write().map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    play(&player, &path)
}
