//! `cargo xtask fetch`: download the published spec and normalise it into `openapi/`.

use std::path::Path;
use std::time::Duration;

use crate::{Error, spec};

/// Where IDkollen publishes the v3 document; override with `--url`.
pub const DEFAULT_SPEC_URL: &str = "https://api.idkollen.se/v3/api-docs";

/// Downloads the spec at `url` and writes it, normalised, to `openapi/idkollen-v3.json`.
///
/// Fails with a message (never a panic) when the network is unreachable, the server answers
/// with an error, or the body is not a JSON OpenAPI document.
pub fn run(root: &Path, url: &str) -> Result<String, Error> {
    let body = download(url)?;
    let value = spec::parse(&body).map_err(|_| {
        format!("{url} did not answer with a JSON document (a YAML spec must be converted first)")
    })?;
    if value.get("openapi").and_then(|v| v.as_str()).is_none() {
        return Err(format!(
            "{url} answered with JSON that is not an OpenAPI document"
        ));
    }
    let path = spec::spec_path(root);
    std::fs::write(&path, spec::normalise(&value))
        .map_err(|e| format!("cannot write {}: {e}", spec::SPEC_PATH))?;
    Ok(format!(
        "wrote {} from {url}; review the diff, then run `cargo xtask regen`",
        spec::SPEC_PATH
    ))
}

fn download(url: &str) -> Result<String, Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| {
        format!("cannot download the spec from {url}: {e} (is the network reachable?)")
    })?;
    response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("cannot read the spec from {url}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_server_is_a_clear_error() {
        // Port 9 on loopback (discard) has no listener here: the connection is refused at once.
        let dir = std::env::temp_dir();
        let error = run(&dir, "http://127.0.0.1:9/openapi.json").unwrap_err();
        assert!(
            error.contains("cannot download the spec from http://127.0.0.1:9"),
            "{error}"
        );
    }
}
