//! Reading, normalising and fingerprinting the OpenAPI document.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::Error;

/// Where the spec lives, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/idkollen-v3.json";

/// The spec's path below `root`.
pub fn spec_path(root: &Path) -> PathBuf {
    root.join(SPEC_PATH)
}

/// Parses the spec's text as JSON.
pub fn parse(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| format!("{SPEC_PATH} is not valid JSON: {e}"))
}

/// The normalised text of a JSON document: keys sorted at every level, two-space indent, one
/// trailing newline. A stable key order keeps every change to the spec a small, readable diff.
pub fn normalise(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value)).expect("a JSON value serialises");
    text.push('\n');
    text
}

// Rebuilt rather than relying on `serde_json::Map`'s iteration order, which is insertion order
// whenever any crate in the build enables serde_json's `preserve_order` feature.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_sorts_keys_at_every_level() {
        let value: Value =
            serde_json::from_str(r#"{"b":{"z":1,"a":[{"y":2,"x":3}]},"a":true}"#).unwrap();
        assert_eq!(
            normalise(&value),
            "{\n  \"a\": true,\n  \"b\": {\n    \"a\": [\n      {\n        \"x\": 3,\n        \"y\": 2\n      }\n    ],\n    \"z\": 1\n  }\n}\n"
        );
    }

    #[test]
    fn sha256_matches_a_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
