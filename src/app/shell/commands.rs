//! Everything a person can do, as values: panels push commands, the app applies them after
//! layout. Keyboard shortcuts live here too, so keys and buttons cannot drift apart (the
//! lesson's buttons take their words and keys from `keys`).

use super::view_state::Tab;
use crate::app::explorer::controls::{DropoutSetting, InputNoise, PoolWindow};
use crate::app::explorer::explain::state::ExplainChoice;
use crate::app::i18n::Lang;
use crate::app::lab::state::LabSettings;
use crate::app::train::settings::TrainSettings;
use crate::engine::PoolMode;
use egui::{Key, KeyboardShortcut, Modifiers};
use std::path::PathBuf;

#[must_use]
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    NextStage,
    PrevStage,
    /// The last stage (the output); the first is `SelectStage(0)`.
    LastStage,
    SelectStage(usize),
    /// Opens or closes the strip's block with this index (see `explorer::strip::state`).
    ToggleBlock(usize),
    /// Opens the closed block whose card is selected (key ↓).
    OpenBlock,
    /// Closes the open block around the selected stage (key ↑).
    CloseBlock,
    CyclePool,
    SetPool(PoolMode),
    SetPoolWindow(PoolWindow),
    LoadTwin,
    OpenModelDialog,
    OpenModel(PathBuf),
    OpenImageDialog,
    OpenImage(PathBuf),
    LoadSample(&'static str),
    /// The canvas changed: feed the drawing to the network.
    UseCanvas,
    ClearCanvas,
    SetLanguage(Lang),
    ToggleTheme,
    TogglePresentation,
    ToggleFullscreen,
    TogglePlay,
    ExportDialog,
    Export(PathBuf),
    SetDropout(DropoutSetting),
    /// The input noise control: kind, level and seed (the trace is run again).
    SetNoise(InputNoise),
    /// None -> Gaussian -> salt-and-pepper -> none, keeping level and seed (key N).
    CycleNoise,
    ResampleDropout,
    ShowTab(Tab),
    /// Explorer <-> translation lab (key T).
    ToggleLab,
    SetLab(LabSettings),
    /// Moves the lab's shift by (dx, dy) pixels.
    NudgeShift(i32, i32),
    RunSweep,
    /// Stops the running sweep (Esc in the lab).
    CancelSweep,
    /// Shows or hides the list of keyboard shortcuts (F1).
    ToggleKeysHelp,
    /// Draws this sample model's learning curves beside the open model's (`None`: none).
    CompareHistory(Option<String>),
    /// Hides the notice at this index, and every other of its kind (shown with it as one).
    DismissNotice(usize),
    /// Moves the arithmetic panel's cell by (channels, rows, columns).
    StepCell(i32, i32, i32),
    /// Shows or hides the lesson panel (F2).
    ToggleLessons,
    /// Opens a built-in lesson by name, or a lesson file by path.
    OpenLesson(String),
    /// Goes to this step of the open lesson and sets the app up for it.
    LessonStep(usize),
    /// Reveals the step's answer when it asks and is not revealed yet, else the next step
    /// (PageDown).
    NextLessonStep,
    PrevLessonStep,
    /// Shows the step's evidence, verdict and right choice, and applies its reveal (Space).
    RevealLessonStep,
    /// Sets the current step up again, undoing what the student changed.
    ResetLessonStep,
    CloseLesson,
    /// Asks where to write the open lesson's handout (`true`: the teacher's copy), then
    /// writes it.
    HandoutDialog(bool),
    /// Writes the open lesson's handout there in the background (`true`: the teacher's copy).
    WriteHandout(PathBuf, bool),
    /// The Train tab's settings for the next run.
    SetTrainSettings(TrainSettings),
    StartTraining,
    PauseTraining,
    ResumeTraining,
    StopTraining,
    /// The explorer shows the weights as they are while training (or stops doing so).
    FollowTraining(bool),
    /// Forgets the earlier runs drawn beside the current one.
    ClearRuns,
    /// Asks where to save the trained model, then saves it.
    SaveRunDialog,
    /// Saves the trained model (JSON + safetensors) with its training record.
    SaveRun(PathBuf),
    /// Shows the trained model (as saved, when it was) in the explorer.
    OpenRunInExplorer,
    /// Plays the input recording through the system's player.
    PlayAudio,
    /// Records from the microphone (a speech model's input; R).
    Record,
    /// Stops the recording under way, keeping what it has.
    StopRecording,
    /// The longest recording, in seconds.
    SetRecordLength(f32),
    /// Asks where to save the last recording, then saves it.
    SaveRecordingDialog,
    /// Saves the last recording as a WAV file.
    SaveRecording(PathBuf),
    /// Opens or closes the open model's input settings (Model menu, Ctrl+I).
    ToggleInputSettings,
    /// Opens the model again with the input settings dialog's values, and remembers them.
    ApplyInputSettings,
    /// Forgets what was set in the dialog: the model's own settings (sidecar, metadata) again.
    ResetInputSettings,
    /// Asks for a labels file for the input settings dialog.
    LabelsFileDialog,
    /// Reads class labels from this file into the input settings dialog.
    LabelsFile(PathBuf),
    /// Shows or hides "Where it looked" (key W).
    ToggleExplain,
    /// What "Where it looked" explains and how (method, class, blend).
    SetExplain(ExplainChoice),
}

