//! One fixture repository per diagnostic code (named after the code), plus a clean one.
//! Each is checked in human and JSON form against a snapshot.

use iasmn::diag::Code;

use crate::common::{check, fixture_names, fixtures};

#[test]
fn every_code_has_a_fixture_that_triggers_it() {
    let names = fixture_names();
    for code in Code::ALL {
        assert!(
            names.iter().any(|n| n == code.name()),
            "no tests/fixtures/{} for {}",
            code.name(),
            code.id()
        );
        let run = check(&fixtures().join(code.name()), &["--format", "json"]);
        let document: serde_json::Value =
            serde_json::from_str(&run.stdout).expect("json output parses");
        let found: Vec<&str> = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert!(
            found.contains(&code.id()),
            "fixture {} does not trigger {}: {found:?}",
            code.name(),
            code.id()
        );
        let expected_exit = if document["errors"].as_u64().unwrap() > 0 {
            1
        } else {
            0
        };
        assert_eq!(
            run.code,
            expected_exit,
            "exit code of fixture {}",
            code.name()
        );
    }
}

#[test]
fn fixture_outputs_match_snapshots() {
    for name in fixture_names() {
        let repo = fixtures().join(&name);
        let human = check(&repo, &["--color", "never"]);
        insta::assert_snapshot!(
            format!("{name}.human"),
            format!("exit: {}\n{}", human.code, human.stdout)
        );
        let json = check(&repo, &["--format", "json"]);
        insta::assert_snapshot!(format!("{name}.json"), json.stdout);
        assert!(
            human.stderr.is_empty() && json.stderr.is_empty(),
            "{name}: stderr {}",
            human.stderr
        );
    }
}

#[test]
fn clean_repository_exits_zero_and_says_so() {
    let run = check(&fixtures().join("valid"), &[]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("no problems"), "{}", run.stdout);
}

#[test]
fn warnings_pass_unless_denied() {
    let repo = fixtures().join("wound-up-reference");
    assert_eq!(check(&repo, &[]).code, 0);
    assert_eq!(check(&repo, &["--deny-warnings"]).code, 1);
}

#[test]
fn json_output_is_one_document_with_located_diagnostics() {
    let run = check(&fixtures().join("duplicate-key"), &["--format", "json"]);
    let document: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("exactly one JSON document");
    let first = &document["diagnostics"][0];
    assert_eq!(first["file"], "records/topics/srm.yaml");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(6), Some(1))
    );
    assert_eq!(first["labels"][0]["line"], 3);
}

#[test]
fn github_format_emits_workflow_commands() {
    let run = check(&fixtures().join("duplicate-key"), &["--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        "::error file=records/topics/srm.yaml,line=6,col=1,title=Y006 duplicate-key::duplicate key `label`%0Ahelp: keep one of the two entries and delete the other"
    );
}

#[test]
fn color_is_used_only_when_asked_or_on_a_terminal() {
    let repo = fixtures().join("duplicate-key");
    assert!(
        !check(&repo, &[]).stdout.contains('\u{1b}'),
        "no colour when piped"
    );
    assert!(
        check(&repo, &["--color", "always"])
            .stdout
            .contains('\u{1b}')
    );
}
