//! `check`: every problem in the repository, in one run.
//!
//! Order: load (syntax, per file, parallel) → schema (per file, parallel) → consistency
//! (across records). A file that fails schema validation still takes part in the duplicate-id
//! check, but not in the reference checks, which need a well-formed record.

pub mod codes;
pub mod consistency;
pub mod schema;

use std::collections::BTreeMap;
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

/// A record file after loading and schema validation.
#[derive(Debug)]
pub struct CheckedFile {
    pub path: PathBuf,
    pub kind: Kind,
    pub source: Option<SourceFile>,
    pub tree: Option<Node>,
    /// The typed record, when the file is schema-valid.
    pub record: Option<Record>,
    /// The record as JSON (the file's own fields), when the file parsed.
    pub json: Option<serde_json::Value>,
    /// Whether schema validation ran and passed.
    pub schema_valid: bool,
}

impl CheckedFile {
    /// The `id` field, when it is a string (even if the record is otherwise invalid).
    pub fn id(&self) -> Option<&str> {
        let entry = self.tree.as_ref()?.get("id")?;
        match &entry.value.value {
            crate::load::yaml::NodeValue::Scalar(serde_json::Value::String(id)) => Some(id),
            _ => None,
        }
    }
}

/// What a check run found.
pub struct CheckReport {
    pub files: Vec<CheckedFile>,
    /// Sorted by file, then position.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Source texts by path, for rendering snippets.
    pub fn sources(&self) -> BTreeMap<&Path, &SourceFile> {
        self.files
            .iter()
            .filter_map(|f| f.source.as_ref().map(|s| (f.path.as_path(), s)))
            .collect()
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
    let (schemas, loaded) = rayon::join(|| load_schemas(source), || load_files(source));
    let (schemas, (loaded, mut diagnostics)) = (schemas?, loaded?);
    let validated: Vec<(CheckedFile, Vec<Diagnostic>)> = loaded
        .into_par_iter()
        .map(|file| validate(&schemas, file))
        .collect();
    let mut files = Vec::with_capacity(validated.len());
    for (file, file_diagnostics) in validated {
        diagnostics.extend(file_diagnostics);
        files.push(file);
    }
    diagnostics.extend(consistency::check(&files));
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    Ok(CheckReport { files, diagnostics })
}

/// Finds and parses every record file (compiling the schemas meanwhile is the caller's job).
fn load_files(source: &Source) -> Result<(Vec<load::LoadedFile>, Vec<Diagnostic>), CheckError> {
    let candidates = load::discover(source)?;
    Ok(load::load_all(source, &candidates))
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

fn validate(schemas: &SchemaSet, file: load::LoadedFile) -> (CheckedFile, Vec<Diagnostic>) {
    let mut diagnostics = file.diagnostics;
    let mut record = None;
    let mut json = None;
    let mut schema_valid = false;
    if let (Some(source), Some(tree)) = (&file.source, &file.tree) {
        let instance = tree.to_json();
        let schema_problems = schemas.validate(file.kind, source, tree, &instance);
        schema_valid = schema_problems.is_empty();
        diagnostics.extend(schema_problems);
        if schema_valid {
            record = Record::from_json(file.kind, &instance).ok();
        }
        json = Some(instance);
    }
    let checked = CheckedFile {
        path: file.path,
        kind: file.kind,
        source: file.source,
        tree: file.tree,
        record,
        json,
        schema_valid,
    };
    (checked, diagnostics)
}
