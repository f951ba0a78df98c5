//! Walks every operation of the OpenAPI document against the sandbox and validates each answer
//! against the document's response schema (strictly: no undeclared properties).

use std::collections::BTreeSet;
use std::time::Duration;

use super::common::{assert_conforms, basic, http};
use crate::{Sandbox, spec};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A valid body for every start operation, asking for every optional attribute so completed
/// answers carry as many fields as the sandbox can produce.
fn start_body(path: &str) -> Option<Value> {
    let body = match path {
        "/v3/bankid-se/auth" => {
            json!({"ipAddress": "192.0.2.1", "orgNumber": "559000-0948", "requestAddress": true, "intent": "Log in"})
        }
        "/v3/bankid-se/phone/auth" => {
            json!({"ssn": "198112289874", "callInitiator": "USER", "requestAddress": true})
        }
        "/v3/bankid-se/sign" => json!({"text": "I agree", "ssn": "198112289874", "digest": "abc"}),
        "/v3/bankid-se/phone/sign" => {
            json!({"ssn": "198112289874", "text": "I agree", "callInitiator": "RP"})
        }
        "/v3/freja/auth" => {
            json!({"requestAddress": true, "orgNumber": "559000-0948", "minRegistrationLevel": "PLUS"})
        }
        "/v3/freja/backchannel/auth" => json!({"ssn": "15108695088", "country": "NORWAY"}),
        "/v3/freja/sign" => json!({"text": "I agree"}),
        "/v3/freja/backchannel/sign" => {
            json!({"ssn": "198112289874", "country": "SWEDEN", "text": "I agree"})
        }
        "/v3/bankid-no/auth" | "/v3/vipps/auth" => {
            json!({"requestSsn": true, "requestEmail": true, "requestPhone": true, "requestAddress": true, "redirectUrl": "https://example.com/done"})
        }
        "/v3/bankid-no/backchannel/auth" => json!({"ssn": "15108695088"}),
        "/v3/bankid-no/sign" => json!({"text": "I agree", "requestSsn": true}),
        "/v3/vipps/backchannel/auth" => json!({"phone": "+4791234567", "requestEmail": true}),
        "/v3/mitid/auth" => {
            json!({"referenceText": "Log in", "requestEmail": true, "requestPhone": true, "requestAddress": true})
        }
        "/v3/mitid/backchannel/auth" => {
            json!({"ssn": "1203881234", "bindingMessage": "Log in to Shop"})
        }
        "/v3/mitid/sign" => json!({"text": "I agree"}),
        "/v3/ftn/auth" => {
            json!({"requestEmail": true, "requestPhone": true, "requestAddress": true})
        }
        p if p.ends_with("/age-verification") => json!({"minAge": 18, "maxAge": 120}),
        _ => return None,
    };
    Some(body)
}

/// The status path template that reads sessions started at `start`.
fn status_template(start: &str) -> String {
    format!(
        "{}/{{id}}",
        start.replace("/phone/", "/").replace("/backchannel/", "/")
    )
}

fn with_ref(mut body: Value, ref_id: &str) -> Value {
    body["refId"] = json!(ref_id);
    body
}

struct Walk {
    sb: Sandbox,
    client: reqwest::Client,
    covered: BTreeSet<(String, String)>,
}

