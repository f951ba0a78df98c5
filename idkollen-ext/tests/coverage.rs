//! Every operation of the API description is reachable through this crate: each operation
//! id is called on the generated client (or, for the multipart upload the generator cannot
//! express, named by the hand-written request).

use std::path::Path;

fn sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_operation_of_the_spec_is_wrapped() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("../openapi/idkollen-v3.json")).unwrap(),
    )
    .unwrap();
    let mut code = String::new();
    sources(&root.join("src"), &mut code);

    let mut ids = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                ids.push(id.to_owned());
            }
        }
    }
    assert_eq!(ids.len(), 55, "the spec changed: {ids:?}");
    let missing: Vec<_> = ids
        .iter()
        .filter(|id| {
            // `raw.op(..)`, or a read or cancel operation in a row of the provider table.
            let called = code.contains(&format!(".{id}("))
                || code.contains(&format!(" {id},"))
                || code.contains(&format!(" {id};"));
            let named = code.contains(&format!("\"{id}\""));
            !(called || named)
        })
        .collect();
    assert!(missing.is_empty(), "not wrapped: {missing:?}");
}
