//! Plain record types: what a record is, independent of files, YAML and terminals.

pub mod kind;
pub mod record;
pub mod repo;

pub use kind::Kind;
pub use record::Record;
pub use repo::{Entry, LazyJson, Repository};
