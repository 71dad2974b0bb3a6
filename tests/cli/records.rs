//! The bundled records: no session loses an outcome, and records/README.md tells the truth.

use std::collections::BTreeMap;

use iasmn::check::{CacheUse, load_records};
use iasmn::load::Source;
use iasmn::model::Record;

use crate::common::project_root;

/// Per session: (outcome records, actionable outcomes, CRPs, participants), as transcribed.
/// A change here must come with a change of the records and of records/README.md.
const EXPECTED: [(&str, usize, usize, usize, usize); 5] = [
    ("turin2007", 66, 35, 12, 52),
    ("19", 64, 31, 17, 0),
    ("21", 58, 27, 12, 0),
    ("35", 51, 21, 22, 110),
    ("39", 46, 28, 10, 0),
];

type Counts = BTreeMap<String, (usize, usize, usize, usize)>;

fn actual_counts() -> Counts {
    let source = Source::WorkTree(project_root());
    let (repo, left_out) = load_records(&source, CacheUse::Off).expect("the bundled records load");
    assert_eq!(left_out, 0, "every bundled record is valid");
    let mut counts: Counts = BTreeMap::new();
    for entry in &repo.entries {
        match &entry.record {
            Record::Recommendation(r) => {
                let entry = counts.entry(r.session.clone()).or_default();
                entry.0 += 1;
                entry.1 += usize::from(r.actionable);
            }
            Record::Crp(c) => counts.entry(c.session.clone()).or_default().2 += 1,
            Record::Session(s) => counts.entry(s.id.clone()).or_default().3 += s.participants.len(),
            _ => {}
        }
    }
    counts
}

#[test]
fn every_session_keeps_its_outcomes_crps_and_participants() {
    let actual = actual_counts();
    for (session, outcomes, actionable, crps, participants) in EXPECTED {
        assert_eq!(
            actual.get(session).copied().unwrap_or_default(),
            (outcomes, actionable, crps, participants),
            "session {session}: (outcomes, actionable, CRPs, participants)"
        );
    }
    assert_eq!(
        actual.len(),
        EXPECTED.len(),
        "sessions: {:?}",
        actual.keys().collect::<Vec<_>>()
    );
}

/// The counts table of records/README.md: `| <session> | outcomes | actionable | CRPs | participants |`.
#[test]
fn records_readme_counts_match_the_records() {
    let readme = std::fs::read_to_string(project_root().join("records/README.md")).unwrap();
    let actual = actual_counts();
    let mut seen = 0;
    for line in readme.lines() {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let Some(&(session, ..)) = EXPECTED
            .iter()
            .find(|e| cells.first() == Some(&format!("`{}`", e.0).as_str()))
        else {
            continue;
        };
        let numbers: Vec<usize> = cells
            .iter()
            .skip(2)
            .filter_map(|c| c.parse().ok())
            .collect();
        let (outcomes, actionable, crps, participants) = actual[session];
        assert_eq!(
            numbers,
            [outcomes, actionable, crps, participants],
            "records/README.md row for {session}"
        );
        seen += 1;
    }
    assert_eq!(
        seen,
        EXPECTED.len(),
        "records/README.md has one counts row per session"
    );
}
