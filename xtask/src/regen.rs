//! `cargo xtask regen`: generate `idkollen-api/src/generated.rs` from the spec, and keep the
//! sandbox's packaged copy of the spec identical to it.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::{Error, spec, transforms};

/// Where the generated client is written, relative to the workspace root.
pub const GENERATED_PATH: &str = "idkollen-api/src/generated.rs";

/// The sandbox's copy of the spec, relative to the workspace root.
///
/// The sandbox compiles the document into itself (`include_str!`); a published crate can only
/// include files inside its own package, so it carries this copy. `openapi/idkollen-v3.json`
/// stays the one source of truth: `regen` writes the copy, `regen --check` fails when it differs.
pub const SANDBOX_SPEC_PATH: &str = "idkollen-sandbox/openapi/idkollen-v3.json";

/// Whether `regen` writes files or only checks that they are current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Normalise the spec and write the generated client.
    Write,
    /// Change nothing; fail with a diff when the spec is not normalised or the code is stale.
    Check,
}

/// Runs `regen` in the workspace at `root`.
pub fn run(root: &Path, mode: Mode) -> Result<String, Error> {
    let spec_path = spec::spec_path(root);
    let spec_text = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec::SPEC_PATH))?;
    let normalised = spec::normalise(&spec::parse(&spec_text)?);
    let version = generator_version(root)?;
    let generated = generate(&normalised, &version)?;
    let out_path = root.join(GENERATED_PATH);
    let current = std::fs::read_to_string(&out_path).unwrap_or_default();
    let copy_path = root.join(SANDBOX_SPEC_PATH);
    let copy = std::fs::read_to_string(&copy_path).ok();

    match mode {
        Mode::Write => {
            if normalised != spec_text {
                std::fs::write(&spec_path, &normalised)
                    .map_err(|e| format!("cannot write {}: {e}", spec::SPEC_PATH))?;
            }
            let mut done = Vec::new();
            if copy.as_deref() != Some(normalised.as_str()) {
                if let Some(parent) = copy_path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                std::fs::write(&copy_path, &normalised)
                    .map_err(|e| format!("cannot write {SANDBOX_SPEC_PATH}: {e}"))?;
                done.push(format!("wrote {SANDBOX_SPEC_PATH}"));
            }
            if generated == current {
                done.push(format!("{GENERATED_PATH} is up to date"));
            } else {
                std::fs::write(&out_path, &generated)
                    .map_err(|e| format!("cannot write {GENERATED_PATH}: {e}"))?;
                done.push(format!(
                    "wrote {GENERATED_PATH} ({} lines)",
                    generated.lines().count()
                ));
            }
            Ok(done.join("\n"))
        }
        Mode::Check => {
            let mut stale = Vec::new();
            if normalised != spec_text {
                stale.push(unified_diff(spec::SPEC_PATH, &spec_text, &normalised));
            }
            if generated != current {
                stale.push(unified_diff(GENERATED_PATH, &current, &generated));
            }
            match &copy {
                None => stale.push(format!(
                    "{SANDBOX_SPEC_PATH} is missing: the sandbox's packaged copy of {}\n",
                    spec::SPEC_PATH
                )),
                Some(copy) if *copy != normalised => stale.push(format!(
                    "{SANDBOX_SPEC_PATH} is not a copy of {}:\n{}",
                    spec::SPEC_PATH,
                    unified_diff(SANDBOX_SPEC_PATH, copy, &normalised)
                )),
                Some(_) => {}
            }
            if stale.is_empty() {
                Ok(format!(
                    "{GENERATED_PATH} and {SANDBOX_SPEC_PATH} are up to date with {}",
                    spec::SPEC_PATH
                ))
            } else {
                Err(format!(
                    "generated files are stale; run `cargo xtask regen` and commit the result\n{}",
                    stale.join("\n")
                ))
            }
        }
    }
}

