//! The fields each kind of record can be queried by, what values they take, and how a record's
//! values for a field are read. `iasmn fields` prints this table.

use crate::model::record::Record;
use crate::model::{Entry, Kind, Repository};

/// How a field's values are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Free text: `:` contains, `=` equals (case-insensitive).
    Text,
    /// One of fixed values.
    Enum(&'static [&'static str]),
    /// A session, by id or number; `<`/`>` compare session dates.
    Session,
    /// An ISO date; `2015`, `2015-02` and `2015-02-05` all work.
    Date,
    Number,
    Bool,
    /// A registry entry by id, acronym, name or alias.
    Registry(Kind),
    /// An outcome's owner: organization (with its units), working group (with its renames), or
    /// `members`, `secretariat`, `designated-officials`, `security-management-teams`.
    Owner,
    /// A record id of this kind.
    Id,
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub field_type: FieldType,
    pub help: &'static str,
}

pub const STATUSES: &[&str] = &[
    "open",
    "in-progress",
    "implemented",
    "closed",
    "superseded",
    "unknown",
];
pub const VERBS: &[&str] = &[
    "took-note",
    "endorsed",
    "approved",
    "adopted",
    "agreed",
    "decided",
    "supported",
    "requested",
    "recommended",
    "called-for",
    "encouraged",
    "welcomed",
    "acknowledged",
    "reaffirmed",
    "urged",
    "invited",
    "expressed-appreciation",
    "did-not-endorse",
    "declined",
    "deferred",
];

const fn field(
    name: &'static str,
    aliases: &'static [&'static str],
    field_type: FieldType,
    help: &'static str,
) -> Field {
    Field {
        name,
        aliases,
        field_type,
        help,
    }
}

/// Fields shared by outcomes, sessions and CRPs.
const SESSION_FIELD: Field = field(
    "session",
    &["s"],
    FieldType::Session,
    "session id or number; session>=35 compares dates",
);
const YEAR_FIELD: Field = field("year", &[], FieldType::Number, "year of the session");

const OUTCOME: &[Field] = &[
    field("id", &[], FieldType::Id, "the outcome's id, e.g. 39-149c"),
    SESSION_FIELD,
    YEAR_FIELD,
    field(
        "date",
        &[],
        FieldType::Date,
        "date of the decision (last day of the session)",
    ),
    field(
        "status",
        &["is"],
        FieldType::Enum(STATUSES),
        "follow-up status (actionable outcomes only)",
    ),
    field(
        "verb",
        &["v"],
        FieldType::Enum(VERBS),
        "what the network did",
    ),
    field(
        "actionable",
        &[],
        FieldType::Bool,
        "yes for recommendations that ask someone to act",
    ),
    field(
        "owner",
        &["to", "of"],
        FieldType::Owner,
        "who must act; an organization includes its units",
    ),
    field(
        "wg",
        &["working-group", "group"],
        FieldType::Registry(Kind::WorkingGroup),
        "working group (listed or owner), under any of its names; wg:X+ adds its sub-groups",
    ),
    field(
        "topic",
        &["t"],
        FieldType::Registry(Kind::Topic),
        "topic, including narrower topics",
    ),
    field(
        "priority",
        &[],
        FieldType::Registry(Kind::Priority),
        "UNSMS strategic priority",
    ),
    field(
        "crp",
        &[],
        FieldType::Id,
        "conference room paper id, e.g. 39-crp3",
    ),
    field(
        "due",
        &[],
        FieldType::Date,
        "deadline date (where one follows from the text)",
    ),
    field(
        "paragraph",
        &["para", "p"],
        FieldType::Number,
        "paragraph number as printed",
    ),
    field("text", &[], FieldType::Text, "the outcome's words"),
    field("agenda", &[], FieldType::Text, "agenda item"),
];

const SESSION: &[Field] = &[
    field("id", &[], FieldType::Id, "session id, e.g. 39 or turin2007"),
    SESSION_FIELD,
    field("number", &[], FieldType::Number, "session number"),
    field("year", &[], FieldType::Number, "year the session met"),
    field("date", &["start"], FieldType::Date, "first day"),
    field("end", &[], FieldType::Date, "last day"),
    field(
        "kind",
        &[],
        FieldType::Enum(&["regular", "steering-group", "special"]),
        "kind of session",
    ),
    field(
        "format",
        &[],
        FieldType::Enum(&["in-person", "virtual", "hybrid"]),
        "how it met",
    ),
    field("city", &["venue"], FieldType::Text, "city"),
    field("country", &[], FieldType::Text, "country"),
    field(
        "host",
        &[],
        FieldType::Registry(Kind::Organization),
        "host organization",
    ),
    field(
        "chair",
        &[],
        FieldType::Registry(Kind::Organization),
        "chair's organization",
    ),
    field(
        "report",
        &[],
        FieldType::Enum(&["draft", "final"]),
        "report status",
    ),
    field("text", &[], FieldType::Text, "title and summary"),
];

