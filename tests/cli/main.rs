//! The integration test suite: one binary, a module per feature.
//!
//! Every test runs the real `iasmn` binary, as a user or CI would.

mod check_fixtures;
mod common;
mod examples;
mod explain;
mod hostile;
mod repository;
mod schema_agreement;
