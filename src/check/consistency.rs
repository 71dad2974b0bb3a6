//! Consistency across records: unique ids, ids that agree with paths and fields, references
//! that resolve, no cycles, dates in order, follow-up histories that end at the current status.
//!
//! Works on typed records only (no texts or parse trees are kept for 100k files): problems carry
//! the JSON pointer of the offending field, and [`super::locate_pending`] turns pointers into
//! line and column afterwards by re-reading just the files concerned.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::CheckedFile;
use super::schema::closest;
use crate::diag::{Code, Diagnostic};
use crate::model::record::{Citation, Recommendation, Session, WorkingGroup};
use crate::model::{Kind, Record};

/// Runs every cross-record check. The per-record checks run in parallel (they only read the
/// index); the order of the result does not matter, diagnostics are sorted for output.
pub fn check(files: &[CheckedFile]) -> Vec<Diagnostic> {
    let index = Index::new(files);
    let mut out = Vec::new();
    duplicate_ids(files, &mut out);
    let per_record: Vec<Diagnostic> = files
        .par_iter()
        .flat_map_iter(|file| {
            let mut out = Vec::new();
            check_record(file, &index, &mut out);
            out
        })
        .collect();
    out.extend(per_record);
    cycles(files, &index, &mut out);
    out
}

fn check_record(file: &CheckedFile, index: &Index<'_>, out: &mut Vec<Diagnostic>) {
    id_agrees_with_path(file, out);
    let Some(record) = &file.record else { return };
    let mut ctx = Ctx { file, index, out };
    match record {
        Record::Session(s) => ctx.session(s),
        Record::Crp(c) => {
            ctx.id_prefix(&c.id, &format!("{}-crp", c.session), "/session");
            ctx.reference(Kind::Session, &c.session, "/session");
            if let Some(wg) = &c.working_group {
                ctx.reference(Kind::WorkingGroup, wg, "/working_group");
            }
            ctx.citation(&c.source, "/source");
        }
        Record::Recommendation(r) => ctx.recommendation(r),
        Record::WorkingGroup(w) => ctx.working_group(w),
        Record::Organization(o) => {
            if let Some(parent) = &o.parent {
                ctx.reference(Kind::Organization, parent, "/parent");
            }
        }
        Record::Topic(t) => {
            if let Some(broader) = &t.broader {
                ctx.reference(Kind::Topic, broader, "/broader");
            }
        }
        Record::Priority(_) => {}
    }
}

/// Typed records by kind and id.
struct Index<'a> {
    ids: HashMap<Kind, HashMap<&'a str, &'a CheckedFile>>,
}

impl<'a> Index<'a> {
    fn new(files: &'a [CheckedFile]) -> Self {
        let mut ids: HashMap<Kind, HashMap<&str, &CheckedFile>> = HashMap::new();
        for file in files {
            if let Some(id) = file.id() {
                ids.entry(file.kind).or_default().entry(id).or_insert(file);
            }
        }
        Index { ids }
    }

    fn get(&self, kind: Kind, id: &str) -> Option<&'a CheckedFile> {
        self.ids.get(&kind)?.get(id).copied()
    }

    fn session(&self, id: &str) -> Option<&'a Session> {
        match &self.get(Kind::Session, id)?.record {
            Some(Record::Session(s)) => Some(s),
            _ => None,
        }
    }

    fn working_group(&self, id: &str) -> Option<&'a WorkingGroup> {
        match &self.get(Kind::WorkingGroup, id)?.record {
            Some(Record::WorkingGroup(w)) => Some(w),
            _ => None,
        }
    }

    fn ids_of(&self, kind: Kind) -> Vec<&'a str> {
        self.ids
            .get(&kind)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default()
    }
}