const CRP: &[Field] = &[
    field("id", &[], FieldType::Id, "CRP id, e.g. 39-crp3"),
    SESSION_FIELD,
    YEAR_FIELD,
    field(
        "number",
        &[],
        FieldType::Text,
        "number as printed, e.g. \"CRP 3\"",
    ),
    field("title", &[], FieldType::Text, "title"),
    field("agenda", &[], FieldType::Text, "agenda item"),
    field("presenter", &[], FieldType::Text, "presenter as printed"),
    field(
        "wg",
        &["working-group", "group"],
        FieldType::Registry(Kind::WorkingGroup),
        "working group, under any of its names; wg:X+ adds its sub-groups",
    ),
    field(
        "text",
        &[],
        FieldType::Text,
        "number, title and agenda item",
    ),
];

const WORKING_GROUP: &[Field] = &[
    field("id", &[], FieldType::Id, "working group id, e.g. scolt"),
    field(
        "wg",
        &["name", "group"],
        FieldType::Registry(Kind::WorkingGroup),
        "the group under any of its names; wg:X+ adds its sub-groups",
    ),
    field(
        "established",
        &["set-up"],
        FieldType::Date,
        "date (or year of the session) it was set up",
    ),
    field(
        "wound-up",
        &["ended"],
        FieldType::Date,
        "date (or year of the session) it was wound up",
    ),
    field(
        "parent",
        &[],
        FieldType::Registry(Kind::WorkingGroup),
        "parent group",
    ),
    field(
        "chair",
        &[],
        FieldType::Registry(Kind::Organization),
        "chair or co-chair organization",
    ),
    field(
        "member",
        &[],
        FieldType::Registry(Kind::Organization),
        "member organization",
    ),
    field(
        "text",
        &[],
        FieldType::Text,
        "name, acronyms, aliases and note",
    ),
];

/// The queryable fields of records of `kind` (outcomes for recommendations).
pub fn fields_of(kind: Kind) -> &'static [Field] {
    match kind {
        Kind::Recommendation => OUTCOME,
        Kind::Session => SESSION,
        Kind::Crp => CRP,
        Kind::WorkingGroup => WORKING_GROUP,
        Kind::Organization | Kind::Topic | Kind::Priority => &[],
    }
}

pub fn find(kind: Kind, name: &str) -> Option<&'static Field> {
    fields_of(kind)
        .iter()
        .find(|f| f.name == name || f.aliases.contains(&name))
}

