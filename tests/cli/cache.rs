//! The cache of per-file results: a warm run answers exactly as a cold one, sees every edit,
//! addition, deletion and schema change, survives a damaged cache, and stays out of the records.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Run, fixtures, iasmn, run};

/// A copy of a fixture repository, and a separate cache folder for it.
struct Scratch {
    repo: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Scratch {
    fn of(fixture: &str) -> Scratch {
        let repo = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join(fixture), repo.path());
        Scratch {
            repo,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.repo.path().join(relative)
    }

    /// `iasmn --repo <copy> <args>` with the cache in the scratch cache folder.
    fn iasmn(&self, args: &[&str]) -> Run {
        self.iasmn_env(args, &[])
    }

    fn iasmn_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = iasmn(self.repo.path());
        command
            .env("IASMN_CACHE_DIR", self.cache.path())
            .arg("--repo")
            .arg(self.repo.path())
            .args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        run(command)
    }

    fn cache_files(&self) -> Vec<PathBuf> {
        fs::read_dir(self.cache.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Replaces `from` by `to` (of the same length) in a file and puts its modification time back,
/// so that only the change time and the content tell the edit apart.
fn edit_in_place(file: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let modified = fs::metadata(file).unwrap().modified().unwrap();
    let text = fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{from} not in {}", file.display());
    fs::write(file, text.replace(from, to)).unwrap();
    fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(modified)
        .unwrap();
}

/// Files changed within this long before a run are hashed again by the next run, however
/// unchanged their stamps look (see `src/cache`).
const RACY_WINDOW: std::time::Duration = std::time::Duration::from_millis(2100);

#[test]
fn warm_runs_answer_exactly_as_cold_runs() {
    let fixtures = [
        "valid",
        "duplicate-id",
        "unresolved-reference",
        "duplicate-key",
    ];
    let scratches: Vec<Scratch> = fixtures.iter().map(|f| Scratch::of(f)).collect();
    // Just-copied files are "racy": a warm run would hash them rather than trust their stamps.
    std::thread::sleep(RACY_WINDOW);
    for (fixture, scratch) in fixtures.iter().zip(&scratches) {
        for format in ["human", "json"] {
            let uncached = scratch.iasmn(&["--no-cache", "check", "--format", format]);
            let cold = scratch.iasmn(&["check", "--format", format]);
            let warm = scratch.iasmn_env(&["check", "--format", format], &[("IASMN_TRACE", "1")]);
            for (name, other) in [("cold", &cold), ("warm", &warm)] {
                assert_eq!(other.code, uncached.code, "{fixture} {format} {name}");
                assert_eq!(other.stdout, uncached.stdout, "{fixture} {format} {name}");
            }
            // The warm run took its answers from the cache instead of parsing every file.
            assert!(!warm.stderr.contains("trace: scan"), "{}", warm.stderr);
        }
        let query = ["decisions", "--format", "json"];
        let uncached = scratch.iasmn(&[&["--no-cache"], &query[..]].concat());
        assert_eq!(scratch.iasmn(&query).stdout, uncached.stdout, "{fixture}");
        assert_eq!(scratch.iasmn(&query).stdout, uncached.stdout, "{fixture}");
    }
}

#[test]
fn a_file_edited_between_two_runs_is_read_again() {
    let scratch = Scratch::of("valid");
    assert_eq!(scratch.iasmn(&["check"]).code, 0);
    let ids = scratch.iasmn(&["decisions", "progress", "--format", "ids"]);
    assert_eq!(ids.stdout.trim(), "39-10a");
    assert!(
        !scratch.cache_files().is_empty(),
        "the first run filled the cache"
    );

    // Same size, same modification time, a moment after the cache was written.
    let file = scratch.path("records/recommendations/39/39-10a.yaml");
    edit_in_place(&file, "progress.", "success!.");
    let ids = scratch.iasmn(&["decisions", "progress", "--format", "ids"]);
    assert_eq!(ids.stdout.trim(), "", "the query saw the old text");
    assert_eq!(
        scratch
            .iasmn(&["decisions", "success", "--format", "ids"])
            .stdout
            .trim(),
        "39-10a"
    );

    edit_in_place(&file, "verb: took-note", "verb: took-nXte");
    let check = scratch.iasmn(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("records/recommendations/39/39-10a.yaml:6:7"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("error[S001]"), "{}", check.stdout);
}

#[test]
fn added_and_deleted_files_are_noticed() {
    let scratch = Scratch::of("valid");
    assert_eq!(scratch.iasmn(&["check"]).code, 0);
    let working_group = scratch.path("records/working-groups/scolt.yaml");
    let text = fs::read_to_string(&working_group).unwrap();
    fs::remove_file(&working_group).unwrap();
    let check = scratch.iasmn(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("error[R004]") && check.stdout.contains("`scolt`"),
        "{}",
        check.stdout
    );
    fs::write(&working_group, text).unwrap();
    let check = scratch.iasmn(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert_eq!(
        scratch.iasmn(&["wgs", "--format", "ids"]).stdout.trim(),
        "scolt"
    );
}

#[test]
fn a_schema_change_sets_the_cache_aside() {
    let scratch = Scratch::of("valid");
    copy_tree(
        &crate::common::project_root().join("schemas"),
        &scratch.path("schemas"),
    );
    assert_eq!(scratch.iasmn(&["check"]).code, 0);
    let schema_file = scratch.path("schemas/recommendation.schema.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&schema_file).unwrap()).unwrap();
    schema["properties"]["text"]["maxLength"] = 10.into();
    fs::write(&schema_file, schema.to_string()).unwrap();
    let check = scratch.iasmn(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains("error[S001]"), "{}", check.stdout);
}

#[test]
fn a_damaged_cache_is_ignored() {
    let scratch = Scratch::of("unresolved-reference");
    let expected = scratch.iasmn(&["check", "--format", "json"]);
    for damage in [&b""[..], b"IASMN-CACHE 1\n", &[0xff; 4096]] {
        for file in scratch.cache_files() {
            fs::write(file, damage).unwrap();
        }
        let again = scratch.iasmn(&["check", "--format", "json"]);
        assert_eq!(again.code, expected.code);
        assert_eq!(again.stdout, expected.stdout);
        assert_eq!(again.stderr, "");
    }
}

#[test]
fn the_cache_stays_out_of_the_records() {
    // Not a git repository: a self-ignoring folder in the repository root.
    let plain = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("valid"), plain.path());
    let mut command = iasmn(plain.path());
    command.env_remove("IASMN_CACHE_DIR").arg("check");
    assert_eq!(run(command).code, 0);
    let ignore = fs::read_to_string(plain.path().join(".iasmn-cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    let records: Vec<_> = walkdir::WalkDir::new(plain.path().join("records"))
        .into_iter()
        .map(|e| e.unwrap().path().to_path_buf())
        .collect();
    let before: Vec<_> = walkdir::WalkDir::new(fixtures().join("valid/records"))
        .into_iter()
        .collect();
    assert_eq!(
        records.len(),
        before.len(),
        "nothing was added under records/"
    );

    // A git repository: inside .git, so `git status` stays clean.
    let repo = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("valid"), repo.path());
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .output()
            .unwrap()
    };
    git(&["init", "--quiet"]);
    let mut command = iasmn(repo.path());
    command.env_remove("IASMN_CACHE_DIR").arg("check");
    assert_eq!(run(command).code, 0);
    assert!(repo.path().join(".git/iasmn").is_dir());
    assert!(!repo.path().join(".iasmn-cache").exists());

    // --no-cache reads and writes nothing.
    let scratch = Scratch::of("valid");
    assert_eq!(scratch.iasmn(&["--no-cache", "check"]).code, 0);
    assert!(scratch.cache_files().is_empty());
}
