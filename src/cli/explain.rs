//! `iasmn explain`: what a diagnostic code means, why it matters, and an example.

use std::io::Write;

use anyhow::bail;

use super::Outcome;
use crate::diag::Code;

/// Explain a diagnostic code, e.g. `iasmn explain Y006` or `iasmn explain duplicate-key`.
///
/// Without a code, lists every code.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Code id (Y006) or name (duplicate-key).
    pub code: Option<String>,
}

pub fn run(args: &ExplainArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let Some(text) = &args.code else {
        for code in Code::ALL {
            let info = code.info();
            writeln!(
                out,
                "{}  {:<24} {:<7}  {}",
                info.id,
                info.name,
                code.default_severity().as_str(),
                info.summary
            )?;
        }
        return Ok(Outcome::Clean);
    };
    let Some(code) = Code::lookup(text) else {
        bail!("unknown code `{text}`; `iasmn explain` lists every code");
    };
    let info = code.info();
    writeln!(
        out,
        "{} {} ({} by default)\n",
        info.id,
        info.name,
        code.default_severity().as_str()
    )?;
    writeln!(out, "{}.\n", capitalize(info.summary))?;
    writeln!(out, "{}\n", info.explanation)?;
    writeln!(out, "Example:\n")?;
    for line in info.example.lines() {
        writeln!(out, "    {line}")?;
    }
    Ok(Outcome::Clean)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
