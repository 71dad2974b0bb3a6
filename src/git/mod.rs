//! Git access: the only module that talks to git. It runs the `git` binary (read-only
//! commands only: rev-parse, rev-list, ls-tree, cat-file, log, diff), so the working tree and
//! index are never touched.
//!
//! Why the binary and not a library: it is on every machine that commits records, it follows
//! renames (`log --follow`, which neither gix nor libgit2 offers), and it was measured 6x faster
//! than gix for one file's history (../shared/LIBRARIES.md, Q3), with no build cost.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Failures of git access, each with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error(
        "{path} is not inside a git repository; history needs the records to be committed with git"
    )]
    NotARepository { path: PathBuf },
    #[error(
        "unknown revision `{rev}`: not a commit, branch, tag or date (YYYY-MM-DD) of this repository"
    )]
    UnknownRevision { rev: String },
    #[error(
        "this is a shallow clone and its history does not reach {what}; fetch the rest with `git fetch --unshallow`"
    )]
    Shallow { what: String },
    #[error("no commit at or before {date}: the history starts later")]
    BeforeHistory { date: String },
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("git {command} failed: {stderr}")]
    Failed { command: String, stderr: String },
}

/// One commit touching a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commit {
    pub id: String,
    /// Author date, ISO 8601.
    pub date: String,
    pub author: String,
    pub subject: String,
}

/// A file change between two commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    Added(String),
    Removed(String),
    Modified(String),
    Renamed { from: String, to: String },
}

/// A git repository holding a records repository (possibly in a sub-folder).
#[derive(Debug, Clone)]
pub struct Git {
    /// The records repository root.
    root: PathBuf,
    /// The records root relative to the git top level, `/`-terminated, or empty.
    prefix: String,
}

