//! `iasmn changes --since X`: records added, removed and changed between two points of the
//! history, with every status transition in between.

use std::io::Write;

use serde::Serialize;

use super::{Cli, Outcome, repo_root, table_width};
use crate::git::{FileChange, Git};
use crate::history;
use crate::model::Kind;
use crate::render::records::write_table;

/// Show what changed in the records between two points of the history.
///
/// Records added, removed, renamed and changed (field by field), and every status transition in
/// between.
///
/// --since and --until take a commit, branch or tag, a date (YYYY-MM-DD: the last commit of that
/// day) or a session id (the last commit on or before the session's last day).
///
/// Examples:
///   iasmn changes --since 39                 what changed since the 39th session
///   iasmn changes --since 2024-01-01 --until 2024-06-30 --format md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ChangesArgs {
    /// Start point (exclusive): commit, date or session id.
    #[arg(long, value_name = "REV|DATE|SESSION")]
    pub since: String,

    /// End point (inclusive): commit, date or session id; default HEAD.
    #[arg(long, value_name = "REV|DATE|SESSION", default_value = "HEAD")]
    pub until: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ChangesFormat::Table)]
    pub format: ChangesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ChangesFormat {
    Table,
    Json,
    Md,
}

#[derive(Debug, Serialize)]
struct Row {
    change: &'static str,
    kind: String,
    id: String,
    details: Vec<String>,
}

fn kind_and_id(path: &str) -> (String, String) {
    let path = std::path::Path::new(path);
    let kind = path
        .components()
        .nth(1)
        .and_then(|c| Kind::from_folder(&c.as_os_str().to_string_lossy()))
        .filter(|_| path.extension().is_some_and(|e| e == "yaml"))
        .map_or("file", Kind::name)
        .to_string();
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    (kind, id)
}

/// A revision, date, or session id (its last day) → commit.
fn resolve(git: &Git, point: &str, root: &std::path::Path) -> anyhow::Result<String> {
    let session_file = root.join("records/sessions").join(format!("{point}.yaml"));
    if !crate::git::is_date(point)
        && let Ok(text) = std::fs::read(&session_file)
        && let Some(end) = history::parse(&text).and_then(|v| {
            v.get("end")
                .or(v.get("start"))
                .and_then(|d| d.as_str().map(String::from))
        })
    {
        return Ok(git.resolve(&end)?);
    }
    Ok(git.resolve(point)?)
}

pub fn run(cli: &Cli, args: &ChangesArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let root = repo_root(cli)?;
    let git = Git::open(&root)?;
    let from = resolve(&git, &args.since, &root)?;
    let to = resolve(&git, &args.until, &root)?;
    let mut rows = Vec::new();
    for change in git.changes(&from, &to)? {
        let (label, before_path, after_path) = match &change {
            FileChange::Added(p) => ("added", None, Some(p.clone())),
            FileChange::Removed(p) => ("removed", Some(p.clone()), None),
            FileChange::Modified(p) => ("changed", Some(p.clone()), Some(p.clone())),
            FileChange::Renamed { from, to } => ("renamed", Some(from.clone()), Some(to.clone())),
        };
        let (kind, id) = kind_and_id(
            after_path
                .as_deref()
                .or(before_path.as_deref())
                .unwrap_or_default(),
        );
        if kind == "file" {
            continue; // README files and other non-records
        }
        let mut details = Vec::new();
        if let FileChange::Renamed { from: old, .. } = &change {
            details.push(format!("from {}", kind_and_id(old).1));
        }
        if let (Some(before_path), Some(after_path)) = (&before_path, &after_path) {
            let before = git
                .file_at(&from, before_path)?
                .and_then(|t| history::parse(&t));
            let after = git
                .file_at(&to, after_path)?
                .and_then(|t| history::parse(&t));
            if let (Some(before), Some(after)) = (&before, &after) {
                details.extend(
                    history::diff(before, after)
                        .iter()
                        .filter(|c| c.field != "status")
                        .map(history::describe),
                );
            }
            // Every status transition between the two points, in order.
            let mut status = before
                .as_ref()
                .and_then(|b| history::status(b).map(String::from));
            for commit in git.commits_touching(&from, &to, after_path)? {
                let version = git
                    .file_at(&commit.id, after_path)?
                    .and_then(|t| history::parse(&t));
                let now = version
                    .as_ref()
                    .and_then(|v| history::status(v).map(String::from));
                if now != status && now.is_some() {
                    details.push(format!(
                        "status: {} → {} ({}, {})",
                        status.as_deref().unwrap_or("none"),
                        now.as_deref().unwrap_or("none"),
                        &commit.date[..10],
                        &commit.id[..10]
                    ));
                    status = now;
                }
            }
        }
        rows.push(Row {
            change: label,
            kind,
            id,
            details,
        });
    }
    match args.format {
        ChangesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        ChangesFormat::Md => {
            writeln!(
                out,
                "| change | kind | id | details |\n| --- | --- | --- | --- |"
            )?;
            for row in &rows {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    row.change,
                    row.kind,
                    row.id,
                    row.details.join("; ").replace('|', "\\|")
                )?;
            }
        }
        ChangesFormat::Table => {
            let table = rows.iter().map(|r| {
                vec![
                    r.change.to_string(),
                    r.kind.clone(),
                    r.id.clone(),
                    r.details.join("\n"),
                ]
            });
            write_table(
                &["change", "kind", "id", "details"],
                table,
                table_width(),
                out,
            )?;
            writeln!(out, "{}", crate::render::plural(rows.len(), "record"))?;
        }
    }
    Ok(Outcome::Clean)
}
