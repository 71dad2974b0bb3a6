//! `log`, `--as-of` and `changes` over temporary git repositories with fixed authors and dates.

use std::path::Path;
use std::process::Command;

use crate::common::{iasmn, run};

fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Secretariat")
        .env("GIT_AUTHOR_EMAIL", "secretariat@example.org")
        .env("GIT_COMMITTER_NAME", "Secretariat")
        .env("GIT_COMMITTER_EMAIL", "secretariat@example.org")
        .env("GIT_AUTHOR_DATE", format!("{date}T12:00:00+00:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T12:00:00+00:00"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

fn commit(dir: &Path, date: &str, message: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
}

const SESSION: &str = "# yaml-language-server: $schema=../../schemas/session.schema.json\nid: \"39\"\nnumber: 39\nkind: regular\nstart: \"2024-02-13\"\nend: \"2024-02-15\"\nreport:\n  status: draft\nsource:\n  report: \"39\"\n  paragraph: \"1\"\n";
const UNDSS: &str = "# yaml-language-server: $schema=../../schemas/organization.schema.json\nid: undss\nacronym: UNDSS\nkind: member\nsources:\n  - report: \"39\"\n    paragraph: \"1\"\n";

fn outcome(id: &str, item: &str, statuses: &[(&str, &str)]) -> String {
    let paragraph = id
        .trim_start_matches("39-")
        .trim_end_matches(char::is_alphabetic);
    let mut text = format!(
        "# yaml-language-server: $schema=../../../schemas/recommendation.schema.json\nid: \"{id}\"\nsession: \"39\"\nparagraph: \"{paragraph}\"\nitem: {item}\nverb: requested\ntext: Requested a report.\nactionable: true\nowners:\n  - org:undss\nstatus: {}\nhistory:\n",
        statuses.last().unwrap().1
    );
    for (date, status) in statuses {
        text.push_str(&format!("  - date: \"{date}\"\n    status: {status}\n    source:\n      report: \"39\"\n      paragraph: \"{paragraph}\"\n"));
    }
    text.push_str(&format!(
        "source:\n  report: \"39\"\n  paragraph: \"{paragraph}\"\n"
    ));
    text
}

/// A repository with five commits: add; change a status and add a record; rename it;
/// delete a record; re-add it.
fn history_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"], "2024-01-10");
    write(d, "records/sessions/39.yaml", SESSION);
    write(d, "records/organizations/undss.yaml", UNDSS);
    write(
        d,
        "records/recommendations/39/39-8a.yaml",
        &outcome("39-8a", "a", &[("2024-02-15", "open")]),
    );
    commit(d, "2024-01-10", "Add the 39th session");
    write(
        d,
        "records/recommendations/39/39-8a.yaml",
        &outcome(
            "39-8a",
            "a",
            &[("2024-02-15", "open"), ("2024-03-01", "in-progress")],
        ),
    );
    write(
        d,
        "records/recommendations/39/39-10a.yaml",
        &outcome("39-10a", "a", &[("2024-02-15", "open")]),
    );
    commit(d, "2024-03-01", "39-8a in progress; add 39-10a");
    std::fs::remove_file(d.join("records/recommendations/39/39-10a.yaml")).unwrap();
    write(
        d,
        "records/recommendations/39/39-10b.yaml",
        &outcome("39-10b", "b", &[("2024-02-15", "open")]),
    );
    commit(d, "2024-04-01", "39-10a is item b");
    std::fs::remove_file(d.join("records/recommendations/39/39-8a.yaml")).unwrap();
    commit(d, "2024-05-01", "Remove 39-8a by mistake");
    write(
        d,
        "records/recommendations/39/39-8a.yaml",
        &outcome(
            "39-8a",
            "a",
            &[
                ("2024-02-15", "open"),
                ("2024-03-01", "in-progress"),
                ("2024-06-01", "implemented"),
            ],
        ),
    );
    commit(d, "2024-06-01", "Restore 39-8a, implemented");
    dir
}

fn iasmn_in(dir: &Path, args: &[&str]) -> crate::common::Run {
    let mut command = iasmn(dir);
    command.args(args);
    run(command)
}

/// The output with (10-digit, abbreviated) commit ids replaced by `[COMMIT]`.
fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        if run.len() == 10
            && run.chars().all(|c| c.is_ascii_hexdigit())
            && run.chars().any(|c| c.is_ascii_digit())
        {
            out.push_str("[COMMIT]");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

#[test]
fn log_lists_commits_newest_first_with_field_changes_across_delete_and_re_add() {
    let repo = history_repo();
    let out = iasmn_in(repo.path(), &["log", "39-8a"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        redact(&out.stdout),
        "[COMMIT] 2024-06-01 Secretariat  Restore 39-8a, implemented\n    added\n\
         [COMMIT] 2024-05-01 Secretariat  Remove 39-8a by mistake\n    removed\n\
         [COMMIT] 2024-03-01 Secretariat  39-8a in progress; add 39-10a\n    status: in-progress\n    history: + 2024-03-01 in-progress\n\
         [COMMIT] 2024-01-10 Secretariat  Add the 39th session\n    added\n"
            .replace("    status: in-progress\n", "    status: open → in-progress\n")
    );
}

#[test]
fn log_follows_a_rename() {
    let repo = history_repo();
    let out = iasmn_in(repo.path(), &["log", "39", "10", "b"]);
    assert_eq!(
        redact(&out.stdout),
        "[COMMIT] 2024-04-01 Secretariat  39-10a is item b\n    renamed from records/recommendations/39/39-10a.yaml\n    id: 39-10a → 39-10b\n    item: a → b\n\
         [COMMIT] 2024-03-01 Secretariat  39-8a in progress; add 39-10a\n    added\n"
    );
}

#[test]
fn as_of_reads_the_records_of_a_commit_or_date_without_touching_the_work_tree() {
    let repo = history_repo();
    let before =
        std::fs::read_to_string(repo.path().join("records/recommendations/39/39-8a.yaml")).unwrap();
    let ids = |args: &[&str]| iasmn_in(repo.path(), args).stdout;
    assert_eq!(
        ids(&["--as-of", "2024-03-15", "decisions", "--format", "ids"]),
        "39-8a\n39-10a\n"
    );
    assert_eq!(
        ids(&[
            "--as-of",
            "2024-03-15",
            "recs",
            "status:in-progress",
            "--format",
            "ids"
        ]),
        "39-8a\n"
    );
    assert_eq!(
        ids(&["--as-of", "2024-05-15", "decisions", "--format", "ids"]),
        "39-10b\n"
    );
    assert_eq!(
        ids(&["--as-of", "HEAD~4", "decisions", "--format", "ids"]),
        "39-8a\n"
    );
    assert!(ids(&["--as-of", "2024-03-15", "show", "39-8a"]).contains("status: in-progress"));
    assert!(
        ids(&[
            "--as-of",
            "2024-03-15",
            "search",
            "report",
            "--format",
            "ids"
        ])
        .contains("39-10a")
    );
    let check = iasmn_in(repo.path(), &["--as-of", "main~1", "check"]);
    assert_eq!(
        (check.code, check.stdout.trim_end()),
        (0, "checked 3 records: no problems")
    );
    // Nothing in the working tree changed.
    assert_eq!(
        std::fs::read_to_string(repo.path().join("records/recommendations/39/39-8a.yaml")).unwrap(),
        before
    );
    let status = Command::new("git")
        .current_dir(repo.path())
        .args(["status", "--porcelain"])
        .output()
        .unwrap();
    assert!(status.stdout.is_empty());
}

#[test]
fn changes_between_two_points_list_additions_removals_renames_and_status_transitions() {
    let repo = history_repo();
    let out = iasmn_in(
        repo.path(),
        &["changes", "--since", "2024-01-10", "--format", "md"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        redact(&out.stdout),
        "| change | kind | id | details |\n| --- | --- | --- | --- |\n\
         | added | recommendation | 39-10b |  |\n\
         | changed | recommendation | 39-8a | history: + 2024-03-01 in-progress; + 2024-06-01 implemented; status: open → in-progress (2024-03-01, [COMMIT]); status: in-progress → implemented (2024-06-01, [COMMIT]) |\n"
    );
    let out = iasmn_in(
        repo.path(),
        &[
            "changes",
            "--since",
            "2024-03-01",
            "--until",
            "2024-04-30",
            "--format",
            "json",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows[0]["change"], "renamed");
    assert_eq!(rows[0]["id"], "39-10b");
    assert_eq!(rows[0]["details"][0], "from 39-10a");
    // A session id means "since its last day".
    let out = iasmn_in(
        repo.path(),
        &[
            "changes",
            "--since",
            "39",
            "--until",
            "2024-04-30",
            "--format",
            "md",
        ],
    );
    assert!(
        out.stdout.contains("| changed | recommendation | 39-8a |"),
        "{}",
        out.stdout
    );
}

#[test]
fn clear_errors_for_unknown_revisions_missing_history_and_no_git() {
    let repo = history_repo();
    let out = iasmn_in(repo.path(), &["--as-of", "no-such-branch", "decisions"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: unknown revision `no-such-branch`: not a commit, branch, tag or date (YYYY-MM-DD) of this repository\n"
    );
    let out = iasmn_in(repo.path(), &["--as-of", "2023-12-31", "decisions"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: no commit at or before 2023-12-31: the history starts later\n"
        )
    );

    let plain = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(plain.path().join("records")).unwrap();
    let out = iasmn_in(plain.path(), &["log", "39-8a"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is not inside a git repository"),
        "{}",
        out.stderr
    );

    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        shallow.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
        "2024-07-01",
    );
    let clone = shallow.path().join("clone");
    let out = iasmn_in(&clone, &["--as-of", "2024-02-01", "decisions"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: this is a shallow clone and its history does not reach 2024-02-01; fetch the rest with `git fetch --unshallow`\n"
    );
}
