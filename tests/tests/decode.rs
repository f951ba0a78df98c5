//! The generated types decode what the service sends: every response example of the reference,
//! and responses carrying values and fields that the spec does not list.

use idkollen_api::types;
use idkollen_tests::spec::{self, operations, ref_name, resolve};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Decodes `value` as `T` and reports the error with the example's name.
fn decode<T: DeserializeOwned>(label: &str, value: &Value) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{label} does not decode: {e}\n{value:#}"))
}

/// The `status` a decoded union carries, to check that an example decodes into the right variant.
macro_rules! variant_status {
    ($union:ident, $pending:ident, $completed:ident, $label:expr, $value:expr) => {
        match decode::<types::$union>($label, $value) {
            types::$union::$pending(_) => "PENDING",
            types::$union::$completed(_) => "COMPLETED",
            types::$union::SessionFailed(_) => "FAILED",
            types::$union::OtherStatus(_) => "OTHER",
        }
    };
}

/// Decodes an example into the generated type of `schema`; returns the variant it chose for
/// status unions. A schema without an entry here fails the test, so new schemas get one.
fn decode_as(schema: &str, label: &str, value: &Value) -> Option<&'static str> {
    match schema {
        "BankIdSeStatus" => Some(variant_status!(
            BankIdSeStatus,
            BankIdSePending,
            BankIdSeCompleted,
            label,
            value
        )),
        "FrejaStatus" => Some(variant_status!(
            FrejaStatus,
            FrejaPending,
            FrejaCompleted,
            label,
            value
        )),
        "BankIdNoStatus" => Some(variant_status!(
            BankIdNoStatus,
            BankIdNoPending,
            BankIdNoCompleted,
            label,
            value
        )),
        "VippsStatus" => Some(variant_status!(
            VippsStatus,
            VippsPending,
            VippsCompleted,
            label,
            value
        )),
        "MitIdStatus" => Some(variant_status!(
            MitIdStatus,
            MitIdPending,
            MitIdCompleted,
            label,
            value
        )),
        "FtnStatus" => Some(variant_status!(
            FtnStatus,
            FtnPending,
            FtnCompleted,
            label,
            value
        )),
        "AgeVerificationStatus" => Some(variant_status!(
            AgeVerificationStatus,
            AgeVerificationPending,
            AgeVerificationCompleted,
            label,
            value
        )),
        "BankIdSeVerifyResponse" => {
            decode::<types::BankIdSeVerifyResponse>(label, value);
            None
        }
        "DocumentUploadResponse" => {
            decode::<types::DocumentUploadResponse>(label, value);
            None
        }
        "ErrorResponse" => {
            decode::<types::ErrorResponse>(label, value);
            None
        }
        other => panic!("{label}: no decoder for schema {other}; add it to decode_as"),
    }
}

#[test]
fn every_response_example_of_the_reference_decodes() {
    let spec = spec::load();
    let mut decoded = 0;
    for op in operations(&spec) {
        for (code, response) in op.op["responses"].as_object().unwrap() {
            let response = resolve(&spec, response);
            let Some(media) = response.pointer("/content/application~1json") else {
                continue;
            };
            let schema =
                ref_name(&media["schema"]).expect("JSON responses name a component schema");
            for (name, example) in media["examples"].as_object().into_iter().flatten() {
                let label = format!("{} {code} example {name}", op.id());
                let value = &example["value"];
                if let Some(variant) = decode_as(schema, &label, value) {
                    assert_eq!(
                        Some(variant),
                        value["status"].as_str(),
                        "{label} decodes into its status variant"
                    );
                }
                decoded += 1;
            }
        }
    }
    // 23 success examples plus the error example on each error response of the 55 operations.
    assert!(decoded > 100, "only {decoded} examples decoded");
}

#[test]
fn a_failure_code_that_is_not_in_the_spec_and_an_extra_field_decode() {
    let value = json!({"id": "s1", "status": "FAILED", "error": "FUTURE_ERROR_CODE", "addedLater": {"x": 1}});
    let types::BankIdSeStatus::SessionFailed(failed) =
        decode::<types::BankIdSeStatus>("failed", &value)
    else {
        panic!("FAILED decodes as SessionFailed")
    };
    assert_eq!(failed.error.as_str(), "FUTURE_ERROR_CODE");
}

#[test]
fn a_hint_code_that_is_not_in_the_spec_decodes_and_so_does_null() {
    let value =
        json!({"id": "s1", "status": "PENDING", "hintCode": "someNewHint", "qrStartToken": "t"});
    let types::BankIdSeStatus::BankIdSePending(pending) =
        decode::<types::BankIdSeStatus>("pending", &value)
    else {
        panic!("PENDING decodes as BankIdSePending")
    };
    assert_eq!(
        pending.hint_code.as_deref().map(String::as_str),
        Some("someNewHint")
    );

    let value = json!({"id": "s1", "status": "PENDING", "hintCode": null});
    let types::BankIdSeStatus::BankIdSePending(pending) =
        decode::<types::BankIdSeStatus>("null hint", &value)
    else {
        panic!("PENDING decodes as BankIdSePending")
    };
    assert_eq!(pending.hint_code, None);
}

#[test]
fn a_status_that_is_not_in_the_spec_decodes_as_other_status() {
    for union in [
        "BankIdSeStatus",
        "FrejaStatus",
        "BankIdNoStatus",
        "VippsStatus",
        "MitIdStatus",
        "FtnStatus",
        "AgeVerificationStatus",
    ] {
        let value = json!({"id": "s1", "status": "PAUSED", "newField": true});
        assert_eq!(decode_as(union, union, &value), Some("OTHER"), "{union}");
    }
}

#[test]
fn open_values_in_completed_sessions_decode() {
    let freja = json!({"id": "s", "status": "COMPLETED", "ssn": "198112289874", "country": "ICELAND",
                       "name": "A B", "givenName": "A", "surname": "B"});
    let types::FrejaStatus::FrejaCompleted(completed) =
        decode::<types::FrejaStatus>("freja", &freja)
    else {
        panic!("COMPLETED decodes as FrejaCompleted")
    };
    assert_eq!(completed.country.as_str(), "ICELAND");

    let bankid = json!({"id": "s", "status": "COMPLETED", "ssn": "198112289874", "name": "A B", "givenName": "A",
                        "surname": "B", "risk": "extreme", "device": {"ipAddress": "::1", "newThing": 1},
                        "stepUp": {"mrtd": true}, "authenticatedAt": "2026-11-21T10:00:00Z"});
    let types::BankIdSeStatus::BankIdSeCompleted(completed) =
        decode::<types::BankIdSeStatus>("bankid", &bankid)
    else {
        panic!("COMPLETED decodes as BankIdSeCompleted")
    };
    assert_eq!(
        completed.risk.as_deref().map(String::as_str),
        Some("extreme")
    );
}

#[test]
fn a_completed_session_missing_a_required_field_is_not_mistaken_for_completed() {
    // Without givenName the object matches no known shape; it must not decode as COMPLETED.
    let value =
        json!({"id": "s", "status": "COMPLETED", "ssn": "1", "name": "A B", "surname": "B"});
    let decoded: Result<types::BankIdSeStatus, _> = serde_json::from_value(value);
    assert!(!matches!(
        decoded,
        Ok(types::BankIdSeStatus::BankIdSeCompleted(_))
    ));
}
