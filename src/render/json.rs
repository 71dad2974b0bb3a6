//! JSON output: exactly one document on stdout, stable field names (`version` bumps on change).

use std::io::{self, Write};

use serde::Serialize;

use super::display_path;
use crate::check::CheckReport;
use crate::diag::{Diagnostic, Severity};

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files_checked: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            code: d.code.id(),
            name: d.code.name(),
            severity: d.severity,
            file: display_path(&d.file),
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.column),
            message: &d.message,
            help: d.help.as_deref(),
            pointer: d.pointer.as_deref(),
            labels: d
                .labels
                .iter()
                .filter_map(|l| {
                    let span = l.span?;
                    Some(JsonLabel {
                        file: display_path(&l.file),
                        line: span.line,
                        column: span.column,
                        message: &l.message,
                    })
                })
                .collect(),
        }
    }
}

pub fn write(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        version: 1,
        files_checked: report.files_checked,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        diagnostics: report
            .diagnostics
            .iter()
            .map(JsonDiagnostic::from)
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
