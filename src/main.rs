//! The `iasmn` binary: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = iasmn::cli::Cli::parse_from(iasmn::cli::rewrite_negations(std::env::args_os()));
    iasmn::cli::run(cli)
}
