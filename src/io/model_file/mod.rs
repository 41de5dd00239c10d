//! The `convscope/1` model format: a JSON description, weights inline or in a sibling
//! safetensors file (see docs/model-format.md). `schema.rs` is the JSON as written; `parse.rs`
//! reads a file into a model, `build.rs` makes each layer description a layer (one `build_*`
//! per kind) and `weights.rs` finds its tensors; `write.rs` saves a model back.

mod build;
mod parse;
mod schema;
mod weights;
mod write;

pub(crate) use parse::load_model;
pub use parse::parse_model;
pub use write::save_model;
pub(crate) use write::weights_path;

pub(crate) const FORMAT: &str = "convscope/1";