impl Walk {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sb.base_url())
    }

    fn cover(&mut self, method: &str, template: &str) {
        self.covered
            .insert((method.to_owned(), template.to_owned()));
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {bytes:?}"))
        };
        (status, headers, body)
    }

    /// POST, expecting `expected`, validating the body; returns the body.
    async fn post(&mut self, path: &str, body: &Value, expected: u16) -> Value {
        let (status, _, answer) = self.send(self.client.post(self.url(path)).json(body)).await;
        assert_eq!(status.as_u16(), expected, "POST {path} {body}: {answer}");
        assert_conforms("post", path, expected, &answer);
        self.cover("post", path);
        answer
    }

    /// GET a session, validating the body; returns it.
    async fn get(
        &mut self,
        template: &str,
        id: &str,
        expected: u16,
    ) -> (reqwest::header::HeaderMap, Value) {
        let path = template.replace("{id}", id);
        let (status, headers, answer) = self.send(self.client.get(self.url(&path))).await;
        assert_eq!(status.as_u16(), expected, "GET {path}: {answer}");
        assert_conforms("get", template, expected, &answer);
        self.cover("get", template);
        (headers, answer)
    }

    async fn delete(&mut self, template: &str, id: &str, expected: u16) {
        let path = template.replace("{id}", id);
        let (status, _, answer) = self.send(self.client.delete(self.url(&path))).await;
        assert_eq!(status.as_u16(), expected, "DELETE {path}: {answer}");
        if expected == 204 {
            assert_eq!(answer, Value::Null, "a 204 has no body");
        } else {
            assert_conforms("delete", template, expected, &answer);
        }
        self.cover("delete", template);
    }
}

#[tokio::test(start_paused = true)]
async fn every_operation_answers_what_the_document_says() {
    let sb = Sandbox::builder().start().await.expect("start");
    let client = http(&sb);
    let mut walk = Walk {
        sb,
        client,
        covered: BTreeSet::new(),
    };
    let operations = spec::operations();
    assert_eq!(operations.len(), 55);
    let starts: Vec<&str> = operations
        .iter()
        .filter(|(m, p, _)| *m == "post" && start_body(p).is_some())
        .map(|(_, p, _)| *p)
        .collect();
    assert_eq!(starts.len(), 22);

    let t = walk.sb.timings();
    for start in &starts {
        let template = status_template(start);
        let body = start_body(start).expect("body");
        // PENDING on start and on the first read, 429 on an immediate second read.
        let pending = walk
            .post(start, &with_ref(body.clone(), "conformance"), 201)
            .await;
        assert_eq!(pending["status"], "PENDING", "{start}");
        let id = pending["id"].as_str().expect("id").to_owned();
        let (_, read) = walk.get(&template, &id, 200).await;
        assert_eq!(read["status"], "PENDING", "{start}");
        let (headers, _) = walk.get(&template, &id, 429).await;
        let retry: u64 = headers["retry-after"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!(retry >= 1);
        // COMPLETED once the user is done.
        tokio::time::sleep(t.complete_after + Duration::from_secs(1)).await;
        let (_, done) = walk.get(&template, &id, 200).await;
        assert_eq!(done["status"], "COMPLETED", "{start}: {done}");
        // FAILED, with a code from the future, and after a cancel.
        let failing = walk
            .post(
                start,
                &with_ref(body.clone(), "sandbox:fail:FUTURE_ERROR_CODE"),
                201,
            )
            .await;
        let manual = walk
            .post(start, &with_ref(body.clone(), "sandbox:manual"), 201)
            .await;
        let manual_id = manual["id"].as_str().expect("id").to_owned();
        walk.delete(&template, &manual_id, 204).await;
        tokio::time::sleep(t.complete_after + Duration::from_secs(1)).await;
        let (_, failed) = walk
            .get(&template, failing["id"].as_str().expect("id"), 200)
            .await;
        assert_eq!(failed["error"], "FUTURE_ERROR_CODE");
        let (_, cancelled) = walk.get(&template, &manual_id, 200).await;
        assert_eq!(cancelled["error"], "CANCELLED");
        // Errors: unknown id, invalid body, no credentials.
        walk.get(&template, "no-such-session", 404).await;
        walk.delete(&template, "no-such-session", 404).await;
        walk.post(start, &json!({"refId": 7}), 400).await;
        let (status, _, answer) = walk
            .send(reqwest::Client::new().post(walk.url(start)).json(&body))
            .await;
        assert_eq!(status, 401);
        assert_conforms("post", start, 401, &answer);
    }

    // BankID SE verify: the current QR frame of a pending order.
    let pending = walk
        .post(
            "/v3/bankid-se/auth",
            &json!({"refId": "sandbox:manual"}),
            201,
        )
        .await;
    let qr = walk
        .sb
        .qr_code(pending["id"].as_str().expect("id"))
        .expect("qr");
    let verified = walk
        .post("/v3/bankid-se/verify", &json!({"qrCode": qr}), 200)
        .await;
    assert_eq!(verified["ssn"], "198112289874");
    walk.post(
        "/v3/bankid-se/verify",
        &json!({"qrCode": "bankid.x.0.y"}),
        400,
    )
    .await;

    // Documents: upload, sign with BankID NO, download.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF-1.7\n%%EOF\n".to_vec())
            .file_name("contract.pdf")
            .mime_str("application/pdf")
            .expect("mime"),
    );
    let (status, _, uploaded) = walk
        .send(walk.client.post(walk.url("/v3/document")).multipart(form))
        .await;
    assert_eq!(status, 201, "{uploaded}");
    assert_conforms("post", "/v3/document", 201, &uploaded);
    walk.cover("post", "/v3/document");
    let doc_id = uploaded["id"].as_str().expect("id").to_owned();
    let download = |walk: &Walk| walk.client.get(walk.url(&format!("/v3/document/{doc_id}")));
    let (status, _, before) = walk.send(download(&walk)).await;
    assert_eq!(status, 404);
    assert_conforms("get", "/v3/document/{documentId}", 404, &before);
    let signing = walk
        .post("/v3/bankid-no/sign", &json!({"documents": [doc_id]}), 201)
        .await;
    tokio::time::sleep(t.complete_after + Duration::from_secs(1)).await;
    let (_, signed) = walk
        .get(
            "/v3/bankid-no/sign/{id}",
            signing["id"].as_str().expect("id"),
            200,
        )
        .await;
    let response = download(&walk).send().await.expect("download");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.expect("bytes");
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(
        signed["signedDocuments"][0]["hash"],
        hex::encode(sha2_digest(&pdf))
    );
    walk.cover("get", "/v3/document/{documentId}");

    let all: BTreeSet<(String, String)> = operations
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = all.difference(&walk.covered).collect();
    assert!(missing.is_empty(), "operations not exercised: {missing:?}");
    walk.sb.shutdown().await;
}

