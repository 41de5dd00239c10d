//! What every panel gets while the frame is laid out.

use super::commands::Command;
use super::message::{Message, Notices};
use super::settings::Settings;
use super::view_state::{Tab, ViewState};
use crate::app::explorer::examples::ExamplesState;
use crate::app::explorer::explain::state::ExplainState;
use crate::app::explorer::familiar::Familiarity;
use crate::app::explorer::state::Explorer;
use crate::app::i18n::Strings;
use crate::app::input::canvas::Canvas;
use crate::app::input::microphone::Microphone;
use crate::app::input::samples::SampleModel;
use crate::app::lab::state::Lab;
use crate::app::train::state::Training;
use crate::app::widgets::textures::Textures;

/// What every panel gets: the state to read, the caches to fill, and where to push commands.
pub(crate) struct Panels<'a> {
    pub ex: &'a Explorer,
    pub s: &'static Strings,
    pub tex: &'a mut Textures,
    pub view: &'a mut ViewState,
    pub canvas: &'a mut Canvas,
    pub settings: &'a Settings,
    pub models: &'a [SampleModel],
    pub busy: bool,
    pub status: Option<&'a Message>,
    pub notices: &'a Notices,
    pub lab: &'a Lab,
    /// "What excites this channel": its settings and rankings.
    pub examples: &'a mut ExamplesState,
    pub familiar: &'a Familiarity,
    pub explain: &'a ExplainState,
    pub train: &'a Training,
    pub mic: &'a Microphone,
    pub commands: &'a mut Vec<Command>,
}

impl Panels<'_> {
    /// The open-input button's words and tip, and the drop hint: a speech model opens a
    /// recording, not a picture.
    pub(crate) fn open_input_words(&self) -> (&'static str, &'static str, &'static str) {
        let s = self.s;
        match self.ex.model.info.audio {
            Some(_) => (s.open_sound, s.open_sound_tip, s.drop_hint_sound),
            None => (s.open_image, s.open_image_tip, s.drop_hint),
        }
    }

    /// The shift (dx, dy) of the input the Lab tab shows, when it shows a shifted one: what
    /// the status bar and the input panel then report. `None` on other tabs, at no shift, and
    /// before the shifted run has arrived.
    pub(crate) fn lab_shift_shown(&self) -> Option<(i32, i32)> {
        if self.view.tab != Tab::Lab || self.lab.shifted.is_empty() {
            return None;
        }
        let result = self.lab.result.as_ref()?;
        ((result.dx, result.dy) != (0, 0)).then_some((result.dx, result.dy))
    }
}
