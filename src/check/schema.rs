//! JSON Schema validation of parsed records, with each error mapped back to its YAML node.
//!
//! The schemas come from the repository's `schemas/` folder (the same files editors and
//! standard validators use) or, where a repository has none, from the copies built into the
//! binary. All schemas are put in one offline registry: nothing is fetched, ever.

use std::collections::HashMap;

use jsonschema::{Registry, Validator, error::ValidationErrorKind};
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::load::source::SourceFile;
use crate::load::yaml::{Node, NodeValue, pointer_tokens};
use crate::model::Kind;

/// Base URI under which the schema files are registered; relative `$ref`s resolve against it.
const BASE: &str = "file:///iasmn/schemas/";

/// The schema files built into the binary, used when a repository has no `schemas/` folder.
pub const BUILTIN: [(&str, &str); 8] = [
    (
        "defs.schema.json",
        include_str!("../../schemas/defs.schema.json"),
    ),
    (
        "session.schema.json",
        include_str!("../../schemas/session.schema.json"),
    ),
    (
        "crp.schema.json",
        include_str!("../../schemas/crp.schema.json"),
    ),
    (
        "recommendation.schema.json",
        include_str!("../../schemas/recommendation.schema.json"),
    ),
    (
        "working-group.schema.json",
        include_str!("../../schemas/working-group.schema.json"),
    ),
    (
        "organization.schema.json",
        include_str!("../../schemas/organization.schema.json"),
    ),
    (
        "topic.schema.json",
        include_str!("../../schemas/topic.schema.json"),
    ),
    (
        "priority.schema.json",
        include_str!("../../schemas/priority.schema.json"),
    ),
];

/// A schema set that cannot be used: the tool cannot check anything against it.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("schema {file} is not valid JSON: {error}")]
    Json {
        file: String,
        error: serde_json::Error,
    },
    #[error("schema {file} is missing")]
    Missing { file: String },
    #[error("schema {file} cannot be compiled: {error}")]
    Compile { file: String, error: String },
}

/// Compiled validators, one per record kind, plus the raw schema documents (for help texts).
pub struct SchemaSet {
    validators: HashMap<Kind, Validator>,
    documents: HashMap<String, Value>,
    /// A hash of the schema texts: cached results are valid only for the same schemas.
    fingerprint: u128,
}

