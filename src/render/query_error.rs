//! A query error, shown under the query text with a caret.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::query::QueryError;

pub fn render(query: &str, error: &QueryError, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let end = error.span.end.max(error.span.start).min(query.len());
    let start = error.span.start.min(end);
    let mut group = Group::with_title(Level::ERROR.primary_title(error.message.as_str())).element(
        Snippet::source(query)
            .path("query")
            .annotation(AnnotationKind::Primary.span(start..end.max(start))),
    );
    if let Some(help) = &error.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}
