//! Finding the repository, the bundled records, and tool errors (exit 2).

use crate::common::{check, fixtures, iasmn, project_root, run};

#[test]
fn bundled_records_pass_check() {
    let run = check(&project_root(), &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("no problems"));
}

#[test]
fn repository_is_found_from_a_subfolder() {
    let mut command = iasmn(&fixtures().join("duplicate-key/records/topics"));
    command.arg("check");
    let out = run(command);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("records/topics/srm.yaml:6:1"),
        "{}",
        out.stdout
    );
}

#[test]
fn missing_repository_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("is not a records repository: it has no `records/` folder"),
        "{}",
        out.stderr
    );

    let mut command = iasmn(dir.path());
    command.arg("check");
    let out = run(command);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no records repository found in"),
        "{}",
        out.stderr
    );
}

#[test]
fn broken_schema_folder_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("records")).unwrap();
    std::fs::create_dir_all(dir.path().join("schemas")).unwrap();
    let out = check(dir.path(), &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("defs.schema.json is missing"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_usage_exits_two() {
    let mut command = iasmn(&project_root());
    command.args(["check", "--format", "xml"]);
    assert_eq!(run(command).code, 2);
}
