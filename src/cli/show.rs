//! `iasmn show ID`: one record in full, references resolved, and what refers to it.

use std::io::Write;

use serde_json::{Value, json};

use super::{Cli, Outcome, UserError, load_repository};
use crate::model::{Entry, Kind, Record, Repository};
use crate::render::records::plain;

/// Show one record in full, references resolved, and what refers to it.
///
/// References are shown with the names behind them; below come the records that refer to this
/// one (later follow-ups, successors, outcomes of a session or working group).
///
/// Ids are forgiving: `39-149c`, `"39 149 c"` and `39/149C` find the same record.
///
/// Examples:
///   iasmn show 39-149c
///   iasmn show 19 24 b
///   iasmn show scolt
///   iasmn show 21 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ShowArgs {
    /// The record's id (spaces and punctuation are ignored).
    #[arg(required = true, value_name = "ID")]
    pub id: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Human,
    Json,
}

/// Lower-case letters and digits only: how ids are compared.
pub fn normalize_id(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub fn run(cli: &Cli, args: &ShowArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let repo = load_repository(cli)?;
    let wanted = normalize_id(&args.id.join(" "));
    let matches: Vec<&Entry> = repo
        .entries
        .iter()
        .filter(|e| normalize_id(e.id()) == wanted)
        .collect();
    if matches.is_empty() {
        let ids: Vec<String> = repo.entries.iter().map(|e| e.id().to_string()).collect();
        let normalized: Vec<String> = ids.iter().map(|id| normalize_id(id)).collect();
        let hint = crate::check::schema::closest(&wanted, &normalized)
            .and_then(|best| ids.iter().find(|id| normalize_id(id) == best))
            .map(|id| format!("; did you mean `{id}`?"))
            .unwrap_or_default();
        return Err(UserError(format!(
            "no record has the id `{}`{hint}",
            args.id.join(" ")
        ))
        .into());
    }
    match args.format {
        ShowFormat::Json => {
            let documents: Vec<Value> = matches.iter().map(|e| json_view(e, repo)).collect();
            let document = if documents.len() == 1 {
                documents.into_iter().next().unwrap()
            } else {
                Value::Array(documents)
            };
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)?;
        }
        ShowFormat::Human => {
            for (i, entry) in matches.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_human(entry, repo, out)?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The kind of record a field refers to, for a record of `kind`.
fn reference_kind(kind: Kind, key: &str) -> Option<Kind> {
    Some(match key {
        "session" | "report" => Kind::Session,
        "crps" => Kind::Crp,
        "working_groups" | "working_group" | "predecessor" | "successor" => Kind::WorkingGroup,
        "parent" if kind == Kind::WorkingGroup => Kind::WorkingGroup,
        "parent" if kind == Kind::Organization => Kind::Organization,
        "topics" | "broader" => Kind::Topic,
        "priorities" => Kind::Priority,
        "organization" | "host" | "chair" | "co_chair" | "members" => Kind::Organization,
        "related" | "superseded_by" => Kind::Recommendation,
        _ => return None,
    })
}

/// A short human name for a record.
pub fn label(repo: &Repository, kind: Kind, id: &str) -> Option<String> {
    let entry = repo.get(kind, id)?;
    Some(match &entry.record {
        Record::Session(s) => {
            let place = s
                .venue
                .as_ref()
                .and_then(|v| v.city.clone())
                .unwrap_or_else(|| s.format.clone().unwrap_or_default());
            let what = s
                .number
                .map(|n| format!("{} session", ordinal(n)))
                .unwrap_or_else(|| "meeting".into());
            format!(
                "{what}, {place}, {}",
                s.start.as_deref().unwrap_or("date unknown")
            )
        }
        Record::Crp(c) => match &c.title {
            Some(title) => format!("{}: {title}", c.number),
            None => c.number.clone(),
        },
        Record::Recommendation(r) => {
            let text: String = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() > 70 {
                format!("{}…", text.chars().take(69).collect::<String>())
            } else {
                text
            }
        }
        Record::WorkingGroup(w) => w.name.clone(),
        Record::Organization(o) => match (&o.acronym, &o.name) {
            (Some(a), Some(n)) => format!("{a}, {n}"),
            (Some(a), None) => a.clone(),
            (None, Some(n)) => n.clone(),
            (None, None) => o.id.clone(),
        },
        Record::Topic(t) => t.label.clone(),
        Record::Priority(p) => p.label.clone(),
    })
}

pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// An owner (`org:undss`, `wg:scolt`, `members`) with its name.
fn owner_label(repo: &Repository, owner: &str) -> Option<String> {
    if let Some(id) = owner.strip_prefix("org:") {
        return label(repo, Kind::Organization, id);
    }
    owner
        .strip_prefix("wg:")
        .and_then(|id| label(repo, Kind::WorkingGroup, id))
}

fn scalar_with_label(repo: &Repository, kind: Kind, key: &str, value: &Value) -> String {
    let text = plain(value);
    let resolved = if key == "owners" {
        owner_label(repo, &text)
    } else {
        reference_kind(kind, key).and_then(|target| label(repo, target, &text))
    };
    match resolved {
        Some(name) => format!("{text} ({name})"),
        None => text,
    }
}

fn write_value(
    repo: &Repository,
    kind: Kind,
    key: &str,
    value: &Value,
    indent: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            writeln!(out, "{pad}{key}:")?;
            for (k, v) in map {
                write_value(repo, kind, k, v, indent + 2, out)?;
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            if items.len() <= 1 {
                let text = items
                    .first()
                    .map(|v| scalar_with_label(repo, kind, key, v))
                    .unwrap_or_default();
                writeln!(out, "{pad}{key}: {text}")?;
            } else {
                writeln!(out, "{pad}{key}:")?;
                for item in items {
                    writeln!(out, "{pad}  - {}", scalar_with_label(repo, kind, key, item))?;
                }
            }
        }
        Value::Array(items) => {
            writeln!(out, "{pad}{key}:")?;
            for item in items {
                match item {
                    Value::Object(map) => {
                        let mut first = true;
                        for (k, v) in map {
                            let mut line = Vec::new();
                            write_value(repo, kind, k, v, indent + 4, &mut line)?;
                            let line = String::from_utf8_lossy(&line).into_owned();
                            let line = if first {
                                format!("{pad}  - {}", &line[indent + 4..])
                            } else {
                                line
                            };
                            write!(out, "{line}")?;
                            first = false;
                        }
                    }
                    other => writeln!(out, "{pad}  - {}", plain(other))?,
                }
            }
        }
        Value::String(text) if text.contains('\n') || text.chars().count() > 90 => {
            writeln!(out, "{pad}{key}:")?;
            for line in wrap(text, 96usize.saturating_sub(indent + 2)) {
                writeln!(out, "{pad}  {line}")?;
            }
        }
        scalar => writeln!(
            out,
            "{pad}{key}: {}",
            scalar_with_label(repo, kind, key, scalar)
        )?,
    }
    Ok(())
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        // A blank line keeps paragraphs apart.
        lines.push(String::new());
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn write_human(entry: &Entry, repo: &Repository, out: &mut dyn Write) -> std::io::Result<()> {
    let title = label(repo, entry.kind, entry.id()).unwrap_or_default();
    writeln!(out, "{} {} — {title}", entry.kind.name(), entry.id())?;
    writeln!(out, "file: {}", crate::render::display_path(&entry.path))?;
    if let Value::Object(map) = entry.json() {
        for (key, value) in map.iter().filter(|(k, _)| k.as_str() != "id") {
            write_value(repo, entry.kind, key, value, 0, out)?;
        }
    }
    let backlinks = repo.backlinks(entry.kind, entry.id());
    if !backlinks.is_empty() {
        writeln!(out, "referred to by:")?;
        let mut by_session = 0;
        for link in backlinks {
            let from = &repo.entries[link.from];
            if link.via == "session" && entry.kind == Kind::Session {
                by_session += 1;
                continue;
            }
            let name = label(repo, from.kind, from.id()).unwrap_or_default();
            writeln!(
                out,
                "  {} {} ({}) — {name}",
                from.kind.name(),
                from.id(),
                link.via
            )?;
        }
        if by_session > 0 {
            writeln!(
                out,
                "  {by_session} outcomes and papers of this session (iasmn decisions session:{0}; iasmn crps session:{0})",
                entry.id()
            )?;
        }
    }
    Ok(())
}

fn json_view(entry: &Entry, repo: &Repository) -> Value {
    let backlinks: Vec<Value> = repo
        .backlinks(entry.kind, entry.id())
        .iter()
        .map(|link| {
            let from = &repo.entries[link.from];
            json!({"kind": from.kind, "id": from.id(), "via": link.via})
        })
        .collect();
    json!({
        "kind": entry.kind,
        "record": entry.json(),
        "label": label(repo, entry.kind, entry.id()),
        "backlinks": backlinks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_normalize_to_letters_and_digits() {
        assert_eq!(normalize_id("39-149c"), normalize_id("39 149 C"));
        assert_eq!(normalize_id("39/149c"), "39149c");
    }

    #[test]
    fn ordinals() {
        assert_eq!(
            [1, 2, 3, 11, 12, 19, 21, 22, 35, 39, 113].map(ordinal),
            [
                "1st", "2nd", "3rd", "11th", "12th", "19th", "21st", "22nd", "35th", "39th",
                "113th"
            ]
        );
    }
}
