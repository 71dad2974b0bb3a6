//! The integration test suite: one binary, a module per feature.
//!
//! Tests run the real `iasmn` binary, as a user or CI would; `records` reads the bundled records
//! through the library to count them.

mod cache;
mod check_fixtures;
mod common;
mod examples;
mod explain;
mod history;
mod hostile;
mod questions;
mod records;
mod repository;
mod schema_agreement;
