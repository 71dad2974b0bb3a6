//! `iasmn search WORDS`: ranked full text over outcome texts, CRP titles and session summaries,
//! with the matched words highlighted in a short snippet. Field terms filter as in the listings.

use std::borrow::Cow;
use std::io::Write;

use rayon::prelude::*;

use serde_json::json;

use super::{Cli, Outcome, QueryFailed, load_repository, query_text, table_width};
use crate::model::{Entry, Kind, Record, Repository};
use crate::query::ast::Expr;
use crate::query::{self, eval};
use crate::render::records::write_table;

/// Search outcome texts, CRP titles and session summaries, best matches first.
///
/// Every word must occur (as the start of a word); rarer words weigh more. Field terms filter
/// the results as in the listing commands.
///
/// Examples:
///   iasmn search SSIRS launch
///   iasmn search air travel session:19
///   iasmn search "road safety" --limit 5
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SearchArgs {
    /// Words to find, and optional field terms (session:21, topic:srm).
    #[arg(required = true, value_name = "WORDS")]
    pub words: Vec<String>,

    /// Show at most N results.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Output format.
    #[arg(long, value_enum, default_value_t = SearchFormat::Table)]
    pub format: SearchFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchFormat {
    Table,
    Json,
    Ids,
}

/// Kinds searched, and the text searched in each.
const SEARCHED: [Kind; 3] = [Kind::Recommendation, Kind::Crp, Kind::Session];

fn document(entry: &Entry) -> Option<Cow<'_, str>> {
    match &entry.record {
        Record::Recommendation(r) => Some(Cow::Borrowed(&r.text)),
        Record::Crp(c) => Some(Cow::Owned(
            [
                Some(c.number.as_str()),
                c.title.as_deref(),
                c.agenda_item.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" — "),
        )),
        Record::Session(s) => s
            .summary
            .as_deref()
            .or(s.title.as_deref())
            .map(Cow::Borrowed),
        _ => None,
    }
}

/// Lower-cased words of a text, with their byte ranges.
fn words(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    word_ranges(text)
        .map(|range| (text[range.clone()].to_lowercase(), range))
        .collect()
}

/// The byte ranges of the words (runs of letters and digits) of a text.
fn word_ranges(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = None;
    text.char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .filter_map(move |(i, c)| match (c.is_alphanumeric(), start) {
            (true, None) => {
                start = Some(i);
                None
            }
            (false, Some(s)) => {
                start = None;
                Some(s..i)
            }
            _ => None,
        })
}

struct Hit<'r> {
    entry: &'r Entry,
    score: f64,
    snippet: String,
}

pub fn run(
    cli: &Cli,
    args: &SearchArgs,
    color: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let text = query_text(&args.words);
    let repo = load_repository(cli)?;
    let expr = query::parse(&text).map_err(|error| QueryFailed {
        text: text.clone(),
        error,
        color,
    })?;
    let (terms, filter_expr) = split_terms(expr);
    if terms.is_empty() {
        return Err(QueryFailed {
            text: text.clone(),
            error: query::QueryError::new(0..text.len(), "nothing to search for")
                .with_help("give at least one word, e.g. iasmn search SSIRS"),
            color,
        }
        .into());
    }
    // A field term must make sense for at least one searched kind; kinds without it drop out.
    let mut filters = Vec::new();
    let mut first_error = None;
    for kind in SEARCHED {
        match filter_expr
            .as_ref()
            .map(|e| eval::compile(e, kind, repo))
            .transpose()
        {
            Ok(filter) => filters.push((kind, filter)),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    if filters.is_empty() {
        return Err(QueryFailed {
            text,
            error: first_error.unwrap(),
            color,
        }
        .into());
    }
    let repo = &repo;
    let candidates: Vec<(&Entry, Cow<str>)> = filters
        .iter()
        .flat_map(|(kind, filter)| {
            repo.of_kind(*kind)
                .filter(move |e| filter.as_ref().is_none_or(|f| f.matches(e, repo)))
        })
        .filter_map(|e| document(e).map(|d| (e, d)))
        .collect();
    let mut hits = rank(&candidates, &terms, color);
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| date(repo, b.entry).cmp(&date(repo, a.entry)))
    });
    hits.truncate(args.limit);
    match args.format {
        SearchFormat::Ids => hits
            .iter()
            .try_for_each(|h| writeln!(out, "{}", h.entry.id()))?,
        SearchFormat::Json => {
            let results: Vec<_> = hits
                .iter()
                .map(|h| json!({"id": h.entry.id(), "kind": h.entry.kind, "score": (h.score * 1000.0).round() / 1000.0, "snippet": h.snippet}))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &results)?;
            writeln!(out)?;
        }
        SearchFormat::Table => {
            let rows = hits.iter().map(|h| {
                vec![
                    h.entry.id().to_string(),
                    h.entry.kind.name().to_string(),
                    h.snippet.clone(),
                ]
            });
            write_table(&["id", "kind", "match"], rows, table_width(), out)?;
            writeln!(out, "{}", crate::render::plural(hits.len(), "result"))?;
        }
    }
    Ok(Outcome::Clean)
}

