//! Finding the records repository and turning each file into a parsed tree plus diagnostics.
//!
//! Problems in a file are diagnostics (loading carries on with the next file); only a missing
//! repository or an unwalkable folder is an `Err`.

pub mod source;
pub mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::model::Kind;
use source::SourceFile;
use yaml::Node;

/// Largest record file read; a real record is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// First read size: most records fit in one read.
const READ_BUFFER_BYTES: usize = 16 * 1024;

/// Failures of the tool itself (not of the data): exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "no records repository found in {start} or any parent folder (looked for a `records/` folder)"
    )]
    NotFound { start: PathBuf },
    #[error("{path} is not a records repository: it has no `records/` folder")]
    NotARepository { path: PathBuf },
    #[error("cannot read {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// The repository root: `explicit` if given, else the nearest folder upward holding `records/`.
pub fn find_root(start: &Path, explicit: Option<&Path>) -> Result<PathBuf, LoadError> {
    if let Some(path) = explicit {
        return if path.join("records").is_dir() {
            Ok(path.to_path_buf())
        } else {
            Err(LoadError::NotARepository {
                path: path.to_path_buf(),
            })
        };
    }
    start
        .ancestors()
        .find(|dir| dir.join("records").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| LoadError::NotFound {
            start: start.to_path_buf(),
        })
}

/// Where record files are read from: the working tree, or a snapshot of a commit's files
/// (for `--as-of`), keyed by path relative to the repository root.
#[derive(Debug)]
pub enum Source {
    WorkTree(PathBuf),
    Snapshot(std::collections::BTreeMap<PathBuf, Vec<u8>>),
}

impl Source {
    /// Reads a file, or `None` if it is larger than [`MAX_FILE_BYTES`].
    fn read(&self, path: &Path) -> std::io::Result<Option<Vec<u8>>> {
        match self {
            Source::WorkTree(root) => read_bounded(&root.join(path)),
            Source::Snapshot(files) => match files.get(path) {
                Some(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => Ok(None),
                Some(bytes) => Ok(Some(bytes.clone())),
                None => Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "not in this commit",
                )),
            },
        }
    }

    /// The text of a schema file, `None` when the repository has no `schemas/` folder.
    pub fn schema_text(&self, name: &str) -> Option<Result<String, std::io::Error>> {
        match self {
            Source::WorkTree(root) => {
                let folder = root.join("schemas");
                folder
                    .is_dir()
                    .then(|| std::fs::read_to_string(folder.join(name)))
            }
            Source::Snapshot(files) => {
                let has_folder = files.keys().any(|p| p.starts_with("schemas"));
                has_folder.then(|| match files.get(&Path::new("schemas").join(name)) {
                    Some(bytes) => String::from_utf8(bytes.clone())
                        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
                    None => Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "not in this commit",
                    )),
                })
            }
        }
    }
}

/// One file under `records/` and what its path says it is.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Relative to the repository root, `/`-separated.
    pub path: PathBuf,
    pub kind: Option<Kind>,
    /// The file's stamp, when asked for (working trees only).
    pub stamp: Option<crate::cache::Stamp>,
}

/// Every file under `records/`, sorted; README files and dot-files are skipped. With
/// `stamps`, each file of a working tree also gets its stamp (for the cache), taken in the same
/// walk. Folders are read in parallel.
pub fn discover(source: &Source, stamps: bool) -> Result<Vec<Candidate>, LoadError> {
    let root = match source {
        Source::WorkTree(root) => root,
        Source::Snapshot(files) => {
            let candidates = files
                .keys()
                .filter(|path| path.starts_with("records"))
                .filter(|path| {
                    !path
                        .components()
                        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                })
                .filter(|path| {
                    !path
                        .file_name()
                        .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
                })
                .map(|path| classify(path))
                .collect();
            return Ok(candidates);
        }
    };
    walk(&root.join("records"), Path::new("records"), None, stamps)
}

