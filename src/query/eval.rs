//! Resolving a parsed query against the fields and registries of one kind of record, and
//! testing records with it.

use std::collections::BTreeSet;

use super::QueryError;
use super::ast::{Expr, Op};
use super::fields::{self, Field, FieldType};
use crate::check::schema::closest;
use crate::model::{Entry, Kind, Repository};

/// A query resolved for one kind of record: names are ids, dates are bounds.
#[derive(Debug, Clone)]
pub enum Filter {
    All(Vec<Filter>),
    Any(Vec<Filter>),
    Not(Box<Filter>),
    /// Lower-cased words that must all appear in the record's text.
    Text(String),
    Field {
        field: &'static Field,
        test: Test,
    },
}

#[derive(Debug, Clone)]
pub enum Test {
    /// Some value contains the text (lower-cased).
    Contains(String),
    /// Some value equals the text (lower-cased).
    Equals(String),
    /// Some value is in the set (ids).
    OneOf(BTreeSet<String>),
    /// Some value compares so with the bound.
    Compare(Op, Bound),
    /// Some value lies in the range `from..to` (either end may be open; both ends included).
    Range(Option<Bound>, Option<Bound>),
}

#[derive(Debug, Clone)]
pub enum Bound {
    Number(f64),
    /// A date prefix: `2015`, `2015-02`, `2015-02-05`.
    Date(String),
}

const OWNER_KEYWORDS: [&str; 4] = [
    "members",
    "secretariat",
    "designated-officials",
    "security-management-teams",
];

/// Resolves `expr` for records of `kind`.
pub fn compile(expr: &Expr, kind: Kind, repo: &Repository) -> Result<Filter, QueryError> {
    Ok(match expr {
        Expr::And(items) => Filter::All(
            items
                .iter()
                .map(|e| compile(e, kind, repo))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Or(items) => Filter::Any(
            items
                .iter()
                .map(|e| compile(e, kind, repo))
                .collect::<Result<_, _>>()?,
        ),
        Expr::Not(inner) => Filter::Not(Box::new(compile(inner, kind, repo)?)),
        Expr::Text { text, .. } => Filter::Text(text.to_lowercase()),
        Expr::Field {
            field,
            field_span,
            op,
            value,
            value_span,
        } => {
            let Some(definition) = fields::find(kind, field) else {
                let names: Vec<String> = fields::fields_of(kind)
                    .iter()
                    .map(|f| f.name.to_string())
                    .collect();
                let help = match closest(field, &names) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("fields here: {} (see `iasmn fields`)", names.join(", ")),
                };
                return Err(QueryError::new(
                    field_span.clone(),
                    format!("unknown field `{field}`"),
                )
                .with_help(help));
            };
            let test = resolve_value(definition, *op, value, repo).map_err(|e| QueryError {
                span: if e.span.is_empty() {
                    value_span.clone()
                } else {
                    e.span
                },
                ..e
            })?;
            let filter = Filter::Field {
                field: definition,
                test,
            };
            if *op == Op::NotEq {
                Filter::Not(Box::new(filter))
            } else {
                filter
            }
        }
    })
}

