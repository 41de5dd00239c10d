//! The explorer's switches as values: the pooling window, dropout at inference and the input
//! noise. Commands carry them; the explorer runs the network with them.

use crate::analysis::robustness::{Noise, NoiseKind};
use crate::engine::Window;

/// The pooling window used by every pooling layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum PoolWindow {
    /// As stored in the model file.
    #[default]
    AsTrained,
    K2S2,
    K3S2,
    K2S1,
}

impl PoolWindow {
    pub const ALL: [PoolWindow; 4] = [
        PoolWindow::AsTrained,
        PoolWindow::K2S2,
        PoolWindow::K3S2,
        PoolWindow::K2S1,
    ];

    pub fn window(self) -> Option<Window> {
        let (k, s) = match self {
            PoolWindow::AsTrained => return None,
            PoolWindow::K2S2 => (2, 2),
            PoolWindow::K3S2 => (3, 2),
            PoolWindow::K2S1 => (2, 1),
        };
        Some(Window {
            kernel: (k, k),
            stride: (s, s),
            padding: (0, 0),
            ..Default::default()
        })
    }

    /// `2x2/2`: kernel and stride.
    pub fn label(self) -> Option<String> {
        self.window()
            .map(|w| format!("{}x{}/{}", w.kernel.0, w.kernel.1, w.stride.0))
    }
}

/// Dropout shown at inference: on or off, its rate and the seed of its mask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DropoutSetting {
    pub enabled: bool,
    pub rate: f32,
    pub seed: u64,
}

impl Default for DropoutSetting {
    fn default() -> Self {
        DropoutSetting {
            enabled: false,
            rate: 0.5,
            seed: 1,
        }
    }
}

/// The input noise control: a kind (or none), its level and its seed. The same settings give
/// the same noisy input, the one `convscope inspect --noise KIND:LEVEL --seed SEED` runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputNoise {
    /// `None`: no noise.
    pub kind: Option<NoiseKind>,
    /// In `[0, 1]`, relative to the range of the values it goes on (see
    /// [`crate::analysis::robustness::noisy_input`]).
    pub level: f32,
    pub seed: u64,
}

impl Default for InputNoise {
    fn default() -> Self {
        InputNoise {
            kind: None,
            level: 0.2,
            seed: 0,
        }
    }
}

impl InputNoise {
    /// The choices the control offers, in order.
    pub const KINDS: [Option<NoiseKind>; 3] =
        [None, Some(NoiseKind::Gaussian), Some(NoiseKind::SaltPepper)];

    /// The noise to put on the input, if any (none at level 0).
    pub fn noise(&self) -> Option<Noise> {
        let level = self.level.clamp(0.0, 1.0);
        self.kind
            .filter(|_| level > 0.0)
            .map(|kind| Noise { kind, level })
    }

    /// None -> Gaussian -> salt-and-pepper -> none, at the same level and seed.
    pub fn cycled(self) -> InputNoise {
        let i = Self::KINDS
            .iter()
            .position(|&k| k == self.kind)
            .unwrap_or(0);
        InputNoise {
            kind: Self::KINDS[(i + 1) % Self::KINDS.len()],
            ..self
        }
    }
}
