//! YAML text → a tree of [`Node`]s that remember where they are, plus every syntax problem.
//!
//! One pass of the `saphyr-parser` event stream gives values, positions, scalar styles and
//! duplicate keys with both locations. Plain scalars are resolved by the YAML 1.2 core schema;
//! those a YAML 1.1 reader would resolve differently are reported (Y007). Anchors, aliases,
//! tags and complex keys are refused (Y008), so alias bombs cannot expand; nesting is bounded.
//! This module never reads files and never panics on input.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

use super::source::SourceFile;
use crate::diag::{Code, Diagnostic, Span};

/// Records nest only a few levels; anything deeper is rejected (Y009) before it can cost much.
pub const MAX_DEPTH: usize = 32;

/// A parsed YAML value with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range of the value (for containers: from the opening to the closing event).
    pub start: usize,
    pub end: usize,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Scalar(Value),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_start: usize,
    pub key_end: usize,
    pub value: Node,
}

impl Node {
    /// The node as plain JSON, for schema validation and typed deserialization.
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Scalar(value) => value.clone(),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for entry in entries {
                    // Duplicate keys were reported; the first occurrence wins.
                    map.entry(entry.key.clone())
                        .or_insert_with(|| entry.value.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// The node as plain JSON, consuming it (no copies).
    pub fn into_json(self) -> Value {
        match self.value {
            NodeValue::Scalar(value) => value,
            NodeValue::Seq(items) => Value::Array(items.into_iter().map(Node::into_json).collect()),
            NodeValue::Map(entries) => {
                let mut map = Map::with_capacity(entries.len());
                for entry in entries {
                    if !map.contains_key(&entry.key) {
                        map.insert(entry.key, entry.value.into_json());
                    }
                }
                Value::Object(map)
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a JSON pointer (`/history/0/date`) to the node it names.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for token in pointer_tokens(pointer) {
            node = match &node.value {
                NodeValue::Map(_) => &node.get(&token)?.value,
                NodeValue::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                NodeValue::Scalar(_) => return None,
            };
        }
        Some(node)
    }
}

/// The reference tokens of a JSON pointer, with `~1` and `~0` unescaped.
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
}

/// Result of parsing one file: the tree (absent when the file could not be parsed) and problems.
pub struct Parsed {
    pub root: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a record file's text.
pub fn parse(file: &SourceFile) -> Parsed {
    let mut builder = Builder {
        file,
        cursor: std::cell::Cell::new((0, 0)),
        diagnostics: Vec::new(),
        stack: Vec::new(),
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(&file.text);
    loop {
        match parser.next() {
            None => break,
            Some(Err(error)) => {
                let span = builder.point(error.marker());
                let diagnostic = if error.info().contains("recursion limit") {
                    Diagnostic::new(Code::ResourceLimit, &file.path, Some(span), format!("nesting deeper than {MAX_DEPTH} levels"))
                        .with_help("records nest only a few levels; this looks like generated or corrupted data")
                } else {
                    Diagnostic::new(
                        Code::YamlSyntax,
                        &file.path,
                        Some(span),
                        error.info().to_string(),
                    )
                    .with_help(syntax_help(error.info()))
                };
                builder.diagnostics.push(diagnostic);
                return Parsed {
                    root: None,
                    diagnostics: builder.diagnostics,
                };
            }
            Some(Ok((event, span))) => {
                if let Err(()) = builder.event(event, span.start, span.end) {
                    return Parsed {
                        root: None,
                        diagnostics: builder.diagnostics,
                    };
                }
            }
        }
    }
    // An empty file is a null document; the schema then says what is missing.
    let root = builder.root.take().or(Some(Node {
        start: 0,
        end: 0,
        value: NodeValue::Scalar(Value::Null),
    }));
    Parsed {
        root,
        diagnostics: builder.diagnostics,
    }
}

fn syntax_help(info: &str) -> String {
    if info.contains("mapping values are not allowed") {
        "a value containing \": \" must be quoted, e.g. title: \"Session 35: Opening\"".into()
    } else if info.contains("cannot start any token") || info.contains("tab") {
        "indent with spaces; quote values that start with @, ` or %".into()
    } else {
        "see the YAML around the marked position: an unclosed quote or bracket, or wrong indentation".into()
    }
}

/// A container being built.
enum Frame {
    Seq {
        start: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        entries: Vec<Entry>,
        /// Keys seen so far, built only for large mappings (small ones are scanned).
        seen: Option<HashMap<String, (usize, usize)>>,
        key: Option<(String, usize, usize)>,
    },
}

struct Builder<'f> {
    file: &'f SourceFile,
    /// The last (character, byte) position converted.
    cursor: std::cell::Cell<(usize, usize)>,
    diagnostics: Vec<Diagnostic>,
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
}

impl Builder<'_> {
    /// Byte offset of a marker; events come in text order, so counting resumes from the last.
    fn byte(&self, marker: &Marker) -> usize {
        let byte = self
            .file
            .byte_of_char_from(marker.index(), self.cursor.get());
        self.cursor.set((marker.index(), byte));
        byte
    }

    fn point(&self, marker: &Marker) -> Span {
        let byte = self.byte(marker);
        let end = self.file.text[byte..]
            .chars()
            .next()
            .map_or(byte, |c| byte + c.len_utf8());
        self.file.span(byte, end)
    }

    fn unsupported(&mut self, start: usize, end: usize, what: &str, help: &str) {
        let span = self.file.span(start, end);
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnsupportedYaml,
                &self.file.path,
                Some(span),
                format!("{what} are not used in records"),
            )
            .with_help(help),
        );
    }

    /// Handles one event; `Err` stops parsing this file (the problem is already reported).
    fn event(&mut self, event: Event<'_>, start: Marker, end: Marker) -> Result<(), ()> {
        let (start, end) = (self.byte(&start), self.byte(&end));
        let is_seq = matches!(event, Event::SequenceStart(..));
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    let span = self.file.span_to_line_end(start);
                    self.diagnostics.push(
                        Diagnostic::new(Code::UnsupportedYaml, &self.file.path, Some(span), "a second YAML document in one record file")
                            .with_help("one file holds one record: move the second document to a file of its own"),
                    );
                    return Err(());
                }
            }
            Event::Alias(_) => {
                self.unsupported(
                    start,
                    end,
                    "aliases",
                    "write the value out in full instead of `*name`",
                );
                self.push(Node {
                    start,
                    end,
                    value: NodeValue::Scalar(Value::Null),
                })?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    self.unsupported(start, end, "anchors", "remove the `&name` anchor");
                }
                if tag.is_some() {
                    self.unsupported(
                        start,
                        end,
                        "tags",
                        "remove the `!tag`; quote the value if it must stay a string",
                    );
                }
                let value = if style == ScalarStyle::Plain && tag.is_none() {
                    self.check_yaml11(&text, start, end);
                    resolve_plain(&text)
                } else {
                    Value::String(text.into_owned())
                };
                self.push(Node {
                    start,
                    end,
                    value: NodeValue::Scalar(value),
                })?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if anchor != 0 {
                    self.unsupported(start, end, "anchors", "remove the `&name` anchor");
                }
                if tag.is_some() {
                    self.unsupported(start, end, "tags", "remove the `!tag`");
                }
                if self.stack.len() >= MAX_DEPTH {
                    let span = self.file.span_to_line_end(start);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::ResourceLimit,
                            &self.file.path,
                            Some(span),
                            format!("nesting deeper than {MAX_DEPTH} levels"),
                        )
                        .with_help("records nest only a few levels; this looks like generated or corrupted data"),
                    );
                    return Err(());
                }
                self.stack.push(if is_seq {
                    Frame::Seq {
                        start,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start,
                        entries: Vec::new(),
                        seen: None,
                        key: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq { start, items }) => Node {
                        start,
                        end,
                        value: NodeValue::Seq(items),
                    },
                    Some(Frame::Map { start, entries, .. }) => Node {
                        start,
                        end,
                        value: NodeValue::Map(entries),
                    },
                    None => return Err(()),
                };
                self.push(node)?;
            }
        }
        Ok(())
    }

    /// Places a finished node into its parent (as a key or value) or as the document root.
    fn push(&mut self, node: Node) -> Result<(), ()> {
        let file = self.file;
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, seen, key, ..
            }) => match key.take() {
                None => {
                    let (start, end) = (node.start, node.end);
                    let text = match node.value {
                        NodeValue::Scalar(Value::String(s)) => s,
                        NodeValue::Scalar(Value::Null) => String::new(),
                        NodeValue::Scalar(other) => other.to_string(),
                        _ => {
                            let span = file.span_to_line_end(start);
                            self.diagnostics.push(
                                Diagnostic::new(
                                    Code::UnsupportedYaml,
                                    &file.path,
                                    Some(span),
                                    "complex mapping keys are not used in records",
                                )
                                .with_help("keys are plain field names"),
                            );
                            return Err(());
                        }
                    };
                    // Records have a few dozen keys at most: scan them; index only big mappings.
                    const SCAN_LIMIT: usize = 32;
                    if seen.is_none() && entries.len() >= SCAN_LIMIT {
                        let mut index = HashMap::with_capacity(entries.len() * 2);
                        for entry in entries.iter() {
                            index
                                .entry(entry.key.clone())
                                .or_insert((entry.key_start, entry.key_end));
                        }
                        *seen = Some(index);
                    }
                    let first = match seen {
                        Some(index) => index.get(&text).copied(),
                        None => entries
                            .iter()
                            .find(|e| e.key == text)
                            .map(|e| (e.key_start, e.key_end)),
                    };
                    if let Some((first_start, first_end)) = first {
                        let span = file.span(start, end);
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::DuplicateKey,
                                &file.path,
                                Some(span),
                                format!("duplicate key `{text}`"),
                            )
                            .with_label(
                                &file.path,
                                file.span(first_start, first_end),
                                "first defined here",
                            )
                            .with_help("keep one of the two entries and delete the other"),
                        );
                    } else if let Some(index) = seen {
                        index.insert(text.clone(), (start, end));
                    }
                    *key = Some((text, start, end));
                }
                Some((key, key_start, key_end)) => {
                    entries.push(Entry {
                        key,
                        key_start,
                        key_end,
                        value: node,
                    });
                }
            },
        }
        Ok(())
    }

    /// Reports a plain scalar that a YAML 1.1 reader would resolve to something else.
    fn check_yaml11(&mut self, text: &str, start: usize, end: usize) {
        let Some(reading) = yaml11_reading(text) else {
            return;
        };
        let span = self.file.span(start, end);
        self.diagnostics.push(
            Diagnostic::new(
                Code::Yaml11Ambiguity,
                &self.file.path,
                Some(span),
                format!("unquoted `{text}` is {reading} to YAML 1.1 readers"),
            )
            .with_help(format!(
                "quote it so every reader sees the same value: \"{text}\""
            )),
        );
    }
}

