//! What changed in a record between two versions of its file: field by field, with status
//! transitions and appended history entries called out. Pure: takes texts, returns values.

use serde::Serialize;
use serde_json::Value;

use crate::load::source::SourceFile;
use crate::load::yaml;

/// One field's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// Absent when the field was added.
    pub before: Option<Value>,
    /// Absent when the field was removed.
    pub after: Option<Value>,
}

/// A record file's content parsed to JSON; `None` if it does not parse.
pub fn parse(text: &[u8]) -> Option<Value> {
    let text = String::from_utf8(text.to_vec()).ok()?;
    let parsed = yaml::parse(&SourceFile::new("history".into(), text));
    Some(parsed.root?.into_json())
}

/// Field-level differences between two versions of a record, in the newer version's field order
/// (removed fields last).
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let old = before.as_object().unwrap_or(&empty);
    let new = after.as_object().unwrap_or(&empty);
    let mut changes = Vec::new();
    for (field, value) in new {
        match old.get(field) {
            Some(previous) if previous == value => {}
            previous => changes.push(FieldChange {
                field: field.clone(),
                before: previous.cloned(),
                after: Some(value.clone()),
            }),
        }
    }
    for (field, value) in old {
        if !new.contains_key(field) {
            changes.push(FieldChange {
                field: field.clone(),
                before: Some(value.clone()),
                after: None,
            });
        }
    }
    changes
}

/// One line describing a change: `status: open → in-progress`, `text edited`,
/// `history: + 2015-02-05 in-progress`.
pub fn describe(change: &FieldChange) -> String {
    let short = |value: &Value| -> String {
        match value {
            Value::String(s) if s.chars().count() <= 40 && !s.contains('\n') => s.clone(),
            Value::String(_) => "…".to_string(),
            Value::Array(items) if items.iter().all(|i| !i.is_object()) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join(", "),
            Value::Object(_) | Value::Array(_) => "…".to_string(),
            other => other.to_string(),
        }
    };
    match (&change.before, &change.after) {
        (None, Some(after)) => format!("{}: added {}", change.field, short(after)),
        (Some(_), None) => format!("{}: removed", change.field),
        (Some(Value::Array(old)), Some(Value::Array(new)))
            if change.field == "history" && new.starts_with(old) =>
        {
            let added: Vec<String> = new[old.len()..]
                .iter()
                .map(|entry| {
                    let field = |k: &str| {
                        entry
                            .get(k)
                            .and_then(Value::as_str)
                            .unwrap_or("?")
                            .to_string()
                    };
                    format!("+ {} {}", field("date"), field("status"))
                })
                .collect();
            format!("history: {}", added.join("; "))
        }
        (Some(Value::String(old)), Some(Value::String(new)))
            if old.chars().count() > 40 || new.chars().count() > 40 =>
        {
            format!("{}: edited", change.field)
        }
        (Some(before), Some(after)) => {
            format!("{}: {} → {}", change.field, short(before), short(after))
        }
        (None, None) => change.field.clone(),
    }
}

/// The `status` field of a record version, if any.
pub fn status(record: &Value) -> Option<&str> {
    record.get("status").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_are_described_field_by_field() {
        let before = json!({"id": "39-8a", "status": "open", "due": {"text": "soon"}, "text": "Short.",
            "history": [{"date": "2024-02-15", "status": "open"}], "note": "x"});
        let after = json!({"id": "39-8a", "status": "in-progress", "due": {"text": "soon", "date": "2024-04-17"},
            "text": "Short.", "history": [{"date": "2024-02-15", "status": "open"}, {"date": "2024-05-01", "status": "in-progress"}],
            "topics": ["srm"]});
        let lines: Vec<String> = diff(&before, &after).iter().map(describe).collect();
        assert_eq!(
            lines,
            [
                "status: open → in-progress",
                "due: … → …",
                "history: + 2024-05-01 in-progress",
                "topics: added srm",
                "note: removed"
            ]
        );
        let long = "a".repeat(50);
        let edited = diff(&json!({"text": long}), &json!({"text": "b".repeat(50)}));
        assert_eq!(describe(&edited[0]), "text: edited");
    }
}
