//! The hand-written client's HTTP side: a `reqwest` client configured as idkollen-ext
//! configures its own (30 s request timeout, 10 s connect timeout) that sends the credentials
//! as a default header, the floor the other clients are compared with.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, InvalidHeaderValue};

/// The refId that keeps a sandbox session pending until the sandbox's control API completes it.
pub const MANUAL: &str = "sandbox:manual";

/// Starts a BankID SE login that stays pending ([`MANUAL`]) with `http` (a client from
/// [`builder`]) at the sandbox at `base_url`: its id, once the answer said `PENDING`.
pub async fn start_pending(
    http: &reqwest::Client,
    base_url: &str,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    #[derive(serde::Deserialize)]
    struct Started {
        id: String,
        status: String,
    }
    let started: Started = http
        .post(format!("{base_url}/v3/bankid-se/auth"))
        .json(&serde_json::json!({ "refId": MANUAL }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    match started.status.as_str() {
        "PENDING" => Ok(started.id),
        other => Err(format!("the start answered {other}").into()),
    }
}

/// A builder with the timeouts and `Authorization: Basic` for `account` and `secret`.
pub fn builder(account: &str, secret: &str) -> Result<reqwest::ClientBuilder, InvalidHeaderValue> {
    let credentials = format!("{account}:{secret}");
    let mut auth = HeaderValue::try_from(format!("Basic {}", BASE64.encode(credentials)))?;
    auth.set_sensitive(true);
    Ok(reqwest::Client::builder()
        .default_headers(HeaderMap::from_iter([(AUTHORIZATION, auth)]))
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10)))
}