/// What a YAML 1.1 reader makes of a plain scalar, when that differs from YAML 1.2.
fn yaml11_reading(text: &str) -> Option<&'static str> {
    const BOOLS: [&str; 16] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    if BOOLS.contains(&text) {
        return Some("a boolean");
    }
    let bytes = text.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    // Timestamps: 2024-02-13, 2024-2-3, 2024-02-13T10:00:00Z, "2024-02-13 10:00".
    if bytes.len() >= 8 && digits(&bytes[..4]) && bytes[4] == b'-' {
        let rest = &text[5..];
        let date_part: &str = rest.split(['T', 't', ' ']).next().unwrap_or("");
        let mut parts = date_part.split('-');
        if let (Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next())
            && (1..=2).contains(&m.len())
            && (1..=2).contains(&d.len())
            && digits(m.as_bytes())
            && digits(d.as_bytes())
        {
            return Some("a date");
        }
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    // Base-60 numbers: 1:30, 190:20:30.
    if unsigned.contains(':') {
        let mut parts = unsigned.split(':');
        let first = parts.next().unwrap_or("");
        if digits(first.as_bytes())
            && parts.all(|p| (1..=2).contains(&p.len()) && digits(p.as_bytes()))
        {
            return Some("a base-60 number");
        }
    }
    // Leading-zero integers: octal in YAML 1.1, decimal in YAML 1.2.
    if unsigned.len() > 1 && unsigned.starts_with('0') && digits(unsigned.as_bytes()) {
        return Some("an octal number");
    }
    // Underscores in numbers: 1_000 is a number in YAML 1.1, a string in YAML 1.2.
    if unsigned.contains('_')
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'_' || b == b'.')
    {
        return Some("a number");
    }
    None
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    let radix = |prefix: &str, radix: u32| {
        text.strip_prefix(prefix)
            .filter(|digits| !digits.is_empty())
            .and_then(|digits| i64::from_str_radix(digits, radix).ok())
            .map(|n| Value::Number(n.into()))
    };
    if let Some(value) = radix("0o", 8).or_else(|| radix("0x", 16)) {
        return value;
    }
    if is_core_float(unsigned)
        && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    // .inf and .nan have no JSON form; they stay strings (no record field is a float).
    Value::String(text.to_string())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_core_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_str(text: &str) -> Parsed {
        parse(&SourceFile::new("t.yaml".into(), text.into()))
    }

    fn codes(parsed: &Parsed) -> Vec<&'static str> {
        parsed.diagnostics.iter().map(|d| d.code.id()).collect()
    }

    #[test]
    fn plain_scalars_resolve_by_yaml_1_2_core_schema() {
        let parsed =
            parse_str("a: 12\nb: 1.5\nc: true\nd: ~\ne: text\nf: \"12\"\ng: .inf\nh: 0x1F\n");
        assert_eq!(
            parsed.root.unwrap().to_json(),
            json!({"a": 12, "b": 1.5, "c": true, "d": null, "e": "text", "f": "12", "g": ".inf", "h": 31})
        );
        assert!(parsed.diagnostics.is_empty());
    }

    #[test]
    fn yaml_1_1_surprises_are_reported_and_quoted_values_are_not() {
        let parsed = parse_str(
            "a: no\nb: 2024-02-13\nc: 1:30\nd: 0755\ne: \"no\"\nf: '2024-02-13'\ng: 1_000\n",
        );
        assert_eq!(codes(&parsed), ["Y007", "Y007", "Y007", "Y007", "Y007"]);
        assert_eq!(parsed.root.unwrap().to_json()["a"], json!("no"));
        assert!(parsed.diagnostics[1].message.contains("a date"));
    }

    #[test]
    fn duplicate_keys_point_at_both_occurrences() {
        let parsed = parse_str("status: open\nid: x\nstatus: closed\n");
        assert_eq!(codes(&parsed), ["Y006"]);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.span.unwrap().line, 3);
        assert_eq!(d.labels[0].span.map(|s| s.line), Some(1));
        assert_eq!(parsed.root.unwrap().to_json()["status"], json!("open"));
    }

    #[test]
    fn anchors_aliases_and_tags_are_refused_without_expanding() {
        let parsed = parse_str("a: &x [1, 2]\nb: *x\nc: !!str 5\n");
        assert_eq!(codes(&parsed), ["Y008", "Y008", "Y008"]);
        assert_eq!(parsed.root.unwrap().to_json()["b"], Value::Null);
    }

    #[test]
    fn syntax_errors_are_located() {
        let parsed = parse_str("title: Session 35: Opening\n");
        assert!(parsed.root.is_none());
        let d = &parsed.diagnostics[0];
        assert_eq!(
            (d.code.id(), d.span.unwrap().line, d.span.unwrap().column),
            ("Y005", 1, 18)
        );
    }

    #[test]
    fn deep_nesting_stops_at_the_limit() {
        // Beyond the parser's own recursion limit, and just beyond ours.
        for depth in [10_000, MAX_DEPTH + 1] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let parsed = parse_str(&text);
            assert_eq!(codes(&parsed), ["Y009"], "depth {depth}");
            assert!(parsed.root.is_none());
        }
        let text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_str(&text).diagnostics.is_empty());
    }

    #[test]
    fn pointers_find_nodes_and_unescape() {
        let parsed = parse_str("a/b:\n  - x\n  - y: 3\n");
        let root = parsed.root.unwrap();
        let node = root.pointer("/a~1b/1/y").unwrap();
        assert_eq!(node.to_json(), json!(3));
        assert_eq!(node.start, 18);
        assert!(root.pointer("/a~1b/5").is_none());
    }

    #[test]
    fn empty_file_is_null_and_second_document_is_refused() {
        assert_eq!(parse_str("").root.unwrap().to_json(), Value::Null);
        assert_eq!(codes(&parse_str("a: 1\n---\nb: 2\n")), ["Y008"]);
    }

    #[test]
    fn mutated_records_never_panic() {
        let original = "# yaml-language-server: $schema=x\nid: \"39-8a\"\nsession: \"39\"\nowners:\n  - org:undss\nhistory:\n  - {date: \"2024-02-15\", status: open}\ntext: >-\n  Adopted the agenda; é\n";
        let alphabet: Vec<char> = "[]{}:,-&*!|>'\"#%@`?\n\t é\u{feff}0".chars().collect();
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        for _ in 0..3_000 {
            let mut chars: Vec<char> = original.chars().collect();
            for _ in 0..1 + next(4) {
                let at = next(chars.len());
                match next(3) {
                    0 => chars.insert(at, alphabet[next(alphabet.len())]),
                    1 => {
                        chars.remove(at);
                    }
                    _ => chars[at] = alphabet[next(alphabet.len())],
                }
            }
            let text: String = chars.into_iter().collect();
            let parsed = parse_str(&text);
            for d in &parsed.diagnostics {
                let span = d.span.expect("every YAML diagnostic is located");
                assert!(
                    span.start <= span.end
                        && span.end <= text.len()
                        && text.is_char_boundary(span.start)
                );
            }
        }
    }
}
