//! BankID QR verification and the document upload/download.

use std::time::Duration;

use super::common::{get, http, post};
use crate::Sandbox;
use crate::qr::qr_code;
use serde_json::{Value, json};

async fn start_qr_order(sb: &Sandbox, body: Value) -> (String, String, String) {
    let (status, started) = post(sb, "/v3/bankid-se/auth", &body).await;
    assert_eq!(status, 201, "{started}");
    let field = |name: &str| started[name].as_str().expect(name).to_owned();
    (field("id"), field("qrStartToken"), field("qrStartSecret"))
}

#[tokio::test(start_paused = true)]
async fn only_the_current_qr_frame_of_a_live_order_verifies() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (id, token, secret) = start_qr_order(
        &sb,
        json!({"ssn": "199001012435", "refId": "sandbox:manual"}),
    )
    .await;
    let verify = |qr: String| {
        let sb = &sb;
        async move { post(sb, "/v3/bankid-se/verify", &json!({ "qrCode": qr })).await }
    };
    // Second 0, computed by the test from the tokens alone.
    let (status, body) = verify(qr_code(&token, &secret, 0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ssn"], "199001012435");
    assert_eq!(body["name"], "Anna Andersson");
    super::common::assert_conforms("post", "/v3/bankid-se/verify", 200, &body);
    // Three seconds later only frame 3 is valid.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(verify(qr_code(&token, &secret, 0)).await.0, 400);
    assert_eq!(verify(qr_code(&token, &secret, 4)).await.0, 400);
    assert_eq!(verify(qr_code(&token, "wrong-secret", 3)).await.0, 400);
    assert_eq!(verify(qr_code(&token, &secret, 3)).await.0, 200);
    assert_eq!(verify(sb.qr_code(&id).expect("qr")).await.0, 200);
    let (_, via_api) = get(&sb, &format!("/_sandbox/sessions/{id}/qr")).await;
    assert_eq!(via_api["qrCode"], sb.qr_code(&id).expect("qr"));
    // Not once the order has ended.
    sb.complete(&id).expect("complete");
    let (status, body) = verify(qr_code(&token, &secret, 3)).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("qrCode:"))
    );
    for junk in ["", "bankid", "bankid.a.b.c", "hello"] {
        assert_eq!(verify(junk.to_owned()).await.0, 400, "{junk:?}");
    }
    // Phone orders have no QR code.
    let (_, phone) = post(
        &sb,
        "/v3/bankid-se/phone/auth",
        &json!({"ssn": "198112289874", "callInitiator": "USER"}),
    )
    .await;
    assert!(phone.get("qrStartToken").is_none());
    assert!(sb.qr_code(phone["id"].as_str().expect("id")).is_err());
}

async fn upload(sb: &Sandbox, bytes: Vec<u8>) -> (u16, Value) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name("doc.pdf")
            .mime_str("application/pdf")
            .expect("mime"),
    );
    let response = http(sb)
        .post(format!("{}/v3/document", sb.base_url()))
        .multipart(form)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(start_paused = true)]
async fn uploads_are_checked_and_signed_pdfs_downloadable() {
    let sb = Sandbox::builder()
        .max_document_size(1024)
        .start()
        .await
        .expect("start");
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n".to_vec();
    let (status, uploaded) = upload(&sb, pdf.clone()).await;
    assert_eq!(status, 201, "{uploaded}");
    use sha2::Digest as _;
    assert_eq!(uploaded["hash"], hex::encode(sha2::Sha256::digest(&pdf)));
    let (status, body) = upload(&sb, b"GIF89a".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("file:"))
    );
    let mut big = b"%PDF-".to_vec();
    big.resize(2048, b' ');
    let (status, body) = upload(&sb, big).await;
    assert_eq!(status, 413, "{body}");
    let response = http(&sb)
        .post(format!("{}/v3/document", sb.base_url()))
        .json(&json!({"file": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);

    // BankID NO signing: text xor documents, known documents only.
    let doc = uploaded["id"].as_str().expect("id");
    for bad in [
        json!({}),
        json!({"text": "x", "documents": [doc]}),
        json!({"documents": ["nope"]}),
    ] {
        let (status, body) = post(&sb, "/v3/bankid-no/sign", &bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (_, signing) = post(
        &sb,
        "/v3/bankid-no/sign",
        &json!({"documents": [doc], "refId": "sandbox:manual"}),
    )
    .await;
    let download = format!("{}/v3/document/{doc}", sb.base_url());
    assert_eq!(
        http(&sb).get(&download).send().await.expect("get").status(),
        404
    );
    sb.complete(signing["id"].as_str().expect("id"))
        .expect("complete");
    let response = http(&sb).get(&download).send().await.expect("get");
    assert_eq!(response.status(), 200);
    let signed = response.bytes().await.expect("bytes");
    assert!(signed.starts_with(&pdf));
    assert_ne!(signed.len(), pdf.len());
    let unknown = format!("{}/v3/document/nope", sb.base_url());
    assert_eq!(
        http(&sb).get(&unknown).send().await.expect("get").status(),
        404
    );
}

#[tokio::test(start_paused = true)]
async fn request_validation_names_the_field() {
    let sb = Sandbox::builder().start().await.expect("start");
    let cases = [
        ("/v3/bankid-se/sign", json!({}), "text: is required"),
        (
            "/v3/bankid-se/auth",
            json!({"intent": ""}),
            "intent: must be at least 1 character long",
        ),
        (
            "/v3/mitid/auth",
            json!({"referenceText": "<b>"}),
            "referenceText: must match the pattern ^[^%<]*$",
        ),
        (
            "/v3/freja/backchannel/auth",
            json!({"ssn": "1", "country": "SPAIN"}),
            "country: must be one of SWEDEN, NORWAY, DENMARK, FINLAND",
        ),
        (
            "/v3/bankid-se/age-verification",
            json!({"minAge": 0}),
            "minAge: must be at least 1",
        ),
        (
            "/v3/ftn/age-verification",
            json!({"minAge": 30, "maxAge": 20}),
            "maxAge: must be greater than or equal to minAge (20 < 30)",
        ),
        (
            "/v3/vipps/auth",
            json!({"redirectUrl": "nope"}),
            "redirectUrl: must be an absolute URI (relative URL without a base)",
        ),
        (
            "/v3/bankid-no/sign",
            json!({"text": "x".repeat(119)}),
            "text: must be at most 118 characters long",
        ),
        (
            "/v3/bankid-se/phone/auth",
            json!({"ssn": "198112289874", "callInitiator": "user"}),
            "callInitiator: must be one of USER, RP",
        ),
        (
            "/v3/vipps/backchannel/auth",
            json!({"phone": 4740000001u64}),
            "phone: must be a string, not a number",
        ),
    ];
    for (path, body, message) in cases {
        let (status, answer) = post(&sb, path, &body).await;
        assert_eq!(status, 400, "{path} {body}");
        assert_eq!(answer, json!({"message": message}), "{path} {body}");
    }
    // Any text is a schema-valid ssn; multi-byte text must not trip the identity lookup.
    let odd = json!({"ssn": "\u{2dfad}\u{b9b37}\u{91}\u{82}", "callInitiator": "USER"});
    assert_eq!(post(&sb, "/v3/bankid-se/phone/auth", &odd).await.0, 201);
    let response = http(&sb)
        .post(format!("{}/v3/ftn/auth", sb.base_url()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let response = http(&sb)
        .post(format!("{}/v3/ftn/auth", sb.base_url()))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
}
