//! The kinds of record, and the fixed facts about each: folder, schema, id layout.

use serde::Serialize;

/// A kind of record. The folder a file is in decides its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Session,
    Crp,
    Recommendation,
    WorkingGroup,
    Organization,
    Topic,
    Priority,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Session,
        Kind::Crp,
        Kind::Recommendation,
        Kind::WorkingGroup,
        Kind::Organization,
        Kind::Topic,
        Kind::Priority,
    ];

    /// Folder under `records/`.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Session => "sessions",
            Kind::Crp => "crps",
            Kind::Recommendation => "recommendations",
            Kind::WorkingGroup => "working-groups",
            Kind::Organization => "organizations",
            Kind::Topic => "topics",
            Kind::Priority => "priorities",
        }
    }

    /// Name used in messages and in the schema file name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Crp => "crp",
            Kind::Recommendation => "recommendation",
            Kind::WorkingGroup => "working-group",
            Kind::Organization => "organization",
            Kind::Topic => "topic",
            Kind::Priority => "priority",
        }
    }

    /// File name of the kind's JSON Schema in `schemas/`.
    pub fn schema_file(self) -> String {
        format!("{}.schema.json", self.name())
    }

    /// Whether files sit in a per-session subfolder: `records/<folder>/<session>/<id>.yaml`.
    /// Sharding keeps directories small at 100k records and shows a session's papers together.
    pub fn sharded_by_session(self) -> bool {
        matches!(self, Kind::Crp | Kind::Recommendation)
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.folder() == folder)
    }
}
