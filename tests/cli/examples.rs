//! The CI workflow and pre-commit configuration in examples/ run commands that work.

use crate::common::{iasmn, project_root, run};

/// The `iasmn ...` arguments of every line of `file` that runs the tool.
fn iasmn_commands(file: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(project_root().join("examples").join(file)).unwrap();
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| {
            let rest = line
                .split_once("cargo run --release --locked -- ")
                .or_else(|| line.split_once("entry: iasmn "))?
                .1;
            Some(rest.split_whitespace().map(str::to_string).collect())
        })
        .collect()
}

#[test]
fn example_commands_pass_on_the_bundled_records_and_fail_on_bad_ones() {
    for file in ["github-workflow.yml", "pre-commit-config.yaml"] {
        let commands = iasmn_commands(file);
        assert_eq!(commands.len(), 1, "{file} runs iasmn once");
        let args = &commands[0];
        assert_eq!(args[0], "check");

        let mut command = iasmn(&project_root());
        command.args(args);
        let out = run(command);
        assert_eq!(out.code, 0, "{file}: {} {}", out.stdout, out.stderr);

        let mut command = iasmn(&project_root().join("tests/fixtures/wound-up-reference"));
        command.args(args);
        assert_eq!(run(command).code, 1, "{file} must fail on warnings too");
    }
}
