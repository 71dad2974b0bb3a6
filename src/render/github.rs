//! GitHub Actions output: one `::error`/`::warning` workflow command per diagnostic, which
//! GitHub shows as an annotation on the line in the pull request.

use std::io::{self, Write};

use super::display_path;
use crate::check::CheckReport;
use crate::diag::Severity;

pub fn write(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut properties = format!("file={}", escape_property(&display_path(&d.file)));
        if let Some(span) = d.span {
            properties.push_str(&format!(",line={},col={}", span.line, span.column));
        }
        properties.push_str(&format!(
            ",title={}",
            escape_property(&format!("{} {}", d.code.id(), d.code.name()))
        ));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(out, "::{command} {properties}::{}", escape_data(&message))?;
    }
    Ok(())
}

/// Escaping rules of workflow commands (as in @actions/core).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("x:y,z"), "x%3Ay%2Cz");
    }
}
