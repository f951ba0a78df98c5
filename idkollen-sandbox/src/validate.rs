//! A validator for the subset of JSON Schema (OpenAPI 3.0 flavour) that the IDkollen document
//! uses: `$ref`, `type`, `nullable`, `enum`, `required`, `properties`, `items`, `minLength`,
//! `maxLength`, `pattern`, `minimum`, `maximum`, `format` (`uri`, `date`, `date-time`,
//! `email`, `int32`), `allOf`, `oneOf` (with `discriminator`) and `not`.
//!
//! Requests are validated with it before any handler runs, and the conformance tests validate
//! every response with it, so the sandbox answers exactly what the document describes.

use std::fmt;

use serde_json::Value;

use crate::spec;

/// One way in which a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where in the value: `ssn`, `device.ipAddress`, `documents[0]`; empty for the value itself.
    pub path: String,
    /// What is wrong, e.g. `must be at least 1 character long`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "request body: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Validates JSON values against schemas of the OpenAPI document.
#[derive(Debug, Clone, Copy, Default)]
pub struct Validator {
    strict: bool,
}

impl Validator {
    /// A validator with the document's own semantics: undeclared properties are allowed.
    pub fn new() -> Self {
        Self { strict: false }
    }

    #[cfg(test)]
    /// A validator that also rejects properties an object schema does not declare. The
    /// conformance tests use it on responses, where a misspelt field would otherwise pass.
    pub fn strict() -> Self {
        Self { strict: true }
    }

