//! The registry of diagnostic codes: stable id, name, default severity and the text that
//! `iasmn explain` prints. Codes are never renumbered or reused; a retired code keeps its entry.

use serde::{Serialize, Serializer};

/// Every problem `iasmn check` can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    InvalidUtf8,
    ByteOrderMark,
    TabIndentation,
    MergeConflictMarker,
    YamlSyntax,
    DuplicateKey,
    Yaml11Ambiguity,
    UnsupportedYaml,
    ResourceLimit,
    SchemaModeline,
    UnreadableFile,
    SchemaViolation,
    DuplicateId,
    IdPathMismatch,
    IdFieldsMismatch,
    UnresolvedReference,
    ReferenceCycle,
    EndBeforeStart,
    HistoryOrder,
    HistoryStatusMismatch,
    OwnerMissing,
    SuccessorMismatch,
    WoundUpReference,
    UnknownFile,
}

/// What `explain` shows for a code.
pub struct CodeInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub explanation: &'static str,
    /// A record (or part of one) that triggers it.
    pub example: &'static str,
}

impl Code {
    pub const ALL: [Code; 24] = [
        Code::InvalidUtf8,
        Code::ByteOrderMark,
        Code::TabIndentation,
        Code::MergeConflictMarker,
        Code::YamlSyntax,
        Code::DuplicateKey,
        Code::Yaml11Ambiguity,
        Code::UnsupportedYaml,
        Code::ResourceLimit,
        Code::SchemaModeline,
        Code::UnreadableFile,
        Code::SchemaViolation,
        Code::DuplicateId,
        Code::IdPathMismatch,
        Code::IdFieldsMismatch,
        Code::UnresolvedReference,
        Code::ReferenceCycle,
        Code::EndBeforeStart,
        Code::HistoryOrder,
        Code::HistoryStatusMismatch,
        Code::OwnerMissing,
        Code::SuccessorMismatch,
        Code::WoundUpReference,
        Code::UnknownFile,
    ];

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn default_severity(self) -> crate::diag::Severity {
        use crate::diag::Severity;
        match self {
            Code::WoundUpReference | Code::UnknownFile => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Finds a code by id (`Y006`) or name (`duplicate-key`), ignoring case.
    pub fn lookup(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| {
            code.id().eq_ignore_ascii_case(text) || code.name().eq_ignore_ascii_case(text)
        })
    }

    pub fn info(self) -> CodeInfo {
        match self {
            Code::InvalidUtf8 => CodeInfo {
                id: "Y001",
                name: "invalid-utf8",
                summary: "the file is not valid UTF-8",
                explanation: "Records are UTF-8 text so that every tool and every reader sees the same characters. \
                    The error points at the first byte that is not UTF-8. Re-save the file as UTF-8 in your editor.",
                example: "text: caf\\xE9   # a Latin-1 byte",
            },
            Code::ByteOrderMark => CodeInfo {
                id: "Y002",
                name: "byte-order-mark",
                summary: "the file starts with a byte-order mark",
                explanation: "A UTF-8 byte-order mark (EF BB BF) is invisible in editors but breaks the schema modeline and \
                    some YAML readers. Save the file as \"UTF-8 without BOM\".",
                example: "\\u{FEFF}# yaml-language-server: $schema=...",
            },
            Code::TabIndentation => CodeInfo {
                id: "Y003",
                name: "tab-indentation",
                summary: "a line is indented with a tab",
                explanation: "YAML forbids tabs in indentation and readers disagree on what they mean. Indent with spaces.",
                example: "owners:\n\t- org:undss",
            },
            Code::MergeConflictMarker => CodeInfo {
                id: "Y004",
                name: "merge-conflict-marker",
                summary: "the file holds an unresolved git merge conflict",
                explanation: "A line starting with <<<<<<<, ======= or >>>>>>> is left over from a git merge. \
                    Decide which side is right, remove the markers, and commit again.",
                example: "<<<<<<< HEAD\nstatus: open\n=======\nstatus: implemented\n>>>>>>> update",
            },
            Code::YamlSyntax => CodeInfo {
                id: "Y005",
                name: "yaml-syntax",
                summary: "the file is not valid YAML",
                explanation: "The YAML parser stopped at the position shown. Common causes: a colon followed by a space \
                    inside an unquoted value (quote the value), an unclosed quote or bracket, wrong indentation.",
                example: "title: Session 35: Opening   # quote it: \"Session 35: Opening\"",
            },
            Code::DuplicateKey => CodeInfo {
                id: "Y006",
                name: "duplicate-key",
                summary: "a mapping has the same key twice",
                explanation: "YAML readers silently keep one of the two values (which one depends on the reader), so the \
                    record says two things at once. Keep one key and delete the other.",
                example: "status: open\nstatus: implemented",
            },
            Code::Yaml11Ambiguity => CodeInfo {
                id: "Y007",
                name: "yaml11-ambiguity",
                summary: "an unquoted value that YAML 1.1 readers read differently",
                explanation: "`iasmn` reads YAML 1.2, where `no`, `on`, `2024-02-13` and `1:30` are plain strings. Many \
                    other tools (PyYAML, js-yaml, ajv-cli) still read YAML 1.1, where they become false, true, a date \
                    object and the number 90. Quote such values so every reader agrees.",
                example: "start: 2024-02-13   # write start: \"2024-02-13\"",
            },
            Code::UnsupportedYaml => CodeInfo {
                id: "Y008",
                name: "unsupported-yaml",
                summary: "a YAML feature records do not use (anchor, alias, tag, complex key, several documents)",
                explanation: "Records are plain data that a person can read top to bottom. Anchors and aliases hide \
                    repeated content (and allow \"billion laughs\" bombs), tags change types, and a second document in \
                    one file would be ignored by other tools. Write the value out in full.",
                example: "owners: &o [org:undss]\nworking_groups: *o",
            },
            Code::ResourceLimit => CodeInfo {
                id: "Y009",
                name: "resource-limit",
                summary: "the file is too large or too deeply nested to be a record",
                explanation: "A record file is at most 1 MiB and nests at most 32 levels; real records are far below \
                    both. The limits keep `iasmn check` fast and bounded on hostile or generated input. Split the \
                    content or remove the accidental data.",
                example: "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            },
            Code::SchemaModeline => CodeInfo {
                id: "Y010",
                name: "schema-modeline",
                summary: "the first line does not name the record's schema",
                explanation: "Every record starts with `# yaml-language-server: $schema=<path to schemas/KIND.schema.json>` \
                    so that editors validate it while it is typed. The kind follows from the folder the file is in.",
                example: "# records/recommendations/39/39-8a.yaml\n# yaml-language-server: $schema=../../../schemas/recommendation.schema.json",
            },
            Code::SchemaViolation => CodeInfo {
                id: "S001",
                name: "schema-violation",
                summary: "a record does not match its JSON Schema",
                explanation: "The schemas in `schemas/` define every field: required fields, allowed values, patterns, \
                    no unknown fields. The message says what is wrong at the pointed node; the schema's own description \
                    of the field tells what is expected.",
                example: "status: pending   # one of open, in-progress, implemented, closed, superseded, unknown",
            },
            Code::DuplicateId => CodeInfo {
                id: "R001",
                name: "duplicate-id",
                summary: "two records have the same id",
                explanation: "Ids are how records refer to each other and how members find them (`iasmn show 39-149c`), \
                    so each must be unique across the repository. Give one of the records its correct id.",
                example: "# records/recommendations/39/39-8a.yaml and records/recommendations/39b/39-8a.yaml",
            },
            Code::IdPathMismatch => CodeInfo {
                id: "R002",
                name: "id-path-mismatch",
                summary: "the record's id does not match its file path",
                explanation: "The path follows from the id: records/<kind>/<id>.yaml, and for recommendations and CRPs \
                    records/<kind>/<session>/<id>.yaml. Rename the file (git mv) or correct the id.",
                example: "# records/recommendations/39/39-8a.yaml\nid: \"39-8b\"",
            },
            Code::IdFieldsMismatch => CodeInfo {
                id: "R003",
                name: "id-fields-mismatch",
                summary: "the id does not agree with the record's session, paragraph or item",
                explanation: "An outcome's id is `<session>-<paragraph><item>` and a CRP's starts with `<session>-crp`, so \
                    that the id alone tells where the text is in the reports. Correct whichever is wrong.",
                example: "id: \"39-8a\"\nsession: \"39\"\nparagraph: \"10\"\nitem: a",
            },
            Code::UnresolvedReference => CodeInfo {
                id: "R004",
                name: "unresolved-reference",
                summary: "a reference names a record that does not exist",
                explanation: "Sessions, CRPs, working groups, organizations, topics, priorities and other outcomes are \
                    referred to by id. The referenced record must exist. Fix the spelling or add the record.",
                example: "working_groups: [scolt-wg]   # no records/working-groups/scolt-wg.yaml",
            },
            Code::ReferenceCycle => CodeInfo {
                id: "R005",
                name: "reference-cycle",
                summary: "superseded-by links or working-group successions form a cycle",
                explanation: "An outcome cannot, through a chain of `superseded_by`, supersede itself; a working group \
                    cannot be its own (indirect) successor or parent. Break the chain where it is wrong.",
                example: "# 39-8a: superseded_by: \"39-10a\"\n# 39-10a: superseded_by: \"39-8a\"",
            },
            Code::EndBeforeStart => CodeInfo {
                id: "R006",
                name: "end-before-start",
                summary: "a period ends before it starts",
                explanation: "A session's `end` is on or after its `start`; a working group is wound up on or after it \
                    was established. One of the two dates is mistyped.",
                example: "start: \"2024-02-15\"\nend: \"2024-02-13\"",
            },
            Code::HistoryOrder => CodeInfo {
                id: "R007",
                name: "history-order",
                summary: "status history entries are not in date order",
                explanation: "The history is append-only, oldest first: each entry's date is on or after the previous \
                    one. Move the entry to its place or correct its date.",
                example: "history:\n  - {date: \"2024-06-01\", status: in-progress, ...}\n  - {date: \"2024-02-15\", status: open, ...}",
            },
            Code::HistoryStatusMismatch => CodeInfo {
                id: "R008",
                name: "history-status-mismatch",
                summary: "the current status is not the last status in the history",
                explanation: "Every status change is recorded in `history`; the `status` field repeats the last entry \
                    so it can be read at a glance. Append a history entry for the new status (date, note, source).",
                example: "status: implemented\nhistory:\n  - {date: \"2024-02-15\", status: open, ...}",
            },
            Code::OwnerMissing => CodeInfo {
                id: "R009",
                name: "owner-missing",
                summary: "an actionable outcome names no owner",
                explanation: "Someone must act on an actionable outcome, or nobody will follow it up. Name the owner as \
                    the report does: `org:<id>`, `wg:<id>`, `members`, `secretariat`, `designated-officials` or `security-management-teams`.",
                example: "actionable: true\nowners: []",
            },
            Code::SuccessorMismatch => CodeInfo {
                id: "R010",
                name: "successor-mismatch",
                summary: "status `superseded` and `superseded_by` do not go together",
                explanation: "A superseded outcome names the outcome that replaced it, and only a superseded outcome \
                    has a successor. Set both, or neither.",
                example: "status: superseded   # but no superseded_by",
            },
            Code::WoundUpReference => CodeInfo {
                id: "R011",
                name: "wound-up-reference",
                summary: "an outcome refers to a working group that was already wound up",
                explanation: "The working group had been wound up before the session that took the outcome, so the \
                    reference is probably meant for its successor. A warning: reports do sometimes mention past groups.",
                example: "# working group wound_up at session 21; an outcome of session 35 lists it",
            },
            Code::UnknownFile => CodeInfo {
                id: "R012",
                name: "unknown-file",
                summary: "a file under records/ is not a record",
                explanation: "Records are `.yaml` files in a kind folder (sessions, crps, recommendations, working-groups, \
                    organizations, topics, priorities). Other files are ignored, which is probably not what was meant. \
                    Move or rename the file; README.md files are allowed.",
                example: "records/recomendations/39/39-8a.yaml   # misspelt folder",
            },
            Code::UnreadableFile => CodeInfo {
                id: "Y011",
                name: "unreadable-file",
                summary: "a record file could not be read",
                explanation: "The operating system refused to read the file (permissions, a broken link). Fix the file's \
                    permissions or remove the link.",
                example: "records/topics/srm.yaml -> /nonexistent",
            },
        }
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique_and_found_by_lookup() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.id()), "duplicate id {}", code.id());
            assert!(seen.insert(code.name()), "duplicate name {}", code.name());
            assert_eq!(Code::lookup(code.id()), Some(code));
            assert_eq!(Code::lookup(&code.name().to_uppercase()), Some(code));
        }
        assert_eq!(Code::lookup("nope"), None);
    }
}
