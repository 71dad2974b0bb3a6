//! The check cache: each record file's result (its own diagnostics, its id, and its JSON when
//! schema-valid) from the last run, so that a run reads and parses only files that changed.
//!
//! **Never stale.** Files are matched as git matches its index: a file whose size, modification
//! time, change time and inode equal the cached stamp is not read again. A file whose stamp
//! differs is read and hashed (XXH3-128 of its bytes), and the cached result is reused only when
//! the hash is the same. A stamp taken within [`RACY_WINDOW_NS`] of the run that recorded it is
//! not trusted (a second edit within the clock's granularity could leave it unchanged), so such
//! files are hashed again next time. The whole cache is ignored when the schemas or the binary
//! change, and a damaged cache file (checksums over both files) is ignored, never trusted.
//!
//! **Where.** `IASMN_CACHE_DIR` if set; else `iasmn/` inside the git directory of the repository;
//! else `.iasmn-cache/` in the repository root (with a `.gitignore` of `*`). Deleting it only
//! costs time. Files are written under temporary names and renamed, so a run killed mid-write
//! leaves the previous cache intact.

pub mod codec;

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use xxhash_rust::xxh3::xxh3_128;

use crate::diag::Diagnostic;
use crate::model::{Kind, LazyJson, Record};
use codec::{Corrupt, Decoder, Reader, Writer};

const MAGIC: &[u8] = b"IASMN-CACHE 1\n";

/// How close to the recording run a stamp must not be for it to be trusted: generous against
/// coarse file-system clocks (2 s on FAT), and only costs a re-hash of just-edited files.
pub const RACY_WINDOW_NS: i64 = 2_000_000_000;

/// What the file system says about a file, to tell cheaply that it has not changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
}

impl Stamp {
    #[cfg(unix)]
    pub fn of(metadata: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: metadata.len(),
            mtime_ns: metadata.mtime() * 1_000_000_000 + metadata.mtime_nsec(),
            ctime_ns: metadata.ctime() * 1_000_000_000 + metadata.ctime_nsec(),
            ino: metadata.ino(),
        }
    }

    #[cfg(not(unix))]
    pub fn of(metadata: &fs::Metadata) -> Stamp {
        let nanos = |t: io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64)
        };
        Stamp {
            len: metadata.len(),
            mtime_ns: nanos(metadata.modified()),
            ctime_ns: nanos(metadata.created()),
            ino: 0,
        }
    }

    /// Whether the file could still change without this stamp changing.
    fn is_racy(&self, run_started_ns: i64) -> bool {
        self.mtime_ns.max(self.ctime_ns) >= run_started_ns - RACY_WINDOW_NS
    }
}

/// The content key of a file.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// Now, in nanoseconds since the epoch (the clock file times use).
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// Where the record's JSON is: in the previous data file, or freshly encoded.
#[derive(Debug, Clone)]
pub enum Blob {
    Old {
        offset: u64,
        len: u64,
    },
    /// Shared with the record's [`LazyJson`] during the run.
    New(Arc<Vec<u8>>),
}

/// One record file's cached result.
#[derive(Debug, Clone)]
pub struct CachedFile {
    pub path: PathBuf,
    pub kind: Kind,
    /// `None`: not to be trusted (racy, or the file could not be read).
    pub stamp: Option<Stamp>,
    pub hash: u128,
    pub id: Option<String>,
    /// The file's own problems (syntax, schema), located.
    pub diagnostics: Vec<Diagnostic>,
    /// The record as JSON, when it is schema-valid.
    pub json: Option<Blob>,
}

/// A repository's cache location.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// Distinguishes repositories sharing a cache folder (a hash of the root's path).
    name: String,
    /// Binary and schema identity: results from another binary or other schemas are ignored.
    fingerprint: u128,
}

impl Cache {
    /// This cache for results made with the schemas of the given fingerprint.
    pub fn for_schemas(mut self, schema_fingerprint: u128) -> Cache {
        self.fingerprint = binary_fingerprint() ^ schema_fingerprint;
        self
    }

    /// Whether `previous` was made by this binary with the same schemas (else it is ignored).
    pub fn made(&self, previous: &Previous) -> bool {
        previous.fingerprint == self.fingerprint
    }
}

