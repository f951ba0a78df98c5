//! Helpers shared by the integration tests.
#![allow(dead_code)]

use crate::Sandbox;
use crate::validate::{Validator, describe_violations};
use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde_json::Value;

/// The value of an `Authorization: Basic` header.
pub fn basic(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A reqwest client that sends the sandbox's credentials on every request.
pub fn http(sb: &Sandbox) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&basic(sb.account_id(), sb.secret_key())).expect("header");
    headers.insert(AUTHORIZATION, value);
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}

/// The generated raw client, pointed at the sandbox.
pub fn api(sb: &Sandbox) -> idkollen_api::Client {
    idkollen_api::Client::new_with_client(&sb.base_url(), http(sb))
}

/// POSTs JSON and returns status and body.
pub async fn post(sb: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let r = http(sb)
        .post(format!("{}{path}", sb.base_url()))
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// GETs and returns status and JSON body (Null when there is none).
pub async fn get(sb: &Sandbox, path: &str) -> (u16, Value) {
    let r = http(sb)
        .get(format!("{}{path}", sb.base_url()))
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// DELETEs and returns the status.
pub async fn delete(sb: &Sandbox, path: &str) -> u16 {
    http(sb)
        .delete(format!("{}{path}", sb.base_url()))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

/// Asserts that `body` is what the document says `method path` answers with `status`.
pub fn assert_conforms(method: &str, path: &str, status: u16, body: &Value) {
    let schema = crate::spec::response_schema(method, path, status, "application/json")
        .unwrap_or_else(|| panic!("no schema for {method} {path} {status}"));
    if let Err(v) = Validator::strict().validate(schema, body) {
        panic!(
            "{method} {path} {status}: {} in {body:#}",
            describe_violations(&v)
        );
    }
}
