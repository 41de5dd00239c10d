//! Every string the app shows. The words live in one Fluent file per language
//! (`assets/i18n/en.ftl`, `zh.ftl`, compiled in; more can be dropped into the user's
//! `convscope/i18n/` folder, see docs/languages.md), so a language is added without touching
//! Rust. Rust names each message once, in the `strings!` list of `messages.rs` (`load.rs` reads
//! the files, `lang.rs` picks one); text with numbers has Fluent variables `{ $v1 }`,
//! `{ $v2 }`, … filled by [`fill`] in argument order.

mod fill;
mod lang;
mod load;
mod messages;
pub mod typography;

pub use crate::viz::number::grouped;
pub use fill::fill;
pub use lang::{EN, Lang, ZH};
pub use load::{install_user_languages, language_problems};
pub use messages::Strings;
