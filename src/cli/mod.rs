//! The command line: argument definitions, dispatch, and the one place that picks exit codes.
//!
//! Exit codes: 0 clean (warnings allowed unless `--deny-warnings`), 1 the data has errors,
//! 2 usage, configuration or I/O error. A closed pipe (`iasmn check | head`) exits 0.

mod changes;
mod check;
mod explain;
mod fields;
mod list;
mod log;
mod search;
mod show;

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

    /// Read the records as they stood at a commit, branch, tag or date (YYYY-MM-DD: the last
    /// commit of that day), from git objects; the working tree is not touched.
    #[arg(long, global = true, value_name = "REV|DATE")]
    pub as_of: Option<String>,

    /// Do not read or update the cache of per-file results (in .git/iasmn/, else in
    /// .iasmn-cache/, or in IASMN_CACHE_DIR); the answers are the same, only slower on large
    /// repositories.
    #[arg(long, global = true)]
    pub no_cache: bool,

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

macro_rules! query_help {
    () => {
        "\n\
Query terms (case-insensitive; `iasmn fields` lists the fields of each command):
  field:value          status:open  wg:SCOLT  topic:srm  owner:UNDSS  verb:endorsed
  comparisons          'session>=35'  'year<2015'  'due<2025-01-01' (quoted for the shell)
  ranges               session:35..  year:2013..2015  due:..2024-06-30
  negation             -status:closed   not status:closed   not:status:closed
  or, parentheses      (topic:srm or topic:ssirs) session:39
  free text            \"air travel\"  e-tool
Registries are followed: wg:SRMIWG matches the group under every name it had (wg:X+ adds its
sub-groups), topic:srm includes narrower topics, owner:UNDSS includes UNDSS units."
    };
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Check(check::CheckArgs),
    /// List actionable outcomes (recommendations), e.g. `iasmn recs status:open wg:SCOLT`.
    #[command(
        visible_alias = "recommendations",
        after_help = concat!("Examples:\n",
            "  iasmn recs status:open wg:SCOLT          open recommendations to SCOLT\n",
            "  iasmn recs session:39 owner:UNDSS --sort due   what the 39th session asked of UNDSS\n",
            "  iasmn recs -status:unknown --by status   follow-up known, counted by status\n", query_help!())
    )]
    Recs(list::ListArgs),
    /// List every outcome (decisions), e.g. `iasmn decisions topic:srm year:2013..`.
    #[command(
        after_help = concat!("Examples:\n",
            "  iasmn decisions topic:srm year:2013..     everything decided on SRM since 2013\n",
            "  iasmn decisions verb:endorsed session:35 --format md\n",
            "  iasmn decisions \"air travel\" --by session\n", query_help!())
    )]
    Decisions(list::ListArgs),
    /// List sessions, e.g. `iasmn sessions format:virtual`.
    #[command(
        after_help = concat!("Examples:\n  iasmn sessions\n  iasmn sessions year:2015.. --format json\n", query_help!())
    )]
    Sessions(list::ListArgs),
    /// List conference room papers, e.g. `iasmn crps session:21`.
    #[command(
        after_help = concat!("Examples:\n  iasmn crps session:21\n  iasmn crps wg:srm-wg title:SSIRS\n", query_help!())
    )]
    Crps(list::ListArgs),
    /// List working groups, e.g. `iasmn wgs established:2015`.
    #[command(
        visible_alias = "working-groups",
        after_help = concat!("Examples:\n  iasmn wgs established:2015      groups set up in 2015\n  iasmn wgs chair:UNICEF\n  iasmn wgs wg:srm-wg --format json\n", query_help!())
    )]
    Wgs(list::ListArgs),
    Show(show::ShowArgs),
    Search(search::SearchArgs),
    Log(log::LogArgs),
    Changes(changes::ChangesArgs),
    Fields(fields::FieldsArgs),
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
        Command::Recs(args) => {
            list::run(&cli, list::Listing::Recommendations, args, color, &mut out)
        }
        Command::Decisions(args) => {
            list::run(&cli, list::Listing::Decisions, args, color, &mut out)
        }
        Command::Sessions(args) => list::run(&cli, list::Listing::Sessions, args, color, &mut out),
        Command::Crps(args) => list::run(&cli, list::Listing::Crps, args, color, &mut out),
        Command::Wgs(args) => list::run(&cli, list::Listing::WorkingGroups, args, color, &mut out),
        Command::Show(args) => show::run(&cli, args, &mut out),
        Command::Search(args) => search::run(&cli, args, color, &mut out),
        Command::Fields(args) => fields::run(args, &mut out),
        Command::Log(args) => log::run(&cli, args, &mut out),
        Command::Changes(args) => changes::run(&cli, args, &mut out),
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(Outcome::Clean), Ok(())) => ExitCode::SUCCESS,
        (Ok(Outcome::DataErrors), Ok(())) => ExitCode::from(1),
        (Err(error), _) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        (_, Err(error)) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        (Err(error), _) => {
            let mut stderr = io::stderr().lock();
            match error.downcast_ref::<QueryFailed>() {
                Some(failed) => {
                    let _ = writeln!(
                        stderr,
                        "{}",
                        crate::render::query_error::render(
                            &failed.text,
                            &failed.error,
                            failed.color
                        )
                    );
                }
                None => {
                    let _ = writeln!(stderr, "error: {error:#}");
                }
            }
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

/// Rewrites query negations `-status:closed` to `not:status:closed` before clap sees them, so
/// they are not taken for options. Options (`--x`, `-h`, `-V`) and the value after `--sort`
/// (`--sort -due`) are left alone.
pub fn rewrite_negations(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for arg in args {
        let after_sort = out.last().is_some_and(|previous| previous == "--sort");
        let rewritten = match arg.to_str() {
            Some(text)
                if !after_sort
                    && text.len() > 2
                    && text.starts_with('-')
                    && text[1..]
                        .starts_with(|c: char| c.is_alphanumeric() || c == '"' || c == '(') =>
            {
                format!("not:{}", &text[1..]).into()
            }
            _ => arg,
        };
        out.push(rewritten);
    }
    out
}

/// A query that cannot be run; rendered under the query text (exit 2).
#[derive(Debug)]
pub struct QueryFailed {
    pub text: String,
    pub error: crate::query::QueryError,
    pub color: bool,
}

impl std::fmt::Display for QueryFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error.message)
    }
}

