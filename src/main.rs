//! The `iasmn` binary: parse the command line, run it, exit with its code.

use clap::Parser;

/// mimalloc instead of the system allocator: loading 100k records makes millions of small
/// allocations from two threads; measured at 100k records, a cold `check` takes about 20% less
/// time and a warm query about half (README, "Dependencies and why").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = iasmn::cli::Cli::parse_from(iasmn::cli::rewrite_negations(std::env::args_os()));
    iasmn::cli::run(cli)
}
