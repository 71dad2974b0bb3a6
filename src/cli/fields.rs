//! `iasmn fields`: the fields each listing command can be queried and sorted by.

use std::io::Write;

use super::Outcome;
use crate::model::Kind;
use crate::query::fields::{FieldType, fields_of};

/// List the query fields of each listing command, with their aliases and values.
#[derive(Debug, clap::Args)]
pub struct FieldsArgs {}

pub fn run(_args: &FieldsArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    for (command, kind) in [
        ("recs, decisions", Kind::Recommendation),
        ("sessions", Kind::Session),
        ("crps", Kind::Crp),
        ("wgs", Kind::WorkingGroup),
    ] {
        writeln!(out, "{command}:")?;
        for field in fields_of(kind) {
            let aliases = if field.aliases.is_empty() {
                String::new()
            } else {
                format!(" ({})", field.aliases.join(", "))
            };
            let values = match field.field_type {
                FieldType::Enum(values) => format!(" [{}]", values.join(", ")),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {:<26} {}{values}",
                format!("{}{aliases}", field.name),
                field.help
            )?;
        }
        writeln!(out)?;
    }
    Ok(Outcome::Clean)
}
