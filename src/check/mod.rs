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

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Severity};
use crate::load::{self, LoadError, Source, source::SourceFile, yaml::Node};
use crate::model::{Kind, Record};
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
    pub files: Vec<CheckedFile>,
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

/// Checks the whole repository at `root` (its working tree).
pub fn check_repository(root: &Path) -> Result<CheckReport, CheckError> {
    check_source(&Source::WorkTree(root.to_path_buf()))
}

/// Checks the records of a working tree or of a commit.
pub fn check_source(source: &Source) -> Result<CheckReport, CheckError> {
    let (schemas, candidates) = rayon::join(|| load_schemas(source), || load::discover(source));
    let (schemas, candidates) = (schemas?, candidates?);
    let mut diagnostics = Vec::new();
    let mut records = Vec::with_capacity(candidates.len());
    for candidate in &candidates {
        match candidate.kind {
            Some(kind) => records.push((candidate.path.as_path(), kind)),
            None => diagnostics.push(load::unknown_file(&candidate.path)),
        }
    }
    let outcomes: Vec<FileOutcome> = records
        .par_iter()
        .map(|&(path, kind)| check_file(source, &schemas, path, kind))
        .collect();
    let mut files = Vec::with_capacity(outcomes.len());
    let mut sources = BTreeMap::new();
    for outcome in outcomes {
        diagnostics.extend(outcome.diagnostics);
        if let Some(text) = outcome.source {
            sources.insert(outcome.file.path.clone(), text);
        }
        files.push(outcome.file);
    }
    diagnostics.extend(consistency::check(&files));
    locate_pending(source, &files, &mut diagnostics, &mut sources);
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    Ok(CheckReport {
        files,
        diagnostics,
        sources,
    })
}

/// One file's share of a check: what the cross-record checks need, its own problems, and its
/// text when there are problems to show.
struct FileOutcome {
    file: CheckedFile,
    diagnostics: Vec<Diagnostic>,
    source: Option<SourceFile>,
}

/// Reads, parses and validates one file, keeping only what is needed afterwards.
fn check_file(source: &Source, schemas: &SchemaSet, path: &Path, kind: Kind) -> FileOutcome {
    let loaded = load::load_file(source, path, kind);
    let mut diagnostics = loaded.diagnostics;
    let mut file = CheckedFile {
        path: loaded.path,
        kind,
        id: None,
        record: None,
    };
    if let (Some(text), Some(tree)) = (&loaded.source, &loaded.tree) {
        file.id = string_field(tree, "id");
        let instance = tree.to_json();
        let schema_problems = schemas.validate(kind, text, tree, &instance);
        if schema_problems.is_empty() {
            file.record = Record::from_json(kind, &instance).ok();
        }
        diagnostics.extend(schema_problems);
    }
    let source = if diagnostics.is_empty() {
        None
    } else {
        loaded.source
    };
    FileOutcome {
        file,
        diagnostics,
        source,
    }
}

fn string_field(tree: &Node, key: &str) -> Option<String> {
    match &tree.get(key)?.value.value {
        load::yaml::NodeValue::Scalar(serde_json::Value::String(value)) => Some(value.clone()),
        _ => None,
    }
}

/// Gives a position to the diagnostics and labels that have only a JSON pointer (those of the
/// cross-record checks), re-reading and re-parsing just the files concerned. A file that
/// changed meanwhile so that the pointer no longer resolves gets the position of its first line.
fn locate_pending(
    source: &Source,
    files: &[CheckedFile],
    diagnostics: &mut [Diagnostic],
    sources: &mut BTreeMap<PathBuf, SourceFile>,
) {
    let kinds: HashMap<&Path, Kind> = files.iter().map(|f| (f.path.as_path(), f.kind)).collect();
    let wanted: BTreeSet<PathBuf> = diagnostics
        .iter()
        .flat_map(Diagnostic::unlocated_files)
        .map(Path::to_path_buf)
        .collect();
    let reparsed: HashMap<PathBuf, (SourceFile, Node)> = wanted
        .into_par_iter()
        .filter_map(|path| {
            let kind = *kinds.get(path.as_path())?;
            let loaded = load::load_file(source, &path, kind);
            Some((path, (loaded.source?, loaded.tree?)))
        })
        .collect();
    let span_of = |file: &Path, pointer: &str| {
        let (text, tree) = reparsed.get(file)?;
        Some(schema::locate(text, tree, pointer))
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
    for (path, (text, _)) in reparsed {
        sources.entry(path).or_insert(text);
    }
}

/// Loads the records for answering queries: like [`check_repository`] without the
/// cross-record checks, keeping only files without syntax or schema errors. Parse trees are
/// dropped as soon as each file is validated, in parallel. Returns how many files were left out.
pub fn load_records(source: &Source) -> Result<(crate::model::Repository, usize), CheckError> {
    let (schemas, candidates) = rayon::join(|| load_schemas(source), || load::discover(source));
    let (schemas, candidates) = (schemas?, candidates?);
    // One parallel pass per file: read, parse, validate, keep only the JSON, so at most a few
    // parse trees exist at any time.
    let entries: Vec<Option<crate::model::Entry>> = candidates
        .par_iter()
        .filter_map(|candidate| Some((candidate, candidate.kind?)))
        .map(|(candidate, kind)| {
            let file = load::load_file(source, &candidate.path, kind);
            if file
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
            {
                return None;
            }
            // The tree's positions are only needed to locate errors, which `check` reports.
            let json = file.tree?.into_json();
            if !schemas.is_valid(kind, &json) {
                return None;
            }
            let record = Record::from_json(kind, &json).ok()?;
            Some(crate::model::Entry {
                kind,
                record,
                json,
                path: file.path,
            })
        })
        .collect();
    let left_out = entries.iter().filter(|e| e.is_none()).count();
    Ok((
        crate::model::Repository::new(entries.into_iter().flatten().collect()),
        left_out,
    ))
}