fn duplicate_ids(files: &[CheckedFile], out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<(Kind, &str), &CheckedFile> = HashMap::new();
    for file in files {
        let Some(id) = file.id() else { continue };
        match first.get(&(file.kind, id)) {
            None => {
                first.insert((file.kind, id), file);
            }
            Some(original) => {
                let diagnostic = Diagnostic::new(
                    Code::DuplicateId,
                    &file.path,
                    None,
                    format!(
                        "{} id `{id}` is already used by {}",
                        file.kind.name(),
                        slash(&original.path)
                    ),
                )
                .with_pointer("/id")
                .with_help("every record needs its own id; ids are never reused")
                .with_label_at(&original.path, "/id", "first used here");
                out.push(diagnostic);
            }
        }
    }
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `records/<folder>/<id>.yaml`, or `records/<folder>/<session>/<id>.yaml` for sharded kinds.
fn expected_path(kind: Kind, id: &str, session: Option<&str>) -> Option<String> {
    if kind.sharded_by_session() {
        Some(format!("records/{}/{}/{id}.yaml", kind.folder(), session?))
    } else {
        Some(format!("records/{}/{id}.yaml", kind.folder()))
    }
}

fn id_agrees_with_path(file: &CheckedFile, out: &mut Vec<Diagnostic>) {
    let Some(id) = file.id() else { return };
    let session = match &file.record {
        Some(Record::Recommendation(r)) => Some(r.session.as_str()),
        Some(Record::Crp(c)) => Some(c.session.as_str()),
        _ => id.split('-').next(),
    };
    let Some(expected) = expected_path(file.kind, id, session) else {
        return;
    };
    if slash(&file.path) != expected {
        out.push(
            Diagnostic::new(
                Code::IdPathMismatch,
                &file.path,
                None,
                format!("id `{id}` belongs at {expected}"),
            )
            .with_pointer("/id")
            .with_help(format!(
                "rename the file with `git mv {} {expected}`, or correct the id",
                slash(&file.path)
            )),
        );
    }
}

struct Ctx<'a, 'o> {
    file: &'a CheckedFile,
    index: &'a Index<'a>,
    out: &'o mut Vec<Diagnostic>,
}

impl Ctx<'_, '_> {
    fn push(&mut self, code: Code, pointer: &str, message: String, help: Option<String>) {
        let mut diagnostic =
            Diagnostic::new(code, &self.file.path, None, message).with_pointer(pointer);
        diagnostic.help = help;
        self.out.push(diagnostic);
    }

    /// Reports `id` at `pointer` unless a record of `kind` has it.
    fn reference(&mut self, kind: Kind, id: &str, pointer: &str) {
        if self.index.get(kind, id).is_some() {
            return;
        }
        let known = self.index.ids_of(kind);
        let help = match closest(id, &known) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "add records/{}/{}",
                kind.folder(),
                if kind.sharded_by_session() {
                    format!("<session>/{id}.yaml")
                } else {
                    format!("{id}.yaml")
                }
            ),
        };
        self.push(
            Code::UnresolvedReference,
            pointer,
            format!("no {} with id `{id}`", kind.name()),
            Some(help),
        );
    }

    fn references(&mut self, kind: Kind, ids: &[String], pointer: &str) {
        for (i, id) in ids.iter().enumerate() {
            self.reference(kind, id, &format!("{pointer}/{i}"));
        }
    }

    fn citation(&mut self, citation: &Citation, pointer: &str) {
        self.reference(
            Kind::Session,
            &citation.report,
            &format!("{pointer}/report"),
        );
    }

    fn id_prefix(&mut self, id: &str, expected_prefix: &str, pointer: &str) {
        if !id.starts_with(expected_prefix) {
            self.push(
                Code::IdFieldsMismatch,
                "/id",
                format!("id `{id}` should start with `{expected_prefix}`"),
                Some(format!(
                    "the id follows from `{}`; correct whichever is wrong",
                    pointer.trim_start_matches('/')
                )),
            );
        }
    }

    fn session(&mut self, s: &Session) {
        if let (Some(start), Some(end)) = (&s.start, &s.end)
            && end < start
        {
            self.push(
                Code::EndBeforeStart,
                "/end",
                format!("session ends ({end}) before it starts ({start})"),
                Some("one of the two dates is mistyped".into()),
            );
        }
        if let Some(host) = s.venue.as_ref().and_then(|v| v.host.as_ref()) {
            self.reference(Kind::Organization, host, "/venue/host");
        }
        for (field, role) in [
            ("chair", &s.chair),
            ("co_chair", &s.co_chair),
            ("secretary", &s.secretary),
        ] {
            if let Some(org) = role.as_ref().and_then(|r| r.organization.as_ref()) {
                self.reference(Kind::Organization, org, &format!("/{field}/organization"));
            }
        }
        for (i, item) in s.agenda.iter().enumerate() {
            self.references(Kind::Crp, &item.crps, &format!("/agenda/{i}/crps"));
        }
        for (i, participant) in s.participants.iter().enumerate() {
            self.reference(
                Kind::Organization,
                &participant.organization,
                &format!("/participants/{i}/organization"),
            );
        }
        self.citation(&s.source, "/source");
    }

    fn recommendation(&mut self, r: &Recommendation) {
        let expected = format!("{}-{}{}", r.session, r.paragraph, r.item);
        if r.id != expected {
            self.push(
                Code::IdFieldsMismatch,
                "/id",
                format!(
                    "id `{}` does not match session, paragraph and item (`{expected}`)",
                    r.id
                ),
                Some("the id is `<session>-<paragraph><item>`; correct whichever is wrong".into()),
            );
        }
        self.reference(Kind::Session, &r.session, "/session");
        self.references(Kind::Crp, &r.crps, "/crps");
        self.references(Kind::WorkingGroup, &r.working_groups, "/working_groups");
        self.references(Kind::Topic, &r.topics, "/topics");
        self.references(Kind::Priority, &r.priorities, "/priorities");
        self.references(Kind::Recommendation, &r.related, "/related");
        for (i, owner) in r.owners.iter().enumerate() {
            let pointer = format!("/owners/{i}");
            if let Some(org) = owner.strip_prefix("org:") {
                self.reference(Kind::Organization, org, &pointer);
            } else if let Some(wg) = owner.strip_prefix("wg:") {
                self.reference(Kind::WorkingGroup, wg, &pointer);
            }
        }
        if let Some(successor) = &r.superseded_by {
            self.reference(Kind::Recommendation, successor, "/superseded_by");
        }
        self.citation(&r.source, "/source");
        for (i, citation) in r.also_in.iter().enumerate() {
            self.citation(citation, &format!("/also_in/{i}"));
        }
        for (i, entry) in r.history.iter().enumerate() {
            self.citation(&entry.source, &format!("/history/{i}/source"));
        }
        if r.actionable && r.owners.is_empty() {
            self.push(
                Code::OwnerMissing,
                "/actionable",
                "actionable outcome names no owner".into(),
                Some("add `owners:` as the report says: `org:<id>`, `wg:<id>`, `members`, `secretariat`, `designated-officials` or `security-management-teams`".into()),
            );
        }
        for pair in r.history.windows(2).enumerate() {
            let (i, [earlier, later]) = pair else {
                continue;
            };
            if later.date < earlier.date {
                self.push(
                    Code::HistoryOrder,
                    &format!("/history/{}/date", i + 1),
                    format!(
                        "history entry dated {} comes after one dated {}",
                        later.date, earlier.date
                    ),
                    Some(
                        "history is oldest first: move the entry to its place or correct its date"
                            .into(),
                    ),
                );
            }
        }
        if let (Some(status), Some(last)) = (&r.status, r.history.last())
            && &last.status != status
        {
            self.push(
                Code::HistoryStatusMismatch,
                "/status",
                format!("status is `{status}` but the last history entry says `{}`", last.status),
                Some(format!("append a history entry for `{status}` (date, note, source), or correct `status`")),
            );
        }
        match (r.status.as_deref() == Some("superseded"), &r.superseded_by) {
            (true, None) => self.push(
                Code::SuccessorMismatch,
                "/status",
                "superseded outcome does not name its successor".into(),
                Some("add `superseded_by: <id of the outcome that replaced it>`".into()),
            ),
            (false, Some(_)) if r.status.is_some() => self.push(
                Code::SuccessorMismatch,
                "/superseded_by",
                format!(
                    "outcome names a successor but its status is `{}`",
                    r.status.as_deref().unwrap_or_default()
                ),
                Some(
                    "set `status: superseded` (with a history entry), or remove `superseded_by`"
                        .into(),
                ),
            ),
            _ => {}
        }
        self.wound_up_references(r);
    }

    /// Warns when an outcome refers to a working group wound up before its session.
    fn wound_up_references(&mut self, r: &Recommendation) {
        let Some(session_start) = self.index.session(&r.session).and_then(|s| s.start.clone())
        else {
            return;
        };
        let owner_wgs = r
            .owners
            .iter()
            .enumerate()
            .filter_map(|(i, o)| Some((o.strip_prefix("wg:")?, format!("/owners/{i}"))));
        let listed = r
            .working_groups
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), format!("/working_groups/{i}")));
        let mut seen = HashSet::new();
        for (wg_id, pointer) in listed.chain(owner_wgs).collect::<Vec<_>>() {
            let Some(wg) = self.index.working_group(wg_id) else {
                continue;
            };
            let Some(wound_up) = &wg.wound_up else {
                continue;
            };
            let ended = wound_up.date.clone().or_else(|| {
                wound_up
                    .session
                    .as_deref()
                    .and_then(|s| self.index.session(s))
                    .and_then(|s| s.end.clone())
            });
            if let Some(ended) = ended
                && session_start > ended
                && seen.insert(wg_id.to_string())
            {
                let successor = wg
                    .successor
                    .as_deref()
                    .map(|s| format!("; its successor is `{s}`"))
                    .unwrap_or_default();
                self.push(
                    Code::WoundUpReference,
                    &pointer,
                    format!("working group `{wg_id}` was wound up on {ended}, before session {} met{successor}", r.session),
                    Some("refer to the group that carried on its work, unless the report really names the old group".into()),
                );
            }
        }
    }

    fn working_group(&mut self, w: &WorkingGroup) {
        for (field, target) in [
            ("parent", &w.parent),
            ("predecessor", &w.predecessor),
            ("successor", &w.successor),
        ] {
            if let Some(target) = target {
                self.reference(Kind::WorkingGroup, target, &format!("/{field}"));
            }
        }
        self.references(Kind::Organization, &w.chair, "/chair");
        self.references(Kind::Organization, &w.co_chair, "/co_chair");
        self.references(Kind::Organization, &w.members, "/members");
        for (field, event) in [("established", &w.established), ("wound_up", &w.wound_up)] {
            if let Some(event) = event {
                if let Some(session) = &event.session {
                    self.reference(Kind::Session, session, &format!("/{field}/session"));
                }
                self.citation(&event.source, &format!("/{field}/source"));
            }
        }
        let date = |e: &Option<crate::model::record::SessionEvent>| {
            e.as_ref().and_then(|e| e.date.clone())
        };
        if let (Some(start), Some(end)) = (date(&w.established), date(&w.wound_up))
            && end < start
        {
            self.push(
                Code::EndBeforeStart,
                "/wound_up/date",
                format!("working group wound up ({end}) before it was established ({start})"),
                Some("one of the two dates is mistyped".into()),
            );
        }
    }
}