/// The files under `folder` (at `relative` from the root) in the order of a depth-first walk
/// with each folder's entries sorted by name. `kind` is the kind of the top-level folder.
fn walk(
    folder: &Path,
    relative: &Path,
    kind: Option<Kind>,
    stamps: bool,
) -> Result<Vec<Candidate>, LoadError> {
    let io_error = |error| LoadError::Io {
        path: folder.to_path_buf(),
        error,
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let file_type = entry.file_type().map_err(io_error)?;
        entries.push((name, file_type, entry));
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Sub-folders are walked in parallel, then spliced in at their place in the order.
    let nested: Vec<Result<Vec<Candidate>, LoadError>> = entries
        .par_iter()
        .filter(|(_, file_type, _)| file_type.is_dir())
        .map(|(name, _, entry)| {
            // The folder right under `records/` decides the kind of everything below it.
            let kind = match relative == Path::new("records") {
                true => Kind::from_folder(&name.to_string_lossy()),
                false => kind,
            };
            walk(&entry.path(), &relative.join(name), kind, stamps)
        })
        .collect();
    let mut nested = nested.into_iter();
    let mut candidates = Vec::with_capacity(entries.len());
    for (name, file_type, entry) in entries {
        if file_type.is_dir() {
            if let Some(files) = nested.next() {
                candidates.extend(files?);
            }
            continue;
        }
        if name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        let path = relative.join(&name);
        // A file directly in `records/` has no kind; nor has one that is not `.yaml`.
        let is_yaml = path.extension().is_some_and(|e| e == "yaml");
        let stamp = stamps
            .then(|| {
                // Follow symbolic links: the stamp must change when the content does.
                let metadata = if file_type.is_symlink() {
                    std::fs::metadata(entry.path())
                } else {
                    entry.metadata()
                };
                metadata.ok().map(|m| crate::cache::Stamp::of(&m))
            })
            .flatten();
        candidates.push(Candidate {
            path,
            kind: kind.filter(|_| is_yaml),
            stamp,
        });
    }
    Ok(candidates)
}

/// What a path under `records/` says about the file.
pub fn classify(relative: &Path) -> Candidate {
    let path: PathBuf = relative.components().collect();
    let folder = relative
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let is_yaml = relative.extension().is_some_and(|e| e == "yaml");
    let kind = folder
        .as_deref()
        .and_then(Kind::from_folder)
        .filter(|_| is_yaml);
    Candidate {
        path,
        kind,
        stamp: None,
    }
}

/// A loaded record file.
#[derive(Debug)]
pub struct LoadedFile {
    pub path: PathBuf,
    pub kind: Kind,
    /// Absent when the file could not be read as text.
    pub source: Option<SourceFile>,
    /// Absent when the file could not be parsed.
    pub tree: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The warning for a file under `records/` that is not a record.
pub fn unknown_file(path: &Path) -> Diagnostic {
    let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
    let folder = path
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let known: Vec<String> = folders.iter().map(|f| f.to_string()).collect();
    let help = if path.extension().is_some_and(|e| e == "yml") {
        "records use the `.yaml` extension: rename the file".to_string()
    } else if let Some(best) =
        crate::check::schema::closest(&folder, &known).filter(|best| *best != folder)
    {
        format!("did you mean records/{best}/?")
    } else {
        format!(
            "records are .yaml files in records/{{{}}}/",
            folders.join(",")
        )
    };
    Diagnostic::new(
        Code::UnknownFile,
        path,
        None,
        "not a record: this file is ignored",
    )
    .with_help(help)
}

/// Reads and parses one record file. Never fails: every problem is a diagnostic.
pub fn load_file(source: &Source, path: &Path, kind: Kind) -> LoadedFile {
    match read_file(source, path) {
        Ok(bytes) => load_bytes(path, kind, bytes),
        Err(diagnostic) => LoadedFile {
            path: path.to_path_buf(),
            kind,
            source: None,
            tree: None,
            diagnostics: vec![*diagnostic],
        },
    }
}

/// Reads a record file's bytes; a file that cannot be read, or is too large, is a diagnostic.
pub fn read_file(source: &Source, path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    match source.read(path) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => {
            let file_start = crate::diag::Span {
                line: 1,
                column: 1,
                start: 0,
                end: 0,
            };
            Err(Box::new(
                Diagnostic::new(
                    Code::ResourceLimit,
                    path,
                    Some(file_start),
                    format!("file is larger than {} KiB", MAX_FILE_BYTES / 1024),
                )
                .with_help(
                    "a record is a few kilobytes: this looks like the wrong file or generated data",
                ),
            ))
        }
        Err(error) => Err(Box::new(Diagnostic::new(
            Code::UnreadableFile,
            path,
            None,
            format!("cannot read file: {error}"),
        ))),
    }
}

/// Parses a record file's bytes. Never fails: every problem is a diagnostic.
pub fn load_bytes(path: &Path, kind: Kind, bytes: Vec<u8>) -> LoadedFile {
    let mut loaded = LoadedFile {
        path: path.to_path_buf(),
        kind,
        source: None,
        tree: None,
        diagnostics: Vec::new(),
    };
    let (bytes, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest.to_vec(), true),
        None => (bytes, false),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            // Shown with the bad bytes replaced by U+FFFD; the valid prefix keeps its offsets.
            let lossy = SourceFile::new(
                path.to_path_buf(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
            let replacement_end = valid + char::REPLACEMENT_CHARACTER.len_utf8();
            loaded.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidUtf8,
                    path,
                    Some(lossy.span(valid, replacement_end)),
                    format!("byte 0x{:02X} is not valid UTF-8", bytes[valid]),
                )
                .with_help("save the file as UTF-8 (see the editor's encoding setting); the bad byte shows as \u{FFFD}"),
            );
            loaded.source = Some(lossy);
            return loaded;
        }
    };
    let source = SourceFile::new(path.to_path_buf(), text);
    if had_bom {
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::ByteOrderMark,
                path,
                Some(source.span(0, 0)),
                "file starts with a UTF-8 byte-order mark",
            )
            .with_help("save the file as UTF-8 without BOM"),
        );
    }
    let line_problems = line_checks(&source);
    let blocking = !line_problems.is_empty();
    loaded.diagnostics.extend(line_problems);
    loaded.diagnostics.extend(modeline_check(&source, kind));
    if !blocking {
        let parsed = yaml::parse(&source);
        loaded.diagnostics.extend(parsed.diagnostics);
        loaded.tree = parsed.root;
    }
    loaded.source = Some(source);
    loaded
}

