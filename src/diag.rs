//! Diagnostics: problems found in user data, as plain values.
//!
//! A [`Diagnostic`] is created where the problem is found (loader, schema check, consistency
//! check) and rendered only in `render`. It carries a stable [`Code`], a severity, the file, a
//! located span and an optional help line.

use std::path::PathBuf;

use serde::Serialize;

pub use crate::check::codes::Code;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file: 1-based line and column (in characters) and the byte range it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub start: usize,
    pub end: usize,
}

/// A secondary place that explains the primary one (e.g. the first of two duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub file: PathBuf,
    /// `None` until located (see `pointer`), or when the file could not be read again.
    pub span: Option<Span>,
    pub message: String,
    /// JSON pointer of the value meant, for labels created before their position is known.
    #[serde(skip)]
    pub pointer: Option<String>,
}

/// One problem in the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Path relative to the repository root, with `/` separators.
    pub file: PathBuf,
    /// Where in the file; `None` for problems of the file as a whole (e.g. unreadable).
    pub span: Option<Span>,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// JSON pointer of the offending value, where the problem concerns one field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(
        code: Code,
        file: impl Into<PathBuf>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            file: file.into(),
            span,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            pointer: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_label(
        mut self,
        file: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file: file.into(),
            span: Some(span),
            message: message.into(),
            pointer: None,
        });
        self
    }

    /// A label at the value `pointer` names, located later (by `check::locate_pending`).
    pub fn with_label_at(
        mut self,
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file: file.into(),
            span: None,
            message: message.into(),
            pointer: Some(pointer.into()),
        });
        self
    }

    /// Files whose texts are needed to give this diagnostic and its labels a position.
    pub fn unlocated_files(&self) -> impl Iterator<Item = &std::path::Path> {
        let own = (self.span.is_none() && self.pointer.is_some()).then_some(self.file.as_path());
        own.into_iter().chain(
            self.labels
                .iter()
                .filter(|l| l.span.is_none() && l.pointer.is_some())
                .map(|l| l.file.as_path()),
        )
    }

    /// Sort key: file, then position, then code, so output is stable across parallel runs.
    pub fn sort_key(&self) -> (PathBuf, usize, usize, &'static str, String) {
        let (line, column) = self.span.map(|s| (s.line, s.column)).unwrap_or((0, 0));
        (
            self.file.clone(),
            line,
            column,
            self.code.id(),
            self.message.clone(),
        )
    }
}
