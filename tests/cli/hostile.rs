//! Hostile input: every case ends with a located error, within a time and memory bound.
//!
//! The bounds are termination guards (a hang or a blow-up fails the test), not speed
//! assertions: speed is measured by benchmarks.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address-space cap for the checked process: far above what a correct run needs.
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;
/// A run that takes this long has hung.
const HANG: Duration = Duration::from_secs(60);

/// Writes one topic file with `body` into a fresh repository and checks it under limits.
fn check_hostile(body: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("records/topics");
    std::fs::create_dir_all(&topics).unwrap();
    std::fs::write(topics.join("t.yaml"), body).unwrap();
    let (code, stdout) = run_limited(dir.path());
    assert_eq!(
        code,
        Some(1),
        "hostile input must be reported as a data error"
    );
    let document: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let diagnostics = document["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        assert_eq!(d["file"], "records/topics/t.yaml");
    }
    document
}

fn run_limited(repo: &Path) -> (Option<i32>, String) {
    let binary = env!("CARGO_BIN_EXE_iasmn");
    let script =
        format!("ulimit -v {MEMORY_LIMIT_KIB}; exec \"$0\" --repo \"$1\" check --format json");
    let mut child = Command::new("sh")
        .args(["-c", &script, binary])
        .arg(repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), reader.join().unwrap());
        }
        if started.elapsed() > HANG {
            child.kill().unwrap();
            panic!("iasmn check did not finish within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn codes(document: &serde_json::Value) -> Vec<String> {
    document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn first_location(document: &serde_json::Value, code: &str) -> (u64, u64) {
    let d = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .expect(code);
    (
        d["line"].as_u64().expect("located"),
        d["column"].as_u64().expect("located"),
    )
}

const HEADER: &str = "# yaml-language-server: $schema=../../schemas/topic.schema.json\n";

#[test]
fn truncated_file() {
    let body = format!("{HEADER}id: srm\nlabel: \"Security risk");
    let document = check_hostile(body.as_bytes());
    assert_eq!(codes(&document), ["Y005"]);
    assert_eq!(first_location(&document, "Y005").0, 3);
}

#[test]
fn binary_file() {
    let mut body = Vec::new();
    let mut state: u32 = 12345;
    for _ in 0..4096 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        body.push((state >> 16) as u8);
    }
    body[10] = 0xFF; // never valid UTF-8
    let document = check_hostile(&body);
    assert!(codes(&document).contains(&"Y001".to_string()));
    first_location(&document, "Y001");
}

#[test]
fn nul_bytes_in_valid_utf8() {
    let body = format!("{HEADER}id: srm\nlabel: a\0b\n");
    let document = check_hostile(body.as_bytes());
    assert!(!codes(&document).is_empty());
}

#[test]
fn ten_megabyte_file() {
    let mut body = HEADER.as_bytes().to_vec();
    body.extend_from_slice(b"id: big\nlabel: x\ndescription: \"");
    body.resize(10 * 1024 * 1024, b'x');
    let document = check_hostile(&body);
    assert_eq!(codes(&document), ["Y009"]);
    assert_eq!(first_location(&document, "Y009"), (1, 1));
}

#[test]
fn deeply_nested_flow_and_block() {
    let flow = format!(
        "{HEADER}id: srm\nlabel: x\ndescription: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let document = check_hostile(flow.as_bytes());
    assert_eq!(codes(&document), ["Y009"]);
    assert_eq!(first_location(&document, "Y009").0, 4);

    let mut block = format!("{HEADER}id: srm\nlabel: x\ndescription:\n");
    for depth in 1..5_000 {
        block.push_str(&" ".repeat(depth * 2));
        block.push_str("a:\n");
    }
    let document = check_hostile(block.as_bytes());
    assert_eq!(codes(&document), ["Y009"]);
}

#[test]
fn alias_bomb_is_refused_without_expansion() {
    let mut body = format!(
        "{HEADER}id: srm\nlabel: x\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    );
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        body.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            [previous.as_str(); 9].join(", ")
        ));
    }
    let document = check_hostile(body.as_bytes());
    let codes = codes(&document);
    assert!(
        codes.iter().filter(|c| *c == "Y008").count() >= 10,
        "{codes:?}"
    );
    first_location(&document, "Y008");
}

#[test]
fn many_duplicate_keys_and_long_lines() {
    let mut body = HEADER.to_string();
    for _ in 0..10_000 {
        body.push_str("id: srm\n");
    }
    body.push_str(&format!("label: {}\n", "y".repeat(500_000)));
    let document = check_hostile(body.as_bytes());
    assert_eq!(
        codes(&document).iter().filter(|c| *c == "Y006").count(),
        9_999
    );
}
