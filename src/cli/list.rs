//! The listing commands: `recs`, `decisions`, `sessions`, `crps`, `wgs`. Each filters one kind
//! of record with a query and prints a table, JSON, CSV, Markdown, ids, a count or counts per
//! value of a field.

use std::io::Write;

use anyhow::bail;

use super::{Cli, Outcome, QueryFailed, load_repository, query_text, table_width};
use crate::model::repo::natural_key;
use crate::model::{Entry, Kind, Record, Repository};
use crate::query::{self, eval, fields};
use crate::render::records::{ListFormat, write_counts, write_records};

/// Options shared by every listing command.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Query terms: field:value, comparisons (session>=35), -negation, or, (parentheses), "free text".
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Sort by a field; prefix with - for descending (--sort=-due).
    #[arg(long, value_name = "FIELD", allow_hyphen_values = true)]
    pub sort: Option<String>,

    /// Show at most N records.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Print only the number of matching records.
    #[arg(long, conflicts_with = "by")]
    pub count: bool,

    /// Count matching records per value of a field (e.g. --by status).
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Which records a listing command shows.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// Actionable outcomes only.
    Recommendations,
    /// Every outcome.
    Decisions,
    Sessions,
    Crps,
    WorkingGroups,
}

impl Listing {
    fn kind(self) -> Kind {
        match self {
            Listing::Recommendations | Listing::Decisions => Kind::Recommendation,
            Listing::Sessions => Kind::Session,
            Listing::Crps => Kind::Crp,
            Listing::WorkingGroups => Kind::WorkingGroup,
        }
    }
}

pub fn run(
    cli: &Cli,
    listing: Listing,
    args: &ListArgs,
    color: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let kind = listing.kind();
    let text = query_text(&args.query);
    let repo = load_repository(cli)?;
    let filter = match query::parse(&text)
        .and_then(|expr| expr.map(|e| eval::compile(&e, kind, repo)).transpose())
    {
        Ok(filter) => filter,
        Err(error) => return Err(QueryFailed { text, error, color }.into()),
    };
    let mut selected: Vec<&Entry> = crate::trace::phase("query", || {
        repo.of_kind(kind)
            .filter(|e| {
                !matches!(listing, Listing::Recommendations)
                    || matches!(&e.record, Record::Recommendation(r) if r.actionable)
            })
            .filter(|e| filter.as_ref().is_none_or(|f| f.matches(e, repo)))
            .collect()
    });
    sort(&mut selected, kind, args.sort.as_deref(), repo)?;
    if let Some(limit) = args.limit {
        selected.truncate(limit);
    }
    if args.count {
        writeln!(out, "{}", selected.len())?;
    } else if let Some(field) = &args.by {
        let Some(definition) = fields::find(kind, field) else {
            bail!(unknown_field(kind, field))
        };
        let mut counts: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        for entry in &selected {
            let values = fields::values(entry, repo, definition.name);
            if values.is_empty() {
                *counts.entry(String::new()).or_default() += 1;
            }
            for value in values {
                *counts.entry(value).or_default() += 1;
            }
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| natural_key(&a.0).cmp(&natural_key(&b.0)))
        });
        write_counts(definition.name, &counts, args.format, table_width(), out)?;
    } else {
        write_records(kind, &selected, repo, args.format, table_width(), out)?;
    }
    Ok(Outcome::Clean)
}

fn unknown_field(kind: Kind, field: &str) -> String {
    let names: Vec<String> = fields::fields_of(kind)
        .iter()
        .map(|f| f.name.to_string())
        .collect();
    match crate::check::schema::closest(field, &names) {
        Some(best) => format!("unknown field `{field}`; did you mean `{best}`?"),
        None => format!("unknown field `{field}`; fields here: {}", names.join(", ")),
    }
}

/// Default order: by session date, then natural id order; `--sort` picks a field.
fn sort(
    entries: &mut [&Entry],
    kind: Kind,
    by: Option<&str>,
    repo: &Repository,
) -> anyhow::Result<()> {
    let session_date = |e: &Entry| fields::session_date(e, repo);
    let Some(by) = by else {
        entries.sort_by_cached_key(|e| (session_date(e), natural_key(e.id())));
        return Ok(());
    };
    let (name, descending) = match by.strip_prefix('-') {
        Some(name) => (name, true),
        None => (by, false),
    };
    let Some(field) = fields::find(kind, name) else {
        bail!(unknown_field(kind, name))
    };
    let key = |e: &Entry| {
        let value = if field.field_type == fields::FieldType::Session {
            Some(session_date(e))
        } else {
            fields::values(e, repo, field.name).into_iter().next()
        };
        (
            value.map(|v| natural_key(&v.to_lowercase())),
            natural_key(e.id()),
        )
    };
    let mut keyed: Vec<_> = entries.iter().map(|e| (key(e), *e)).collect();
    keyed.sort_by(|((a, a_id), _), ((b, b_id), _)| {
        // Records without a value come last in either direction; ties keep id order.
        let by_value = match (a, b) {
            (Some(a), Some(b)) if descending => b.cmp(a),
            (Some(a), Some(b)) => a.cmp(b),
            (a, b) => a.is_none().cmp(&b.is_none()),
        };
        by_value.then_with(|| a_id.cmp(b_id))
    });
    for (slot, (_, entry)) in entries.iter_mut().zip(keyed) {
        *slot = entry;
    }
    Ok(())
}