fn sha2_digest(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).to_vec()
}

#[tokio::test]
async fn unauthorized_and_unmatched_requests_answer_json() {
    let sb = Sandbox::builder().start().await.expect("start");
    let plain = reqwest::Client::new();
    let wrong = basic(sb.account_id(), "wrong");
    for auth in [
        None,
        Some(wrong.as_str()),
        Some("Bearer x"),
        Some("Basic !!!"),
    ] {
        let mut request = plain.get(format!("{}/v3/bankid-se/auth/x", sb.base_url()));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 401);
        assert!(response.headers().contains_key("www-authenticate"));
        let body: Value = response.json().await.expect("json");
        assert_conforms("get", "/v3/bankid-se/auth/{id}", 401, &body);
    }
    let (status, body) = super::common::get(&sb, "/v3/nothing/here").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "no operation GET /v3/nothing/here"})
    );
    // An id that is not even UTF-8 is just another unknown id.
    for (path, template) in [
        ("/v3/bankid-se/auth/%FF", "/v3/bankid-se/auth/{id}"),
        ("/v3/document/%C3%28", "/v3/document/{documentId}"),
    ] {
        let (status, body) = super::common::get(&sb, path).await;
        assert_eq!(status, 404, "{path}");
        assert_conforms("get", template, 404, &body);
    }
    // A listed path with a method the document does not list: 405 naming what is allowed.
    let response = http(&sb)
        .delete(format!("{}/v3/bankid-se/verify", sb.base_url()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({"message": "no operation DELETE /v3/bankid-se/verify; allowed: POST"})
    );
}
