//! Plain-text renderings of the spec and the generated client, one line per fact.

use std::fmt::Write;

use serde_json::Value;

use crate::spec::{self, operations, ref_name, resolve};

/// The inventory of operations: method, path, operationId, request schema, success status and
/// schema, error statuses.
pub fn inventory(spec: &Value) -> String {
    let mut out = String::new();
    for op in operations(spec) {
        let request = match op.op.get("requestBody") {
            None => "-".to_string(),
            Some(body) => {
                let optional = if body.get("required") == Some(&Value::Bool(true)) {
                    ""
                } else {
                    " (optional)"
                };
                format!("{}{optional}", content_summary(body))
            }
        };
        let responses = op.op["responses"].as_object().cloned().unwrap_or_default();
        let mut success = Vec::new();
        let mut errors = Vec::new();
        for (code, response) in &responses {
            let response = resolve(spec, response);
            if code.starts_with('2') {
                let body = if response.get("content").is_some() {
                    content_summary(response)
                } else {
                    "empty".to_string()
                };
                success.push(format!("{code} {body}"));
            } else {
                errors.push(code.clone());
            }
        }
        writeln!(
            out,
            "{} {} | {} | request: {} | success: {} | errors: {}",
            op.method,
            op.path,
            op.id(),
            request,
            success.join(", "),
            errors.join(",")
        )
        .unwrap();
    }
    out
}

/// `media-type schema` for a request body or response, with the schema named by its component.
fn content_summary(holder: &Value) -> String {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return "empty".to_string();
    };
    content
        .iter()
        .map(|(media, body)| {
            let schema = &body["schema"];
            let name = ref_name(schema)
                .map(str::to_string)
                .unwrap_or_else(|| type_of(schema));
            format!("{media} {name}")
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Every component schema: its kind, and for objects every field with its type, whether it is
/// required, and its constraints.
pub fn schemas(spec: &Value) -> String {
    let mut out = String::new();
    let Some(schemas) = spec["components"]["schemas"].as_object() else {
        return out;
    };
    for (name, schema) in schemas {
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            let names: Vec<String> = variants.iter().map(type_of).collect();
            writeln!(out, "{name}: oneOf {}", names.join(" | ")).unwrap();
            let discriminator = ["discriminator", "x-discriminator"]
                .into_iter()
                .find_map(|key| Some((key, schema.get(key)?)));
            if let Some((key, d)) = discriminator {
                let mapping = d["mapping"]
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                format!(
                                    "{k}={}",
                                    v.as_str().unwrap_or("?").rsplit('/').next().unwrap_or("?")
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {key} {}: {mapping}",
                    d["propertyName"].as_str().unwrap_or("?")
                )
                .unwrap();
            }
            continue;
        }
        if schema.get("type").and_then(Value::as_str) == Some("object") {
            writeln!(out, "{name}: object").unwrap();
            write_fields(&mut out, "", schema);
            continue;
        }
        writeln!(out, "{name}: {}{}", type_of(schema), constraints(schema)).unwrap();
    }
    out
}

/// One line per field of an object schema; the fields of an inline object follow it, dotted.
fn write_fields(out: &mut String, prefix: &str, schema: &Value) {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = schema["properties"].as_object() {
        for (field, prop) in props {
            let req = if required.contains(&field.as_str()) {
                "required"
            } else {
                "optional"
            };
            writeln!(
                out,
                "  {prefix}{field}: {} {req}{}",
                type_of(prop),
                constraints(prop)
            )
            .unwrap();
            if prop.get("properties").is_some() {
                write_fields(out, &format!("{prefix}{field}."), prop);
            }
        }
    }
    for missing in required
        .iter()
        .filter(|r| schema["properties"].get(**r).is_none())
    {
        writeln!(out, "  {prefix}{missing}: <required but not defined>").unwrap();
    }
}

/// A short name for a schema's type: a component name, `string(format)`, `array<T>`, ...
fn type_of(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_string();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let parts: Vec<String> = all.iter().map(type_of).collect();
        return parts.join(" & ");
    }
    let base = schema.get("type").and_then(Value::as_str).unwrap_or("any");
    match (base, schema.get("format").and_then(Value::as_str)) {
        ("array", _) => format!("array<{}>", type_of(&schema["items"])),
        (base, Some(format)) => format!("{base}({format})"),
        (base, None) => base.to_string(),
    }
}

/// The constraints of a schema as ` key=value` pairs, in a fixed order.
fn constraints(schema: &Value) -> String {
    const KEYS: &[&str] = &[
        "nullable",
        "default",
        "enum",
        "x-extensible-enum",
        "not",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "minItems",
        "maxItems",
    ];
    let mut out = String::new();
    for key in KEYS {
        if let Some(value) = schema.get(*key) {
            write!(out, " {key}={value}").unwrap();
        }
    }
    if let Some(items) = schema.get("items") {
        let inner = constraints(items);
        if !inner.is_empty() {
            write!(out, " items:[{}]", inner.trim_start()).unwrap();
        }
    }
    out
}

/// The generated client's public surface: one line per operation (name, parameters, result), then
/// every public type it defines.
pub fn generated_surface(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(start) = rest.find("pub async fn ") {
        let tail = &rest[start..];
        let end = tail.find(" {\n").unwrap_or(tail.len());
        let signature: String = tail[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        // Lifetimes are noise in a surface listing.
        let signature = signature
            .replace("<'a>", "")
            .replace("&'a ", "&")
            .replace(", )", ")")
            .replace("( ", "(")
            .replace(", >", ">")
            .replace("< ", "<");
        writeln!(out, "{}", signature.trim_start_matches("pub async fn ")).unwrap();
        rest = &tail[end..];
    }
    let mut types: Vec<&str> = source
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            line.strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))
        })
        .map(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or(rest)
        })
        .collect();
    types.sort();
    types.dedup();
    writeln!(out, "\ntypes: {}", types.join(", ")).unwrap();
    out
}

/// Convenience: the three reports of the workspace's own spec and generated client.
pub fn current() -> (String, String, String) {
    let spec = spec::load();
    (
        inventory(&spec),
        schemas(&spec),
        generated_surface(&spec::generated_source()),
    )
}
