//! The shell's side of recording: starting and stopping the microphone, and a finished take
//! becoming the input (or an error that says what to do), saved as WAV when asked.

use super::app::ConvscopeApp;
use super::commands::Command;
use super::message::{Message, MessageKey};
use crate::app::i18n::fill;
use crate::app::input::samples::audio_input;
use crate::io::Audio;
use std::sync::Arc;

impl ConvscopeApp {
    /// Record, Stop, the length and saving: the microphone's commands.
    pub(crate) fn apply_recording(&mut self, ctx: &egui::Context, command: Command) {
        let s = self.strings();
        match command {
            Command::Record => match &self.explorer.model.info.audio {
                None => self.explorer.last_error = Some(s.record_not_speech.to_string()),
                Some(spec) => {
                    let rate = spec.sample_rate;
                    if let Err(e) = self.mic.start(rate, ctx) {
                        self.explorer.last_error = Some(e.to_string());
                    }
                }
            },
            Command::StopRecording => self.mic.stop(),
            Command::SetRecordLength(seconds) => self.mic.seconds = seconds,
            Command::SaveRecording(path) => {
                let Some((_, take)) = &self.mic.last_take else {
                    return;
                };
                match crate::io::record::write_wav(&path, &take.samples, take.rate) {
                    Ok(()) => {
                        self.status = Some(Message::new(
                            MessageKey::Verbatim,
                            &[&fill(s.record_saved, &[&path.display()])],
                        ))
                    }
                    Err(e) => self.explorer.last_error = Some(format!("{}: {e}", path.display())),
                }
            }
            _ => {}
        }
    }

    /// A finished recording becomes the input, as an opened WAV file would.
    pub(crate) fn finish_recording(&mut self) {
        let Some(result) = self.mic.poll() else {
            return;
        };
        match result {
            Ok(take) => {
                self.mic.takes += 1;
                let name = fill(self.strings().record_name, &[&self.mic.takes]);
                let audio = Audio {
                    samples: take.samples.clone(),
                    sample_rate: take.rate,
                    channels: 1,
                };
                self.mic.last_take = Some((name.clone(), Arc::new(take)));
                self.explorer.set_input(audio_input(name, None, audio));
            }
            Err(e) => self.explorer.last_error = Some(e.to_string()),
        }
    }
}
