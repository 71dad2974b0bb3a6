//! Deterministic synthetic records repository, for benchmarks and load tests of `iasmn`.
//!
//! ```text
//! cargo run --release --example synth -- DIR N [--invalid RATE]
//! ```
//!
//! Writes a complete records repository into `DIR` (created; refused if it exists and is not
//! empty), in exactly the format of this project's `records/` (see `records/README.md`):
//!
//! - `records/recommendations/<session>/<id>.yaml`: `N` outcomes, about 50 per session, half of
//!   them actionable (owners, status and an append-only history drawn from later sessions,
//!   some superseded by later outcomes), texts of 200-800 characters composed from the words
//!   of the real outcome texts under `records/recommendations/`;
//! - `records/sessions/<k>.yaml`: `ceil(N / 50)` sessions `"1"`..`"K"`, two a year from 2000
//!   (more a year when N is very large), with agenda, participants and summary;
//! - `records/crps/<session>/`: 15 CRPs per session;
//! - `records/working-groups/`: 60 groups `wg-1`..`wg-60`, named after the real registry's
//!   groups, keeping its rename chains (predecessor/successor) and sub-groups (parent), plus
//!   synthetic ones; outcomes only name a group while it exists (no wound-up warnings);
//! - `records/organizations/`: the real registry's organizations (about 150), with synthetic
//!   sources; `records/topics/`: the project's topics, copied; `records/priorities/`: its one
//!   priority;
//! - `schemas/`: a copy of the project's JSON Schemas.
//!
//! `--invalid RATE` (0.0-1.0, default 0) plants errors in `round(RATE * N)` outcome files chosen
//! deterministically: half of them (rounded up) schema errors (in turn: unknown field
//! `colour: blue`; `status: pending` on an actionable outcome; `verb` missing), the others
//! errors that only the cross-record check finds (in turn: a `working_groups` entry
//! `no-such-wg`; a `status` that differs from the last history entry; where no actionable
//! outcome is left for a kind that needs one, the other kind of its class). They are listed in
//! `DIR/planted.tsv`: `<path relative to DIR>\t<schema|consistency>\t<what>`, sorted by path.
//!
//! The output depends only on `N`, `RATE` and the project's records and schemas: the same
//! arguments give byte-identical trees (sessions are written in parallel, each from its own
//! seeded xorshift64 generator). A one-line summary goes to stderr.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const USAGE: &str = "usage: synth DIR N [--invalid RATE]
  DIR            output folder (created; must not exist or be empty)
  N              number of outcome records (1 or more)
  --invalid RATE share of outcome files with planted errors, 0.0-1.0 (default 0)";

/// Outcomes per session, CRPs per session and working groups, as in the real reports.
const OUTCOMES_PER_SESSION: usize = 50;
const WORKING_GROUPS: usize = 60;
const NUMBERED_CRPS: usize = 14; // plus "CRP 1 Annex B": 15 per session
const FIRST_YEAR: usize = 2000;
const LAST_YEAR: usize = 9999;
const MAX_TEXT_WORD: usize = 24;

/// Streams of the generator: each record draws from its own seeded sequence.
const SEED: u64 = 0x1A5_4E39_2024_0215;
const S_LAYOUT: u64 = 1;
const S_SESSION: u64 = 2;
const S_OUTCOME: u64 = 3;
const S_WG: u64 = 4;
const S_PLANT: u64 = 5;
const S_ORG: u64 = 6;
const S_DATES: u64 = 7;

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of one stream: a hash of the parts.
fn mix(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(SEED, |h, &p| splitmix64(h ^ splitmix64(p)))
}

/// xorshift64 (Marsaglia 2003).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            seed
        })
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total as usize) as u32;
        for &(item, w) in items {
            if r < w {
                return item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }
}

macro_rules! ln {
    ($s:expr, $($t:tt)*) => {
        writeln!($s, $($t)*).expect("writing to a String cannot fail")
    };
}

/// A YAML double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A slug as the real records write it: plain, unless a YAML reader could take it for
/// something other than a string.
fn slug(s: &str) -> String {
    const RESERVED: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    ];
    let plain = s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !RESERVED.contains(&s);
    if plain { s.to_string() } else { q(s) }
}