/// Reads a file, or `None` if it is larger than [`MAX_FILE_BYTES`] (without reading it all).
fn read_bounded(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    // Room for a typical record up front: starting from an empty buffer, the standard library
    // reads 32, 32, 64, 128 ... bytes, 8 system calls for a 2 KB file instead of 2.
    let mut bytes = Vec::with_capacity(READ_BUFFER_BYTES);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// Tab indentation and merge-conflict markers. The YAML parser would only report these as
/// confusing syntax errors, so when one is found the file is not parsed.
fn line_checks(source: &SourceFile) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut conflict: Option<Diagnostic> = None;
    let mut tabs = 0;
    for (index, line) in source.text.lines().enumerate() {
        let number = index + 1;
        let indent_has_tab = line
            .chars()
            .take_while(|c| c.is_whitespace())
            .any(|c| c == '\t');
        if indent_has_tab {
            tabs += 1;
            if tabs == 1 {
                let (start, _) = source.line_range(number);
                let width = line
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .map(char::len_utf8)
                    .sum::<usize>();
                diagnostics.push(
                    Diagnostic::new(
                        Code::TabIndentation,
                        &source.path,
                        Some(source.span(start, start + width)),
                        "line is indented with a tab",
                    )
                    .with_help("indent with spaces; YAML does not allow tabs in indentation"),
                );
            }
        }
        let marker = ["<<<<<<<", "=======", ">>>>>>>"].into_iter().position(|m| {
            line.starts_with(m) && line[m.len()..].chars().next().is_none_or(|c| c == ' ')
        });
        match (marker, conflict.as_mut()) {
            (Some(0), None) => {
                conflict = Some(
                    Diagnostic::new(
                        Code::MergeConflictMarker,
                        &source.path,
                        Some(source.line_span(number)),
                        "unresolved merge conflict",
                    )
                    .with_help(
                        "keep the right side, delete the marker lines, then `git add` the file",
                    ),
                );
            }
            (Some(1), Some(d)) => {
                *d = d.clone().with_label(
                    &source.path,
                    source.line_span(number),
                    "the other side starts here",
                )
            }
            (Some(2), Some(d)) => {
                *d = d.clone().with_label(
                    &source.path,
                    source.line_span(number),
                    "conflict ends here",
                );
                diagnostics.extend(conflict.take());
            }
            _ => {}
        }
    }
    diagnostics.extend(conflict);
    if tabs > 1
        && let Some(d) = diagnostics
            .iter_mut()
            .find(|d| d.code == Code::TabIndentation)
    {
        d.message = format!(
            "line is indented with a tab (and {} more)",
            crate::render::plural(tabs - 1, "line")
        );
    }
    diagnostics
}

/// The modeline this file should start with.
pub fn expected_modeline(path: &Path, kind: Kind) -> String {
    let depth = path.components().count().saturating_sub(1);
    format!(
        "# yaml-language-server: $schema={}schemas/{}",
        "../".repeat(depth),
        kind.schema_file()
    )
}

fn modeline_check(source: &SourceFile, kind: Kind) -> Option<Diagnostic> {
    let expected = expected_modeline(&source.path, kind);
    let first = source.text.lines().next().unwrap_or("");
    if first.trim_end() == expected {
        return None;
    }
    let message = if first.starts_with("# yaml-language-server:") {
        format!(
            "modeline does not point to the {} schema from this folder",
            kind.name()
        )
    } else {
        "first line is not the schema modeline".to_string()
    };
    Some(
        Diagnostic::new(
            Code::SchemaModeline,
            &source.path,
            Some(source.line_span(1)),
            message,
        )
        .with_help(format!("make the first line: {expected}")),
    )
}
