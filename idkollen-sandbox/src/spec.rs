//! The OpenAPI document the sandbox serves, compiled into the crate.
//!
//! Request validation and the conformance tests read their schemas from here, so the sandbox
//! cannot drift from the document its clients are generated from. The file compiled in is the
//! crate's own copy, `openapi/idkollen-v3.json` inside this package (a published crate can only
//! include its own files); `cargo xtask regen` writes it from the workspace's
//! `openapi/idkollen-v3.json` and `cargo xtask regen --check` fails when the two differ.

use std::sync::OnceLock;

use serde_json::Value;

/// The raw text of IDkollen's v3 OpenAPI document.
pub(crate) const SPEC_JSON: &str = include_str!("../openapi/idkollen-v3.json");

/// The parsed OpenAPI document.
///
/// The text is part of the crate and checked by the crate's tests; should it ever fail to parse,
/// this is `Value::Null` and every schema lookup answers `None`.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::from_str(SPEC_JSON).unwrap_or(Value::Null))
}

/// The operation object of `method` (lower case, e.g. `"post"`) on the path template `path`
/// (e.g. `"/v3/bankid-se/auth/{id}"`).
pub(crate) fn operation(method: &str, path: &str) -> Option<&'static Value> {
    document().get("paths")?.get(path)?.get(method)
}

/// The JSON schema of the request body of an operation, when it takes a JSON body.
pub(crate) fn request_schema(method: &str, path: &str) -> Option<&'static Value> {
    operation(method, path)?
        .get("requestBody")?
        .get("content")?
        .get("application/json")?
        .get("schema")
}

#[cfg(test)]
/// The JSON schema of the response body of an operation for an HTTP status and media type,
/// with `$ref`s to `#/components/responses/...` followed.
pub fn response_schema(
    method: &str,
    path: &str,
    status: u16,
    media_type: &str,
) -> Option<&'static Value> {
    let mut response = operation(method, path)?
        .get("responses")?
        .get(status.to_string())?;
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        response = resolve(reference)?;
    }
    response.get("content")?.get(media_type)?.get("schema")
}

/// Follows a local JSON reference such as `#/components/schemas/ErrorResponse`.
pub(crate) fn resolve(reference: &str) -> Option<&'static Value> {
    document().pointer(reference.strip_prefix('#')?)
}

#[cfg(test)]
/// Every operation of the document as `(method, path template, operationId)`, in document order.
pub fn operations() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    let Some(paths) = document().get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.push((method.as_str(), path.as_str(), id));
            }
        }
    }
    out
}

/// The methods (upper case) the document lists for a concrete path such as
/// `/v3/bankid-se/auth/123`, matching `{param}` segments against any non-empty segment.
pub(crate) fn methods_of(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(paths) = document().get("paths").and_then(Value::as_object) else {
        return out;
    };
    let segments: Vec<&str> = path.split('/').collect();
    for (template, item) in paths {
        let pattern: Vec<&str> = template.split('/').collect();
        let matches = pattern.len() == segments.len()
            && pattern.iter().zip(&segments).all(|(p, s)| {
                if p.starts_with('{') && p.ends_with('}') {
                    !s.is_empty()
                } else {
                    p == s
                }
            });
        if !matches {
            continue;
        }
        if let Some(item) = item.as_object() {
            for method in item.keys() {
                if matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                    out.push(method.to_uppercase());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_parses_and_lists_55_operations() {
        assert!(document().is_object());
        assert_eq!(operations().len(), 55);
    }

    #[test]
    fn schemas_are_found() {
        assert!(request_schema("post", "/v3/bankid-se/auth").is_some());
        assert!(
            response_schema("get", "/v3/bankid-se/auth/{id}", 200, "application/json").is_some()
        );
        assert!(
            response_schema("get", "/v3/bankid-se/auth/{id}", 404, "application/json").is_some()
        );
        assert!(request_schema("get", "/v3/bankid-se/auth/{id}").is_none());
    }

    #[test]
    fn methods_of_concrete_paths() {
        assert_eq!(methods_of("/v3/bankid-se/auth"), ["POST"]);
        assert_eq!(methods_of("/v3/bankid-se/auth/abc"), ["DELETE", "GET"]);
        assert_eq!(methods_of("/v3/document/abc"), ["GET"]);
        assert!(methods_of("/v3/bankid-se/auth/").is_empty());
        assert!(methods_of("/v3/nothing").is_empty());
    }
}
