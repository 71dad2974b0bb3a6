//! The command line: argument definitions, dispatch, and the one place that picks exit codes.
//!
//! Exit codes: 0 clean (warnings allowed unless `--deny-warnings`), 1 the data has errors,
//! 2 usage, configuration or I/O error. A closed pipe (`iasmn check | head`) exits 0.

mod check;
mod explain;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Check and query the records of the Inter-Agency Security Management Network (IASMN).
#[derive(Debug, Parser)]
#[command(name = "iasmn", version, about, long_about = None)]
pub struct Cli {
    /// Records repository (a folder holding `records/`); default: the nearest one upward from
    /// the current folder.
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// colour when stdout is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Check(check::CheckArgs),
    Explain(explain::ExplainArgs),
}

/// What a command reports back to `run`, which turns it into an exit code.
pub enum Outcome {
    /// Nothing wrong.
    Clean,
    /// The records have problems that fail the run.
    DataErrors,
}

/// Runs the parsed command line and maps the result to an exit code.
pub fn run(cli: Cli) -> ExitCode {
    let stdout = io::stdout();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = stdout.lock();
    let result = match &cli.command {
        Command::Check(args) => check::run(&cli, args, color, &mut out),
        Command::Explain(args) => explain::run(args, &mut out),
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(Outcome::Clean), Ok(())) => ExitCode::SUCCESS,
        (Ok(Outcome::DataErrors), Ok(())) => ExitCode::from(1),
        (Err(error), _) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        (_, Err(error)) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        (Err(error), _) => {
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "error: {error:#}");
            ExitCode::from(2)
        }
        (Ok(_), Err(error)) => {
            let _ = writeln!(io::stderr().lock(), "error: cannot write output: {error}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The repository root for this invocation.
fn repo_root(cli: &Cli) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    Ok(crate::load::find_root(&cwd, cli.repo.as_deref())?)
}
