//! `check`: every problem in the repository, in one run.
//!
//! Order: load (syntax, per file, parallel) → schema (per file, parallel) → consistency
//! (across records). A file that fails schema validation still takes part in the duplicate-id
//! check, but not in the reference checks, which need a well-formed record.

pub mod codes;
pub mod consistency;
pub mod schema;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{self, Blob, Cache, CachedFile, Previous, Stamp};
use crate::diag::{Code, Diagnostic, Severity};
use crate::load::{self, LoadError, Source, source::SourceFile, yaml::Node};
use crate::model::{Kind, LazyJson, Record};
use crate::trace;
use schema::{SchemaError, SchemaSet};

/// A failure of the tool (exit code 2), as opposed to problems in the data.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

/// A record file after loading and schema validation: only what the cross-record checks and
/// the summary need. Texts and parse trees are dropped file by file, so a check of 100k records
/// holds one typed record per file rather than four forms of it.
#[derive(Debug)]
pub struct CheckedFile {
    pub path: PathBuf,
    pub kind: Kind,
    /// The `id` field, when it is a string (even if the record is otherwise invalid).
    pub id: Option<String>,
    /// The typed record, when the file is schema-valid.
    pub record: Option<Record>,
}

impl CheckedFile {
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// What a check run found.
pub struct CheckReport {
    /// How many record files were checked.
    pub files_checked: usize,
    /// Sorted by file, then position.
    pub diagnostics: Vec<Diagnostic>,
    /// The texts of the files that diagnostics point into, for rendering snippets.
    pub sources: BTreeMap<PathBuf, SourceFile>,
}

impl CheckReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Files whose schema verdict is "invalid" (an S001 diagnostic).
    pub fn schema_invalid_files(&self) -> Vec<&Path> {
        let mut paths: Vec<&Path> = self
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::SchemaViolation)
            .map(|d| d.file.as_path())
            .collect();
        paths.dedup();
        paths
    }
}

/// Loads the schemas a repository uses: its own `schemas/` folder, or the built-in copies.
pub fn load_schemas(source: &Source) -> Result<SchemaSet, CheckError> {
    let mut files = Vec::new();
    for (name, _) in schema::BUILTIN {
        let text = match source.schema_text(name) {
            None => return Ok(SchemaSet::builtin()),
            Some(text) => text,
        };
        let path = Path::new("schemas").join(name);
        let text = text.map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => CheckError::Schema(SchemaError::Missing {
                file: path.display().to_string(),
            }),
            _ => CheckError::Load(LoadError::Io {
                path: path.clone(),
                error,
            }),
        })?;
        files.push((name.to_string(), text));
    }
    Ok(SchemaSet::compile(files)?)
}

/// Whether a run may use (and update) the cache of per-file results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    On,
    Off,
}

/// Checks the whole repository at `root` (its working tree), without the cache.
pub fn check_repository(root: &Path) -> Result<CheckReport, CheckError> {
    check_source(&Source::WorkTree(root.to_path_buf()), CacheUse::Off)
}

/// Checks the records of a working tree or of a commit.
pub fn check_source(source: &Source, cache_use: CacheUse) -> Result<CheckReport, CheckError> {
    let run = Run::start(source, cache_use)?;
    let mut diagnostics = run.unknown_files.clone();
    let records = &run.records;
    // Nothing added, removed or changed since the last check: its results stand.
    if let Some(previous) = &run.previous
        && let Some(consistency) = &previous.consistency
        && run.nothing_changed()
    {
        for file in records {
            diagnostics.extend(
                run.prior(file)
                    .into_iter()
                    .flat_map(|c| c.diagnostics.clone()),
            );
        }
        diagnostics.extend(consistency.iter().cloned());
        let mut sources = BTreeMap::new();
        trace::phase("sources", || {
            complete(source, &mut diagnostics, &mut sources)
        });
        diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        return Ok(CheckReport {
            files_checked: records.len(),
            diagnostics,
            sources,
        });
    }
    let scanned: Vec<(Scanned, Option<Record>)> = trace::phase("scan", || {
        records
            .par_iter()
            .map(|file| {
                let mut scanned = run.scan(source, file, false);
                let record = scanned.record.take();
                (scanned, record)
            })
            .collect()
    });
    let mut files = Vec::with_capacity(scanned.len());
    let mut entries = Vec::with_capacity(scanned.len());
    let mut sources = BTreeMap::new();
    for (scanned, record) in scanned {
        let cached = scanned.cached;
        diagnostics.extend(cached.diagnostics.iter().cloned());
        if let Some(text) = scanned.source {
            sources.insert(cached.path.clone(), text);
        }
        files.push(CheckedFile {
            path: cached.path.clone(),
            kind: cached.kind,
            id: cached.id.clone(),
            record,
        });
        entries.push(cached);
    }
    let mut consistency = trace::phase("consistency", || consistency::check(&files));
    trace::phase("locate", || {
        complete(source, &mut consistency, &mut sources)
    });
    if let Some(cache) = &run.cache {
        // A cache that cannot be written only costs time on the next run.
        let _ = trace::phase("save cache", || {
            cache.save(
                run.started,
                &entries,
                Some(&consistency),
                run.previous.as_ref(),
            )
        });
    }
    diagnostics.extend(consistency);
    complete(source, &mut diagnostics, &mut sources);
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    Ok(CheckReport {
        files_checked: files.len(),
        diagnostics,
        sources,
    })
}

