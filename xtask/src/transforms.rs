//! Adaptations of the generator's copy of the spec.
//!
//! The spec in `openapi/` stays faithful to the wire. progenitor cannot express everything in it,
//! so `regen` applies these named transforms to an in-memory copy before generating. Each one says
//! why it exists; their names are listed in the header of the generated file.

use serde_json::Value;

/// One named adaptation of the generator's copy of the spec.
#[derive(Debug)]
pub struct Transform {
    /// Stable name, listed in the generated file's header.
    pub name: &'static str,
    /// Why the transform exists, in one line (also in the header).
    pub reason: &'static str,
    apply: fn(&mut Value) -> Vec<String>,
}

impl Transform {
    /// Applies the transform; returns what it changed, one line per operation it touched.
    pub fn apply(&self, spec: &mut Value) -> Vec<String> {
        (self.apply)(spec)
    }
}

/// Every transform, in the order they are applied.
pub const ALL: &[Transform] = &[
    Transform {
        name: "omit_multipart_operations",
        reason: "progenitor 0.15 cannot generate multipart/form-data request bodies; \
                 idkollen-ext implements these operations by hand",
        apply: omit_multipart_operations,
    },
    Transform {
        name: "accept_any_2xx",
        reason: "the service documents one success code per operation, but every official client \
                 accepts any 2xx; an exact match would turn a 200 for a 201 into an error",
        apply: accept_any_2xx,
    },
    Transform {
        name: "untyped_error_bodies",
        reason: "an error status may come from a proxy with an empty, HTML or text body; a typed \
                 decode would lose the status and Retry-After, so idkollen-ext reads every \
                 non-success answer itself",
        apply: untyped_error_bodies,
    },
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Calls `f` with (path, method, operation) for every operation of the spec.
fn for_each_operation(spec: &mut Value, mut f: impl FnMut(&str, &str, &mut Value)) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if METHODS.contains(&method.as_str()) {
                f(path, method, operation);
            }
        }
    }
}

fn operation_label(path: &str, method: &str, operation: &Value) -> String {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("<no operationId>");
    format!("{id} ({} {path})", method.to_uppercase())
}

fn omit_multipart_operations(spec: &mut Value) -> Vec<String> {
    let mut removed = Vec::new();
    for_each_operation(spec, |path, method, operation| {
        let multipart = operation
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .is_some_and(|content| content.keys().any(|k| k.starts_with("multipart/")));
        if multipart {
            removed.push((
                path.to_string(),
                method.to_string(),
                operation_label(path, method, operation),
            ));
        }
    });
    let paths = spec["paths"]
        .as_object_mut()
        .expect("for_each_operation saw paths");
    for (path, method, _) in &removed {
        let item = paths[path]
            .as_object_mut()
            .expect("a path item is an object");
        item.remove(method);
        if !item.keys().any(|k| METHODS.contains(&k.as_str())) {
            paths.remove(path);
        }
    }
    removed.into_iter().map(|(_, _, label)| label).collect()
}

/// Calls `f` with the responses of every operation; returns the labels of the operations for
/// which `f` says it changed something.
fn for_each_responses(
    spec: &mut Value,
    mut f: impl FnMut(&mut serde_json::Map<String, Value>) -> bool,
) -> Vec<String> {
    let mut changed = Vec::new();
    for_each_operation(spec, |path, method, operation| {
        let label = operation_label(path, method, operation);
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            && f(responses)
        {
            changed.push(label);
        }
    });
    changed
}

fn accept_any_2xx(spec: &mut Value) -> Vec<String> {
    for_each_responses(spec, |responses| {
        let success: Vec<String> = responses
            .keys()
            .filter(|code| {
                code.len() == 3 && code.starts_with('2') && code.chars().all(|c| c.is_ascii_digit())
            })
            .cloned()
            .collect();
        // Only a single documented success code can be widened without merging response types.
        let [code] = success.as_slice() else {
            return false;
        };
        let response = responses.remove(code).expect("key was just listed");
        responses.insert("2XX".to_string(), response);
        true
    })
}

fn untyped_error_bodies(spec: &mut Value) -> Vec<String> {
    for_each_responses(spec, |responses| {
        let before = responses.len();
        // Undocumented statuses reach the caller as the whole response, status, headers and
        // body intact: the documented error statuses go the same way.
        responses.retain(|code, _| code.starts_with('2'));
        responses.len() != before
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn spec() -> Value {
        json!({"paths": {
            "/v3/document": {"post": {"operationId": "up",
                "requestBody": {"content": {"multipart/form-data": {}}},
                "responses": {"201": {}, "400": {}}}},
            "/v3/x/{id}": {
                "get": {"operationId": "get", "responses": {"200": {}, "404": {}}},
                "delete": {"operationId": "del", "responses": {"204": {}, "404": {}}}}
        }})
    }

    #[test]
    fn multipart_operations_are_removed_with_their_empty_path() {
        let mut spec = spec();
        let changed = omit_multipart_operations(&mut spec);
        assert_eq!(changed, ["up (POST /v3/document)"]);
        assert!(spec["paths"].get("/v3/document").is_none());
        assert!(spec["paths"]["/v3/x/{id}"].get("get").is_some());
    }

    #[test]
    fn a_single_success_code_becomes_a_range() {
        let mut spec = spec();
        accept_any_2xx(&mut spec);
        let get = &spec["paths"]["/v3/x/{id}"]["get"]["responses"];
        assert!(get.get("2XX").is_some() && get.get("200").is_none() && get.get("404").is_some());
        assert!(
            spec["paths"]["/v3/x/{id}"]["delete"]["responses"]
                .get("2XX")
                .is_some()
        );
    }

    #[test]
    fn error_responses_are_left_to_the_caller() {
        let mut spec = spec();
        let changed = untyped_error_bodies(&mut spec);
        assert_eq!(changed.len(), 3);
        let get = &spec["paths"]["/v3/x/{id}"]["get"]["responses"];
        assert!(get.get("200").is_some() && get.get("404").is_none());
    }
}