/// Cycles in superseded-by, working-group succession and parenthood, and topic hierarchy.
fn cycles(files: &[CheckedFile], index: &Index<'_>, out: &mut Vec<Diagnostic>) {
    type Next = fn(&Record) -> Option<&str>;
    let chains: [(Kind, &str, &str, Next); 4] = [
        (
            Kind::Recommendation,
            "/superseded_by",
            "superseded_by",
            |r| match r {
                Record::Recommendation(r) => r.superseded_by.as_deref(),
                _ => None,
            },
        ),
        (Kind::WorkingGroup, "/successor", "successor", |r| match r {
            Record::WorkingGroup(w) => w.successor.as_deref(),
            _ => None,
        }),
        (Kind::WorkingGroup, "/parent", "parent", |r| match r {
            Record::WorkingGroup(w) => w.parent.as_deref(),
            _ => None,
        }),
        (Kind::Topic, "/broader", "broader", |r| match r {
            Record::Topic(t) => t.broader.as_deref(),
            _ => None,
        }),
    ];
    for (kind, pointer, field, next) in chains {
        let mut reported: HashSet<String> = HashSet::new();
        for file in files.iter().filter(|f| f.kind == kind) {
            let Some(record) = &file.record else { continue };
            let start = record.id().to_string();
            let mut path = vec![start.clone()];
            let mut current = record;
            while let Some(target) = next(current) {
                if target == start {
                    // Report each cycle once, at its smallest member.
                    let smallest = path.iter().min().cloned().unwrap_or_default();
                    if smallest == start && reported.insert(start.clone()) {
                        path.push(start.clone());
                        out.push(
                            Diagnostic::new(
                                Code::ReferenceCycle,
                                &file.path,
                                None,
                                format!("`{field}` links form a cycle: {}", path.join(" → ")),
                            )
                            .with_pointer(pointer)
                            .with_help(format!("break the chain where `{field}` is wrong")),
                        );
                    }
                    break;
                }
                if path.iter().any(|p| p == target) || path.len() > 10_000 {
                    break; // a cycle that does not pass through `start`: reported from its own members
                }
                let Some(Some(next_record)) = index.get(kind, target).map(|f| &f.record) else {
                    break;
                };
                path.push(target.to_string());
                current = next_record;
            }
        }
    }
}