impl std::error::Error for QueryFailed {}

/// A mistake in what the user asked for (exit 2), e.g. an unknown id.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

/// The query arguments as one text. The shell has removed quotes, so an argument with spaces
/// is quoted again (`title:"road safety"`, `"air travel"`).
pub fn query_text(args: &[String]) -> String {
    args.iter()
        .map(|arg| {
            if !arg.contains(char::is_whitespace) || arg.contains('"') {
                return arg.clone();
            }
            match arg.find([':', '=', '<', '>']) {
                Some(i)
                    if arg[..i]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                        && i > 0 =>
                {
                    let op_end = arg[i..]
                        .find(|c: char| !matches!(c, ':' | '=' | '<' | '>' | '!'))
                        .map_or(arg.len(), |j| i + j);
                    format!("{}\"{}\"", &arg[..op_end], &arg[op_end..])
                }
                _ => format!("\"{arg}\""),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Width for tables: `COLUMNS` if set, the terminal's if stdout is one, else 120.
pub fn table_width() -> Option<u16> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    if io::stdout().is_terminal() {
        None
    } else {
        Some(120)
    }
}

/// Loads the repository's records for a query; files with syntax or schema errors are left out
/// with a warning on stderr.
///
/// The records live until the process exits, and are never freed one by one: at 100k records
/// that takes longer than answering the query (about 0.3 s), and the OS reclaims it all at once.
fn load_repository(cli: &Cli) -> anyhow::Result<&'static crate::model::Repository> {
    let (repo, left_out) = crate::check::load_records(&source(cli)?, cache_use(cli))?;
    if left_out > 0 {
        let _ = writeln!(
            io::stderr().lock(),
            "warning: {} left out because of errors; `iasmn check` says what is wrong",
            crate::render::plural(left_out, "record")
        );
    }
    Ok(Box::leak(Box::new(repo)))
}

/// Where to read records from: the working tree, or with `--as-of` a commit's files.
fn source(cli: &Cli) -> anyhow::Result<crate::load::Source> {
    let root = repo_root(cli)?;
    let Some(rev) = &cli.as_of else {
        return Ok(crate::load::Source::WorkTree(root));
    };
    let git = crate::git::Git::open(&root)?;
    let commit = git.resolve(rev)?;
    let mut files = std::collections::BTreeMap::new();
    for folder in ["records", "schemas"] {
        files.extend(git.files_at(&commit, folder)?);
    }
    Ok(crate::load::Source::Snapshot(files))
}

/// Whether this invocation may use the cache.
fn cache_use(cli: &Cli) -> crate::check::CacheUse {
    if cli.no_cache {
        crate::check::CacheUse::Off
    } else {
        crate::check::CacheUse::On
    }
}

/// The repository root for this invocation.
fn repo_root(cli: &Cli) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    Ok(crate::load::find_root(&cwd, cli.repo.as_deref())?)
}