impl Command {
    /// Keys that act anywhere in the window (zoom with Ctrl+/Ctrl- is egui's own).
    pub fn shortcuts() -> Vec<(KeyboardShortcut, Command)> {
        let plain = |key| KeyboardShortcut::new(Modifiers::NONE, key);
        vec![
            (plain(Key::ArrowRight), Command::NextStage),
            (plain(Key::PageDown), Command::NextStage),
            (plain(Key::ArrowLeft), Command::PrevStage),
            (plain(Key::PageUp), Command::PrevStage),
            (plain(Key::Home), Command::SelectStage(0)),
            (plain(Key::ArrowDown), Command::OpenBlock),
            (plain(Key::ArrowUp), Command::CloseBlock),
            (plain(Key::End), Command::LastStage),
            (plain(Key::M), Command::CyclePool),
            (plain(Key::N), Command::CycleNoise),
            (plain(Key::T), Command::ToggleLab),
            (plain(Key::W), Command::ToggleExplain),
            (plain(Key::F5), Command::TogglePresentation),
            (plain(Key::F11), Command::ToggleFullscreen),
            (plain(Key::F1), Command::ToggleKeysHelp),
            (plain(Key::F2), Command::ToggleLessons),
            (plain(Key::J), Command::StepCell(0, 0, -1)),
            (plain(Key::L), Command::StepCell(0, 0, 1)),
            (plain(Key::I), Command::StepCell(0, -1, 0)),
            (plain(Key::K), Command::StepCell(0, 1, 0)),
            (plain(Key::U), Command::StepCell(-1, 0, 0)),
            (plain(Key::O), Command::StepCell(1, 0, 0)),
            (plain(Key::R), Command::Record),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::O),
                Command::OpenImageDialog,
            ),
            (
                KeyboardShortcut::new(Modifiers::COMMAND, Key::I),
                Command::ToggleInputSettings,
            ),
        ]
    }

    /// Keys that act while a lesson is open, before the ones above: presenter remotes send
    /// PageDown and PageUp.
    pub fn lesson_shortcuts() -> Vec<(KeyboardShortcut, Command)> {
        let plain = |key| KeyboardShortcut::new(Modifiers::NONE, key);
        vec![
            (plain(Key::PageDown), Command::NextLessonStep),
            (plain(Key::PageUp), Command::PrevLessonStep),
            (plain(Key::Space), Command::RevealLessonStep),
        ]
    }

    /// Keys that act while the translation lab is shown, before the ones above.
    pub fn lab_shortcuts() -> Vec<(KeyboardShortcut, Command)> {
        let plain = |key| KeyboardShortcut::new(Modifiers::NONE, key);
        vec![
            (plain(Key::ArrowRight), Command::NudgeShift(1, 0)),
            (plain(Key::ArrowLeft), Command::NudgeShift(-1, 0)),
            (plain(Key::ArrowDown), Command::NudgeShift(0, 1)),
            (plain(Key::ArrowUp), Command::NudgeShift(0, -1)),
            (plain(Key::Escape), Command::CancelSweep),
        ]
    }
}