/// Resolves the value of a `field op value` term. Errors carry an empty span: the caller
/// points them at the value.
fn resolve_value(
    field: &'static Field,
    op: Op,
    value: &str,
    repo: &Repository,
) -> Result<Test, QueryError> {
    let error = |message: String| QueryError::new(0..0, message);
    let ordered = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
    if let (Op::Matches, Some((from, to))) = (op, value.split_once(".."))
        && matches!(
            field.field_type,
            FieldType::Date | FieldType::Number | FieldType::Session
        )
    {
        // `date:2013..2015`, `session:35..`, `year:..2015`: a range, both ends included,
        // and free of the shell's `<` and `>`.
        let end = |text: &str, end_op: Op| -> Result<Option<Bound>, QueryError> {
            if text.is_empty() {
                return Ok(None);
            }
            match resolve_value(field, end_op, text, repo)? {
                Test::Compare(_, bound) => Ok(Some(bound)),
                _ => Ok(None),
            }
        };
        if from.is_empty() && to.is_empty() {
            return Err(
                error("a range needs at least one end".into()).with_help(format!(
                    "e.g. {}:2013.. or {}:2013..2015",
                    field.name, field.name
                )),
            );
        }
        return Ok(Test::Range(end(from, Op::Ge)?, end(to, Op::Le)?));
    }
    match field.field_type {
        FieldType::Text => match op {
            Op::Matches => Ok(Test::Contains(value.to_lowercase())),
            Op::Eq | Op::NotEq => Ok(Test::Equals(value.to_lowercase())),
            _ => Err(not_ordered(field, op)),
        },
        FieldType::Id => {
            if ordered {
                return Err(not_ordered(field, op));
            }
            Ok(Test::Equals(value.to_lowercase()))
        }
        FieldType::Enum(allowed) => {
            if ordered {
                return Err(not_ordered(field, op));
            }
            let normalized = value.to_lowercase().replace([' ', '_'], "-");
            let normalized = if normalized == "noted" || normalized == "took-note-of" {
                "took-note".to_string()
            } else {
                normalized
            };
            if allowed.contains(&normalized.as_str()) {
                Ok(Test::OneOf(BTreeSet::from([normalized])))
            } else {
                let names: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
                let help = match closest(&normalized, &names) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("one of: {}", allowed.join(", ")),
                };
                Err(error(format!("`{value}` is not a value of `{}`", field.name)).with_help(help))
            }
        }
        FieldType::Bool => match value.to_lowercase().as_str() {
            "yes" | "true" | "y" | "1" => Ok(Test::OneOf(BTreeSet::from(["true".to_string()]))),
            "no" | "false" | "n" | "0" => Ok(Test::OneOf(BTreeSet::from(["false".to_string()]))),
            _ => {
                Err(error(format!("`{}` takes yes or no", field.name))
                    .with_help("e.g. actionable:yes"))
            }
        },
        FieldType::Number => {
            let number: f64 = value
                .parse()
                .map_err(|_| error(format!("`{}` takes a number", field.name)))?;
            Ok(Test::Compare(
                if op == Op::Matches || op == Op::NotEq {
                    Op::Eq
                } else {
                    op
                },
                Bound::Number(number),
            ))
        }
        FieldType::Date => {
            if !is_date_prefix(value) {
                return Err(error(format!("`{value}` is not a date"))
                    .with_help("write 2015, 2015-02 or 2015-02-05"));
            }
            Ok(Test::Compare(
                if op == Op::Matches || op == Op::NotEq {
                    Op::Eq
                } else {
                    op
                },
                Bound::Date(value.to_string()),
            ))
        }
        FieldType::Session => {
            let session = resolve_session(value, repo)?;
            if ordered {
                let start = repo
                    .session(&session)
                    .and_then(|s| s.start.clone())
                    .ok_or_else(|| {
                        error(format!(
                            "session `{value}` has no recorded date to compare with"
                        ))
                    })?;
                Ok(Test::Compare(op, Bound::Date(start)))
            } else {
                Ok(Test::OneOf(BTreeSet::from([session])))
            }
        }
        FieldType::Registry(kind) => {
            if ordered {
                return Err(not_ordered(field, op));
            }
            let (name, with_subgroups) = match value.strip_suffix('+') {
                Some(name) => (name, true),
                None => (value, false),
            };
            let ids = resolve_registry(kind, name, repo)?;
            Ok(Test::OneOf(expand(kind, &ids, with_subgroups, repo)))
        }
        FieldType::Owner => {
            if ordered {
                return Err(not_ordered(field, op));
            }
            let lower = value.to_lowercase();
            if OWNER_KEYWORDS.contains(&lower.as_str()) {
                return Ok(Test::OneOf(BTreeSet::from([lower])));
            }
            let (name, with_subgroups) = match value.strip_suffix('+') {
                Some(name) => (name, true),
                None => (value, false),
            };
            let orgs = repo
                .lookup_name(Kind::Organization, name)
                .cloned()
                .unwrap_or_default();
            let wgs = repo
                .lookup_name(Kind::WorkingGroup, name)
                .cloned()
                .unwrap_or_default();
            if orgs.is_empty() && wgs.is_empty() {
                let mut names = repo.all_names(Kind::Organization);
                names.extend(repo.all_names(Kind::WorkingGroup));
                names.extend(OWNER_KEYWORDS.iter().map(|s| s.to_string()));
                return Err(unknown_name("owner", value, &names));
            }
            let mut set: BTreeSet<String> = expand(Kind::Organization, &orgs, true, repo)
                .into_iter()
                .map(|id| format!("org:{id}"))
                .collect();
            set.extend(
                expand(Kind::WorkingGroup, &wgs, with_subgroups, repo)
                    .into_iter()
                    .map(|id| format!("wg:{id}")),
            );
            Ok(Test::OneOf(set))
        }
    }
}

