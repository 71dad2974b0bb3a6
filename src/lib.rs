//! `iasmn`: the records of the Inter-Agency Security Management Network, checked and queried.
//!
//! Data flow: [`load`] finds the repository and turns every file into a parsed YAML tree with
//! positions; [`check`] validates each tree against the JSON Schemas and the records against each
//! other, producing [`diag::Diagnostic`] values; [`render`] writes them out; [`cli`] wires the steps
//! and decides the exit code. [`model`] holds the plain record types.
//!
//! Only `cli` and `render` write to the terminal.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cache;
pub mod check;
pub mod cli;
pub mod diag;
pub mod git;
pub mod history;
pub mod load;
pub mod model;
pub mod query;
pub mod render;
pub mod trace;
