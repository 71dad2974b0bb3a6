//! `iasmn check`: validate every record and its consistency with every other.

use std::io::Write;

use anyhow::Context;

use super::{Cli, Outcome, cache_use, repo_root, source};
use crate::check::check_source;
use crate::diag::Severity;
use crate::render::{self, DiagnosticFormat};

/// Check every record: syntax, schema, and consistency across records.
///
/// Reports every problem in one run, each with a code (see `iasmn explain CODE`), file:line:column,
/// the offending line and a hint. Exit status: 0 clean, 1 errors found (or warnings with
/// --deny-warnings), 2 the check could not run.
///
/// Examples:
///   iasmn check
///   iasmn check --format json | jq '.diagnostics[] | .file'
///   iasmn check --format github --deny-warnings     # in a GitHub Actions step
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(
    cli: &Cli,
    args: &CheckArgs,
    color: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let root = repo_root(cli)?;
    let report = check_source(&source(cli)?, cache_use(cli))
        .with_context(|| format!("cannot check {}", root.display()))?;
    crate::trace::phase("render", || {
        render::report(args.format, &report, color, out)
    })?;
    let failing = report.count(Severity::Error)
        + if args.deny_warnings {
            report.count(Severity::Warning)
        } else {
            0
        };
    Ok(if failing > 0 {
        Outcome::DataErrors
    } else {
        Outcome::Clean
    })
}