    /// Validates `value` against `schema`, returning every violation found.
    pub fn validate(&self, schema: &Value, value: &Value) -> Result<(), Vec<Violation>> {
        let mut out = Vec::new();
        self.check(schema, value, "", &mut out, 0);
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        path: &str,
        out: &mut Vec<Violation>,
        depth: u32,
    ) {
        // The document has no recursive schemas; the bound only guards against a broken one.
        if depth > 64 {
            push(out, path, "schema nesting too deep");
            return;
        }
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match spec::resolve(reference) {
                Some(target) => target,
                None => {
                    push(
                        out,
                        path,
                        format!("unresolvable schema reference {reference}"),
                    );
                    return;
                }
            },
            None => schema,
        };
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for sub in all {
                self.check(sub, value, path, out, depth + 1);
            }
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            self.check_one_of(schema, variants, value, path, out, depth);
        }
        if let Some(not) = schema.get("not") {
            let mut inner = Vec::new();
            self.check(not, value, path, &mut inner, depth + 1);
            if inner.is_empty() {
                push(out, path, format!("must not be {}", describe(not)));
            }
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str)
            && !type_matches(ty, value)
        {
            push(
                out,
                path,
                format!("must be {}, not {}", article(ty), kind(value)),
            );
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(plain).collect();
            push(out, path, format!("must be one of {}", list.join(", ")));
        }
        match value {
            Value::String(s) => self.check_string(schema, s, path, out),
            Value::Number(_) => check_number(schema, value, path, out),
            Value::Object(map) => {
                if let Some(required) = schema.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !map.contains_key(name) {
                            push(out, &join(path, name), "is required");
                        }
                    }
                }
                let properties = schema.get("properties").and_then(Value::as_object);
                if let Some(properties) = properties {
                    for (name, sub) in properties {
                        if let Some(v) = map.get(name) {
                            self.check(sub, v, &join(path, name), out, depth + 1);
                        }
                    }
                    if self.strict {
                        for name in map.keys() {
                            if !properties.contains_key(name) {
                                push(out, &join(path, name), "is not a declared property");
                            }
                        }
                    }
                }
            }
            Value::Array(items) => {
                if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                    && (items.len() as u64) < min
                {
                    push(out, path, format!("must have at least {min} item(s)"));
                }
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                    && items.len() as u64 > max
                {
                    push(out, path, format!("must have at most {max} item(s)"));
                }
                if let Some(sub) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(sub, item, &format!("{path}[{i}]"), out, depth + 1);
                    }
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }

    fn check_one_of(
        &self,
        schema: &Value,
        variants: &[Value],
        value: &Value,
        path: &str,
        out: &mut Vec<Violation>,
        depth: u32,
    ) {
        let mut matching = 0;
        for variant in variants {
            let mut inner = Vec::new();
            self.check(variant, value, path, &mut inner, depth + 1);
            if inner.is_empty() {
                matching += 1;
            }
        }
        if matching == 1 {
            return;
        }
        if matching > 1 {
            push(
                out,
                path,
                format!("matches {matching} variants; exactly one must match"),
            );
            return;
        }
        // No variant matched: when the discriminator names one, report its violations, which
        // say far more than "matches no variant". Open status unions carry their mapping as
        // `x-discriminator` (see openapi/README.md), which serves the same purpose here.
        let mapped = schema
            .get("discriminator")
            .or_else(|| schema.get("x-discriminator"))
            .and_then(|d| {
                let property = d.get("propertyName")?.as_str()?;
                let tag = value.get(property)?.as_str()?;
                d.get("mapping")?.get(tag)?.as_str()
            })
            .and_then(spec::resolve);
        match mapped {
            Some(target) => self.check(target, value, path, out, depth + 1),
            None => push(out, path, "matches none of the allowed variants"),
        }
    }

    fn check_string(&self, schema: &Value, s: &str, path: &str, out: &mut Vec<Violation>) {
        // JSON Schema counts characters (code points), not bytes.
        let len = s.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            let unit = if min == 1 { "character" } else { "characters" };
            push(out, path, format!("must be at least {min} {unit} long"));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            push(out, path, format!("must be at most {max} characters long"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            // OpenAPI patterns are ECMA-262 regular expressions; regress implements exactly that.
            match regress::Regex::new(pattern) {
                Ok(re) => {
                    if re.find(s).is_none() {
                        push(out, path, format!("must match the pattern {pattern}"));
                    }
                }
                Err(e) => push(
                    out,
                    path,
                    format!("has an invalid pattern in the schema: {e}"),
                ),
            }
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && let Err(why) = check_format(format, s)
        {
            push(out, path, why);
        }
    }
}

fn check_format(format: &str, s: &str) -> Result<(), String> {
    match format {
        "uri" => match url::Url::parse(s) {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("must be an absolute URI ({e})")),
        },
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|_| ())
            .map_err(|_| "must be a date (YYYY-MM-DD)".to_owned()),
        "date-time" => chrono::DateTime::parse_from_rfc3339(s)
            .map(|_| ())
            .map_err(|_| "must be an RFC 3339 date-time".to_owned()),
        "email" => {
            let ok = match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.is_empty()
                        && !domain.contains('@')
                        && !s.chars().any(char::is_whitespace)
                }
                None => false,
            };
            if ok {
                Ok(())
            } else {
                Err("must be an email address".to_owned())
            }
        }
        // Other formats (binary, ...) carry no constraint on a JSON string.
        _ => Ok(()),
    }
}

