//! Spec drift: any change to the operations, the schemas or the generated client's surface must be
//! reviewed and accepted as a snapshot (`cargo insta review`) before `cargo test` passes again.

use idkollen_tests::{report, spec};

#[test]
fn operation_inventory() {
    let spec = spec::load();
    let inventory = report::inventory(&spec);
    assert_eq!(
        inventory.lines().count(),
        55,
        "the spec holds 55 operations"
    );
    insta::assert_snapshot!("operation_inventory", inventory);
}

#[test]
fn schema_fields() {
    insta::assert_snapshot!("schema_fields", report::schemas(&spec::load()));
}

#[test]
fn generated_client_surface() {
    insta::assert_snapshot!(
        "generated_client_surface",
        report::generated_surface(&spec::generated_source())
    );
}

#[test]
fn every_operation_has_a_unique_id_a_tag_a_summary_and_a_typed_success() {
    let spec = spec::load();
    let mut ids = std::collections::BTreeSet::new();
    for op in spec::operations(&spec) {
        let id = op.id().to_string();
        assert!(id != "?", "{} {} has no operationId", op.method, op.path);
        assert!(ids.insert(id.clone()), "operationId {id} is used twice");
        assert_eq!(
            op.op["tags"].as_array().map(Vec::len),
            Some(1),
            "{id} has one tag"
        );
        assert!(
            op.op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{id} has a summary"
        );
        let responses = op.op["responses"].as_object().expect("responses");
        let success: Vec<_> = responses.keys().filter(|c| c.starts_with('2')).collect();
        assert_eq!(success.len(), 1, "{id} has one success response");
        let expected = match (op.method.as_str(), op.path) {
            ("DELETE", _) => "204",
            ("GET", _) => "200",
            ("POST", "/v3/bankid-se/verify") => "200",
            ("POST", _) => "201",
            _ => unreachable!(),
        };
        assert_eq!(success[0], expected, "{id} answers {expected}");
        if expected != "204" {
            assert!(
                responses[success[0].as_str()].get("content").is_some(),
                "{id} has a typed success body"
            );
        }
    }
}

#[test]
fn the_reports_notice_a_field_becoming_required() {
    // Proves the snapshots can fail: the same mutation a spec change would make.
    let mut spec = spec::load();
    let before = report::schemas(&spec);
    let required = spec["components"]["schemas"]["BankIdSeAuthRequest"]
        .as_object_mut()
        .unwrap()
        .entry("required")
        .or_insert_with(|| serde_json::json!([]));
    required.as_array_mut().unwrap().push("intent".into());
    let after = report::schemas(&spec);
    assert_ne!(before, after);
    assert!(after.contains("  intent: string required"), "{after}");
}