fn date(repo: &Repository, entry: &Entry) -> String {
    crate::query::fields::session_date(entry, repo)
}

/// Top-level free-text terms are searched for; everything else filters.
fn split_terms(expr: Option<Expr>) -> (Vec<String>, Option<Expr>) {
    let items = match expr {
        None => return (Vec::new(), None),
        Some(Expr::And(items)) => items,
        Some(other) => vec![other],
    };
    let mut terms = Vec::new();
    let mut rest = Vec::new();
    for item in items {
        match item {
            Expr::Text { text, .. } => terms.extend(words(&text).into_iter().map(|(w, _)| w)),
            other => rest.push(other),
        }
    }
    let filter = match rest.len() {
        0 => None,
        1 => rest.pop(),
        _ => Some(Expr::And(rest)),
    };
    (terms, filter)
}

/// Scores documents that contain every term (as a word prefix): the sum over terms of
/// sqrt(occurrences) × idf, idf = ln(1 + N / documents containing the term). Each document is
/// scanned once, in parallel, keeping only where the terms occur (not its words: at 100k
/// records that would be millions of small strings).
fn rank<'r>(
    candidates: &[(&'r Entry, Cow<'r, str>)],
    terms: &[String],
    color: bool,
) -> Vec<Hit<'r>> {
    let found: Vec<Vec<Vec<std::ops::Range<usize>>>> = candidates
        .par_iter()
        .map(|(_, doc)| occurrences(doc, terms))
        .collect();
    let total = candidates.len().max(1) as f64;
    let idf: Vec<f64> = (0..terms.len())
        .map(|t| {
            let df = found
                .iter()
                .filter(|per_term| !per_term[t].is_empty())
                .count();
            (1.0 + total / (df.max(1) as f64)).ln()
        })
        .collect();
    let mut hits = Vec::new();
    for ((entry, doc), per_term) in candidates.iter().zip(found) {
        if per_term.iter().any(Vec::is_empty) {
            continue;
        }
        let score = per_term
            .iter()
            .zip(&idf)
            .map(|(occurrences, weight)| (occurrences.len() as f64).sqrt() * weight)
            .sum();
        let mut matched: Vec<_> = per_term.into_iter().flatten().collect();
        matched.sort_by_key(|r| r.start);
        hits.push(Hit {
            entry,
            score,
            snippet: snippet(doc, &matched, color),
        });
    }
    hits
}

/// For each (lower-case) term, the byte ranges of the words of `text` that start with it.
fn occurrences(text: &str, terms: &[String]) -> Vec<Vec<std::ops::Range<usize>>> {
    let mut found = vec![Vec::new(); terms.len()];
    for range in word_ranges(text) {
        let word = &text[range.clone()];
        for (term, ranges) in terms.iter().zip(&mut found) {
            if starts_with_lowercase(word, term) {
                ranges.push(range.clone());
            }
        }
    }
    found
}

/// Whether `word`, lower-cased, starts with `prefix` (already lower-case), without allocating.
fn starts_with_lowercase(word: &str, prefix: &str) -> bool {
    let mut lowered = word.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lowered.next() == Some(p))
}

/// About 160 characters around the first match, matches highlighted (bold on a terminal,
/// `**word**` otherwise).
fn snippet(doc: &str, matched: &[std::ops::Range<usize>], color: bool) -> String {
    let first = matched.first().map_or(0, |r| r.start);
    let mut start = first.saturating_sub(60);
    while !doc.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        start = doc[start..first].find(' ').map_or(start, |i| start + i + 1);
    }
    let mut end = (first + 120).min(doc.len());
    while !doc.is_char_boundary(end) {
        end += 1;
    }
    if end < doc.len() {
        end = doc[first..end].rfind(' ').map_or(end, |i| first + i);
    }
    let (open, close) = if color {
        ("\u{1b}[1m", "\u{1b}[0m")
    } else {
        ("**", "**")
    };
    let mut text = String::new();
    let mut cursor = start;
    for range in matched.iter().filter(|r| r.start >= start && r.end <= end) {
        if range.start < cursor {
            continue;
        }
        text.push_str(&doc[cursor..range.start]);
        text.push_str(open);
        text.push_str(&doc[range.clone()]);
        text.push_str(close);
        cursor = range.end;
    }
    text.push_str(&doc[cursor..end]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!(
        "{}{text}{}",
        if start > 0 { "…" } else { "" },
        if end < doc.len() { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_highlights_matches_near_the_first() {
        let doc =
            "The IASMN endorsed the launch of SSIRS and requested a report on the SSIRS launch.";
        let ws = words(doc);
        let matched: Vec<_> = ws
            .iter()
            .filter(|(w, _)| w.starts_with("ssirs"))
            .map(|(_, r)| r.clone())
            .collect();
        assert_eq!(
            snippet(doc, &matched, false),
            "The IASMN endorsed the launch of **SSIRS** and requested a report on the **SSIRS** launch."
        );
    }
}
