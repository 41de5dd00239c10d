//! Sizes past which a model is refused before anything is allocated.

/// Largest input height or width.
pub const MAX_SIDE: usize = 4096;
/// Largest number of input channels.
pub const MAX_INPUT_CHANNELS: usize = 16;
/// Largest number of channels or features a layer may produce.
pub const MAX_CHANNELS: usize = 65_536;
/// Largest kernel side.
pub const MAX_KERNEL: usize = 64;
/// Largest number of values in one layer's output (64 MiB of f32).
pub const MAX_ACTIVATION: usize = 16 * 1024 * 1024;
/// Largest number of parameters in one model (256 MiB of f32).
pub const MAX_PARAMETERS: usize = 64 * 1024 * 1024;
/// Largest number of layers.
pub const MAX_LAYERS: usize = 1024;