/// What the last run left.
pub struct Previous {
    fingerprint: u128,
    /// In the order they were saved: the walk order, which the next run's walk repeats.
    files: Vec<CachedFile>,
    /// The cross-record diagnostics of that run (`None` if it did not run them), valid while no
    /// file is added, removed or changed.
    pub consistency: Option<Vec<Diagnostic>>,
    data_name: String,
    data_hash: u128,
    data: OnceLock<Option<Arc<Vec<u8>>>>,
    dir: PathBuf,
}

impl Previous {
    /// The cached result for each of `paths`, as an index for [`Previous::file`]. Both lists
    /// are usually in the same order, so this is a merge; a path out of step is looked up in an
    /// index built only then.
    pub fn matching<'p>(&self, paths: impl Iterator<Item = &'p Path>) -> Vec<Option<usize>> {
        let mut next = 0;
        let mut index: Option<HashMap<&Path, usize>> = None;
        paths
            .map(|path| {
                if self.files.get(next).is_some_and(|f| f.path == path) {
                    next += 1;
                    return Some(next - 1);
                }
                let index = index.get_or_insert_with(|| {
                    self.files
                        .iter()
                        .enumerate()
                        .map(|(i, f)| (f.path.as_path(), i))
                        .collect()
                });
                let found = *index.get(path)?;
                next = found + 1;
                Some(found)
            })
            .collect()
    }

    pub fn file(&self, index: usize) -> &CachedFile {
        &self.files[index]
    }

    /// How many record files the last run saw.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Whether `stamp` proves the file unchanged since it was cached.
    pub fn unchanged(cached: &CachedFile, stamp: Option<Stamp>) -> bool {
        cached.stamp.is_some() && cached.stamp == stamp
    }

    /// The typed record cached for a file, `None` if the data file is damaged.
    pub fn record(&self, kind: Kind, blob: &Blob) -> Option<Record> {
        let bytes = self.blob_bytes(blob)?;
        Record::deserialize_as(kind, &mut Decoder::new(bytes)).ok()
    }

    /// The cached JSON of a file, decoded when first used.
    pub fn lazy_json(&self, blob: &Blob) -> Option<LazyJson> {
        let (data, range) = match blob {
            Blob::New(bytes) => (bytes.clone(), 0..bytes.len()),
            Blob::Old { .. } => (self.data()?.clone(), self.range(blob)?),
        };
        Some(lazy_json(data, range))
    }

    /// The data file, read (and its checksum verified) on first use.
    fn data(&self) -> Option<&Arc<Vec<u8>>> {
        self.data
            .get_or_init(|| {
                let bytes = fs::read(self.dir.join(&self.data_name)).ok()?;
                (xxh3_128(&bytes) == self.data_hash).then(|| Arc::new(bytes))
            })
            .as_ref()
    }

    fn range(&self, blob: &Blob) -> Option<std::ops::Range<usize>> {
        match blob {
            Blob::New(bytes) => Some(0..bytes.len()),
            Blob::Old { offset, len } => {
                let start = usize::try_from(*offset).ok()?;
                Some(start..start.checked_add(usize::try_from(*len).ok()?)?)
            }
        }
    }

    fn blob_bytes<'s>(&'s self, blob: &'s Blob) -> Option<&'s [u8]> {
        match blob {
            Blob::New(bytes) => Some(bytes),
            Blob::Old { .. } => self.data()?.get(self.range(blob)?),
        }
    }
}

