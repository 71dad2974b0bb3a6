//! `iasmn log ID`: the commits that touched a record and what each changed in its fields.

use std::io::Write;

use serde_json::json;

use super::show::normalize_id;
use super::{Cli, Outcome, UserError, repo_root};
use crate::git::Git;
use crate::history;

/// Show every commit that touched a record, and what it changed.
///
/// Newest first: date, author, subject, and what changed in the record's fields (status: open →
/// in-progress; due moved; text edited). Follows the file across renames; finds records that
/// have since been removed.
///
/// Examples:
///   iasmn log 19-24b
///   iasmn log 39 149 c --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// The record's id (spaces and punctuation are ignored).
    #[arg(required = true, value_name = "ID")]
    pub id: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = LogFormat::Human)]
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// What one commit did to the record.
struct Step {
    commit: crate::git::Commit,
    path: String,
    what: Vec<String>,
}

pub fn run(cli: &Cli, args: &LogArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let root = repo_root(cli)?;
    let git = Git::open(&root)?;
    let wanted = normalize_id(&args.id.join(" "));
    let stem_matches = |path: &str| {
        std::path::Path::new(path)
            .file_stem()
            .is_some_and(|s| normalize_id(&s.to_string_lossy()) == wanted)
    };
    // The record's current file, else the last file it had in the history.
    let mut candidates: Vec<String> =
        crate::load::discover(&crate::load::Source::WorkTree(root.clone()), false)?
            .into_iter()
            .filter(|c| c.kind.is_some())
            .map(|c| crate::render::display_path(&c.path))
            .filter(|p| stem_matches(p))
            .collect();
    if candidates.is_empty() {
        candidates = git
            .paths_in_history()?
            .into_iter()
            .filter(|p| stem_matches(p))
            .collect();
    }
    let Some(path) = candidates.first() else {
        return Err(UserError(format!(
            "no record `{}` in the working tree or the history",
            args.id.join(" ")
        ))
        .into());
    };
    let mut log = git.file_log(path)?;
    // `git log --follow` guesses renames by similarity and can take a new record for a copy of
    // an older one; a rename is real only if the old file is gone in the renaming commit.
    if let Some(cut) = (1..log.len()).find(|&i| {
        let (newer, newer_file) = &log[i - 1];
        let older_file = &log[i].1;
        older_file != newer_file
            && git
                .file_at(&newer.id, older_file)
                .is_ok_and(|f| f.is_some())
    }) {
        log.truncate(cut);
    }
    let mut steps = Vec::new();
    for (i, (commit, file)) in log.iter().enumerate() {
        let after = git
            .file_at(&commit.id, file)?
            .and_then(|t| history::parse(&t));
        let previous = log.get(i + 1);
        let before = match previous {
            Some((older, older_file)) => git
                .file_at(&older.id, older_file)?
                .and_then(|t| history::parse(&t)),
            None => None,
        };
        let mut what = Vec::new();
        if let Some((_, older_file)) = previous
            && older_file != file
        {
            what.push(format!("renamed from {older_file}"));
        }
        match (&before, &after) {
            (None, Some(_)) if previous.is_none() || what.is_empty() => what.push("added".into()),
            (_, None) => what.push("removed".into()),
            (Some(before), Some(after)) => {
                what.extend(history::diff(before, after).iter().map(history::describe))
            }
            _ => {}
        }
        steps.push(Step {
            commit: commit.clone(),
            path: file.clone(),
            what,
        });
    }
    match args.format {
        LogFormat::Json => {
            let items: Vec<_> = steps
                .iter()
                .map(|s| json!({"commit": s.commit, "path": s.path, "changes": s.what}))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)?;
        }
        LogFormat::Human => {
            for step in &steps {
                let c = &step.commit;
                writeln!(
                    out,
                    "{} {} {}  {}",
                    &c.id[..c.id.len().min(10)],
                    &c.date[..c.date.len().min(10)],
                    c.author,
                    c.subject
                )?;
                for line in &step.what {
                    writeln!(out, "    {line}")?;
                }
            }
        }
    }
    Ok(Outcome::Clean)
}
