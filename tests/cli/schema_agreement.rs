//! The schemas are the single source of truth: `check-jsonschema` (the reference validator)
//! and `iasmn check` must give the same schema verdict on every file.
//!
//! Compared: the bundled records and every fixture file that parses cleanly (no syntax or
//! YAML-dialect diagnostic, on which the two tools legitimately differ). `.ci/run` installs
//! check-jsonschema; without it the test fails under `CI=true` and is skipped locally.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use iasmn::model::Kind;

use crate::common::{check, fixture_names, fixtures, project_root};

fn have_check_jsonschema() -> bool {
    Command::new("check-jsonschema")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Files of a repository by kind, with iasmn's verdict (`true` = schema-valid), leaving out
/// files with a syntax-level diagnostic.
fn iasmn_verdicts(repo: &Path) -> BTreeMap<Kind, BTreeMap<PathBuf, bool>> {
    let run = check(repo, &["--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut invalid = BTreeSet::new();
    let mut unparsed = BTreeSet::new();
    for d in document["diagnostics"].as_array().unwrap() {
        let file = PathBuf::from(d["file"].as_str().unwrap());
        match d["code"].as_str().unwrap() {
            "S001" => {
                invalid.insert(file);
            }
            code if code.starts_with('Y') && code != "Y010" => {
                unparsed.insert(file);
            }
            _ => {}
        }
    }
    let mut verdicts: BTreeMap<Kind, BTreeMap<PathBuf, bool>> = BTreeMap::new();
    for kind in Kind::ALL {
        let folder = repo.join("records").join(kind.folder());
        for entry in walkdir::WalkDir::new(&folder)
            .into_iter()
            .filter_map(Result::ok)
        {
            let path = entry.path().strip_prefix(repo).unwrap().to_path_buf();
            if entry.path().extension().is_some_and(|e| e == "yaml")
                && entry.file_type().is_file()
                && !unparsed.contains(&path)
            {
                let valid = !invalid.contains(&path);
                verdicts.entry(kind).or_default().insert(path, valid);
            }
        }
    }
    verdicts
}

/// check-jsonschema's verdict on each file of one kind.
fn reference_verdicts(repo: &Path, kind: Kind, files: &[&PathBuf]) -> BTreeMap<PathBuf, bool> {
    let schema = project_root().join("schemas").join(kind.schema_file());
    let output = Command::new("check-jsonschema")
        .current_dir(repo)
        .args(["--output-format", "json", "--schemafile"])
        .arg(&schema)
        .args(files)
        .output()
        .expect("check-jsonschema runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "check-jsonschema output: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    let failed: BTreeSet<PathBuf> = report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(report["parse_errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["filename"].as_str().map(PathBuf::from))
        .collect();
    files
        .iter()
        .map(|f| ((*f).clone(), !failed.contains(*f)))
        .collect()
}

#[test]
fn check_jsonschema_agrees_with_iasmn_file_by_file() {
    if !have_check_jsonschema() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "check-jsonschema is missing under CI=true: .ci/run must install it (pip install check-jsonschema)"
        );
        eprintln!("skipped: check-jsonschema is not installed (pip install check-jsonschema)");
        return;
    }
    let mut repos = vec![project_root()];
    repos.extend(fixture_names().into_iter().map(|n| fixtures().join(n)));
    let mut compared = 0;
    let mut invalid_seen = 0;
    for repo in repos {
        for (kind, files) in iasmn_verdicts(&repo) {
            let paths: Vec<&PathBuf> = files.keys().collect();
            let reference = reference_verdicts(&repo, kind, &paths);
            for (path, ours) in &files {
                assert_eq!(
                    reference[path],
                    *ours,
                    "{}: check-jsonschema says valid={}, iasmn says valid={ours}",
                    repo.join(path).display(),
                    reference[path]
                );
                compared += 1;
                invalid_seen += usize::from(!ours);
            }
        }
    }
    assert!(compared > 100, "compared only {compared} files");
    assert!(
        invalid_seen >= 7,
        "the fixtures must include schema-invalid files ({invalid_seen})"
    );
}