impl Cache {
    /// The cache for the repository at `root` (see [`Cache::for_schemas`] before saving).
    /// `None` when no place for it can be found.
    pub fn for_repository(root: &Path) -> Option<Cache> {
        let root = fs::canonicalize(root).ok()?;
        let dir = match std::env::var_os("IASMN_CACHE_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => match git_dir(&root) {
                Some(git) => git.join("iasmn"),
                None => root.join(".iasmn-cache"),
            },
        };
        let name = format!(
            "{:016x}",
            xxh3_128(root.to_string_lossy().as_bytes()) as u64
        );
        Some(Cache {
            dir,
            name,
            fingerprint: 0,
        })
    }

    fn index_path(&self) -> PathBuf {
        self.dir.join(format!("{}.index", self.name))
    }

    /// The last run's results, if any (check [`Cache::made`] before using them).
    pub fn load(&self) -> Option<Previous> {
        let bytes = fs::read(self.index_path()).ok()?;
        self.decode_index(&bytes).ok()
    }

    fn decode_index(&self, bytes: &[u8]) -> Result<Previous, Corrupt> {
        let body_len = bytes.len().checked_sub(16).ok_or(Corrupt)?;
        let (body, checksum) = bytes.split_at(body_len);
        if Reader::new(checksum).u128()? != xxh3_128(body) {
            return Err(Corrupt);
        }
        let mut reader = Reader::new(body);
        if reader.take(MAGIC.len())? != MAGIC {
            return Err(Corrupt);
        }
        let fingerprint = reader.u128()?;
        let data_name = reader.string()?;
        let data_hash = reader.u128()?;
        let n = reader.count()?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            let path = reader.path()?;
            let kind = *Kind::ALL.get(usize::from(reader.u8()?)).ok_or(Corrupt)?;
            let stamp = match reader.u8()? {
                0 => None,
                _ => Some(Stamp {
                    len: reader.varint()?,
                    mtime_ns: reader.i64()?,
                    ctime_ns: reader.i64()?,
                    ino: reader.varint()?,
                }),
            };
            let hash = reader.u128()?;
            let id = reader.opt_string()?;
            let diagnostics = reader.diagnostics()?;
            let json = match reader.u8()? {
                0 => None,
                _ => Some(Blob::Old {
                    offset: reader.varint()?,
                    len: reader.varint()?,
                }),
            };
            files.push(CachedFile {
                path,
                kind,
                stamp,
                hash,
                id,
                diagnostics,
                json,
            });
        }
        let consistency = match reader.u8()? {
            0 => None,
            _ => Some(reader.diagnostics()?),
        };
        if !reader.at_end() {
            return Err(Corrupt);
        }
        Ok(Previous {
            fingerprint,
            files,
            consistency,
            data_name,
            data_hash,
            data: OnceLock::new(),
            dir: self.dir.clone(),
        })
    }

    /// Records this run's results. Stamps too recent to be trusted are dropped; the JSON of
    /// records is rewritten only if some file's content changed. Never fails the run: the caller
    /// may ignore the error (the cache is then just not updated).
    pub fn save(
        &self,
        run_started_ns: i64,
        files: &[CachedFile],
        consistency: Option<&[Diagnostic]>,
        previous: Option<&Previous>,
    ) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        if self.dir.file_name().is_some_and(|n| n == ".iasmn-cache") {
            let ignore = self.dir.join(".gitignore");
            if !ignore.exists() {
                fs::write(ignore, "# iasmn's cache: safe to delete\n*\n")?;
            }
        }
        let nonce = format!("{:x}-{}", run_started_ns, std::process::id());
        let any_new = files.iter().any(|f| matches!(f.json, Some(Blob::New(_))));
        // Keep the old data file when no record changed (offsets stay valid).
        let (data_name, data_hash, locations) = match previous {
            Some(previous) if !any_new && previous.data().is_some() => {
                let locations = files
                    .iter()
                    .map(|f| match f.json {
                        Some(Blob::Old { offset, len }) => Some((offset, len)),
                        _ => None,
                    })
                    .collect();
                (previous.data_name.clone(), previous.data_hash, locations)
            }
            _ => {
                let name = format!("{}-{nonce}.data", self.name);
                let (hash, locations) = write_atomically_with(&self.dir, &name, &nonce, |out| {
                    write_data(files, previous, out)
                })?;
                (name, hash, locations)
            }
        };
        let mut w = Writer::default();
        w.bytes.extend_from_slice(MAGIC);
        w.u128(self.fingerprint);
        w.str(&data_name);
        w.u128(data_hash);
        w.varint(files.len() as u64);
        for (file, location) in files.iter().zip(locations) {
            w.path(&file.path);
            w.u8(Kind::ALL.iter().position(|k| *k == file.kind).unwrap_or(0) as u8);
            match file.stamp.filter(|s| !s.is_racy(run_started_ns)) {
                None => w.u8(0),
                Some(stamp) => {
                    w.u8(1);
                    w.varint(stamp.len);
                    w.i64(stamp.mtime_ns);
                    w.i64(stamp.ctime_ns);
                    w.varint(stamp.ino);
                }
            }
            w.u128(file.hash);
            w.opt_str(file.id.as_deref());
            w.diagnostics(&file.diagnostics);
            match location {
                None => w.u8(0),
                Some((offset, len)) => {
                    w.u8(1);
                    w.varint(offset);
                    w.varint(len);
                }
            }
        }
        match consistency {
            None => w.u8(0),
            Some(diagnostics) => {
                w.u8(1);
                w.diagnostics(diagnostics);
            }
        }
        let checksum = xxh3_128(&w.bytes);
        w.u128(checksum);
        write_atomically(&self.dir, &format!("{}.index", self.name), &nonce, &w.bytes)?;
        self.remove_stale_data(&data_name);
        Ok(())
    }

    /// Deletes this repository's data files other than `keep`, and temporary files left by
    /// killed runs (best effort: another run may be using them, and then re-parses).
    fn remove_stale_data(&self, keep: &str) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with(&format!("{}-", self.name)) && name.ends_with(".data");
            let temporary = name.starts_with(&format!(".{}", self.name)) && name.contains(".tmp");
            if (ours && name != keep) || temporary {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// A record's JSON, decoded from its encoding (`data[range]`) when first used.
pub fn lazy_json(data: Arc<Vec<u8>>, range: std::ops::Range<usize>) -> LazyJson {
    LazyJson::deferred(move || Reader::new(data.get(range.clone())?).json().ok())
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
fn write_atomically(dir: &Path, name: &str, nonce: &str, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(dir, name, nonce, |out| out.write_all(bytes))
}

/// Writes `dir/name` with `write` through a temporary file and a rename.
fn write_atomically_with<T>(
    dir: &Path,
    name: &str,
    nonce: &str,
    write: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<T>,
) -> io::Result<T> {
    let temporary = dir.join(format!(".{name}.tmp-{nonce}"));
    let result = (|| {
        let mut out = io::BufWriter::with_capacity(1 << 20, fs::File::create(&temporary)?);
        let value = write(&mut out)?;
        out.flush()?;
        fs::rename(&temporary, dir.join(name))?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Where a record's JSON is in the data file: offset and length.
type Location = (u64, u64);

/// Streams the records' JSON into a data file: its checksum, and where each record's is.
fn write_data(
    files: &[CachedFile],
    previous: Option<&Previous>,
    out: &mut impl Write,
) -> io::Result<(u128, Vec<Option<Location>>)> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut offset = 0u64;
    let mut locations = Vec::with_capacity(files.len());
    for file in files {
        let bytes = match &file.json {
            None => None,
            Some(Blob::New(bytes)) => Some(bytes.as_slice()),
            Some(old) => previous.and_then(|p| p.blob_bytes(old)),
        };
        locations.push(match bytes {
            None => None,
            Some(bytes) => {
                out.write_all(bytes)?;
                hasher.update(bytes);
                let location = (offset, bytes.len() as u64);
                offset += bytes.len() as u64;
                Some(location)
            }
        });
    }
    Ok((hasher.digest128(), locations))
}

/// The git directory holding the repository at `root` (its own or an enclosing one's).
fn git_dir(root: &Path) -> Option<PathBuf> {
    root.ancestors().find_map(|dir| {
        let dot_git = dir.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git);
        }
        // A worktree or submodule: `.git` is a file saying `gitdir: <path>`.
        let text = fs::read_to_string(&dot_git).ok()?;
        let target = Path::new(text.strip_prefix("gitdir:")?.trim());
        Some(dir.join(target)).filter(|p| p.is_dir())
    })
}

/// Identifies this build of the tool: results of another build are not reused, even under the
/// same version number (as during development).
fn binary_fingerprint() -> u128 {
    static FINGERPRINT: OnceLock<u128> = OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        let stamp = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| Stamp::of(&m));
        let text = format!("{} {:?}", env!("CARGO_PKG_VERSION"), stamp.ok());
        xxh3_128(text.as_bytes())
    })
}