impl SchemaSet {
    /// Compiles schema files given as (file name, JSON text).
    pub fn compile(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<SchemaSet, SchemaError> {
        let mut documents = HashMap::new();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for (file, text) in files {
            hasher.update(file.as_bytes());
            hasher.update(&[0]);
            hasher.update(text.as_bytes());
            hasher.update(&[0]);
            let value: Value = serde_json::from_str(&text).map_err(|error| SchemaError::Json {
                file: file.clone(),
                error,
            })?;
            documents.insert(file, value);
        }
        let compile_error = |file: &str, error: &dyn std::fmt::Display| SchemaError::Compile {
            file: file.to_string(),
            error: error.to_string(),
        };
        let mut builder = Registry::new();
        for (file, value) in &documents {
            builder = builder
                .add(format!("{BASE}{file}"), value.clone())
                .map_err(|e| compile_error(file, &e))?;
        }
        let registry = builder
            .prepare()
            .map_err(|e| compile_error("schemas", &e))?;
        let mut validators = HashMap::new();
        for kind in Kind::ALL {
            let file = kind.schema_file();
            let schema = documents
                .get(&file)
                .ok_or_else(|| SchemaError::Missing { file: file.clone() })?;
            let validator = jsonschema::options()
                .with_registry(&registry)
                .with_base_uri(format!("{BASE}{file}"))
                .should_validate_formats(true)
                .build(schema)
                .map_err(|e| compile_error(&file, &e))?;
            validators.insert(kind, validator);
        }
        Ok(SchemaSet {
            validators,
            documents,
            fingerprint: hasher.digest128(),
        })
    }

    /// A hash of the schema files' names and texts.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// The schemas built into the binary.
    pub fn builtin() -> SchemaSet {
        Self::compile(BUILTIN.iter().map(|(f, t)| (f.to_string(), t.to_string())))
            .expect("the built-in schemas compile (tested)")
    }

    /// Whether a record is valid, without collecting errors.
    pub fn is_valid(&self, kind: Kind, instance: &Value) -> bool {
        self.validators[&kind].is_valid(instance)
    }

    /// Validates one record; every error becomes a located S001 diagnostic.
    pub fn validate(
        &self,
        kind: Kind,
        file: &SourceFile,
        root: &Node,
        instance: &Value,
    ) -> Vec<Diagnostic> {
        let validator = &self.validators[&kind];
        let mut diagnostics = Vec::new();
        // Most records are valid, and the yes/no answer is several times cheaper than errors.
        if validator.is_valid(instance) {
            return diagnostics;
        }
        for error in validator.iter_errors(instance) {
            let pointer = error.instance_path().as_str().to_string();
            let node = root.pointer(&pointer).unwrap_or(root);
            let value_span = locate(file, root, &pointer);
            match error.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let allowed = self.allowed_properties(kind, error.schema_path().as_str());
                    for key in unexpected {
                        let span = key_span(file, node, key).unwrap_or(value_span);
                        let mut diagnostic = Diagnostic::new(
                            Code::SchemaViolation,
                            &file.path,
                            Some(span),
                            format!("unknown field `{key}`"),
                        )
                        .with_pointer(format!(
                            "{pointer}/{}",
                            key.replace('~', "~0").replace('/', "~1")
                        ));
                        diagnostic.help = Some(match closest(key, &allowed) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None if !allowed.is_empty() => {
                                format!("allowed fields here: {}", allowed.join(", "))
                            }
                            None => "remove the field".to_string(),
                        });
                        diagnostics.push(diagnostic);
                    }
                }
                ValidationErrorKind::Required { property } => {
                    let property = property.as_str().unwrap_or_default();
                    diagnostics.push(
                        Diagnostic::new(
                            Code::SchemaViolation,
                            &file.path,
                            Some(value_span),
                            format!("missing required field `{property}`"),
                        )
                        .with_pointer(pointer.clone())
                        .with_help(required_help(kind, property)),
                    );
                }
                ValidationErrorKind::FalseSchema => {
                    let field = pointer_tokens(&pointer).last().unwrap_or_default();
                    let parent = parent_pointer(&pointer);
                    let span = root
                        .pointer(parent)
                        .and_then(|p| key_span(file, p, &field))
                        .unwrap_or(value_span);
                    let help = if kind == Kind::Recommendation {
                        "only actionable outcomes (`actionable: true`) carry `status`, `history` and `superseded_by`"
                            .to_string()
                    } else {
                        "remove the field".to_string()
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            Code::SchemaViolation,
                            &file.path,
                            Some(span),
                            format!("field `{field}` is not allowed here"),
                        )
                        .with_pointer(pointer.clone())
                        .with_help(help),
                    );
                }
                ValidationErrorKind::AnyOf { context } => {
                    let required: Vec<String> = context
                        .iter()
                        .flatten()
                        .filter_map(|e| match e.kind() {
                            ValidationErrorKind::Required { property } => {
                                property.as_str().map(|p| format!("`{p}`"))
                            }
                            _ => None,
                        })
                        .collect();
                    let message = if !required.is_empty() && required.len() == context.len() {
                        format!("needs one of {}", required.join(" or "))
                    } else {
                        format!(
                            "{} does not match any allowed shape",
                            short(instance_at(instance, &pointer))
                        )
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            Code::SchemaViolation,
                            &file.path,
                            Some(value_span),
                            message,
                        )
                        .with_pointer(pointer.clone()),
                    );
                }
                _ => {
                    let mut diagnostic = Diagnostic::new(
                        Code::SchemaViolation,
                        &file.path,
                        Some(value_span),
                        error.to_string(),
                    )
                    .with_pointer(pointer.clone());
                    if let Some(description) =
                        self.description_at(kind, error.schema_path().as_str())
                    {
                        diagnostic = diagnostic.with_help(description);
                    }
                    diagnostics.push(diagnostic);
                }
            }
        }
        diagnostics
    }

    /// Follows a schema path (`/properties/source/$ref/additionalProperties`) through the
    /// schema documents, resolving `$ref`s, and returns the schema object it ends in.
    fn schema_at(&self, kind: Kind, schema_path: &str) -> Option<&Value> {
        let mut file = kind.schema_file();
        let mut node = self.documents.get(&file)?;
        for token in pointer_tokens(schema_path) {
            if token == "$ref" {
                let reference = node.get("$ref")?.as_str()?;
                let (target_file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
                if !target_file.is_empty() {
                    file = target_file.to_string();
                }
                node = self.documents.get(&file)?.pointer(fragment)?;
            } else {
                node = match node {
                    Value::Object(map) => map.get(&token)?,
                    Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                    _ => return None,
                };
            }
        }
        Some(node)
    }

    /// The field names a schema object allows, for a schema path that ends in a keyword.
    fn allowed_properties(&self, kind: Kind, schema_path: &str) -> Vec<String> {
        let object = self.schema_at(kind, parent_pointer(schema_path));
        let mut names: Vec<String> = object
            .and_then(|o| o.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The `description` of the schema that holds the failing keyword, if it has one.
    fn description_at(&self, kind: Kind, schema_path: &str) -> Option<String> {
        let mut path = parent_pointer(schema_path);
        loop {
            if let Some(description) = self
                .schema_at(kind, path)
                .and_then(|s| s.get("description"))
                .and_then(Value::as_str)
            {
                return Some(description.to_string());
            }
            // A failing keyword inside a `$ref`: the description is usually on the referencing property.
            if path.ends_with("/$ref") {
                path = parent_pointer(path);
                continue;
            }
            return None;
        }
    }
}

fn required_help(kind: Kind, property: &str) -> String {
    match (kind, property) {
        (Kind::Recommendation, "status" | "history") => {
            "an actionable outcome records its follow-up status and history; use `status: unknown` when no follow-up is recorded".into()
        }
        _ => format!("add `{property}:` (see schemas/{})", kind.schema_file()),
    }
}

fn parent_pointer(pointer: &str) -> &str {
    pointer.rfind('/').map_or("", |i| &pointer[..i])
}

fn instance_at<'v>(instance: &'v Value, pointer: &str) -> &'v Value {
    instance.pointer(pointer).unwrap_or(instance)
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// The span to underline for the value at `pointer`: a scalar whole; a mapping or sequence
/// that is the value of a key, from its key to the end of that line; otherwise its first line.
pub fn locate(file: &SourceFile, root: &Node, pointer: &str) -> crate::diag::Span {
    let node = root.pointer(pointer).unwrap_or(root);
    if matches!(node.value, NodeValue::Scalar(_)) || pointer.is_empty() {
        return node_span(file, node);
    }
    let key = pointer_tokens(pointer).last().unwrap_or_default();
    match root
        .pointer(parent_pointer(pointer))
        .and_then(|parent| parent.get(&key))
    {
        Some(entry) => file.span_to_line_end(entry.key_start),
        None => node_span(file, node),
    }
}

/// The span to underline for a node: scalars whole, containers their first line.
pub fn node_span(file: &SourceFile, node: &Node) -> crate::diag::Span {
    match node.value {
        NodeValue::Scalar(_) => file.span(node.start, node.end),
        _ => file.span_to_line_end(node.start),
    }
}

fn key_span(file: &SourceFile, mapping: &Node, key: &str) -> Option<crate::diag::Span> {
    let entry = mapping.get(key)?;
    Some(file.span(entry.key_start, entry.key_end))
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'c, S: AsRef<str>>(word: &str, candidates: &'c [S]) -> Option<&'c str> {
    let word: Vec<char> = word.chars().collect();
    let mut scratch = Vec::new();
    candidates
        .iter()
        .map(AsRef::as_ref)
        .filter_map(|candidate| {
            let length = candidate.chars().count();
            let limit = (length.max(word.len()) / 3).max(1);
            // Lengths further apart than the limit cannot be within it: most of 100k ids are
            // skipped without computing anything.
            if length.abs_diff(word.len()) > limit {
                return None;
            }
            scratch.clear();
            scratch.extend(candidate.chars());
            let distance = edit_distance(&word, &scratch);
            (distance <= limit).then_some((distance, candidate))
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// Edit distance counting an insertion, deletion, substitution or swap of neighbours as one
/// (optimal string alignment), so `tpoic` is one step from `topic`.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    // Three rows of the table: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemas_compile() {
        let set = SchemaSet::builtin();
        assert_eq!(set.validators.len(), Kind::ALL.len());
    }

    #[test]
    fn closest_suggests_typos_only() {
        let fields = vec!["status".to_string(), "topics".to_string()];
        assert_eq!(closest("stauts", &fields), Some("status"));
        assert_eq!(closest("tpoic", &fields), Some("topics"));
        assert_eq!(closest("colour", &fields), None);
    }
}
