//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask regen` regenerates `idkollen-api/src/generated.rs` from `openapi/idkollen-v3.json`.
//! - `cargo xtask regen --check` fails with a unified diff when the committed code is stale.
//! - `cargo xtask fetch [--url URL]` downloads the published spec and normalises it into `openapi/`.

use std::process::ExitCode;

use xtask::{fetch, regen, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  regen [--check]     regenerate idkollen-api from openapi/idkollen-v3.json;
                      with --check, change nothing and fail if the committed code is stale
  fetch [--url URL]   download the published spec and normalise it into openapi/idkollen-v3.json
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let result = match args.as_slice() {
        ["regen"] => regen::run(&root, regen::Mode::Write),
        ["regen", "--check"] => regen::run(&root, regen::Mode::Check),
        ["fetch"] => fetch::run(&root, fetch::DEFAULT_SPEC_URL),
        ["fetch", "--url", url] => fetch::run(&root, url),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
