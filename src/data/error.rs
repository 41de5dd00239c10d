//! What can go wrong loading a labelled set: a file, a spec as written on the command line,
//! or images that do not fit the model.

use crate::io::FileError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("data `{spec}`: {message}")]
    Spec { spec: String, message: String },
    #[error(
        "{set}: images are {got}, the model takes {expected}: train it on a data set of that shape, or an architecture that takes {got}"
    )]
    Size {
        set: String,
        got: String,
        expected: String,
    },
}