/// A record's values for a field, as text (ids, dates, numbers, enum values).
pub fn values(entry: &Entry, repo: &Repository, field: &str) -> Vec<String> {
    let session_of = |id: &str| repo.session(id);
    let year_of =
        |id: &str| session_of(id).and_then(|s| s.start.as_deref().map(|d| d[..4].to_string()));
    match (&entry.record, field) {
        (_, "id") => vec![entry.id().to_string()],
        (Record::Recommendation(r), _) => match field {
            "session" => vec![r.session.clone()],
            "year" => year_of(&r.session).into_iter().collect(),
            "date" => session_of(&r.session)
                .and_then(|s| s.end.clone().or(s.start.clone()))
                .into_iter()
                .collect(),
            "status" => r.status.clone().into_iter().collect(),
            "verb" => vec![r.verb.clone()],
            "actionable" => vec![r.actionable.to_string()],
            "owner" => r.owners.clone(),
            "wg" => {
                let owners = r
                    .owners
                    .iter()
                    .filter_map(|o| o.strip_prefix("wg:"))
                    .map(String::from);
                r.working_groups.iter().cloned().chain(owners).collect()
            }
            "topic" => r.topics.clone(),
            "priority" => r.priorities.clone(),
            "crp" => r.crps.clone(),
            "due" => r
                .due
                .as_ref()
                .and_then(|d| d.date.clone())
                .into_iter()
                .collect(),
            "paragraph" => vec![r.paragraph.clone()],
            "text" => vec![r.text.clone()],
            "agenda" => r.agenda_item.clone().into_iter().collect(),
            _ => Vec::new(),
        },
        (Record::Session(s), _) => match field {
            "session" => vec![s.id.clone()],
            "number" => s.number.map(|n| n.to_string()).into_iter().collect(),
            "year" => s
                .start
                .as_deref()
                .map(|d| d[..4].to_string())
                .into_iter()
                .collect(),
            "date" => s.start.clone().into_iter().collect(),
            "end" => s.end.clone().into_iter().collect(),
            "kind" => vec![s.kind.clone()],
            "format" => s.format.clone().into_iter().collect(),
            "city" => s
                .venue
                .as_ref()
                .and_then(|v| v.city.clone())
                .into_iter()
                .collect(),
            "country" => s
                .venue
                .as_ref()
                .and_then(|v| v.country.clone())
                .into_iter()
                .collect(),
            "host" => s
                .venue
                .as_ref()
                .and_then(|v| v.host.clone())
                .into_iter()
                .collect(),
            "chair" => s
                .chair
                .as_ref()
                .and_then(|c| c.organization.clone())
                .into_iter()
                .collect(),
            "report" => entry
                .json()
                .pointer("/report/status")
                .and_then(|v| v.as_str())
                .map(String::from)
                .into_iter()
                .collect(),
            "text" => s.title.iter().chain(&s.summary).cloned().collect(),
            _ => Vec::new(),
        },
        (Record::Crp(c), _) => match field {
            "session" => vec![c.session.clone()],
            "year" => year_of(&c.session).into_iter().collect(),
            "number" => vec![c.number.clone()],
            "title" => c.title.clone().into_iter().collect(),
            "agenda" => c.agenda_item.clone().into_iter().collect(),
            "presenter" => c.presenter.clone().into_iter().collect(),
            "wg" => c.working_group.clone().into_iter().collect(),
            "text" => [Some(&c.number), c.title.as_ref(), c.agenda_item.as_ref()]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
            _ => Vec::new(),
        },
        (Record::WorkingGroup(w), _) => {
            let event_date = |e: &Option<crate::model::record::SessionEvent>| {
                e.as_ref().and_then(|e| {
                    e.date.clone().or_else(|| {
                        e.session
                            .as_deref()
                            .and_then(|s| session_of(s)?.end.clone())
                    })
                })
            };
            match field {
                "wg" => vec![w.id.clone()],
                "established" => event_date(&w.established).into_iter().collect(),
                "wound-up" => event_date(&w.wound_up).into_iter().collect(),
                "parent" => w.parent.clone().into_iter().collect(),
                "chair" => w.chair.iter().chain(&w.co_chair).cloned().collect(),
                "member" => w.members.clone(),
                "text" => {
                    let note = entry
                        .json()
                        .get("note")
                        .and_then(|n| n.as_str())
                        .map(String::from);
                    std::iter::once(w.name.clone())
                        .chain(w.acronyms.iter().cloned())
                        .chain(w.aliases.iter().cloned())
                        .chain(note)
                        .collect()
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// The start date of the session a record belongs to (empty when unknown): the default sort
/// key of listings and the tie-breaker of search.
pub fn session_date(entry: &Entry, repo: &Repository) -> String {
    let session = values(entry, repo, "session")
        .into_iter()
        .next()
        .unwrap_or_default();
    repo.session(&session)
        .and_then(|s| s.start.clone())
        .unwrap_or_default()
}

/// Text that free-text terms search in.
pub fn free_text(entry: &Entry) -> String {
    match &entry.record {
        Record::Recommendation(r) => format!(
            "{} {} {}",
            r.id,
            r.text,
            r.agenda_item.as_deref().unwrap_or("")
        ),
        Record::Session(s) => format!(
            "{} {} {}",
            s.id,
            s.title.as_deref().unwrap_or(""),
            s.summary.as_deref().unwrap_or("")
        ),
        Record::Crp(c) => format!(
            "{} {} {} {}",
            c.id,
            c.number,
            c.title.as_deref().unwrap_or(""),
            c.agenda_item.as_deref().unwrap_or("")
        ),
        Record::WorkingGroup(w) => format!(
            "{} {} {} {}",
            w.id,
            w.name,
            w.acronyms.join(" "),
            w.aliases.join(" ")
        ),
        Record::Organization(o) => format!(
            "{} {} {}",
            o.id,
            o.acronym.as_deref().unwrap_or(""),
            o.name.as_deref().unwrap_or("")
        ),
        Record::Topic(t) => format!("{} {} {}", t.id, t.label, t.aliases.join(" ")),
        Record::Priority(p) => format!("{} {}", p.id, p.label),
    }
}
