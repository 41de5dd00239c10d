//! What only the drawing needs, apart from the state the panels show: which tab is open,
//! display choices and animation clocks.

use crate::app::explorer::arith::ArithState;
use crate::app::explorer::strip::hover_link::StageCell;
use crate::app::explorer::strip::state::StripState;
use crate::lesson::ViewId;

/// The central views: the explorer, the translation lab and training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Explorer,
    /// Shift the input and watch every stage change.
    Lab,
    /// Train the architecture and watch it learn.
    Train,
}

impl Tab {
    /// Every tab, in the order the toolbar shows them (tests walk them all).
    pub const ALL: [Tab; 3] = [Tab::Explorer, Tab::Lab, Tab::Train];
}

/// What only the drawing needs: display choices and animation clocks.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewState {
    pub tab: Tab,
    /// One colour scale for all channels of a layer.
    pub shared_scale: bool,
    /// The stage "Play" shows next, and when.
    pub playing: bool,
    pub play_next_at: f64,
    /// The pooled cell the window animation is on (flat index over channel, row, column).
    pub sweep: Option<usize>,
    pub sweep_next_at: f64,
    /// Presentation mode's zoom before it was switched on.
    pub zoom_before_presentation: Option<f32>,
    /// The keyboard shortcuts window is open.
    pub show_keys: bool,
    /// The lesson panel is shown (the open lesson, or the lessons to choose from).
    pub show_lesson: bool,
    /// The sample model whose learning curves are drawn beside the open model's.
    pub compare_history: Option<String>,
    /// The arithmetic panel: its selected cell and its animation.
    pub arith: ArithState,
    /// The padding and stride a convolution stage is tried with, and the maps they made.
    pub conv_try: crate::app::explorer::conv_try::ConvTryState,
    /// The window was compared with its monitor once (see `fit_window_to_monitor`).
    pub window_fitted: bool,
    /// The map cell under the pointer this frame, and last frame's (which the pipeline strip,
    /// drawn before the maps, links to).
    pub hover: Option<StageCell>,
    pub hover_before: Option<StageCell>,
    /// The stage strip's blocks and which are open.
    pub strip: StripState,
    /// The views the lesson step on screen names (none without a lesson): each is kept wholly
    /// on screen at a readable size, and views it does not name may shrink or fold.
    pub show: Vec<ViewId>,
    /// The input panel opened from its folded bar while a lesson step does not name it.
    pub input_unfolded: bool,
    /// A lesson is open and its panel shown: the lesson panel's edge and the strip's height
    /// stay where they are, and views the step does not name give way to those it does.
    pub lesson_layout: bool,
}

impl ViewState {
    /// Whether the lesson step on screen names `view`.
    pub fn named(&self, view: &ViewId) -> bool {
        self.show.contains(view)
    }

    /// Whether a lesson is laid out and its step names `view`: the view takes the room it
    /// needs for the layout contract's minimums, and what the step does not name gives way.
    pub fn focus(&self, view: &ViewId) -> bool {
        self.lesson_layout && self.named(view)
    }

    /// Whether a lesson is laid out and its step names neither of `views`: they may fold away.
    pub fn folds(&self, views: &[ViewId]) -> bool {
        self.lesson_layout && !views.iter().any(|v| self.named(v))
    }
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            tab: Tab::Explorer,
            shared_scale: true,
            playing: false,
            play_next_at: 0.0,
            sweep: None,
            sweep_next_at: 0.0,
            zoom_before_presentation: None,
            show_keys: false,
            show_lesson: false,
            compare_history: None,
            arith: ArithState::default(),
            conv_try: Default::default(),
            window_fitted: false,
            hover: None,
            hover_before: None,
            strip: StripState::default(),
            show: Vec::new(),
            input_unfolded: false,
            lesson_layout: false,
        }
    }
}

/// Seconds per stage while playing, and per window step while sweeping.
pub(crate) const PLAY_SECONDS: f64 = 2.5;
pub(crate) const SWEEP_SECONDS: f64 = 0.12;