/// `key: "text"` when it fits on a line of 100, else a folded block wrapped at 100 columns.
/// `value` is folded only when it is words separated by single spaces (so folding gives it back).
fn text_field(out: &mut String, indent: usize, key: &str, value: &str) {
    let pad = " ".repeat(indent);
    let foldable = !value.is_empty()
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !value.contains("  ")
        && !value.contains(['\n', '\t']);
    if !foldable || indent + key.len() + 4 + value.chars().count() <= 100 {
        ln!(out, "{pad}{key}: {}", q(value));
        return;
    }
    ln!(out, "{pad}{key}: >-");
    let inner = indent + 2;
    let mut col = 0;
    for word in value.split(' ') {
        let len = word.chars().count();
        if col > 0 && col + 1 + len > 100 {
            out.push('\n');
            col = 0;
        }
        if col == 0 {
            out.extend(std::iter::repeat_n(' ', inner));
            col = inner;
        } else {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out.push('\n');
}

fn list(out: &mut String, indent: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let pad = " ".repeat(indent);
    ln!(out, "{pad}{key}:");
    for item in items {
        ln!(out, "{pad}  - {item}");
    }
}

fn citation(out: &mut String, indent: usize, report: usize, paragraph: usize, item: Option<char>) {
    let pad = " ".repeat(indent);
    ln!(out, "{pad}report: \"{report}\"");
    ln!(out, "{pad}paragraph: \"{paragraph}\"");
    if let Some(item) = item {
        ln!(out, "{pad}item: \"{item}\"");
    }
}

fn modeline(depth: usize, kind: &str) -> String {
    format!(
        "# yaml-language-server: $schema={}schemas/{kind}.schema.json\n",
        "../".repeat(depth)
    )
}

fn ordinal(n: usize) -> String {
    let suffix = if (11..=13).contains(&(n % 100)) {
        "th"
    } else {
        match n % 10 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        }
    };
    format!("{n}{suffix}")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Date {
    year: usize,
    month: usize,
    day: usize,
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Date {
    fn plus_days(self, days: usize) -> Date {
        Date {
            day: self.day + days,
            ..self
        }
    }

    fn spelled(self) -> String {
        format!("{} {} {}", self.day, MONTHS[self.month - 1], self.year)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the project's own records (a minimal reader for their top-level fields).

enum Field {
    Scalar(String),
    List(Vec<String>),
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        let mut out = String::new();
        let mut chars = s[1..s.len() - 1].chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        s[1..s.len() - 1].replace("''", "'")
    } else {
        s.to_string()
    }
}

/// The top-level fields of a record file: scalars (quoted, plain or block) and lists of scalars.
fn read_fields(text: &str) -> HashMap<String, Field> {
    let lines: Vec<&str> = text.lines().collect();
    let mut fields = HashMap::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.is_empty() || line.starts_with([' ', '#', '-']) {
            continue;
        }
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let start = i;
        while i < lines.len() && (lines[i].starts_with(' ') || lines[i].trim().is_empty()) {
            i += 1;
        }
        let block = &lines[start..i];
        let rest = rest.trim();
        let value = if rest.is_empty() {
            Field::List(
                block
                    .iter()
                    .filter_map(|l| l.strip_prefix("  - "))
                    .filter(|item| !item.contains(": "))
                    .map(unquote)
                    .collect(),
            )
        } else if rest.starts_with(['>', '|']) {
            let words: Vec<&str> = block.iter().flat_map(|l| l.split_whitespace()).collect();
            Field::Scalar(words.join(" "))
        } else {
            Field::Scalar(unquote(rest))
        };
        fields.insert(key.trim().to_string(), value);
    }
    fields
}

fn scalar(fields: &HashMap<String, Field>, key: &str) -> Option<String> {
    match fields.get(key) {
        Some(Field::Scalar(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// `*.yaml` files of a folder (recursively), sorted by path.
fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The words of the real outcome texts: each distinct word once, the running text (so that a
/// uniform pick from it is frequency-weighted) and, for each word, the words that follow it
/// there (a bigram chain, so generated text keeps the reports' phrases).
struct Vocabulary {
    words: Vec<String>,
    running: Vec<u32>,
    next: Vec<Vec<u32>>,
}

impl Vocabulary {
    fn read(records: &Path) -> Result<Vocabulary> {
        let mut texts: Vec<Vec<String>> = Vec::new();
        for path in yaml_files(&records.join("recommendations"))? {
            let fields = read_fields(&read(&path)?);
            let Some(text) = scalar(&fields, "text") else {
                continue;
            };
            let words = text
                .split_whitespace()
                .map(|token| token.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|word| {
                    !word.is_empty()
                        && word.chars().count() <= MAX_TEXT_WORD
                        && word
                            .chars()
                            .all(|c| c.is_alphanumeric() || "-'’/&.".contains(c))
                })
                .map(str::to_string)
                .collect();
            texts.push(words);
        }
        if texts.iter().all(Vec::is_empty) {
            texts = vec![
                "the network requested that the security management system review the policy \
                 of the working group for the field personnel of the UNSMS organizations"
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
            ];
        }
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut vocabulary = Vocabulary {
            words: Vec::new(),
            running: Vec::new(),
            next: Vec::new(),
        };
        for text in texts {
            let mut previous: Option<u32> = None;
            for word in text {
                let id = *ids.entry(word).or_insert_with_key(|word| {
                    vocabulary.words.push(word.clone());
                    vocabulary.next.push(Vec::new());
                    (vocabulary.words.len() - 1) as u32
                });
                vocabulary.running.push(id);
                if let Some(previous) = previous {
                    vocabulary.next[previous as usize].push(id);
                }
                previous = Some(id);
            }
        }
        Ok(vocabulary)
    }

    /// A word following `previous` in the reports (mostly), else any word by frequency.
    fn word(&self, rng: &mut Rng, previous: Option<u32>) -> u32 {
        if let Some(previous) = previous {
            let followers = &self.next[previous as usize];
            if !followers.is_empty() && rng.chance(0.85) {
                return *rng.pick(followers);
            }
        }
        *rng.pick(&self.running)
    }

    fn get(&self, id: u32) -> &str {
        &self.words[id as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// The generated world.

struct Org {
    id: String,
    acronym: Option<String>,
    name: Option<String>,
    kind: String,
    parent: Option<String>,
}

struct Wg {
    id: String,
    name: String,
    acronyms: Vec<String>,
    parent: Option<usize>,
    predecessor: Option<usize>,
    successor: Option<usize>,
    /// Sessions in which the group exists (inclusive).
    from: usize,
    to: usize,
    established: bool,
    wound_up: bool,
}

struct Topic {
    id: String,
    label: String,
    file: String,
    bytes: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Plant {
    Colour,
    Pending,
    NoVerb,
    NoSuchWg,
    Mismatch,
}

impl Plant {
    fn class(self) -> &'static str {
        match self {
            Plant::Colour | Plant::Pending | Plant::NoVerb => "schema",
            Plant::NoSuchWg | Plant::Mismatch => "consistency",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Plant::Colour => "unknown field `colour: blue`",
            Plant::Pending => "status `pending` is not in the enum",
            Plant::NoVerb => "required field `verb` missing",
            Plant::NoSuchWg => "working_groups names `no-such-wg`, which does not exist",
            Plant::Mismatch => "status differs from the last history entry",
        }
    }
}

struct World {
    n: usize,
    sessions: usize,
    per_year: usize,
    words: Vocabulary,
    orgs: Vec<Org>,
    /// Index of UNDSS (chairs every session) and of its units.
    undss: usize,
    undss_units: Vec<usize>,
    members: Vec<usize>,
    wgs: Vec<Wg>,
    topics: Vec<Topic>,
    priority: (String, String),
    plants: HashMap<usize, Plant>,
}

/// Where the outcomes of a session sit: paragraph, item and agenda item of each.
struct Slot {
    paragraph: usize,
    item: usize,
    agenda: usize,
}

struct Layout {
    slots: Vec<Slot>,
    agenda_first: Vec<usize>,
}

struct Agenda {
    title: String,
    lead: String,
    wg: Option<usize>,
    topics: Vec<usize>,
    crps: Vec<String>,
    day: usize,
}

struct Crp {
    id: String,
    number: String,
    agenda: usize,
}

/// One follow-up step of an actionable outcome, cited to a report and paragraph.
struct HistoryEntry {
    date: Date,
    status: &'static str,
    note: String,
    report: usize,
    paragraph: usize,
    item: Option<char>,
}

#[derive(Default)]
struct Written {
    sessions: usize,
    crps: usize,
    outcomes: usize,
    planted: Vec<(String, Plant)>,
}

fn letter(item: usize) -> char {
    (b'a' + item as u8) as char
}

/// Whether outcome `i` (0-based, across sessions) is actionable: the first draw of its stream,
/// so the planter can ask without generating the outcome.
fn actionable(i: usize) -> bool {
    Rng::new(mix(&[S_OUTCOME, i as u64])).chance(0.5)
}

impl World {
    fn outcomes_in(&self, k: usize) -> usize {
        let base = self.n / self.sessions;
        base + usize::from(k - 1 < self.n % self.sessions)
    }

    fn first_outcome(&self, k: usize) -> usize {
        let base = self.n / self.sessions;
        (k - 1) * base + (k - 1).min(self.n % self.sessions)
    }

    /// First and last day of session `k`: in order, `per_year` sessions a year from 2000.
    fn dates(&self, k: usize) -> (Date, Date) {
        let idx = k - 1;
        let slot = idx % self.per_year;
        let month = 1 + slot * 12 / self.per_year + usize::from(self.per_year <= 6);
        let mut rng = Rng::new(mix(&[S_DATES, k as u64]));
        let start = Date {
            year: FIRST_YEAR + idx / self.per_year,
            month,
            day: 8 + rng.below(12),
        };
        (start, start.plus_days(1 + rng.below(3)))
    }

    /// The paragraph layout of session `k` (a function of `k` alone, so that any session can
    /// name the outcomes of any other).
    fn layout(&self, k: usize) -> Layout {
        let n = self.outcomes_in(k);
        let agenda_items = (2 * n).div_ceil(5).clamp(1, 22);
        let mut rng = Rng::new(mix(&[S_LAYOUT, k as u64]));
        let mut slots = Vec::with_capacity(n);
        let mut agenda_first = Vec::with_capacity(agenda_items);
        let mut paragraph = 1;
        let mut current = usize::MAX;
        let (mut item, mut block_left) = (0, 0);
        for j in 0..n {
            let agenda = j * agenda_items / n;
            if agenda != current {
                paragraph += 1 + rng.below(4);
                agenda_first.push(paragraph);
                paragraph += 1 + rng.below(3);
                current = agenda;
                item = 0;
                block_left = 1 + rng.below(4);
            } else if block_left == 0 {
                paragraph += 1 + rng.below(2);
                item = 0;
                block_left = 1 + rng.below(4);
            }
            slots.push(Slot {
                paragraph,
                item,
                agenda,
            });
            item += 1;
            block_left -= 1;
        }
        Layout {
            slots,
            agenda_first,
        }
    }

    fn outcome_id(&self, k: usize, slot: &Slot) -> String {
        format!("{k}-{}{}", slot.paragraph, letter(slot.item))
    }

    /// A random outcome of session `k`.
    fn some_outcome(&self, k: usize, rng: &mut Rng) -> String {
        let layout = self.layout(k);
        let slot = rng.pick(&layout.slots);
        self.outcome_id(k, slot)
    }

    /// A phrase of `count` words from the reports' bigram chain.
    fn phrase(&self, rng: &mut Rng, count: usize) -> String {
        let mut previous = None;
        let mut words = Vec::with_capacity(count);
        for _ in 0..count {
            let id = self.words.word(rng, previous);
            words.push(self.words.get(id));
            previous = Some(id);
        }
        words.join(" ")
    }

    /// Sentences from the real vocabulary, starting with `lead`, of `min..=max` characters
    /// (give or take one word), words separated by single spaces, ending with a full stop.
    fn compose(&self, rng: &mut Rng, lead: &str, min: usize, max: usize) -> String {
        let target = min + rng.below(max - min + 1);
        let mut out = String::with_capacity(target + 32);
        out.push_str(lead);
        let mut len = lead.chars().count();
        let mut in_sentence = lead.split(' ').count();
        let mut sentence_len = 10 + rng.below(20);
        let mut capital = lead.is_empty();
        let mut previous = None;
        let mut last_len = lead.rsplit(' ').next().map_or(0, |w| w.chars().count());
        while len < target {
            let id = self.words.word(rng, previous);
            previous = Some(id);
            let word = self.words.get(id);
            // Punctuation only after a content word, not after "the", "of", ...
            let after_content = last_len > 3;
            if in_sentence >= sentence_len && after_content {
                out.push('.');
                len += 1;
                in_sentence = 0;
                sentence_len = 8 + rng.below(22);
                capital = true;
            } else if in_sentence > 2 && after_content && rng.chance(0.04) {
                out.push(',');
                len += 1;
            }
            last_len = word.chars().count();
            if len > 0 {
                out.push(' ');
                len += 1;
            }
            if capital {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
                capital = false;
            } else {
                out.push_str(word);
            }
            len += word.chars().count();
            in_sentence += 1;
        }
        out.push('.');
        out
    }

    fn org_ref(&self, idx: usize) -> &str {
        &self.orgs[idx].id
    }

    fn org_label(&self, idx: usize) -> String {
        let org = &self.orgs[idx];
        org.acronym
            .clone()
            .or_else(|| org.name.clone())
            .unwrap_or_else(|| org.id.to_uppercase())
    }

    fn active_wgs(&self, k: usize) -> Vec<usize> {
        (0..self.wgs.len())
            .filter(|&w| self.wgs[w].from <= k && k <= self.wgs[w].to)
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Sessions, their CRPs and outcomes.

    fn write_session(&self, root: &Path, k: usize) -> Result<Written> {
        let layout = self.layout(k);
        let mut rng = Rng::new(mix(&[S_SESSION, k as u64]));
        let active = self.active_wgs(k);
        let (start, end) = self.dates(k);
        let days = end.day - start.day + 1;

        let agenda_items = layout.agenda_first.len();
        let mut agenda: Vec<Agenda> = (0..agenda_items)
            .map(|a| {
                let wg = (!active.is_empty() && rng.chance(0.55)).then(|| *rng.pick(&active));
                let first = rng.below(self.topics.len());
                let mut topics = vec![first];
                if rng.chance(0.35) {
                    let second = rng.below(self.topics.len());
                    if second != first {
                        topics.push(second);
                    }
                }
                let (title, lead) = match wg {
                    Some(w) => (
                        self.wgs[w].name.clone(),
                        format!("The chair of the {}", self.wgs[w].name),
                    ),
                    None => {
                        let org = if rng.chance(0.5) {
                            self.undss
                        } else {
                            *rng.pick(&self.members)
                        };
                        (
                            self.topics[first].label.clone(),
                            format!("The representative of {}", self.org_label(org)),
                        )
                    }
                };
                Agenda {
                    title,
                    lead,
                    wg,
                    topics,
                    crps: Vec::new(),
                    day: a * days / agenda_items,
                }
            })
            .collect();

        let mut crps = Vec::with_capacity(NUMBERED_CRPS + 1);
        for c in 1..=NUMBERED_CRPS {
            let a = (c - 1) * agenda_items / NUMBERED_CRPS;
            crps.push(Crp {
                id: format!("{k}-crp{c}"),
                number: format!("CRP {c}"),
                agenda: a,
            });
            if c == 1 {
                crps.push(Crp {
                    id: format!("{k}-crp1-annex-b"),
                    number: "CRP 1 Annex B".to_string(),
                    agenda: a,
                });
            }
        }
        for crp in &crps {
            agenda[crp.agenda].crps.push(crp.id.clone());
        }

        fs::write(
            root.join(format!("records/sessions/{k}.yaml")),
            self.session_yaml(k, &layout, &agenda, start, end, &mut rng),
        )
        .with_context(|| format!("cannot write session {k}"))?;

        let crp_dir = root.join(format!("records/crps/{k}"));
        fs::create_dir_all(&crp_dir)?;
        for crp in &crps {
            let text = self.crp_yaml(k, crp, &agenda[crp.agenda], &layout, &mut rng);
            fs::write(crp_dir.join(format!("{}.yaml", crp.id)), text)
                .with_context(|| format!("cannot write CRP {}", crp.id))?;
        }

        let rec_dir = root.join(format!("records/recommendations/{k}"));
        fs::create_dir_all(&rec_dir)?;
        let first = self.first_outcome(k);
        let mut planted = Vec::new();
        for (j, slot) in layout.slots.iter().enumerate() {
            let i = first + j;
            let plant = self.plants.get(&i).copied();
            let id = self.outcome_id(k, slot);
            let text = self.outcome_yaml(k, &id, j, &layout, &agenda, &active, i, plant);
            fs::write(rec_dir.join(format!("{id}.yaml")), text)
                .with_context(|| format!("cannot write outcome {id}"))?;
            if let Some(plant) = plant {
                planted.push((format!("records/recommendations/{k}/{id}.yaml"), plant));
            }
        }
        Ok(Written {
            sessions: 1,
            crps: crps.len(),
            outcomes: layout.slots.len(),
            planted,
        })
    }

    fn session_yaml(
        &self,
        k: usize,
        layout: &Layout,
        agenda: &[Agenda],
        start: Date,
        end: Date,
        rng: &mut Rng,
    ) -> String {
        const CITIES: [(&str, &str); 12] = [
            ("Geneva", "Switzerland"),
            ("New York", "United States of America"),
            ("Vienna", "Austria"),
            ("Rome", "Italy"),
            ("Nairobi", "Kenya"),
            ("Montreal", "Canada"),
            ("Madrid", "Spain"),
            ("Manila", "Philippines"),
            ("Turin", "Italy"),
            ("Bangkok", "Thailand"),
            ("Paris", "France"),
            ("Copenhagen", "Denmark"),
        ];
        const GIVEN: [&str; 16] = [
            "Anna", "Bruno", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
            "Karim", "Lena", "Marta", "Nadia", "Omar", "Priya",
        ];
        const FAMILY: [&str; 16] = [
            "Abebe",
            "Berger",
            "Costa",
            "Dubois",
            "Eriksen",
            "Fischer",
            "Garcia",
            "Haddad",
            "Ivanova",
            "Jensen",
            "Kowalski",
            "Lindqvist",
            "Moreau",
            "Nakamura",
            "Okafor",
            "Perez",
        ];
        let format = rng.weighted(&[("in-person", 6), ("hybrid", 3), ("virtual", 1)]);
        let (city, country) = *rng.pick(&CITIES);
        let host = *rng.pick(&self.members);
        let co_chair = *rng.pick(&self.members);

        let mut s = String::with_capacity(16 * 1024);
        s.push_str(&modeline(2, "session"));
        ln!(s, "id: \"{k}\"");
        ln!(s, "number: {k}");
        ln!(s, "kind: regular");
        ln!(s, "start: \"{start}\"");
        ln!(s, "end: \"{end}\"");
        if format != "virtual" {
            ln!(s, "venue:");
            ln!(s, "  city: {}", q(city));
            ln!(s, "  country: {}", q(country));
            ln!(s, "  host: {}", slug(self.org_ref(host)));
        }
        ln!(s, "format: {format}");
        ln!(s, "chair:");
        ln!(s, "  organization: {}", slug(self.org_ref(self.undss)));
        ln!(s, "  title: \"USG UNDSS\"");
        ln!(s, "  source:");
        citation(&mut s, 4, k, 1, None);
        ln!(s, "co_chair:");
        ln!(s, "  organization: {}", slug(self.org_ref(co_chair)));
        ln!(s, "  source:");
        citation(&mut s, 4, k, 1, None);
        ln!(s, "secretary:");
        ln!(s, "  organization: {}", slug(self.org_ref(self.undss)));
        ln!(s, "  title: \"IASMN Secretariat\"");
        ln!(s, "  source:");
        citation(&mut s, 4, k, 2, None);

        let participants = 20 + rng.below(41);
        let mut attend = Vec::with_capacity(participants);
        for _ in 0..participants {
            attend.push(match format {
                "hybrid" => rng.chance(0.3),
                f => f == "virtual",
            });
        }
        let virtual_count = attend.iter().filter(|&&v| v).count();
        ln!(s, "attendance:");
        ln!(s, "  in_person: {}", participants - virtual_count);
        ln!(s, "  virtual: {virtual_count}");
        ln!(s, "  total: {participants}");
        ln!(s, "  source:");
        citation(&mut s, 4, k, 1, None);
        ln!(s, "report:");
        let status = if k == self.sessions { "draft" } else { "final" };
        ln!(s, "  status: {status}");

        ln!(s, "agenda:");
        for (a, item) in agenda.iter().enumerate() {
            ln!(s, "  - item: \"{}\"", a + 1);
            ln!(s, "    title: {}", q(&item.title));
            ln!(s, "    lead: {}", q(&item.lead));
            let crps: Vec<String> = item.crps.iter().map(|c| q(c)).collect();
            list(&mut s, 4, "crps", &crps);
            ln!(s, "    date: \"{}\"", start.plus_days(item.day));
            ln!(s, "    source:");
            citation(&mut s, 6, k, layout.agenda_first[a], None);
        }

        ln!(s, "participants:");
        for &is_virtual in &attend {
            let org = if rng.chance(0.85) {
                *rng.pick(&self.members)
            } else {
                rng.below(self.orgs.len())
            };
            let title = if rng.chance(0.5) { "Ms." } else { "Mr." };
            ln!(s, "  - organization: {}", q(self.org_ref(org)));
            ln!(
                s,
                "    name: \"{title} {} {}\"",
                rng.pick(&GIVEN),
                rng.pick(&FAMILY)
            );
            if rng.chance(0.1) {
                ln!(s, "    role: \"Focal point\"");
            }
            let how = if is_virtual { "virtual" } else { "in-person" };
            ln!(s, "    attendance: \"{how}\"");
        }
        ln!(s, "participants_source:");
        ln!(s, "  report: \"{k}\"");
        ln!(s, "  section: \"Annex: List of Participants\"");

        ln!(s, "summary: |-");
        let place = if format == "virtual" {
            "virtually".to_string()
        } else {
            format!("in {city}")
        };
        let opening = format!(
            "The Inter-Agency Security Management Network (IASMN) held its {} session from {} to {} {place}.",
            ordinal(k),
            start.day,
            end.spelled()
        );
        let paragraphs = [
            format!("{opening} {}", self.compose(rng, "", 150, 400)),
            self.compose(rng, "", 200, 600),
            self.compose(rng, "", 100, 300),
        ];
        for (p, text) in paragraphs.iter().enumerate() {
            if p > 0 {
                s.push('\n');
            }
            ln!(s, "  {text}");
        }
        ln!(s, "source:");
        citation(&mut s, 2, k, 1, None);
        s
    }

    fn crp_yaml(
        &self,
        k: usize,
        crp: &Crp,
        item: &Agenda,
        layout: &Layout,
        rng: &mut Rng,
    ) -> String {
        let mut s = String::with_capacity(512);
        s.push_str(&modeline(3, "crp"));
        ln!(s, "id: {}", q(&crp.id));
        ln!(s, "session: \"{k}\"");
        ln!(s, "number: {}", q(&crp.number));
        if crp.number.contains("Annex") {
            ln!(
                s,
                "title: \"Progress report on outstanding recommendations\""
            );
        } else if rng.chance(0.7) {
            let count = 3 + rng.below(6);
            let title = format!(
                "{}: {}",
                self.topics[item.topics[0]].label,
                self.phrase(rng, count)
            );
            text_field(&mut s, 0, "title", &title);
        }
        text_field(&mut s, 0, "agenda_item", &item.title);
        ln!(s, "presenter: {}", q(&item.lead));
        if let Some(w) = item.wg {
            ln!(s, "working_group: {}", slug(&self.wgs[w].id));
        }
        ln!(s, "source:");
        citation(&mut s, 2, k, layout.agenda_first[crp.agenda], None);
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn outcome_yaml(
        &self,
        k: usize,
        id: &str,
        j: usize,
        layout: &Layout,
        agenda: &[Agenda],
        active: &[usize],
        i: usize,
        plant: Option<Plant>,
    ) -> String {
        const ACTIONABLE: [(&str, u32); 9] = [
            ("requested", 30),
            ("recommended", 16),
            ("agreed", 15),
            ("supported", 10),
            ("called-for", 10),
            ("decided", 5),
            ("urged", 5),
            ("encouraged", 4),
            ("invited", 3),
        ];
        const NOT_ACTIONABLE: [(&str, u32); 14] = [
            ("took-note", 40),
            ("endorsed", 15),
            ("agreed", 8),
            ("reaffirmed", 9),
            ("expressed-appreciation", 6),
            ("approved", 6),
            ("acknowledged", 5),
            ("supported", 4),
            ("welcomed", 3),
            ("adopted", 2),
            ("did-not-endorse", 2),
            ("declined", 1),
            ("deferred", 1),
            ("encouraged", 1),
        ];
        let slot = &layout.slots[j];
        let item = &agenda[slot.agenda];
        let mut rng = Rng::new(mix(&[S_OUTCOME, i as u64]));
        let is_actionable = rng.chance(0.5); // the same first draw as `actionable(i)`
        let verb = if is_actionable {
            rng.weighted(&ACTIONABLE)
        } else {
            rng.weighted(&NOT_ACTIONABLE)
        };
        let phrase = match verb {
            "took-note" => "took note of the",
            "requested" => "requested that the",
            "recommended" => "recommended that the",
            "agreed" => "agreed that the",
            "decided" => "decided that the",
            "called-for" => "called for the",
            "expressed-appreciation" => "expressed its appreciation for the",
            "did-not-endorse" => "did not endorse the",
            "declined" => "declined to pursue the",
            "deferred" => "deferred consideration of the",
            "supported" => "supported the",
            "endorsed" => "endorsed the",
            "approved" => "approved the",
            "adopted" => "adopted the",
            "acknowledged" => "acknowledged the",
            "reaffirmed" => "reaffirmed the",
            "welcomed" => "welcomed the",
            "urged" => "urged the",
            "invited" => "invited the",
            _ => "encouraged the",
        };
        let lead = if rng.chance(0.5) {
            format!("The IASMN {phrase}")
        } else {
            phrase.to_string()
        };
        let text = self.compose(&mut rng, &lead, 200, 770);

        let mut owners: Vec<String> = Vec::new();
        if is_actionable {
            let count = 1 + usize::from(rng.chance(0.3)) + usize::from(rng.chance(0.05));
            while owners.len() < count {
                let owner = match rng.below(100) {
                    0..50 => {
                        let org = if rng.chance(0.45) {
                            if self.undss_units.is_empty() || rng.chance(0.5) {
                                self.undss
                            } else {
                                *rng.pick(&self.undss_units)
                            }
                        } else {
                            rng.below(self.orgs.len())
                        };
                        format!("org:{}", self.org_ref(org))
                    }
                    50..75 => match item.wg {
                        Some(w) => format!("wg:{}", self.wgs[w].id),
                        None if !active.is_empty() => {
                            format!("wg:{}", self.wgs[*rng.pick(active)].id)
                        }
                        None => format!("org:{}", self.org_ref(self.undss)),
                    },
                    75..87 => "members".to_string(),
                    87..95 => "secretariat".to_string(),
                    95..98 => "designated-officials".to_string(),
                    _ => "security-management-teams".to_string(),
                };
                if !owners.contains(&owner) {
                    owners.push(owner);
                }
            }
        }

        let mut working_groups: Vec<String> = item
            .wg
            .map(|w| self.wgs[w].id.clone())
            .into_iter()
            .collect();
        if !active.is_empty() && rng.chance(0.1) {
            let extra = self.wgs[*rng.pick(active)].id.clone();
            if !working_groups.contains(&extra) {
                working_groups.push(extra);
            }
        }
        if plant == Some(Plant::NoSuchWg) {
            working_groups.push("no-such-wg".to_string());
        }
        let mut topics: Vec<String> = item
            .topics
            .iter()
            .map(|&t| self.topics[t].id.clone())
            .collect();
        if rng.chance(0.15) {
            let extra = self.topics[rng.below(self.topics.len())].id.clone();
            if !topics.contains(&extra) {
                topics.push(extra);
            }
        }
        let priorities = if topics.contains(&self.priority.0) || rng.chance(0.03) {
            vec![slug(&self.priority.0)]
        } else {
            Vec::new()
        };

        // Follow-up: history entries from this and later sessions, oldest first.
        let (_, end) = self.dates(k);
        let mut due: Option<(String, Option<String>)> = None;
        let mut history: Vec<HistoryEntry> = Vec::new();
        let mut superseded_by = None;
        if is_actionable {
            if rng.chance(0.3) {
                let next = (k < self.sessions).then(|| self.dates(k + 1).0);
                due = Some(match (rng.below(4), next) {
                    (0, Some(next)) => ("before the next session".into(), Some(next.to_string())),
                    (1, Some(next)) => (format!("by {}", next.spelled()), Some(next.to_string())),
                    (2, _) => (
                        format!("by the end of {}", end.year),
                        Some(format!("{}-12-31", end.year)),
                    ),
                    _ => (
                        rng.pick(&[
                            "as a matter of urgency",
                            "on an urgent basis",
                            "as a priority",
                        ])
                        .to_string(),
                        None,
                    ),
                });
            }
            let item_letter = Some(letter(slot.item));
            if rng.chance(0.35) {
                history.push(HistoryEntry {
                    date: end,
                    status: "unknown",
                    note: format!(
                        "Decided at the {} session; no follow-up recorded yet.",
                        ordinal(k)
                    ),
                    report: k,
                    paragraph: slot.paragraph,
                    item: item_letter,
                });
            } else {
                history.push(HistoryEntry {
                    date: end,
                    status: "open",
                    note: format!("Decided at the {} session.", ordinal(k)),
                    report: k,
                    paragraph: slot.paragraph,
                    item: item_letter,
                });
                let mut at = k;
                let mut status = "open";
                while at < self.sessions && rng.chance(if status == "open" { 0.55 } else { 0.5 }) {
                    at = (at + 1 + rng.below(3)).min(self.sessions);
                    status = if status == "open" {
                        rng.weighted(&[
                            ("in-progress", 50),
                            ("implemented", 25),
                            ("closed", 10),
                            ("superseded", 15),
                        ])
                    } else {
                        rng.weighted(&[("implemented", 60), ("closed", 15), ("superseded", 25)])
                    };
                    let lead = format!("The {} session heard that the", ordinal(at));
                    let note = self.compose(&mut rng, &lead, 80, 240);
                    history.push(HistoryEntry {
                        date: self.dates(at).1,
                        status,
                        note,
                        report: at,
                        paragraph: 10 + rng.below(120),
                        item: None,
                    });
                    if status == "superseded" {
                        superseded_by = Some(self.some_outcome(at, &mut rng));
                    }
                    if status != "in-progress" {
                        break;
                    }
                }
            }
        }
        let mut status = history.last().map(|h| h.status);

        let mut related: Vec<String> = Vec::new();
        if let Some(successor) = &superseded_by {
            related.push(successor.clone());
        }
        if rng.chance(0.12) {
            let other = if j > 0 && rng.chance(0.5) {
                self.outcome_id(k, &layout.slots[rng.below(j)])
            } else if k > 1 {
                self.some_outcome(1 + rng.below(k - 1), &mut rng)
            } else {
                String::new()
            };
            if !other.is_empty() && other != id && !related.contains(&other) {
                related.push(other);
            }
        }

        // Planted errors.
        match plant {
            Some(Plant::Pending) => status = Some("pending"),
            Some(Plant::Mismatch) => {
                if status == Some("superseded") {
                    if let Some(last) = history.last_mut() {
                        last.status = "in-progress";
                    }
                } else {
                    status = Some(if status == Some("implemented") {
                        "closed"
                    } else {
                        "implemented"
                    });
                }
            }
            _ => {}
        }

        let mut s = String::with_capacity(2048);
        s.push_str(&modeline(3, "recommendation"));
        ln!(s, "id: {}", q(id));
        ln!(s, "session: \"{k}\"");
        ln!(s, "paragraph: \"{}\"", slot.paragraph);
        ln!(s, "item: \"{}\"", letter(slot.item));
        text_field(&mut s, 0, "agenda_item", &item.title);
        let crps: Vec<String> = item.crps.iter().map(|c| q(c)).collect();
        list(&mut s, 0, "crps", &crps);
        if plant != Some(Plant::NoVerb) {
            ln!(s, "verb: {verb}");
        }
        text_field(&mut s, 0, "text", &text);
        ln!(s, "actionable: {is_actionable}");
        if plant == Some(Plant::Colour) {
            ln!(s, "colour: blue");
        }
        let owners: Vec<String> = owners.iter().map(|o| q(o)).collect();
        list(&mut s, 0, "owners", &owners);
        let working_groups: Vec<String> = working_groups.iter().map(|w| slug(w)).collect();
        list(&mut s, 0, "working_groups", &working_groups);
        let topics: Vec<String> = topics.iter().map(|t| slug(t)).collect();
        list(&mut s, 0, "topics", &topics);
        list(&mut s, 0, "priorities", &priorities);
        if let Some((text, date)) = &due {
            ln!(s, "due:");
            ln!(s, "  text: {}", q(text));
            if let Some(date) = date {
                ln!(s, "  date: \"{date}\"");
            }
        }
        if let Some(status) = status {
            ln!(s, "status: {status}");
        }
        if !history.is_empty() {
            ln!(s, "history:");
            for entry in &history {
                ln!(s, "  - date: \"{}\"", entry.date);
                ln!(s, "    status: {}", entry.status);
                text_field(&mut s, 4, "note", &entry.note);
                ln!(s, "    source:");
                citation(&mut s, 6, entry.report, entry.paragraph, entry.item);
            }
        }
        if let Some(successor) = &superseded_by {
            ln!(s, "superseded_by: {}", q(successor));
        }
        let related: Vec<String> = related.iter().map(|r| q(r)).collect();
        list(&mut s, 0, "related", &related);
        ln!(s, "source:");
        citation(&mut s, 2, k, slot.paragraph, Some(letter(slot.item)));
        s
    }

    // -----------------------------------------------------------------------------------------
    // Registries.

    fn org_yaml(&self, idx: usize) -> String {
        let org = &self.orgs[idx];
        let mut rng = Rng::new(mix(&[S_ORG, idx as u64]));
        let mut s = String::with_capacity(512);
        s.push_str(&modeline(2, "organization"));
        ln!(s, "id: {}", slug(&org.id));
        if let Some(acronym) = &org.acronym {
            ln!(s, "acronym: {}", q(acronym));
        }
        if let Some(name) = &org.name {
            ln!(s, "name: {}", q(name));
        }
        ln!(s, "kind: {}", org.kind);
        if let Some(parent) = &org.parent {
            ln!(s, "parent: {}", slug(parent));
        }
        ln!(s, "sources:");
        let first = 1 + rng.below(self.sessions);
        ln!(s, "  - report: \"{first}\"");
        ln!(s, "    paragraph: \"{}\"", 1 + rng.below(60));
        if rng.chance(0.5) {
            ln!(s, "  - report: \"{}\"", 1 + rng.below(self.sessions));
            ln!(s, "    section: \"Annex: List of Participants\"");
        }
        s
    }

    fn wg_yaml(&self, w: usize) -> String {
        let wg = &self.wgs[w];
        let mut rng = Rng::new(mix(&[S_WG, w as u64]));
        let mut s = String::with_capacity(1024);
        s.push_str(&modeline(2, "working-group"));
        ln!(s, "id: {}", slug(&wg.id));
        ln!(s, "name: {}", q(&wg.name));
        let acronyms: Vec<String> = wg.acronyms.iter().map(|a| q(a)).collect();
        list(&mut s, 0, "acronyms", &acronyms);
        for (key, link) in [
            ("parent", wg.parent),
            ("predecessor", wg.predecessor),
            ("successor", wg.successor),
        ] {
            if let Some(link) = link {
                ln!(s, "{key}: {}", slug(&self.wgs[link].id));
            }
        }
        let paragraph = 5 + rng.below(150);
        if wg.established {
            let (start, _) = self.dates(wg.from);
            ln!(s, "established:");
            ln!(s, "  session: \"{}\"", wg.from);
            ln!(s, "  date: \"{start}\"");
            ln!(s, "  source:");
            citation(&mut s, 4, wg.from, paragraph, None);
        }
        if wg.wound_up {
            let (_, end) = self.dates(wg.to);
            ln!(s, "wound_up:");
            ln!(s, "  session: \"{}\"", wg.to);
            ln!(s, "  date: \"{end}\"");
            ln!(s, "  source:");
            citation(&mut s, 4, wg.to, 5 + rng.below(150), None);
        }
        let mut chair = Vec::new();
        if rng.chance(0.6) {
            chair.push(*rng.pick(&self.members));
        }
        let mut members = Vec::new();
        for _ in 0..rng.below(9) {
            let m = *rng.pick(&self.members);
            if !members.contains(&m) {
                members.push(m);
            }
        }
        let chair: Vec<String> = chair.iter().map(|&o| slug(self.org_ref(o))).collect();
        list(&mut s, 0, "chair", &chair);
        let members: Vec<String> = members.iter().map(|&o| slug(self.org_ref(o))).collect();
        list(&mut s, 0, "members", &members);
        ln!(s, "sources:");
        ln!(s, "  - report: \"{}\"", wg.from);
        ln!(s, "    paragraph: \"{paragraph}\"");
        if wg.to > wg.from {
            ln!(s, "  - report: \"{}\"", wg.to);
            ln!(s, "    paragraph: \"{}\"", 5 + rng.below(150));
        }
        s
    }

    fn priority_yaml(&self) -> String {
        let mut s = String::with_capacity(256);
        s.push_str(&modeline(2, "priority"));
        ln!(s, "id: {}", slug(&self.priority.0));
        ln!(s, "label: {}", q(&self.priority.1));
        ln!(s, "sources:");
        ln!(s, "  - report: \"1\"");
        ln!(s, "    section: \"Agenda\"");
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Building the registries from the project's records.

fn load_orgs(records: &Path) -> Result<Vec<Org>> {
    let mut orgs = Vec::new();
    for path in yaml_files(&records.join("organizations"))? {
        let fields = read_fields(&read(&path)?);
        let acronym = scalar(&fields, "acronym");
        let name = scalar(&fields, "name");
        let (acronym, name) = match (acronym, name) {
            (None, None) => (Some(stem(&path).to_uppercase()), None),
            pair => pair,
        };
        let kind = scalar(&fields, "kind")
            .filter(|k| ["member", "observer", "staff-federation", "other"].contains(&k.as_str()))
            .unwrap_or_else(|| "other".to_string());
        orgs.push(Org {
            id: stem(&path),
            acronym,
            name,
            kind,
            parent: scalar(&fields, "parent"),
        });
    }
    // Keep only parents that exist (the registry is read as it is, whatever its state).
    let ids: Vec<String> = orgs.iter().map(|o| o.id.clone()).collect();
    for org in &mut orgs {
        if org.parent.as_ref().is_some_and(|p| !ids.contains(p)) {
            org.parent = None;
        }
    }
    if !ids.iter().any(|id| id == "undss") {
        orgs.push(Org {
            id: "undss".into(),
            acronym: Some("UNDSS".into()),
            name: Some("United Nations Department of Safety and Security".into()),
            kind: "member".into(),
            parent: None,
        });
    }
    Ok(orgs)
}

fn load_topics(records: &Path) -> Result<Vec<Topic>> {
    let mut topics = Vec::new();
    for path in yaml_files(&records.join("topics"))? {
        let text = read(&path)?;
        let fields = read_fields(&text);
        let id = stem(&path);
        topics.push(Topic {
            label: scalar(&fields, "label").unwrap_or_else(|| id.clone()),
            id,
            file: path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: text.into_bytes(),
        });
    }
    if topics.is_empty() {
        bail!("no topics in {}", records.join("topics").display());
    }
    Ok(topics)
}

/// 60 working groups `wg-1`..: the real registry's names, acronyms, sub-groups and rename
/// chains, then synthetic ones (a chain of three and sub-groups) up to 60.
fn build_wgs(records: &Path, topics: &[Topic], sessions: usize) -> Result<Vec<Wg>> {
    let mut real = Vec::new();
    for path in yaml_files(&records.join("working-groups"))?
        .into_iter()
        .take(WORKING_GROUPS)
    {
        real.push((stem(&path), read_fields(&read(&path)?)));
    }
    let index: HashMap<&str, usize> = real
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let link = |fields: &HashMap<String, Field>, key: &str| {
        scalar(fields, key).and_then(|target| index.get(target.as_str()).copied())
    };
    let mut wgs: Vec<Wg> = real
        .iter()
        .map(|(id, fields)| Wg {
            id: String::new(),
            name: scalar(fields, "name").unwrap_or_else(|| id.clone()),
            acronyms: match fields.get("acronyms") {
                Some(Field::List(items)) => items.clone(),
                _ => Vec::new(),
            },
            parent: link(fields, "parent"),
            predecessor: link(fields, "predecessor"),
            successor: link(fields, "successor"),
            from: 1,
            to: sessions,
            established: false,
            wound_up: false,
        })
        .collect();
    let real_count = wgs.len();
    let mut extra = 0;
    while wgs.len() < WORKING_GROUPS {
        let topic = &topics[extra % topics.len()].label;
        let i = wgs.len();
        let (name, parent, predecessor) = match extra {
            0 => (format!("Working Group on {topic}"), None, None),
            1 => (format!("{topic} Working Group"), None, Some(i - 1)),
            2 => (format!("{topic} Steering Group"), None, Some(i - 1)),
            _ if real_count > 0 => (
                format!("Sub-Working Group on {topic}"),
                Some((extra * 7) % real_count),
                None,
            ),
            _ => (format!("Working Group on {topic}"), None, None),
        };
        if let Some(p) = predecessor {
            wgs[p].successor = Some(i);
        }
        wgs.push(Wg {
            id: String::new(),
            name,
            acronyms: Vec::new(),
            parent,
            predecessor,
            successor: None,
            from: 1,
            to: sessions,
            established: false,
            wound_up: false,
        });
        extra += 1;
    }
    for (i, wg) in wgs.iter_mut().enumerate() {
        wg.id = format!("wg-{}", i + 1);
    }

    // Lifetimes: a group with a successor ends halfway through the sessions left to it, and its
    // successor starts there; sub-groups live within their parent.
    let mut window: Vec<Option<(usize, usize)>> = vec![None; wgs.len()];
    fn resolve(
        w: usize,
        wgs: &[Wg],
        window: &mut [Option<(usize, usize)>],
        sessions: usize,
        depth: usize,
    ) -> (usize, usize) {
        if let Some(span) = window[w] {
            return span;
        }
        if depth > wgs.len() {
            return (1, sessions); // a cycle in the source registry: give up on lineage
        }
        let boundary = |from: usize| (from + (sessions - from).div_ceil(2)).min(sessions);
        let parent_span = wgs[w]
            .parent
            .map(|p| resolve(p, wgs, window, sessions, depth + 1));
        let from = match (wgs[w].predecessor, parent_span) {
            (Some(p), _) => {
                let (pfrom, _) = resolve(p, wgs, window, sessions, depth + 1);
                boundary(pfrom)
            }
            (None, Some((pfrom, _))) => pfrom,
            (None, None) => 1,
        };
        let to = match (wgs[w].successor, parent_span) {
            (Some(_), _) => boundary(from),
            (None, Some((_, pto))) => pto.max(from),
            (None, None) => sessions,
        };
        window[w] = Some((from, to));
        (from, to)
    }
    for w in 0..wgs.len() {
        resolve(w, &wgs, &mut window, sessions, 0);
    }
    for (w, wg) in wgs.iter_mut().enumerate() {
        let (from, to) = window[w].unwrap_or((1, sessions));
        wg.from = from;
        wg.to = to;
        wg.established = wg.predecessor.is_some()
            || wg.parent.is_some()
            || from > 1
            || Rng::new(mix(&[S_WG, 1000 + w as u64])).chance(0.4);
        wg.wound_up = wg.successor.is_some() || to < sessions;
    }
    Ok(wgs)
}

// ---------------------------------------------------------------------------------------------

/// Which outcome files get which planted error: a seeded shuffle of all outcomes, taken in
/// order; kinds that need an actionable outcome take the next actionable one (or, when none
/// is left, fall back to the other kind of their class).
fn plan(n: usize, count: usize) -> HashMap<usize, Plant> {
    let mut plants = HashMap::new();
    if count == 0 {
        return plants;
    }
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng::new(mix(&[S_PLANT, n as u64]));
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut used = vec![false; n];
    let (mut any_at, mut act_at) = (0, 0);
    let next = |need_actionable: bool, at: &mut usize, used: &mut [bool]| {
        while *at < n {
            let i = order[*at];
            *at += 1;
            if !used[i] && (!need_actionable || actionable(i)) {
                used[i] = true;
                return Some(i);
            }
        }
        None
    };
    let schema = count.div_ceil(2);
    for j in 0..count {
        let (kind, fallback) = if j < schema {
            [
                (Plant::Colour, Plant::Colour),
                (Plant::Pending, Plant::Colour),
                (Plant::NoVerb, Plant::NoVerb),
            ][j % 3]
        } else {
            [
                (Plant::NoSuchWg, Plant::NoSuchWg),
                (Plant::Mismatch, Plant::NoSuchWg),
            ][(j - schema) % 2]
        };
        let picked = if kind == fallback {
            next(false, &mut any_at, &mut used).map(|i| (i, kind))
        } else {
            next(true, &mut act_at, &mut used)
                .map(|i| (i, kind))
                .or_else(|| next(false, &mut any_at, &mut used).map(|i| (i, fallback)))
        };
        if let Some((i, plant)) = picked {
            plants.insert(i, plant);
        }
    }
    plants
}

struct Args {
    dir: PathBuf,
    n: usize,
    rate: f64,
}

fn parse_args() -> Result<Option<Args>> {
    let mut positional = Vec::new();
    let mut rate = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        } else if arg == "--invalid" {
            let value = args.next().context("--invalid needs a value (0.0-1.0)")?;
            rate = Some(value);
        } else if let Some(value) = arg.strip_prefix("--invalid=") {
            rate = Some(value.to_string());
        } else if arg.starts_with('-') && arg.len() > 1 {
            bail!("unknown option `{arg}`");
        } else {
            positional.push(arg);
        }
    }
    let [dir, n] = <[String; 2]>::try_from(positional)
        .map_err(|p| anyhow::anyhow!("expected DIR and N, got {} argument(s)", p.len()))?;
    let n: usize = n
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .with_context(|| format!("N must be a positive integer, got `{n}`"))?;
    let rate = match rate {
        None => 0.0,
        Some(value) => value
            .parse::<f64>()
            .ok()
            .filter(|r| (0.0..=1.0).contains(r))
            .with_context(|| {
                format!("--invalid must be a number from 0.0 to 1.0, got `{value}`")
            })?,
    };
    Ok(Some(Args {
        dir: PathBuf::from(dir),
        n,
        rate,
    }))
}

fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let Args { dir, n, rate } = args;
    let sessions = n.div_ceil(OUTCOMES_PER_SESSION);
    let years = LAST_YEAR - FIRST_YEAR + 1;
    let per_year = sessions.div_ceil(years).max(2);
    if per_year > 12 {
        bail!(
            "N = {n} needs {sessions} sessions, more than 12 a year from {FIRST_YEAR} to {LAST_YEAR} allow (N at most {})",
            12 * years * OUTCOMES_PER_SESSION
        );
    }
    if dir.exists() {
        if !dir.is_dir() {
            bail!("{} exists and is not a folder", dir.display());
        }
        let mut entries =
            fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} exists and is not empty: refusing to write into it",
                dir.display()
            );
        }
    }

    let project = Path::new(MANIFEST_DIR);
    let records = project.join("records");
    let words = Vocabulary::read(&records)?;
    let orgs = load_orgs(&records)?;
    let topics = load_topics(&records)?;
    let wgs = build_wgs(&records, &topics, sessions)?;
    let priority = match yaml_files(&records.join("priorities"))?.first() {
        Some(path) => {
            let fields = read_fields(&read(path)?);
            let id = stem(path);
            (
                id.clone(),
                scalar(&fields, "label").unwrap_or_else(|| id.clone()),
            )
        }
        None => (
            "strategic-communications".into(),
            "Strategic Communications".into(),
        ),
    };
    let undss = orgs.iter().position(|o| o.id == "undss").unwrap_or(0);
    let undss_units: Vec<usize> = (0..orgs.len())
        .filter(|&o| orgs[o].parent.as_deref() == Some("undss"))
        .collect();
    let mut members: Vec<usize> = (0..orgs.len())
        .filter(|&o| orgs[o].kind == "member")
        .collect();
    if members.is_empty() {
        members = (0..orgs.len()).collect();
    }
    let planted_count = ((rate * n as f64).round() as usize).min(n);
    let world = World {
        n,
        sessions,
        per_year,
        words,
        orgs,
        undss,
        undss_units,
        members,
        wgs,
        topics,
        priority,
        plants: plan(n, planted_count),
    };

    for folder in [
        "schemas",
        "records/sessions",
        "records/crps",
        "records/recommendations",
        "records/working-groups",
        "records/organizations",
        "records/topics",
        "records/priorities",
    ] {
        fs::create_dir_all(dir.join(folder))
            .with_context(|| format!("cannot create {}", dir.join(folder).display()))?;
    }

    // Schemas, as they are.
    let mut schema_files = Vec::new();
    for entry in fs::read_dir(project.join("schemas"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            schema_files.push(path);
        }
    }
    schema_files.sort();
    for path in &schema_files {
        let name = path.file_name().context("schema file name")?;
        fs::copy(path, dir.join("schemas").join(name))
            .with_context(|| format!("cannot copy {}", path.display()))?;
    }

    // Registries.
    for (i, org) in world.orgs.iter().enumerate() {
        fs::write(
            dir.join(format!("records/organizations/{}.yaml", org.id)),
            world.org_yaml(i),
        )?;
    }
    for (w, wg) in world.wgs.iter().enumerate() {
        fs::write(
            dir.join(format!("records/working-groups/{}.yaml", wg.id)),
            world.wg_yaml(w),
        )?;
    }
    for topic in &world.topics {
        fs::write(dir.join("records/topics").join(&topic.file), &topic.bytes)?;
    }
    fs::write(
        dir.join(format!("records/priorities/{}.yaml", world.priority.0)),
        world.priority_yaml(),
    )?;

    // Sessions, their CRPs and outcomes, in parallel.
    let written = (1..=sessions)
        .into_par_iter()
        .map(|k| world.write_session(&dir, k))
        .collect::<Result<Vec<Written>>>()?;
    let mut total = Written::default();
    for w in written {
        total.sessions += w.sessions;
        total.crps += w.crps;
        total.outcomes += w.outcomes;
        total.planted.extend(w.planted);
    }

    let mut planted: BTreeMap<String, Plant> = BTreeMap::new();
    planted.extend(total.planted);
    let mut tsv = std::io::BufWriter::new(
        fs::File::create(dir.join("planted.tsv")).context("cannot create planted.tsv")?,
    );
    for (path, plant) in &planted {
        writeln!(tsv, "{path}\t{}\t{}", plant.class(), plant.what())?;
    }
    tsv.flush()?;

    let schema_planted = planted.values().filter(|p| p.class() == "schema").count();
    eprintln!(
        "synth: wrote {}: sessions {}, crps {}, recommendations {}, working-groups {}, organizations {}, \
         topics {}, priorities 1, schemas {}; planted {} ({} schema, {} consistency) in {:.2} s",
        dir.display(),
        total.sessions,
        total.crps,
        total.outcomes,
        world.wgs.len(),
        world.orgs.len(),
        world.topics.len(),
        schema_files.len(),
        planted.len(),
        schema_planted,
        planted.len() - schema_planted,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("synth: error: {error:#}\n{USAGE}");
            ExitCode::from(2)
        }
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("synth: error: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}
