//! Writing diagnostics for people (`human`), programs (`json`) and CI (`github`).
//!
//! Renderers take a `&mut dyn Write`, so tests capture their output in a buffer.

pub mod github;
pub mod human;
pub mod json;
pub mod query_error;
pub mod records;

use std::io::{self, Write};

use crate::check::CheckReport;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagnosticFormat {
    /// rustc-style messages with the offending line and a caret
    Human,
    /// exactly one JSON document
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
}

/// Writes a check report in the chosen format.
pub fn report(
    format: DiagnosticFormat,
    report: &CheckReport,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        DiagnosticFormat::Human => human::write(report, color, out),
        DiagnosticFormat::Json => json::write(report, out),
        DiagnosticFormat::Github => github::write(report, out),
    }
}

/// "1 error", "2 warnings".
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A path with `/` separators on every platform, as shown to users.
pub(crate) fn display_path(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
