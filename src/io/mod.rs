//! Everything that touches bytes from outside: model files, images, `.npy`, MNIST IDX.

pub mod architecture;
pub mod atomic;
pub mod audio_input;
pub mod error;
pub mod idx;
pub mod image_input;
pub mod mnist_style;
pub mod model_file;
pub mod npy;

pub use atomic::{check_writable, write_atomic, write_atomic_with};
pub use audio_input::{Audio, audio_pixels, decode_wav, file_pixels, is_wav, load_audio};
pub use error::FileError;
pub use image_input::{Fill, decode_image, load_image, network_input, shift, to_pixels};
pub use model_file::{load_model, parse_model, save_model};
