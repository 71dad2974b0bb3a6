//! The loaded records with the indexes queries need: by id, registry names and aliases,
//! working-group lineage, sub-units, narrower topics, session dates, and backlinks.
//!
//! Built once from schema-valid records; plain data, no I/O.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::record::{Recommendation, Session};
use super::{Kind, Record};

/// One record with its JSON form (the file's own field names) and path.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub record: Record,
    pub json: LazyJson,
    pub path: PathBuf,
}

impl Entry {
    pub fn id(&self) -> &str {
        self.record.id()
    }

    /// The record as JSON, in the file's field order.
    pub fn json(&self) -> &Value {
        self.json.get()
    }
}

/// A record's JSON form, made on first use: records that come from the cache are decoded only
/// if a command shows them whole or asks for a field the typed record does not have.
#[derive(Clone)]
pub struct LazyJson {
    value: OnceLock<Value>,
    make: Option<Arc<dyn Fn() -> Value + Send + Sync>>,
}

impl LazyJson {
    pub fn ready(value: Value) -> Self {
        LazyJson {
            value: OnceLock::from(value),
            make: None,
        }
    }

    /// JSON that `make` produces when first asked for (`null` if it cannot).
    pub fn deferred(make: impl Fn() -> Option<Value> + Send + Sync + 'static) -> Self {
        LazyJson {
            value: OnceLock::new(),
            make: Some(Arc::new(move || make().unwrap_or(Value::Null))),
        }
    }

    pub fn get(&self) -> &Value {
        self.value
            .get_or_init(|| self.make.as_ref().map_or(Value::Null, |make| make()))
    }
}

impl std::fmt::Debug for LazyJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// A reference from one record to another, for `show`'s backlinks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Backlink {
    pub from: usize,
    /// How `from` refers to the target: "related", "superseded_by", "crps", "working_groups" ...
    pub via: &'static str,
}

#[derive(Debug, Default)]
pub struct Repository {
    pub entries: Vec<Entry>,
    /// Per kind, id → index in `entries`.
    by_id: HashMap<Kind, HashMap<String, usize>>,
    /// Lower-cased id, acronym, name, label and aliases → ids, per registry kind.
    names: HashMap<Kind, HashMap<String, BTreeSet<String>>>,
    /// Built on first use: only `show` needs them, and they cost a pass over every reference.
    backlinks: std::sync::OnceLock<HashMap<(Kind, String), Vec<Backlink>>>,
}

impl Repository {
    pub fn new(mut entries: Vec<Entry>) -> Self {
        entries.sort_by_cached_key(|e| (e.kind, natural_key(e.id())));
        let mut repo = Repository {
            entries,
            ..Default::default()
        };
        for (index, entry) in repo.entries.iter().enumerate() {
            repo.by_id
                .entry(entry.kind)
                .or_default()
                .insert(entry.id().to_string(), index);
            let mut names = vec![entry.id().to_string()];
            match &entry.record {
                Record::WorkingGroup(w) => {
                    names.push(w.name.clone());
                    names.extend(w.acronyms.iter().chain(&w.aliases).cloned());
                }
                Record::Organization(o) => {
                    names.extend(o.acronym.iter().chain(&o.name).chain(&o.aliases).cloned());
                }
                Record::Topic(t) => {
                    names.push(t.label.clone());
                    names.extend(t.aliases.iter().cloned());
                }
                Record::Priority(p) => names.push(p.label.clone()),
                _ => continue,
            }
            let map = repo.names.entry(entry.kind).or_default();
            for name in names {
                map.entry(name.to_lowercase())
                    .or_default()
                    .insert(entry.id().to_string());
            }
        }
        repo
    }