/// A record file found by the walk.
struct RecordFile {
    /// Relative to the repository root.
    path: PathBuf,
    kind: Kind,
    stamp: Option<Stamp>,
    /// Its entry in the cache, if it has one (an index for [`Previous::file`]).
    prior: Option<usize>,
}

/// What every run starts from: the schemas, the record files with their stamps, and the cache.
struct Run {
    started: i64,
    schemas: SchemaSet,
    /// Sorted by path.
    records: Vec<RecordFile>,
    unknown_files: Vec<Diagnostic>,
    cache: Option<Cache>,
    previous: Option<Previous>,
}

impl Run {
    fn start(source: &Source, cache_use: CacheUse) -> Result<Run, CheckError> {
        let started = cache::now_ns();
        let cache_wanted = cache_use == CacheUse::On && matches!(source, Source::WorkTree(_));
        // The cache is read while the folders are walked (its file name depends only on the
        // root; whether it is valid is decided once the schemas are known).
        let (schemas, (candidates, previous)) = rayon::join(
            || trace::phase("schemas", || load_schemas(source)),
            || {
                rayon::join(
                    || trace::phase("discover", || load::discover(source, cache_wanted)),
                    || match source {
                        Source::WorkTree(root) if cache_wanted => {
                            trace::phase("load cache", || Cache::for_repository(root)?.load())
                        }
                        _ => None,
                    },
                )
            },
        );
        let (schemas, candidates) = (schemas?, candidates?);
        let cache = match source {
            Source::WorkTree(root) if cache_wanted => {
                Cache::for_repository(root).map(|c| c.for_schemas(schemas.fingerprint()))
            }
            _ => None,
        };
        let previous = previous.filter(|p| cache.as_ref().is_some_and(|c| c.made(p)));
        let mut records = Vec::with_capacity(candidates.len());
        let mut unknown_files = Vec::new();
        for candidate in candidates {
            match candidate.kind {
                Some(kind) => records.push(RecordFile {
                    path: candidate.path,
                    kind,
                    stamp: candidate.stamp,
                    prior: None,
                }),
                None => unknown_files.push(load::unknown_file(&candidate.path)),
            }
        }
        if let Some(previous) = &previous {
            let priors = previous.matching(records.iter().map(|r| r.path.as_path()));
            for (record, prior) in records.iter_mut().zip(priors) {
                record.prior = prior;
            }
        }
        Ok(Run {
            started,
            schemas,
            records,
            unknown_files,
            cache,
            previous,
        })
    }

    /// The cached result for a file of the same kind at the same path.
    fn prior(&self, file: &RecordFile) -> Option<&CachedFile> {
        let cached = self.previous.as_ref()?.file(file.prior?);
        (cached.kind == file.kind).then_some(cached)
    }

    /// Whether no record file was added or removed and every stamp shows no change.
    fn nothing_changed(&self) -> bool {
        self.previous
            .as_ref()
            .is_some_and(|p| p.len() == self.records.len())
            && self.records.iter().all(|file| {
                self.prior(file)
                    .is_some_and(|cached| Previous::unchanged(cached, file.stamp))
            })
    }

