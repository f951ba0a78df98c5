//! The callbacks the spec describes match what the SDK verifies: every operation whose request
//! takes `callbackUrl` documents a signed POST of its own status union, and no other does.

use idkollen_ext::callback::{SIGNATURE_HEADER, sign};
use idkollen_tests::spec::{self, operations, resolve};
use serde_json::Value;

/// The request schema of an operation, resolved.
fn request_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let schema = op.pointer("/requestBody/content/application~1json/schema")?;
    Some(resolve(spec, schema))
}

/// The schema of an operation's success response (its only 2xx).
fn success_schema(op: &Value) -> &Value {
    let responses = op["responses"].as_object().unwrap();
    let (_, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .unwrap();
    &response["content"]["application/json"]["schema"]
}

#[test]
fn every_operation_taking_a_callback_url_documents_the_signed_callback() {
    let spec = spec::load();
    let mut with_callbacks = 0;
    for operation in operations(&spec) {
        let takes_url = request_schema(&spec, operation.op)
            .and_then(|s| s.pointer("/properties/callbackUrl"))
            .is_some();
        let callbacks = operation.op.get("callbacks");
        if !takes_url {
            assert!(callbacks.is_none(), "{} has callbacks", operation.id());
            continue;
        }
        with_callbacks += 1;
        let post = callbacks
            .and_then(|c| c.pointer("/sessionResult/{$request.body#~1callbackUrl}/post"))
            .unwrap_or_else(|| panic!("{} takes callbackUrl but has no callback", operation.id()));
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"],
            *success_schema(operation.op),
            "{}: the callback carries the operation's status union",
            operation.id()
        );
        let header = post["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["in"] == "header")
            .unwrap();
        assert!(
            header["name"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case(SIGNATURE_HEADER)
        );
        assert_eq!(header["required"], true);
        // The pattern is 43 base64 characters and one `=`: what the SDK's signature looks like.
        assert_eq!(header["schema"]["pattern"], "^[A-Za-z0-9+/]{43}=$");
        let signature = sign(
            br#"{"id":"s1","status":"FAILED","error":"CANCELLED"}"#,
            b"secret",
        );
        assert_eq!(signature.len(), 44);
        assert!(signature.ends_with('='));
        assert!(
            signature[..43]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        );
        assert!(post["responses"].get("2XX").is_some());
    }
    // BankID SE auth, sign and both phone flows; the four Freja starts; the backchannel starts
    // of BankID NO, Vipps and MitID; and the five age verifications.
    assert_eq!(with_callbacks, 16);
}