/// Generates the complete text of the generated client from the spec's text.
///
/// Deterministic: the same spec and generator version give the same bytes.
pub fn generate(spec_text: &str, generator_version: &str) -> Result<String, Error> {
    let mut value = spec::parse(spec_text)?;
    let mut applied = Vec::new();
    for transform in transforms::ALL {
        let changed = transform.apply(&mut value);
        applied.push((transform, changed));
    }
    check_uniform_responses(&value)?;
    let openapi: openapiv3::OpenAPI = serde_json::from_value(value).map_err(|e| {
        format!(
            "{} is not a valid OpenAPI 3.0 document: {e}",
            spec::SPEC_PATH
        )
    })?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq")
        // Every request goes through the crate's own `ClientHooks` (idkollen-api's
        // `src/hooks.rs`): the tracing span with the operation id, and the removal of the
        // `api-version` header progenitor adds. Without an impl the crate does not compile.
        .with_hooks(progenitor::HooksMode::Expected);
    let mut generator = progenitor::Generator::new(&settings);
    // progenitor reports most problems as errors but still asserts on a few; turn a panic into an
    // error that names the cause instead of a backtrace.
    let tokens = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&openapi)
    }))
    .map_err(|panic| format!("progenitor panicked: {}", panic_message(&panic)))?
    .map_err(|e| format!("progenitor could not generate the client: {e}"))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    let paths: syn::File = syn::parse_str(&paths_module(&openapi))
        .map_err(|e| format!("the paths module is not valid Rust: {e}"))?;
    file.items.extend(paths.items);
    let body = prettyplease::unparse(&file);

    let mut header = String::new();
    header.push_str(&format!(
        "// @generated by `cargo xtask regen` from {}. Do not edit by hand.\n",
        spec::SPEC_PATH
    ));
    header.push_str("//\n");
    header.push_str(&format!("// generator: progenitor {generator_version}\n"));
    header.push_str(&format!(
        "// spec sha256: {}\n",
        spec::sha256_hex(spec_text.as_bytes())
    ));
    header.push_str("// transforms applied to the generator's copy of the spec:\n");
    for (transform, changed) in applied {
        header.push_str(&format!("// - {}: {}\n", transform.name, transform.reason));
        match changed.len() {
            0 => header.push_str("//     (changed nothing)\n"),
            1..=3 => {
                for line in changed {
                    header.push_str(&format!("//     {line}\n"));
                }
            }
            n => header.push_str(&format!("//     ({n} operations)\n")),
        }
    }
    header.push('\n');
    Ok(header + &body)
}

/// The `paths` module: every operation's method and path template, as the spec gives them,
/// named by the operation id (the generated method's name). A client that sends one request
/// many times (a session's status reads) builds its URL once from it instead of formatting
/// and parsing it on every call, as the generated methods do.
fn paths_module(openapi: &openapiv3::OpenAPI) -> String {
    let mut out = String::from(
        "/// Every operation's path template, named by its operation id (the generated method's \
         name), as the spec gives it: for a request whose URL is built once and sent many \
         times.\npub mod paths {\n",
    );
    for (path, item) in openapi.paths.iter() {
        let Some(item) = item.as_item() else {
            continue;
        };
        for (method, operation) in item.iter() {
            let Some(id) = &operation.operation_id else {
                continue;
            };
            out.push_str(&format!(
                "    /// `{} {path}`\n    #[allow(non_upper_case_globals)]\n    pub const {id}: &str = {path:?};\n",
                method.to_uppercase()
            ));
        }
    }
    out.push_str("}\n");
    out
}

/// The progenitor version in the workspace's `Cargo.lock`.
pub fn generator_version(root: &Path) -> Result<String, Error> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    lock_version(&lock, "progenitor").ok_or_else(|| "progenitor is not in Cargo.lock".to_string())
}

fn lock_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            let version = lines.next()?;
            return Some(
                version
                    .strip_prefix("version = \"")?
                    .strip_suffix('"')?
                    .to_string(),
            );
        }
    }
    None
}

/// progenitor asserts that all success responses of an operation share one schema, and likewise
/// all error responses. Report a violation by operation instead of letting it panic.
fn check_uniform_responses(spec: &Value) -> Result<(), Error> {
    let mut problems = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let (mut success, mut failure) = (BTreeSet::new(), BTreeSet::new());
            for (code, response) in responses {
                let response = resolve(spec, response);
                let kind = response
                    .get("content")
                    .map(Value::to_string)
                    .unwrap_or_default();
                if code.starts_with('2') || code == "default" {
                    success.insert(kind);
                } else {
                    failure.insert(kind);
                }
            }
            if success.len() > 1 || failure.len() > 1 {
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                problems.push(format!(
                    "{id} ({} {path}): its {} responses have differing schemas, which progenitor cannot generate",
                    method.to_uppercase(),
                    if success.len() > 1 { "success" } else { "error" }
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => spec.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown cause".to_string()
    }
}

/// A unified diff of `old` against `new`, headed with the file name.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_versions_are_read() {
        let lock = "[[package]]\nname = \"progenitor\"\nversion = \"0.15.1\"\n";
        assert_eq!(lock_version(lock, "progenitor").as_deref(), Some("0.15.1"));
        assert_eq!(lock_version(lock, "typify"), None);
    }

    #[test]
    fn differing_error_schemas_are_reported_not_panicked_on() {
        let spec = serde_json::json!({"paths": {"/x": {"get": {"operationId": "x", "responses": {
            "200": {"description": "ok"},
            "404": {"description": "a", "content": {"application/json": {"schema": {"type": "object"}}}},
            "500": {"description": "b"}}}}}});
        let error = check_uniform_responses(&spec).unwrap_err();
        assert!(
            error.contains("x (GET /x)") && error.contains("error responses"),
            "{error}"
        );
    }
}