    /// Reads, parses and validates one file, or reuses the last run's result for it: without
    /// reading it if its stamp is unchanged, or after reading it if its content hash is.
    /// `want_json`: whether the record's JSON form is wanted besides the typed record.
    fn scan(&self, source: &Source, file: &RecordFile, want_json: bool) -> Scanned {
        let prior = self.prior(file);
        let previous = self.previous.as_ref();
        if let (Some(previous), Some(cached)) = (previous, prior)
            && Previous::unchanged(cached, file.stamp)
            && let Some(mut scanned) = reuse(previous, cached, file.stamp, want_json)
        {
            scanned.unchanged = true;
            return scanned;
        }
        let bytes = match load::read_file(source, &file.path) {
            Ok(bytes) => bytes,
            Err(diagnostic) => {
                let cached = CachedFile {
                    path: file.path.clone(),
                    kind: file.kind,
                    stamp: None,
                    hash: 0,
                    id: None,
                    diagnostics: vec![*diagnostic],
                    json: None,
                };
                return Scanned {
                    cached,
                    record: None,
                    json: None,
                    source: None,
                    unchanged: false,
                };
            }
        };
        let hash = cache::content_hash(&bytes);
        if let (Some(previous), Some(cached)) = (previous, prior)
            && cached.hash == hash
            && let Some(scanned) = reuse(previous, cached, file.stamp, want_json)
        {
            return scanned;
        }
        let mut scanned =
            parse_and_validate(&self.schemas, &file.path, file.kind, bytes, want_json);
        scanned.cached.stamp = file.stamp;
        scanned.cached.hash = hash;
        if self.cache.is_none() {
            scanned.cached.json = None;
        }
        scanned
    }
}

/// Loads the records for answering queries: like [`check_source`] without the cross-record
/// checks, keeping only files without syntax or schema errors. Parse trees are dropped as soon
/// as each file is validated, in parallel. Returns how many files were left out.
pub fn load_records(
    source: &Source,
    cache_use: CacheUse,
) -> Result<(crate::model::Repository, usize), CheckError> {
    let run = Run::start(source, cache_use)?;
    let scanned: Vec<(CachedFile, bool, Option<crate::model::Entry>)> =
        trace::phase("scan", || {
            run.records
                .par_iter()
                .map(|file| {
                    let scanned = run.scan(source, file, true);
                    let failed = scanned
                        .cached
                        .diagnostics
                        .iter()
                        .any(|d| d.severity == Severity::Error);
                    let entry = match (scanned.record, scanned.json) {
                        (Some(record), Some(json)) if !failed => Some(crate::model::Entry {
                            kind: file.kind,
                            record,
                            json,
                            path: file.path.clone(),
                        }),
                        _ => None,
                    };
                    (scanned.cached, scanned.unchanged, entry)
                })
                .collect()
        });
    let all_unchanged = run
        .previous
        .as_ref()
        .is_some_and(|p| p.len() == scanned.len())
        && scanned.iter().all(|(_, unchanged, _)| *unchanged);
    let mut cached = Vec::with_capacity(scanned.len());
    let mut entries = Vec::with_capacity(scanned.len());
    for (file, _, entry) in scanned {
        cached.push(file);
        entries.push(entry);
    }
    if let Some(cache) = &run.cache
        && !all_unchanged
    {
        // Queries do not run the cross-record checks, so the next `check` runs them afresh.
        let _ = trace::phase("save cache", || {
            cache.save(run.started, &cached, None, run.previous.as_ref())
        });
    }
    let left_out = entries.iter().filter(|e| e.is_none()).count();
    let repository = trace::phase("index", || {
        crate::model::Repository::new(entries.into_iter().flatten().collect())
    });
    Ok((repository, left_out))
}

/// One record file after the per-file pass, fresh or from the cache.
struct Scanned {
    /// The file's result, as the cache keeps it.
    cached: CachedFile,
    /// The typed record, when schema-valid.
    record: Option<Record>,
    /// The record as JSON, when schema-valid and asked for.
    json: Option<LazyJson>,
    /// The text, when the file was read and has problems to show.
    source: Option<SourceFile>,
    /// Whether the cached result was reused on the strength of the file's stamp alone.
    unchanged: bool,
}

