//! The hand-written client's HTTP side: a `reqwest` client configured as idkollen-ext
//! configures its own (30 s request timeout, 10 s connect timeout) that sends the credentials
//! as a default header, the floor the other clients are compared with.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, InvalidHeaderValue};

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
