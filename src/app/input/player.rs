//! Playing the input recording through the system's player (pw-play, paplay or aplay) when
//! one exists: the app has no audio output of its own.

use std::path::{Path, PathBuf};

/// Why the recording could not be played.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PlayError {
    #[error("the input is not a recording")]
    NotARecording,
    #[error("no audio player found (pw-play, paplay or aplay)")]
    NoPlayer,
    #[error("{}: cannot write: {reason}", path.display())]
    Write { path: PathBuf, reason: hound::Error },
    #[error("{}: cannot start: {reason}", player.display())]
    Start {
        player: PathBuf,
        reason: std::io::Error,
    },
}

/// Players tried in order; the first found on PATH plays the file.
const PLAYERS: [&str; 3] = ["pw-play", "paplay", "aplay"];

/// The first system player found on PATH.
pub(crate) fn find_player() -> Option<PathBuf> {
    crate::io::record::find_on_path(&PLAYERS)
}

/// Plays a WAV file with `player` in the background.
pub(crate) fn play(player: &Path, wav: &Path) -> Result<(), PlayError> {
    std::process::Command::new(player)
        .arg(wav)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|reason| PlayError::Start {
            player: player.to_path_buf(),
            reason,
        })
}

/// Plays the input recording as the network hears it (with the noise control's noise):
/// written as 16-bit WAV to a temporary file (samples have no file of their own) and handed to
/// the player.
pub(crate) fn play_input(
    audio: Option<&std::sync::Arc<crate::io::Audio>>,
) -> Result<(), PlayError> {
    let audio = audio.ok_or(PlayError::NotARecording)?;
    let player = find_player().ok_or(PlayError::NoPlayer)?;
    let path = std::env::temp_dir().join(format!("convscope-play-{}.wav", std::process::id()));
    crate::io::record::write_wav(&path, &audio.samples, audio.sample_rate).map_err(|reason| {
        PlayError::Write {
            path: path.clone(),
            reason,
        }
    })?;
    play(&player, &path)
}
