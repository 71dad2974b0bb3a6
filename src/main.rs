//! The `iasmn` binary: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = iasmn::cli::Cli::parse();
    iasmn::cli::run(cli)
}