impl Git {
    /// Opens the git repository that holds the records repository at `root`.
    pub fn open(root: &Path) -> Result<Git, GitError> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["rev-parse", "--show-prefix"])
            .stderr(Stdio::null())
            .output()
            .map_err(GitError::Spawn)?;
        if !output.status.success() {
            return Err(GitError::NotARepository {
                path: root.to_path_buf(),
            });
        }
        let prefix = String::from_utf8_lossy(&output.stdout).trim().to_string();
        Ok(Git {
            root: root.to_path_buf(),
            prefix,
        })
    }

    fn command(&self) -> Command {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.root)
            .env("GIT_PAGER", "cat")
            .env("LC_ALL", "C");
        command
    }

    fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let output = self
            .command()
            .args(args)
            .output()
            .map_err(GitError::Spawn)?;
        if !output.status.success() {
            return Err(GitError::Failed {
                command: args.first().copied().unwrap_or_default().to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn is_shallow(&self) -> bool {
        self.run(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|s| s.trim() == "true")
    }

    /// The commit a revision or a date (`YYYY-MM-DD`: the last commit of that day) names.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        if is_date(rev) {
            let before = format!("--before={rev}T23:59:59Z");
            let found = self.run(&["rev-list", "-1", &before, "HEAD"])?;
            return match found.trim() {
                "" if self.is_shallow() => Err(GitError::Shallow {
                    what: rev.to_string(),
                }),
                "" => Err(GitError::BeforeHistory {
                    date: rev.to_string(),
                }),
                id => Ok(id.to_string()),
            };
        }
        let spec = format!("{rev}^{{commit}}");
        match self.run(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ]) {
            Ok(id) if !id.trim().is_empty() => Ok(id.trim().to_string()),
            _ if self.is_shallow() => Err(GitError::Shallow {
                what: rev.to_string(),
            }),
            _ => Err(GitError::UnknownRevision {
                rev: rev.to_string(),
            }),
        }
    }

    /// Every file under `folder` (relative to the records root) at a commit, with its content.
    pub fn files_at(
        &self,
        commit: &str,
        folder: &str,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>, GitError> {
        let pathspec = format!("{}{folder}", self.prefix);
        let listing = self.run(&[
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            commit,
            "--",
            &pathspec,
        ])?;
        let mut entries = Vec::new();
        for line in listing.split('\0').filter(|l| !l.is_empty()) {
            let Some((meta, path)) = line.split_once('\t') else {
                continue;
            };
            let mut fields = meta.split(' ');
            let (_mode, kind, blob) = (fields.next(), fields.next(), fields.next());
            if kind != Some("blob") {
                continue;
            }
            let relative = path.strip_prefix(&self.prefix).unwrap_or(path);
            entries.push((
                PathBuf::from(relative),
                blob.unwrap_or_default().to_string(),
            ));
        }
        let blobs = self.read_blobs(entries.iter().map(|(_, blob)| blob.as_str()))?;
        Ok(entries
            .into_iter()
            .zip(blobs)
            .map(|((path, _), content)| (path, content))
            .collect())
    }

    /// Reads blobs with one `git cat-file --batch`.
    fn read_blobs<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, GitError> {
        let ids: Vec<&str> = ids.collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = self
            .command()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::Spawn)?;
        let mut stdin = child.stdin.take().expect("piped");
        let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let mut output = Vec::new();
        child
            .stdout
            .take()
            .expect("piped")
            .read_to_end(&mut output)
            .map_err(GitError::Spawn)?;
        let _ = writer.join();
        let _ = child.wait();
        let mut blobs = Vec::with_capacity(ids.len());
        let mut rest = output.as_slice();
        for _ in &ids {
            let header_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
            let size: usize = header
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let start = (header_end + 1).min(rest.len());
            let end = (start + size).min(rest.len());
            blobs.push(rest[start..end].to_vec());
            rest = &rest[(end + 1).min(rest.len())..];
        }
        Ok(blobs)
    }

    /// One file's content at a commit (`None` if it does not exist there).
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let spec = format!("{commit}:{}{path}", self.prefix);
        let output = self
            .command()
            .args(["cat-file", "blob", &spec])
            .output()
            .map_err(GitError::Spawn)?;
        Ok(output.status.success().then_some(output.stdout))
    }

    /// Commits that touched a file, newest first, following renames; with the file's path in
    /// each commit (relative to the records root).
    pub fn file_log(&self, path: &str) -> Result<Vec<(Commit, String)>, GitError> {
        let pathspec = format!("{}{path}", self.prefix);
        let text = self.run(&[
            "log",
            "--follow",
            "--name-only",
            &format!("--format=%x1e{COMMIT_FORMAT}"),
            "--",
            &pathspec,
        ])?;
        Ok(text
            .split('\x1e')
            .filter(|chunk| !chunk.trim().is_empty())
            .filter_map(|chunk| {
                let mut lines = chunk.lines();
                let header = lines.next()?;
                let commit = parse_commit(header)?;
                let file = lines.find(|l| !l.trim().is_empty())?.trim();
                let file = file.strip_prefix(&self.prefix).unwrap_or(file).to_string();
                Some((commit, file))
            })
            .collect())
    }

    /// Every path under `records/` that ever existed in the history (relative to the records
    /// root), for finding a record that no longer exists.
    pub fn paths_in_history(&self) -> Result<Vec<String>, GitError> {
        let pathspec = format!("{}records", self.prefix);
        let text = self.run(&["log", "--all", "--format=", "--name-only", "--", &pathspec])?;
        let mut paths: Vec<String> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.strip_prefix(&self.prefix).unwrap_or(l).to_string())
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    /// Files under `records/` changed between two commits, renames detected.
    pub fn changes(&self, from: &str, to: &str) -> Result<Vec<FileChange>, GitError> {
        let pathspec = format!("{}records", self.prefix);
        let text = self.run(&[
            "diff",
            "--name-status",
            "-z",
            "-M",
            from,
            to,
            "--",
            &pathspec,
        ])?;
        let strip = |p: &str| p.strip_prefix(&self.prefix).unwrap_or(p).to_string();
        let mut fields = text.split('\0').filter(|f| !f.is_empty());
        let mut changes = Vec::new();
        while let Some(status) = fields.next() {
            let change = match status.chars().next() {
                Some('A') => FileChange::Added(strip(fields.next().unwrap_or_default())),
                Some('D') => FileChange::Removed(strip(fields.next().unwrap_or_default())),
                Some('R') => {
                    let from = strip(fields.next().unwrap_or_default());
                    FileChange::Renamed {
                        from,
                        to: strip(fields.next().unwrap_or_default()),
                    }
                }
                Some('C') => {
                    fields.next();
                    FileChange::Added(strip(fields.next().unwrap_or_default()))
                }
                _ => FileChange::Modified(strip(fields.next().unwrap_or_default())),
            };
            changes.push(change);
        }
        Ok(changes)
    }

    /// Commits between two revisions (exclusive of `from`) touching `path`, oldest first.
    pub fn commits_touching(
        &self,
        from: &str,
        to: &str,
        path: &str,
    ) -> Result<Vec<Commit>, GitError> {
        let range = format!("{from}..{to}");
        let pathspec = format!("{}{path}", self.prefix);
        let text = self.run(&[
            "log",
            "--reverse",
            &format!("--format={COMMIT_FORMAT}"),
            &range,
            "--",
            &pathspec,
        ])?;
        Ok(text.lines().filter_map(parse_commit).collect())
    }

    /// The commit's date (author date, ISO 8601).
    pub fn commit_date(&self, commit: &str) -> Result<String, GitError> {
        Ok(self
            .run(&["log", "-1", "--format=%aI", commit])?
            .trim()
            .to_string())
    }
}

/// The `--format` that [`parse_commit`] reads.
const COMMIT_FORMAT: &str = "%H%x1f%aI%x1f%an%x1f%s";

/// A commit line written with [`COMMIT_FORMAT`].
fn parse_commit(line: &str) -> Option<Commit> {
    let mut fields = line.split('\x1f');
    Some(Commit {
        id: fields.next()?.to_string(),
        date: fields.next()?.to_string(),
        author: fields.next()?.to_string(),
        subject: fields.next().unwrap_or_default().to_string(),
    })
}

/// `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

/// Blobs read at one commit, by path relative to the records root.
pub type Snapshot = HashMap<PathBuf, Vec<u8>>;
