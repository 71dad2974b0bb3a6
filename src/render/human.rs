//! Human output: one rustc-style block per diagnostic (via annotate-snippets), then a summary.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{display_path, plural};
use crate::check::CheckReport;
use crate::diag::{Diagnostic, Severity};
use crate::load::source::SourceFile;

pub fn write(report: &CheckReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let sources = &report.sources;
    for diagnostic in &report.diagnostics {
        let source = sources.get(&diagnostic.file);
        let rendered = render_one(&renderer, diagnostic, source, |path| sources.get(path));
        writeln!(out, "{rendered}\n")?;
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let files = report.files_checked;
    if errors + warnings == 0 {
        writeln!(out, "checked {}: no problems", plural(files, "record"))
    } else {
        let affected = {
            let mut paths: Vec<_> = report.diagnostics.iter().map(|d| &d.file).collect();
            paths.dedup();
            paths.len()
        };
        writeln!(
            out,
            "checked {}: {} and {} in {}",
            plural(files, "record"),
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(affected, "file")
        )
    }
}

fn render_one<'a>(
    renderer: &Renderer,
    diagnostic: &'a Diagnostic,
    source: Option<&'a SourceFile>,
    source_of: impl Fn(&std::path::Path) -> Option<&'a SourceFile>,
) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = display_path(&diagnostic.file);
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.id());
    let mut group = match (diagnostic.span, source) {
        (Some(span), Some(source)) => {
            let mut snippet = Snippet::source(source.text.as_str())
                .path(path.clone())
                .fold(true)
                .annotation(
                    AnnotationKind::Primary
                        .span(span.start..span.end)
                        .label(diagnostic.code.name()),
                );
            for (label, span) in diagnostic
                .labels
                .iter()
                .filter(|l| l.file == diagnostic.file)
                .filter_map(|l| Some((l, l.span?)))
            {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(span.start..span.end)
                        .label(label.message.as_str()),
                );
            }
            Group::with_title(title).element(snippet)
        }
        (Some(span), None) => Group::with_title(title).element(
            Origin::path(path.clone())
                .line(span.line)
                .char_column(span.column),
        ),
        (None, _) => Group::with_title(title).element(Origin::path(path.clone())),
    };
    for (label, span) in diagnostic
        .labels
        .iter()
        .filter(|l| l.file != diagnostic.file)
        .filter_map(|l| Some((l, l.span?)))
    {
        if let Some(other) = source_of(&label.file) {
            group = group.element(
                Snippet::source(other.text.as_str())
                    .path(display_path(&label.file))
                    .fold(true)
                    .annotation(
                        AnnotationKind::Context
                            .span(span.start..span.end)
                            .label(label.message.as_str()),
                    ),
            );
        }
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}
