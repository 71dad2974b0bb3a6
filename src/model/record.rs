//! Typed views of schema-valid records, used by the consistency checks.
//!
//! Fields hold what the schema allows; optional fields are `Option` (absent = unknown). These
//! types are plain data: no I/O, no positions (positions stay with the YAML tree in `load`).

use serde::Deserialize;

use super::Kind;

/// A record of any kind. Boxed, so that the 100k records of a large repository are moved
/// around (collected, sorted) as pointers rather than as several hundred bytes each.
#[derive(Debug, Clone)]
pub enum Record {
    Session(Box<Session>),
    Crp(Box<Crp>),
    Recommendation(Box<Recommendation>),
    WorkingGroup(Box<WorkingGroup>),
    Organization(Box<Organization>),
    Topic(Box<Topic>),
    Priority(Box<Priority>),
}

impl Record {
    /// Builds the typed record from schema-valid JSON (without copying it).
    pub fn from_json(kind: Kind, value: &serde_json::Value) -> Result<Record, serde_json::Error> {
        Record::deserialize_as(kind, value)
    }

    /// Builds the typed record of a kind from any serde source.
    pub fn deserialize_as<'de, D: serde::Deserializer<'de>>(
        kind: Kind,
        source: D,
    ) -> Result<Record, D::Error> {
        Ok(match kind {
            Kind::Session => Record::Session(Deserialize::deserialize(source)?),
            Kind::Crp => Record::Crp(Deserialize::deserialize(source)?),
            Kind::Recommendation => Record::Recommendation(Deserialize::deserialize(source)?),
            Kind::WorkingGroup => Record::WorkingGroup(Deserialize::deserialize(source)?),
            Kind::Organization => Record::Organization(Deserialize::deserialize(source)?),
            Kind::Topic => Record::Topic(Deserialize::deserialize(source)?),
            Kind::Priority => Record::Priority(Deserialize::deserialize(source)?),
        })
    }

    pub fn id(&self) -> &str {
        match self {
            Record::Session(r) => &r.id,
            Record::Crp(r) => &r.id,
            Record::Recommendation(r) => &r.id,
            Record::WorkingGroup(r) => &r.id,
            Record::Organization(r) => &r.id,
            Record::Topic(r) => &r.id,
            Record::Priority(r) => &r.id,
        }
    }
}

/// Where a fact comes from: a report (by session id) and a paragraph or section.
#[derive(Debug, Clone, Deserialize)]
pub struct Citation {
    pub report: String,
    pub paragraph: Option<String>,
    pub item: Option<String>,
    pub section: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    pub id: String,
    pub number: Option<u32>,
    pub kind: String,
    pub title: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub venue: Option<Venue>,
    pub format: Option<String>,
    pub chair: Option<Role>,
    pub co_chair: Option<Role>,
    pub secretary: Option<Role>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    pub summary: Option<String>,
    pub source: Citation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Venue {
    pub city: Option<String>,
    pub country: Option<String>,
    pub host: Option<String>,
    pub place: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Role {
    pub organization: Option<String>,
    pub title: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AgendaItem {
    pub item: Option<String>,
    pub title: String,
    pub lead: Option<String>,
    #[serde(default)]
    pub crps: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Participant {
    pub organization: String,
    pub name: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Crp {
    pub id: String,
    pub session: String,
    pub number: String,
    pub title: Option<String>,
    pub agenda_item: Option<String>,
    pub presenter: Option<String>,
    pub working_group: Option<String>,
    pub source: Citation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Recommendation {
    pub id: String,
    pub session: String,
    pub paragraph: String,
    pub item: String,
    pub agenda_item: Option<String>,
    #[serde(default)]
    pub crps: Vec<String>,
    pub verb: String,
    pub text: String,
    pub actionable: bool,
    #[serde(default)]
    pub owners: Vec<String>,
    #[serde(default)]
    pub working_groups: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub priorities: Vec<String>,
    pub due: Option<Due>,
    pub status: Option<String>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    #[serde(default)]
    pub related: Vec<String>,
    pub superseded_by: Option<String>,
    pub source: Citation,
    pub note: Option<String>,
    #[serde(default)]
    pub also_in: Vec<Citation>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Due {
    pub text: String,
    pub date: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HistoryEntry {
    pub date: String,
    pub status: String,
    pub note: Option<String>,
    pub source: Citation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WorkingGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub acronyms: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub parent: Option<String>,
    pub predecessor: Option<String>,
    pub successor: Option<String>,
    pub established: Option<SessionEvent>,
    pub wound_up: Option<SessionEvent>,
    #[serde(default)]
    pub chair: Vec<String>,
    #[serde(default)]
    pub co_chair: Vec<String>,
    #[serde(default)]
    pub members: Vec<String>,
}

/// A lifecycle event of a working group: the session and/or date it happened.
#[derive(Debug, Clone, Deserialize)]
pub struct SessionEvent {
    pub session: Option<String>,
    pub date: Option<String>,
    pub source: Citation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Organization {
    pub id: String,
    pub acronym: Option<String>,
    pub name: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Topic {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub broader: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Priority {
    pub id: String,
    pub label: String,
}