fn not_ordered(field: &Field, op: Op) -> QueryError {
    QueryError::new(
        0..0,
        format!("`{}` cannot be compared with `{}`", field.name, op.as_str()),
    )
    .with_help(format!("use {}:<value>", field.name))
}

fn unknown_name(what: &str, value: &str, names: &[String]) -> QueryError {
    let help = match closest(&value.to_lowercase(), names) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("see `iasmn {what}s` for the names it knows"),
    };
    QueryError::new(0..0, format!("no {what} is called `{value}`")).with_help(help)
}

fn resolve_session(value: &str, repo: &Repository) -> Result<String, QueryError> {
    let lower = value.to_lowercase();
    if repo.session(&lower).is_some() {
        return Ok(lower);
    }
    let by_number = repo.of_kind(Kind::Session).find(|e| match &e.record {
        crate::model::Record::Session(s) => s
            .number
            .is_some_and(|n| n.to_string() == lower.trim_end_matches(char::is_alphabetic)),
        _ => false,
    });
    match by_number {
        Some(entry) => Ok(entry.id().to_string()),
        None => {
            let ids: Vec<String> = repo
                .of_kind(Kind::Session)
                .map(|e| e.id().to_string())
                .collect();
            Err(unknown_name("session", value, &ids))
        }
    }
}

fn resolve_registry(
    kind: Kind,
    name: &str,
    repo: &Repository,
) -> Result<BTreeSet<String>, QueryError> {
    match repo.lookup_name(kind, name) {
        Some(ids) => Ok(ids.clone()),
        None => {
            let what = match kind {
                Kind::WorkingGroup => "working group",
                Kind::Organization => "organization",
                Kind::Topic => "topic",
                Kind::Priority => "priority",
                _ => kind.name(),
            };
            Err(unknown_name(what, name, &repo.all_names(kind)).with_help(
                match closest(&name.to_lowercase(), &repo.all_names(kind)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("`iasmn {}` lists the names it knows", kind.folder()),
                },
            ))
        }
    }
}

/// Registry matching: a working group with every name in its lineage (plus sub-groups if
/// asked), a topic with its narrower topics, an organization with its units.
fn expand(
    kind: Kind,
    ids: &BTreeSet<String>,
    with_subgroups: bool,
    repo: &Repository,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for id in ids {
        match kind {
            Kind::WorkingGroup => {
                for member in repo.wg_lineage(id) {
                    if with_subgroups {
                        out.extend(repo.descendants(kind, &member));
                    } else {
                        out.insert(member);
                    }
                }
            }
            Kind::Topic | Kind::Organization => out.extend(repo.descendants(kind, id)),
            _ => {
                out.insert(id.clone());
            }
        }
    }
    out
}

