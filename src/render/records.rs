//! Listing output: records as a table fitted to the terminal, JSON (the records' own fields),
//! CSV (RFC 4180), Markdown, or bare ids; and `--by` counts.

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::Value;

use crate::model::{Entry, Kind, Record, Repository};

/// Output format of the listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// a table fitted to the terminal width
    Table,
    /// one JSON array of the records, with the records' own field names
    Json,
    /// comma-separated values (RFC 4180), full texts
    Csv,
    /// a Markdown table to paste into a report
    Md,
    /// one id per line
    Ids,
}

/// Table columns of each kind: header and cell text.
fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Recommendation => &["id", "verb", "status", "owners", "due", "text"],
        Kind::Session => &["id", "number", "start", "end", "venue", "format", "report"],
        Kind::Crp => &["id", "number", "title", "agenda item", "working group"],
        Kind::WorkingGroup => &[
            "id",
            "name",
            "acronyms",
            "established",
            "wound up",
            "parent",
        ],
        Kind::Organization => &["id", "acronym", "name", "kind"],
        Kind::Topic => &["id", "label", "broader"],
        Kind::Priority => &["id", "label"],
    }
}

fn cells(entry: &Entry, repo: &Repository) -> Vec<String> {
    let json = entry.json();
    let text = |pointer: &str| json.pointer(pointer).map(plain).unwrap_or_default();
    match &entry.record {
        Record::Recommendation(r) => vec![
            r.id.clone(),
            r.verb.clone(),
            r.status.clone().unwrap_or_default(),
            r.owners.join(", "),
            r.due
                .as_ref()
                .map(|d| d.date.clone().unwrap_or_else(|| d.text.clone()))
                .unwrap_or_default(),
            r.text.clone(),
        ],
        Record::Session(s) => vec![
            s.id.clone(),
            s.number.map(|n| n.to_string()).unwrap_or_default(),
            s.start.clone().unwrap_or_default(),
            s.end.clone().unwrap_or_default(),
            [text("/venue/city"), text("/venue/country")]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            s.format.clone().unwrap_or_default(),
            text("/report/status"),
        ],
        Record::Crp(c) => vec![
            c.id.clone(),
            c.number.clone(),
            c.title.clone().unwrap_or_default(),
            c.agenda_item.clone().unwrap_or_default(),
            c.working_group.clone().unwrap_or_default(),
        ],
        Record::WorkingGroup(w) => {
            let date = |pointer: &str| {
                json.pointer(&format!("{pointer}/date"))
                    .or_else(|| json.pointer(&format!("{pointer}/session")))
                    .map(plain)
                    .map(|v| {
                        if v.len() == 10 {
                            v
                        } else {
                            format!("session {v}")
                        }
                    })
                    .unwrap_or_default()
            };
            vec![
                w.id.clone(),
                w.name.clone(),
                w.acronyms.join(", "),
                date("/established"),
                date("/wound_up"),
                w.parent.clone().unwrap_or_default(),
            ]
        }
        Record::Organization(o) => vec![
            o.id.clone(),
            o.acronym.clone().unwrap_or_default(),
            o.name.clone().unwrap_or_default(),
            o.kind.clone(),
        ],
        Record::Topic(t) => vec![
            t.id.clone(),
            t.label.clone(),
            t.broader.clone().unwrap_or_default(),
        ],
        Record::Priority(p) => {
            let _ = repo;
            vec![p.id.clone(), p.label.clone()]
        }
    }
}

/// A JSON value as plain text (strings without quotes, arrays joined).
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Shortens text for a table cell.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        format!(
            "{}…",
            text.chars().take(max - 1).collect::<String>().trim_end()
        )
    }
}

/// Writes records of one kind.
pub fn write_records(
    kind: Kind,
    entries: &[&Entry],
    repo: &Repository,
    format: ListFormat,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let headers = columns(kind);
    match format {
        ListFormat::Table => {
            let rows = entries.iter().map(|e| {
                cells(e, repo)
                    .into_iter()
                    .map(|c| shorten(&c, 240))
                    .collect::<Vec<_>>()
            });
            write_table(headers, rows, width, out)?;
            writeln!(
                out,
                "{}",
                crate::render::plural(entries.len(), kind_noun(kind))
            )
        }
        ListFormat::Json => {
            let records: Vec<&Value> = entries.iter().map(|e| e.json()).collect();
            serde_json::to_writer_pretty(&mut *out, &records)?;
            writeln!(out)
        }
        ListFormat::Csv => write_csv(headers, entries.iter().map(|e| cells(e, repo)), out),
        ListFormat::Md => write_markdown(headers, entries.iter().map(|e| cells(e, repo)), out),
        ListFormat::Ids => entries.iter().try_for_each(|e| writeln!(out, "{}", e.id())),
    }
}

fn kind_noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Recommendation => "outcome",
        Kind::Session => "session",
        Kind::Crp => "CRP",
        Kind::WorkingGroup => "working group",
        Kind::Organization => "organization",
        Kind::Topic => "topic",
        Kind::Priority => "priority",
    }
}

/// `--by FIELD`: value and count rows.
pub fn write_counts(
    field: &str,
    counts: &[(String, usize)],
    format: ListFormat,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let headers: &[&str] = &[field, "count"];
    let rows = counts.iter().map(|(value, count)| {
        vec![
            if value.is_empty() {
                "(none)".to_string()
            } else {
                value.clone()
            },
            count.to_string(),
        ]
    });
    match format {
        ListFormat::Table => write_table(headers, rows, width, out),
        ListFormat::Json => {
            let object: serde_json::Map<String, Value> = counts
                .iter()
                .map(|(value, count)| (value.clone(), Value::from(*count)))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &object)?;
            writeln!(out)
        }
        ListFormat::Csv => write_csv(headers, rows, out),
        ListFormat::Md => write_markdown(headers, rows, out),
        ListFormat::Ids => counts
            .iter()
            .try_for_each(|(value, _)| writeln!(out, "{value}")),
    }
}

pub fn write_table(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.to_vec());
    if let Some(width) = width {
        table.set_width(width);
    }
    for row in rows {
        table.add_row(row);
    }
    writeln!(out, "{table}")
}

fn write_csv(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    write!(
        out,
        "{}\r\n",
        line(headers.iter().map(|h| h.to_string()).collect())
    )?;
    for row in rows {
        write!(out, "{}\r\n", line(row))?;
    }
    Ok(())
}

/// RFC 4180: quote fields holding a comma, quote or line break; double inner quotes.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn write_markdown(
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let cell = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|")
    };
    writeln!(out, "| {} |", headers.join(" | "))?;
    writeln!(out, "|{}", " --- |".repeat(headers.len()))?;
    for row in rows {
        writeln!(
            out,
            "| {} |",
            row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_rfc_4180_requires() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