/// Parses and validates one file's bytes; the JSON is also encoded for the cache.
fn parse_and_validate(
    schemas: &SchemaSet,
    path: &Path,
    kind: Kind,
    bytes: Vec<u8>,
    want_json: bool,
) -> Scanned {
    let loaded = load::load_bytes(path, kind, bytes);
    let mut diagnostics = loaded.diagnostics;
    let mut id = None;
    let mut json = None;
    if let (Some(text), Some(tree)) = (&loaded.source, loaded.tree) {
        // The tree becomes JSON without copying; positions are needed only to report schema
        // errors, so an invalid file (rare) is parsed again for them.
        let instance = tree.into_json();
        id = instance
            .get("id")
            .and_then(serde_json::Value::as_str)
            .map(String::from);
        if schemas.is_valid(kind, &instance) {
            json = Some(instance);
        } else if let Some(tree) = load::yaml::parse(text).root {
            diagnostics.extend(schemas.validate(kind, text, &tree, &instance));
        }
    }
    // The JSON is kept encoded (for the cache, and decoded again only if a command shows it):
    // a fraction of the memory of a `serde_json::Value`.
    let encoded = json.as_ref().map(|json| {
        let mut writer = cache::codec::Writer::default();
        writer.json(json);
        Arc::new(writer.bytes)
    });
    let record = json
        .as_ref()
        .and_then(|json| Record::from_json(kind, json).ok());
    drop(json);
    let json = encoded
        .as_ref()
        .filter(|_| want_json)
        .map(|bytes| cache::lazy_json(bytes.clone(), 0..bytes.len()));
    let blob = encoded.map(Blob::New);
    let source = if diagnostics.is_empty() {
        None
    } else {
        loaded.source
    };
    Scanned {
        cached: CachedFile {
            path: path.to_path_buf(),
            kind,
            stamp: None,
            hash: 0,
            id,
            diagnostics,
            json: blob,
        },
        record,
        json,
        source,
        unchanged: false,
    }
}

/// The cached result of a file, `None` if its record cannot be read back (then it is parsed).
fn reuse(
    previous: &Previous,
    cached: &CachedFile,
    stamp: Option<Stamp>,
    want_json: bool,
) -> Option<Scanned> {
    let (record, json) = match &cached.json {
        None => (None, None),
        Some(blob) => {
            let record = previous.record(cached.kind, blob)?;
            let json = match want_json {
                true => Some(previous.lazy_json(blob)?),
                false => None,
            };
            (Some(record), json)
        }
    };
    Some(Scanned {
        cached: CachedFile {
            stamp,
            ..cached.clone()
        },
        record,
        json,
        source: None,
        unchanged: false,
    })
}

/// Makes diagnostics ready to show: gives a position to those (and their labels) that have
/// only a JSON pointer, as the cross-record checks make them, and collects the texts of every
/// file they point into. Only those files are read again. A file that changed meanwhile so that
/// a pointer no longer resolves leaves that diagnostic without a position.
fn complete(
    source: &Source,
    diagnostics: &mut [Diagnostic],
    sources: &mut BTreeMap<PathBuf, SourceFile>,
) {
    let unlocated: BTreeSet<&Path> = diagnostics
        .iter()
        .flat_map(Diagnostic::unlocated_files)
        .collect();
    let wanted: BTreeSet<PathBuf> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(&d.file).chain(d.labels.iter().map(|l| &l.file)))
        .filter(|path| unlocated.contains(path.as_path()) || !sources.contains_key(*path))
        .cloned()
        .collect();
    let reread: HashMap<PathBuf, (SourceFile, Option<Node>)> = wanted
        .into_par_iter()
        .filter_map(|path| {
            let kind = load::classify(&path).kind?;
            let loaded = load::load_file(source, &path, kind);
            Some((path, (loaded.source?, loaded.tree)))
        })
        .collect();
    let span_of = |file: &Path, pointer: &str| {
        let (text, tree) = reread.get(file)?;
        Some(schema::locate(text, tree.as_ref()?, pointer))
    };
    for diagnostic in diagnostics.iter_mut() {
        if diagnostic.span.is_none()
            && let Some(pointer) = &diagnostic.pointer
        {
            diagnostic.span = span_of(&diagnostic.file, pointer);
        }
        for label in &mut diagnostic.labels {
            if label.span.is_none()
                && let Some(pointer) = &label.pointer
            {
                label.span = span_of(&label.file, pointer);
            }
        }
    }
    for (path, (text, _)) in reread {
        sources.entry(path).or_insert(text);
    }
}