fn is_date_prefix(value: &str) -> bool {
    let b = value.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

impl Filter {
    /// Whether a record passes.
    pub fn matches(&self, entry: &Entry, repo: &Repository) -> bool {
        match self {
            Filter::All(items) => items.iter().all(|f| f.matches(entry, repo)),
            Filter::Any(items) => items.iter().any(|f| f.matches(entry, repo)),
            Filter::Not(inner) => !inner.matches(entry, repo),
            Filter::Text(words) => {
                let haystack = fields::free_text(entry).to_lowercase();
                words.split_whitespace().all(|w| haystack.contains(w))
            }
            Filter::Field { field, test } => {
                let values = fields::values(entry, repo, field.name);
                values.iter().any(|value| test.accepts(field, value, repo))
            }
        }
    }
}

impl Test {
    fn accepts(&self, field: &Field, value: &str, repo: &Repository) -> bool {
        match self {
            Test::Contains(needle) => value.to_lowercase().contains(needle),
            Test::Equals(needle) => value.to_lowercase() == *needle,
            Test::OneOf(set) => set.contains(value),
            Test::Compare(op, bound) => compare_bound(field, *op, value, bound, repo),
            Test::Range(from, to) => {
                from.as_ref()
                    .is_none_or(|b| compare_bound(field, Op::Ge, value, b, repo))
                    && to
                        .as_ref()
                        .is_none_or(|b| compare_bound(field, Op::Le, value, b, repo))
            }
        }
    }
}

fn compare_bound(field: &Field, op: Op, value: &str, bound: &Bound, repo: &Repository) -> bool {
    match bound {
        Bound::Number(bound) => value
            .parse::<f64>()
            .is_ok_and(|v| compare(op, v.partial_cmp(bound))),
        Bound::Date(bound) => {
            let value = if field.field_type == FieldType::Session {
                match repo.session(value).and_then(|s| s.start.clone()) {
                    Some(start) => start,
                    None => return false,
                }
            } else {
                value.to_string()
            };
            compare_date(op, &value, bound)
        }
    }
}

fn compare(op: Op, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    match (op, ordering) {
        (_, None) => false,
        (Op::Eq | Op::Matches, Some(o)) => o == Equal,
        (Op::NotEq, Some(o)) => o != Equal,
        (Op::Lt, Some(o)) => o == Less,
        (Op::Le, Some(o)) => o != Greater,
        (Op::Gt, Some(o)) => o == Greater,
        (Op::Ge, Some(o)) => o != Less,
    }
}

/// Compares a full date with a prefix bound: `2015-02-05 <= 2015` holds, `2015-02-05 < 2015`
/// does not, `2015-02-05 = 2015` holds.
fn compare_date(op: Op, value: &str, bound: &str) -> bool {
    let head = &value[..bound.len().min(value.len())];
    compare(op, Some(head.cmp(bound)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, Record};
    use serde_json::{Value, json};

    fn entry(kind: Kind, value: Value) -> Entry {
        let record = Record::from_json(kind, &value).expect("valid test record");
        Entry {
            kind,
            record,
            json: crate::model::LazyJson::ready(value),
            path: "test".into(),
        }
    }

    fn outcome(id: &str, session: &str, extra: Value) -> Entry {
        let (para, item) = id
            .split_once('-')
            .unwrap()
            .1
            .split_at(id.split_once('-').unwrap().1.len() - 1);
        let mut value = json!({"id": id, "session": session, "paragraph": para, "item": item, "verb": "requested",
            "text": format!("Text of {id}"), "actionable": true, "owners": [], "status": "open",
            "history": [], "source": {"report": session, "paragraph": para}});
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        entry(Kind::Recommendation, value)
    }

    /// A small repository: a renamed working group with a sub-group, a topic with a narrower
    /// one, an organization with a unit, two sessions and a few outcomes.
    fn repo() -> Repository {
        let cite = json!([{"report": "1", "paragraph": "1"}]);
        Repository::new(vec![
            entry(
                Kind::Session,
                json!({"id": "1", "number": 1, "kind": "regular", "start": "2013-09-10", "end": "2013-09-13", "report": {"status": "final"}, "source": {"report": "1", "paragraph": "1"}}),
            ),
            entry(
                Kind::Session,
                json!({"id": "2", "number": 2, "kind": "regular", "start": "2015-02-03", "end": "2015-02-05", "report": {"status": "final"}, "source": {"report": "2", "paragraph": "1"}}),
            ),
            entry(
                Kind::WorkingGroup,
                json!({"id": "old-wg", "name": "SRM Improvement Working Group", "successor": "new-wg", "sources": cite}),
            ),
            entry(
                Kind::WorkingGroup,
                json!({"id": "new-wg", "name": "SRM Implementation Working Group", "acronyms": ["SRMIWG"], "predecessor": "old-wg", "sources": cite}),
            ),
            entry(
                Kind::WorkingGroup,
                json!({"id": "sub-wg", "name": "SRM sub-group", "parent": "new-wg", "sources": cite}),
            ),
            entry(
                Kind::Topic,
                json!({"id": "srm", "label": "Security risk management", "aliases": ["SRM"]}),
            ),
            entry(
                Kind::Topic,
                json!({"id": "ad-hoc-srm", "label": "Ad hoc SRM", "broader": "srm"}),
            ),
            entry(
                Kind::Organization,
                json!({"id": "undss", "acronym": "UNDSS", "name": "Department of Safety and Security", "aliases": ["DSS"], "kind": "member", "sources": cite}),
            ),
            entry(
                Kind::Organization,
                json!({"id": "tds", "acronym": "TDS", "kind": "other", "parent": "undss", "sources": cite}),
            ),
            outcome(
                "1-1a",
                "1",
                json!({"working_groups": ["old-wg"], "topics": ["srm"], "owners": ["org:undss"], "due": {"text": "by April", "date": "2014-04-01"}}),
            ),
            outcome(
                "2-5a",
                "2",
                json!({"working_groups": ["sub-wg"], "topics": ["ad-hoc-srm"], "owners": ["org:tds"]}),
            ),
            outcome(
                "2-6a",
                "2",
                json!({"owners": ["wg:new-wg", "members"], "status": "implemented", "verb": "took-note"}),
            ),
        ])
    }

    fn ids(query: &str) -> Vec<String> {
        let repo = repo();
        let expr = super::super::parse(query).unwrap().unwrap();
        let filter = compile(&expr, Kind::Recommendation, &repo).unwrap();
        repo.of_kind(Kind::Recommendation)
            .filter(|e| filter.matches(e, &repo))
            .map(|e| e.id().to_string())
            .collect()
    }

    fn error(query: &str) -> (std::ops::Range<usize>, String, Option<String>) {
        let repo = repo();
        let expr = super::super::parse(query).unwrap().unwrap();
        let e = compile(&expr, Kind::Recommendation, &repo).unwrap_err();
        (e.span, e.message, e.help)
    }

    #[test]
    fn working_groups_match_under_every_name_and_optionally_sub_groups() {
        assert_eq!(ids("wg:SRMIWG"), ["1-1a", "2-6a"]);
        assert_eq!(
            ids("wg:\"SRM Improvement Working Group\""),
            ["1-1a", "2-6a"]
        );
        assert_eq!(ids("wg:srmiwg+"), ["1-1a", "2-5a", "2-6a"]);
        assert_eq!(ids("wg:sub-wg"), ["2-5a"]);
    }

    #[test]
    fn topics_include_narrower_topics_and_organizations_their_units() {
        assert_eq!(ids("topic:SRM"), ["1-1a", "2-5a"]);
        assert_eq!(ids("topic:ad-hoc-srm"), ["2-5a"]);
        assert_eq!(ids("owner:DSS"), ["1-1a", "2-5a"]);
        assert_eq!(ids("owner:tds"), ["2-5a"]);
        assert_eq!(ids("owner:SRMIWG"), ["2-6a"]);
        assert_eq!(ids("owner:members"), ["2-6a"]);
    }

    #[test]
    fn enum_values_are_normalized() {
        assert_eq!(ids("verb:\"took note\""), ["2-6a"]);
        assert_eq!(ids("verb:noted"), ["2-6a"]);
        assert_eq!(ids("status:IMPLEMENTED"), ["2-6a"]);
        assert_eq!(ids("status!=implemented"), ["1-1a", "2-5a"]);
    }

    #[test]
    fn comparisons_and_ranges_on_sessions_dates_and_numbers() {
        assert_eq!(ids("session>=2"), ["2-5a", "2-6a"]);
        assert_eq!(ids("session<2"), ["1-1a"]);
        assert_eq!(ids("session:1.."), ["1-1a", "2-5a", "2-6a"]);
        assert_eq!(ids("year:2014..2015"), ["2-5a", "2-6a"]);
        assert_eq!(ids("due<2015"), ["1-1a"]);
        assert_eq!(ids("due:2014-04"), ["1-1a"]);
        assert_eq!(ids("paragraph>5"), ["2-6a"]);
        assert_eq!(ids("date<=2013"), ["1-1a"]);
    }

    #[test]
    fn negation_and_or_combine_with_registry_terms() {
        assert_eq!(ids("-topic:srm"), ["2-6a"]);
        assert_eq!(ids("topic:ad-hoc-srm or owner:members"), ["2-5a", "2-6a"]);
        assert_eq!(ids("not (session:1 or status:implemented)"), ["2-5a"]);
        assert_eq!(ids("\"text of 2\" -status:implemented"), ["2-5a"]);
    }

    #[test]
    fn every_resolution_error_is_located_and_helps() {
        let cases: [(&str, std::ops::Range<usize>, &str, &str); 11] = [
            (
                "tpoic:srm",
                0..5,
                "unknown field `tpoic`",
                "did you mean `topic`?",
            ),
            (
                "colour:red",
                0..6,
                "unknown field `colour`",
                "fields here: id, session",
            ),
            (
                "status:opne",
                7..11,
                "`opne` is not a value of `status`",
                "did you mean `open`?",
            ),
            (
                "actionable:maybe",
                11..16,
                "`actionable` takes yes or no",
                "e.g. actionable:yes",
            ),
            ("paragraph:x", 10..11, "`paragraph` takes a number", ""),
            (
                "due:soon",
                4..8,
                "`soon` is not a date",
                "write 2015, 2015-02 or 2015-02-05",
            ),
            ("session:99", 8..10, "no session is called `99`", ""),
            (
                "status>open",
                7..11,
                "`status` cannot be compared with `>`",
                "use status:<value>",
            ),
            ("wg:SCLOT", 3..8, "no working group is called `SCLOT`", ""),
            ("owner:nobody", 6..12, "no owner is called `nobody`", ""),
            (
                "due:..",
                4..6,
                "a range needs at least one end",
                "e.g. due:2013.. or due:2013..2015",
            ),
        ];
        for (query, span, message, help) in cases {
            let (got_span, got_message, got_help) = error(query);
            assert_eq!((got_span, got_message.as_str()), (span, message), "{query}");
            assert!(
                got_help.unwrap_or_default().starts_with(help),
                "{query}: help"
            );
        }
    }

    #[test]
    fn dates_compare_at_the_precision_asked() {
        assert!(compare_date(Op::Eq, "2015-02-05", "2015"));
        assert!(compare_date(Op::Le, "2015-02-05", "2015"));
        assert!(!compare_date(Op::Lt, "2015-02-05", "2015"));
        assert!(compare_date(Op::Ge, "2015-02-05", "2015-02"));
        assert!(!compare_date(Op::Gt, "2015-02-05", "2015-02"));
        assert!(compare_date(Op::Gt, "2015-03-01", "2015-02"));
        assert!(compare_date(Op::Lt, "2024-04-17", "2025-01-01"));
        assert!(
            is_date_prefix("2015") && is_date_prefix("2015-02") && is_date_prefix("2015-02-05")
        );
        assert!(!is_date_prefix("15") && !is_date_prefix("2015-2-5") && !is_date_prefix("soon"));
    }
}
