//! Members' questions answered over the bundled records: each asserts the exact set of ids.
//! The expected sets were worked out from the record files independently of the tool.

use std::collections::BTreeSet;

use crate::common::{iasmn, project_root, run};

fn ids(args: &[&str]) -> BTreeSet<String> {
    let mut command = iasmn(&project_root());
    command.args(args).args(["--format", "ids"]);
    let out = run(command);
    assert_eq!(out.code, 0, "iasmn {}: {}", args.join(" "), out.stderr);
    out.stdout.lines().map(String::from).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn which_recommendations_to_scolt_are_still_open() {
    assert_eq!(
        ids(&["recs", "status:open", "wg:SCOLT"]),
        set(&["39-149c", "39-149d"])
    );
}

#[test]
fn everything_decided_on_srm_since_2013() {
    let found = ids(&["decisions", "topic:srm", "year:2013.."]);
    assert_eq!(found.len(), 20);
    // topic:srm includes its narrower topics (ad hoc SRM, hazards).
    assert!(
        found.contains("39-212b") && found.contains("19-24a"),
        "{found:?}"
    );
    assert_eq!(
        found,
        ids(&["decisions", "topic:SRM", "year>=2013"]),
        "range and comparison agree"
    );
    assert_eq!(
        found,
        ids(&[
            "decisions",
            "topic:\"Security Risk Management\"",
            "-session:turin2007"
        ]),
        "alias"
    );
}

#[test]
fn what_the_39th_session_asked_of_undss() {
    // owner:UNDSS includes UNDSS units (TDS, SPS, the Executive Office ...).
    assert_eq!(
        ids(&["recs", "session:39", "owner:UNDSS"]),
        set(&[
            "39-41c", "39-88a", "39-124a", "39-124b", "39-149d", "39-149e", "39-149f", "39-167b",
            "39-190b", "39-212b", "39-215a", "39-220a", "39-223a"
        ])
    );
}

#[test]
fn which_working_groups_were_set_up_in_2015() {
    assert_eq!(
        ids(&["wgs", "established:2015"]),
        set(&[
            "locally-recruited-personnel-residential-security-wg",
            "unarmed-private-security-companies-wg"
        ])
    );
}

#[test]
fn what_happened_to_the_srm_roll_out_asked_for_in_2013() {
    // The SRMIWG is found under its earlier name too.
    assert_eq!(
        ids(&["recs", "wg:SRMIWG"]),
        set(&["19-24b", "19-24d", "19-24e", "21-47b"])
    );
    assert_eq!(
        ids(&["recs", "wg:SRMIWG", "status:in-progress"]),
        set(&["19-24b", "19-24d"])
    );
}

#[test]
fn decisions_on_ssirs_at_the_21st_session() {
    assert_eq!(
        ids(&["decisions", "topic:ssirs", "session:21"]),
        set(&["21-59a", "21-60a", "21-60b", "21-61a", "21-61b", "21-62a"])
    );
}

#[test]
fn what_happened_to_the_2015_decision_on_the_ssirs_launch() {
    let mut command = iasmn(&project_root());
    command.args(["search", "SSIRS", "launch", "--format", "ids"]);
    let out = run(command);
    let found: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(found, ["21", "21-61a", "21-61b"]);
}

#[test]
fn recommendations_addressed_to_designated_officials() {
    assert_eq!(
        ids(&["recs", "owner:designated-officials"]),
        set(&["turin2007-5d", "turin2007-16b", "turin2007-24a"])
    );
}

#[test]
fn outcomes_superseded_and_those_with_a_known_outcome() {
    assert_eq!(ids(&["recs", "status:superseded"]), set(&["19-54a"]));
    let known = set(&["19-24b", "19-24d", "19-54a", "21-13a", "39-112d"]);
    assert_eq!(ids(&["recs", "-status:unknown", "-status:open"]), known);
    assert_eq!(
        ids(&["recs", "not", "(status:unknown", "or", "status:open)"]),
        known
    );
    assert_eq!(ids(&["recs", "not:status:unknown", "status!=open"]), known);
}

#[test]
fn proposals_the_network_did_not_endorse() {
    assert_eq!(
        ids(&["decisions", "verb:did-not-endorse"]),
        set(&["19-146a", "39-74a"])
    );
}

#[test]
fn recommendations_due_in_2015() {
    assert_eq!(
        ids(&["recs", "due:2015"]),
        set(&[
            "21-37b", "21-41b", "21-47b", "21-61a", "21-61b", "21-67c", "21-70b", "21-70d",
            "21-75b", "21-79b"
        ])
    );
}

#[test]
fn what_the_39th_session_wanted_done_before_mid_2024() {
    assert_eq!(
        ids(&["recs", "session:39", "due<=2024-06-30"]),
        set(&["39-41b", "39-41c", "39-149e"])
    );
    assert_eq!(
        ids(&["recs", "session:39", "due:..2024-06-30"]),
        set(&["39-41b", "39-41c", "39-149e"])
    );
}

#[test]
fn air_travel_at_the_19th_session() {
    assert_eq!(
        ids(&["decisions", "air travel", "session:19"]),
        set(&["19-53a", "19-54a", "19-55a", "19-56a", "19-56b", "19-56c"])
    );
}

#[test]
fn decisions_on_road_safety() {
    assert_eq!(
        ids(&["decisions", "topic:road-safety"]),
        set(&["39-88c", "39-88d"])
    );
}

#[test]
fn outcomes_linked_to_a_unsms_priority() {
    assert_eq!(
        ids(&["decisions", "priority:strategic-communications"]),
        set(&["35-62a", "35-62b", "35-62c"])
    );
}

#[test]
fn sessions_by_format_and_date() {
    assert_eq!(ids(&["sessions", "format:virtual"]), set(&["35"]));
    assert_eq!(
        ids(&["sessions", "year:..2015"]),
        set(&["turin2007", "19", "21"])
    );
    assert_eq!(ids(&["sessions", "session>=35"]), set(&["35", "39"]));
}

#[test]
fn papers_of_the_incident_recording_group_in_2015() {
    assert_eq!(ids(&["crps", "session:21", "wg:SIRWG"]), set(&["21-crp3"]));
}

#[test]
fn listing_options_count_limit_sort_and_by() {
    let mut command = iasmn(&project_root());
    command.args(["recs", "session:39", "--count"]);
    assert_eq!(run(command).stdout, "28\n");

    let mut command = iasmn(&project_root());
    command.args([
        "recs",
        "due:2015",
        "--sort=-due",
        "--limit",
        "4",
        "--format",
        "ids",
    ]);
    // Latest deadline first; equal deadlines in id order.
    assert_eq!(run(command).stdout, "21-61b\n21-37b\n21-41b\n21-67c\n");

    let mut command = iasmn(&project_root());
    command.args([
        "recs", "due:2015", "--sort", "due", "--limit", "2", "--format", "ids",
    ]);
    assert_eq!(run(command).stdout, "21-47b\n21-70b\n");

    let mut command = iasmn(&project_root());
    command.args([
        "recs",
        "-status:unknown",
        "--by",
        "status",
        "--format",
        "csv",
    ]);
    assert_eq!(
        run(command).stdout,
        "status,count\r\nopen,27\r\nimplemented,2\r\nin-progress,2\r\nsuperseded,1\r\n"
    );
}

#[test]
fn output_formats() {
    let output = |format: &str| {
        let mut command = iasmn(&project_root());
        command.args(["recs", "status:open", "wg:SCOLT", "--format", format]);
        run(command).stdout
    };
    let json: serde_json::Value = serde_json::from_str(&output("json")).expect("one JSON document");
    assert_eq!(json[0]["id"], "39-149c");
    assert_eq!(
        json[1]["owners"],
        serde_json::json!(["org:undss", "org:adb"])
    );
    let csv = output("csv");
    assert!(csv.starts_with("id,verb,status,owners,due,text\r\n39-149c,recommended,open,wg:scolt,as soon as possible,recommended that"));
    assert!(csv.contains("39-149d,recommended,open,\"org:undss, org:adb\",,\"Recommended that UNDSS chair the SCOLT, with support of ADB as co-chair.\"\r\n"));
    let md = output("md");
    assert!(md.starts_with("| id | verb | status | owners | due | text |\n| --- | --- | --- | --- | --- | --- |\n| 39-149c |"));
    let table = output("table");
    assert!(
        table.lines().all(|l| l.chars().count() <= 100),
        "fits COLUMNS=100:\n{table}"
    );
    assert!(table.ends_with("2 outcomes\n"));
}

#[test]
fn show_resolves_references_and_backlinks_with_tolerant_ids() {
    let show = |args: &[&str]| {
        let mut command = iasmn(&project_root());
        command.arg("show").args(args);
        run(command)
    };
    let out = show(&["19-24b"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("session: 19 (19th session, Montreal, 2013-09-10)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("org:undss (UNDSS, United Nations Department of Safety and Security)")
    );
    assert!(
        out.stdout.contains("recommendation 21-47a (related)"),
        "backlink from the 21st session"
    );
    assert_eq!(show(&["19", "24", "B"]).stdout, out.stdout);
    assert_eq!(show(&["19/24b"]).stdout, out.stdout);

    let unknown = show(&["39-149x"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "error: no record has the id `39-149x`; did you mean `39-149a`?\n"
    );

    let json: serde_json::Value =
        serde_json::from_str(&show(&["21-56a", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["record"]["id"], "21-56a");
    assert!(
        json["backlinks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "19-54a" && b["via"] == "superseded_by")
    );
}

#[test]
fn query_errors_point_at_the_term() {
    let mut command = iasmn(&project_root());
    command.args(["recs", "status:open", "tpoic:srm"]);
    let out = run(command);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("query-error-unknown-field", out.stderr);

    let mut command = iasmn(&project_root());
    command.args(["decisions", "wg:SCLOT"]);
    let out = run(command);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("query-error-unknown-group", out.stderr);
}

#[test]
fn search_highlights_and_filters() {
    let mut command = iasmn(&project_root());
    command.args(["search", "air", "travel", "session:19", "--format", "json"]);
    let results: serde_json::Value = serde_json::from_str(&run(command).stdout).unwrap();
    let results = results.as_array().unwrap();
    assert!(
        results
            .iter()
            .all(|r| r["id"].as_str().unwrap().starts_with("19"))
    );
    assert!(
        results[0]["snippet"].as_str().unwrap().contains("**Air**")
            || results[0]["snippet"].as_str().unwrap().contains("**air**")
    );
}
