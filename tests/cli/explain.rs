//! `iasmn explain`.

use iasmn::diag::Code;

use crate::common::{iasmn, project_root, run};

#[test]
fn explain_describes_each_code_by_id_or_name() {
    for code in Code::ALL {
        for key in [code.id(), code.name()] {
            let mut command = iasmn(&project_root());
            command.args(["explain", key]);
            let out = run(command);
            assert_eq!(out.code, 0, "explain {key}");
            assert!(
                out.stdout
                    .starts_with(&format!("{} {}", code.id(), code.name())),
                "{}",
                out.stdout
            );
            assert!(out.stdout.contains("Example:"), "{}", out.stdout);
        }
    }
}

#[test]
fn explain_without_a_code_lists_them_all() {
    let mut command = iasmn(&project_root());
    command.arg("explain");
    let out = run(command);
    assert_eq!(out.stdout.lines().count(), Code::ALL.len());
    insta::assert_snapshot!("explain-list", out.stdout);
}

#[test]
fn unknown_code_is_a_usage_error() {
    let mut command = iasmn(&project_root());
    command.args(["explain", "Z999"]);
    let out = run(command);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: unknown code `Z999`; `iasmn explain` lists every code\n"
    );
}
