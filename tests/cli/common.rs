//! Running the binary with a pinned environment, and finding fixtures.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `iasmn` did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    project_root().join("tests/fixtures")
}

/// A command for the binary with colour off and a fixed terminal width.
pub fn iasmn(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iasmn"));
    command
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE");
    command
}

pub fn run(mut command: Command) -> Run {
    let output = command.output().expect("the iasmn binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `iasmn --repo <repo> check <args>`.
pub fn check(repo: &Path, args: &[&str]) -> Run {
    let mut command = iasmn(repo);
    command.arg("--repo").arg(repo).arg("check").args(args);
    run(command)
}

/// Every fixture repository, sorted by name.
pub fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("records").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
