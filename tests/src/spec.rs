//! Access to the spec and the generated client's source from the tests.

use std::path::PathBuf;

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives one level below the workspace root")
        .to_path_buf()
}

/// The spec, parsed.
pub fn load() -> Value {
    let text = std::fs::read_to_string(workspace_root().join("openapi/idkollen-v3.json"))
        .expect("openapi/idkollen-v3.json is readable");
    serde_json::from_str(&text).expect("the spec is valid JSON")
}

/// The text of the generated client.
pub fn generated_source() -> String {
    std::fs::read_to_string(workspace_root().join("idkollen-api/src/generated.rs"))
        .expect("idkollen-api/src/generated.rs is readable")
}

/// The HTTP methods an OpenAPI path item may hold, in a fixed order.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template, e.g. `/v3/bankid-se/auth/{id}`.
    pub path: &'a str,
    /// The operation object.
    pub op: &'a Value,
}

impl Operation<'_> {
    /// The operation's `operationId`, or `?` when it has none.
    pub fn id(&self) -> &str {
        self.op["operationId"].as_str().unwrap_or("?")
    }
}

/// Every operation of the spec, ordered by path and then method.
pub fn operations(spec: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = spec["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(*method) {
                    out.push(Operation {
                        method: method.to_uppercase(),
                        path,
                        op,
                    });
                }
            }
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`) to its target; other values are returned as is.
pub fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => spec.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// The component name a `$ref` points to (`#/components/schemas/Foo` -> `Foo`).
pub fn ref_name(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.rsplit('/').next()
}