fn check_number(schema: &Value, value: &Value, path: &str, out: &mut Vec<Violation>) {
    let Some(n) = value.as_f64() else {
        return;
    };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        push(
            out,
            path,
            format!("must be at least {}", plain(&schema["minimum"])),
        );
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        push(
            out,
            path,
            format!("must be at most {}", plain(&schema["maximum"])),
        );
    }
    let int32 = schema.get("format").and_then(Value::as_str) == Some("int32");
    if int32 && !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&n) {
        push(out, path, "must fit in a 32-bit signed integer");
    }
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "number" => value.is_number(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        _ => true,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn article(ty: &str) -> String {
    match ty {
        "integer" | "object" | "array" => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}

fn describe(schema: &Value) -> String {
    match schema.get("enum").and_then(Value::as_array) {
        Some(values) => {
            let list: Vec<String> = values.iter().map(plain).collect();
            format!("any of {}", list.join(", "))
        }
        None => "this value".to_owned(),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn push(out: &mut Vec<Violation>, path: &str, message: impl Into<String>) {
    out.push(Violation {
        path: path.to_owned(),
        message: message.into(),
    });
}

/// Joins violations into one human-readable message, as sent in a 400 answer.
pub fn describe_violations(violations: &[Violation]) -> String {
    let parts: Vec<String> = violations.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn request(path: &str) -> &'static Value {
        spec::request_schema("post", path).expect("schema")
    }

    fn messages(schema: &Value, value: Value) -> Vec<String> {
        match Validator::new().validate(schema, &value) {
            Ok(()) => Vec::new(),
            Err(v) => v.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn empty_bankid_se_auth_is_valid() {
        assert!(messages(request("/v3/bankid-se/auth"), json!({})).is_empty());
        assert!(messages(request("/v3/bankid-se/auth"), json!({"ssn": null})).is_empty());
    }

    #[test]
    fn violations_name_the_field() {
        let m = messages(request("/v3/bankid-se/auth"), json!({"ssn": ""}));
        assert_eq!(m, ["ssn: must be at least 1 character long"]);
        let m = messages(request("/v3/bankid-se/sign"), json!({}));
        assert_eq!(m, ["text: is required"]);
        let m = messages(request("/v3/bankid-se/auth"), json!({"pinRequired": "yes"}));
        assert_eq!(m, ["pinRequired: must be a boolean, not a string"]);
        let m = messages(request("/v3/bankid-se/auth"), json!([]));
        assert_eq!(m, ["request body: must be an object, not an array"]);
    }

    #[test]
    fn pattern_enum_minimum_and_uri() {
        let m = messages(
            request("/v3/mitid/auth"),
            json!({"referenceText": "50% off"}),
        );
        assert_eq!(m, ["referenceText: must match the pattern ^[^%<]*$"]);
        let m = messages(
            request("/v3/bankid-se/phone/auth"),
            json!({"ssn": "198112289874", "callInitiator": "BOTH"}),
        );
        assert_eq!(m, ["callInitiator: must be one of USER, RP"]);
        let m = messages(request("/v3/ftn/age-verification"), json!({"minAge": 0}));
        assert_eq!(m, ["minAge: must be at least 1"]);
        let m = messages(request("/v3/ftn/age-verification"), json!({"minAge": 1.5}));
        assert_eq!(m, ["minAge: must be an integer, not a number"]);
        let m = messages(request("/v3/ftn/auth"), json!({"redirectUrl": "not a url"}));
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("redirectUrl: must be an absolute URI"));
        let m = messages(
            request("/v3/bankid-no/sign"),
            json!({"text": "x".repeat(119)}),
        );
        assert_eq!(m, ["text: must be at most 118 characters long"]);
    }

    #[test]
    fn one_of_uses_the_discriminator() {
        let schema =
            spec::response_schema("get", "/v3/bankid-se/auth/{id}", 200, "application/json")
                .expect("schema");
        let ok = json!({"status": "FAILED", "id": "a", "error": "SOMETHING_NEW"});
        assert!(Validator::strict().validate(schema, &ok).is_ok());
        let other = json!({"status": "ON_HOLD", "id": "a"});
        assert!(Validator::strict().validate(schema, &other).is_ok());
        let bad = json!({"status": "COMPLETED", "id": "a"});
        let m = messages(schema, bad);
        assert!(m.contains(&"ssn: is required".to_owned()), "{m:?}");
        let extra = json!({"status": "PENDING", "id": "a", "qrStartTokn": "x"});
        assert!(Validator::new().validate(schema, &extra).is_ok());
        assert!(Validator::strict().validate(schema, &extra).is_err());
    }
}