    pub fn get(&self, kind: Kind, id: &str) -> Option<&Entry> {
        self.by_id.get(&kind)?.get(id).map(|&i| &self.entries[i])
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.kind == kind)
    }

    pub fn session(&self, id: &str) -> Option<&Session> {
        match &self.get(Kind::Session, id)?.record {
            Record::Session(s) => Some(s),
            _ => None,
        }
    }

    /// Registry ids whose id, acronym, name, label or alias is `name` (case-insensitive).
    pub fn lookup_name(&self, kind: Kind, name: &str) -> Option<&BTreeSet<String>> {
        self.names.get(&kind)?.get(&name.to_lowercase())
    }

    /// Every name a registry kind knows (for did-you-mean).
    pub fn all_names(&self, kind: Kind) -> Vec<String> {
        self.names
            .get(&kind)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Records that refer to `(kind, id)`.
    pub fn backlinks(&self, kind: Kind, id: &str) -> &[Backlink] {
        self.backlinks
            .get_or_init(|| {
                let mut backlinks: HashMap<(Kind, String), Vec<Backlink>> = HashMap::new();
                for (index, entry) in self.entries.iter().enumerate() {
                    for (kind, id, via) in references(&entry.record) {
                        backlinks
                            .entry((kind, id))
                            .or_default()
                            .push(Backlink { from: index, via });
                    }
                }
                backlinks
            })
            .get(&(kind, id.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// A working group and every group in its rename chain (predecessors and successors).
    pub fn wg_lineage(&self, id: &str) -> BTreeSet<String> {
        self.closure(
            id,
            |record| match record {
                Record::WorkingGroup(w) => {
                    w.predecessor.iter().chain(&w.successor).cloned().collect()
                }
                _ => Vec::new(),
            },
            Kind::WorkingGroup,
            true,
        )
    }

    /// The ids of `id` and everything below it through `parent`-like links (sub-groups, units,
    /// narrower topics).
    pub fn descendants(&self, kind: Kind, id: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::from([id.to_string()]);
        loop {
            let before = found.len();
            for entry in self.of_kind(kind) {
                let parent = match &entry.record {
                    Record::WorkingGroup(w) => w.parent.as_deref(),
                    Record::Organization(o) => o.parent.as_deref(),
                    Record::Topic(t) => t.broader.as_deref(),
                    _ => None,
                };
                if parent.is_some_and(|p| found.contains(p)) {
                    found.insert(entry.id().to_string());
                }
            }
            if found.len() == before {
                return found;
            }
        }
    }

    fn closure(
        &self,
        id: &str,
        next: impl Fn(&Record) -> Vec<String>,
        kind: Kind,
        both_ways: bool,
    ) -> BTreeSet<String> {
        let mut found = BTreeSet::from([id.to_string()]);
        let mut queue = vec![id.to_string()];
        while let Some(current) = queue.pop() {
            let mut neighbours = self
                .get(kind, &current)
                .map(|e| next(&e.record))
                .unwrap_or_default();
            if both_ways {
                for entry in self.of_kind(kind) {
                    if next(&entry.record).contains(&current) {
                        neighbours.push(entry.id().to_string());
                    }
                }
            }
            for n in neighbours {
                if found.insert(n.clone()) {
                    queue.push(n);
                }
            }
        }
        found
    }
}

/// Every id a record refers to, with the kind of the target and the field.
fn references(record: &Record) -> Vec<(Kind, String, &'static str)> {
    let mut refs = Vec::new();
    let mut add = |kind: Kind, ids: &[String], via: &'static str| {
        refs.extend(ids.iter().map(|id| (kind, id.clone(), via)));
    };
    match record {
        Record::Recommendation(r) => {
            add(Kind::Session, std::slice::from_ref(&r.session), "session");
            add(Kind::Crp, &r.crps, "crps");
            add(Kind::WorkingGroup, &r.working_groups, "working_groups");
            add(Kind::Topic, &r.topics, "topics");
            add(Kind::Priority, &r.priorities, "priorities");
            add(Kind::Recommendation, &r.related, "related");
            add(
                Kind::Recommendation,
                r.superseded_by.as_slice(),
                "superseded_by",
            );
            let (orgs, wgs) = owner_ids(r);
            add(Kind::Organization, &orgs, "owners");
            add(Kind::WorkingGroup, &wgs, "owners");
            let later: Vec<String> = r
                .history
                .iter()
                .map(|h| h.source.report.clone())
                .filter(|s| *s != r.session)
                .collect();
            add(Kind::Session, &later, "history");
        }
        Record::Crp(c) => {
            add(Kind::Session, std::slice::from_ref(&c.session), "session");
            add(
                Kind::WorkingGroup,
                c.working_group.as_slice(),
                "working_group",
            );
        }
        Record::WorkingGroup(w) => {
            add(Kind::WorkingGroup, w.parent.as_slice(), "parent");
            add(Kind::Organization, &w.chair, "chair");
            add(Kind::Organization, &w.co_chair, "co_chair");
            add(Kind::Organization, &w.members, "members");
        }
        Record::Organization(o) => add(Kind::Organization, o.parent.as_slice(), "parent"),
        Record::Topic(t) => add(Kind::Topic, t.broader.as_slice(), "broader"),
        Record::Session(s) => {
            let hosts: Vec<String> = s.venue.iter().filter_map(|v| v.host.clone()).collect();
            add(Kind::Organization, &hosts, "host");
        }
        Record::Priority(_) => {}
    }
    refs
}

/// Organization and working-group ids among an outcome's owners.
pub fn owner_ids(r: &Recommendation) -> (Vec<String>, Vec<String>) {
    let orgs = r
        .owners
        .iter()
        .filter_map(|o| o.strip_prefix("org:"))
        .map(String::from)
        .collect();
    let wgs = r
        .owners
        .iter()
        .filter_map(|o| o.strip_prefix("wg:"))
        .map(String::from)
        .collect();
    (orgs, wgs)
}

/// Sort key that orders `39-8a` before `39-10a` and `turin2007` after numbered sessions' ids
/// of the same kind only by text: digits runs compare as numbers.
pub fn natural_key(id: &str) -> Vec<(u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in id.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                key.push((u64::MAX, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
                digits.clear();
            }
            text.push(c);
        }
    }
    if !digits.is_empty() {
        key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
    }
    if !text.is_empty() {
        key.push((u64::MAX, text));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut ids = vec!["39-10a", "39-8a", "39-149c", "39-8b", "21-97a"];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(ids, ["21-97a", "39-8a", "39-8b", "39-10a", "39-149c"]);
    }
}
