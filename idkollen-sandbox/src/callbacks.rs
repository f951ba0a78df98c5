//! Callbacks: when a session with a `callbackUrl` ends, its final status object is POSTed
//! there, signed with `X-Signature-SHA256` = base64(HMAC-SHA256(callback secret, raw body)),
//! and retried with exponential backoff while the receiver fails.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::timings::Timings;

/// The header carrying a callback's signature.
pub const SIGNATURE_HEADER: &str = "X-Signature-SHA256";

/// The signature of a callback body: base64(HMAC-SHA256(key = callback secret, msg = body)).
pub fn sign(callback_secret: &str, body: &[u8]) -> String {
    match Hmac::<Sha256>::new_from_slice(callback_secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => String::new(),
    }
}

/// Whether `url` points at this machine (loopback address or `localhost`).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

/// What became of one callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallbackDelivery {
    /// The session it reports.
    pub session_id: String,
    /// Where it was sent.
    pub url: String,
    /// The exact body sent (the session's final status object).
    pub body: String,
    /// How many attempts were made so far.
    pub attempts: u32,
    /// The HTTP status of the last answer, if any arrived.
    pub last_status: Option<u16>,
    /// Whether an attempt was answered with a 2xx.
    pub delivered: bool,
}

/// Sends one callback, retrying with backoff, and keeps `log` up to date.
pub(crate) async fn deliver(
    client: reqwest::Client,
    log: Arc<Mutex<Vec<CallbackDelivery>>>,
    secret: String,
    timings: Timings,
    session_id: String,
    url: String,
    body: Vec<u8>,
) {
    let index = match log.lock() {
        Ok(mut log) => {
            log.push(CallbackDelivery {
                session_id: session_id.clone(),
                url: url.clone(),
                body: String::from_utf8_lossy(&body).into_owned(),
                attempts: 0,
                last_status: None,
                delivered: false,
            });
            log.len() - 1
        }
        Err(_) => return,
    };
    let signature = sign(&secret, &body);
    let mut delay = timings.callback_retry_delay;
    for attempt in 1..=timings.callback_attempts.max(1) {
        let result = client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, &signature)
            .body(body.clone())
            .send()
            .await;
        let status = result.as_ref().ok().map(|r| r.status().as_u16());
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        match &result {
            Ok(r) => {
                tracing::info!(%session_id, %url, attempt, status = r.status().as_u16(), "callback sent")
            }
            Err(e) => tracing::warn!(%session_id, %url, attempt, error = %e, "callback failed"),
        }
        if let Ok(mut log) = log.lock()
            && let Some(entry) = log.get_mut(index)
        {
            entry.attempts = attempt;
            entry.last_status = status;
            entry.delivered = delivered;
        }
        if delivered {
            return;
        }
        if attempt < timings.callback_attempts {
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
    }
    tracing::warn!(%session_id, %url, "callback given up");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_base64_hmac_sha256_of_the_raw_body() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
        let sig = sign("key", b"The quick brown fox jumps over the lazy dog");
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sig)
            .expect("base64");
        assert_eq!(
            hex::encode(raw),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    #[test]
    fn loopback_urls() {
        let ok = |s: &str| is_loopback(&url::Url::parse(s).expect("url"));
        assert!(ok("http://127.0.0.1:9000/cb"));
        assert!(ok("http://127.8.0.1/cb"));
        assert!(ok("http://[::1]:80/cb"));
        assert!(ok("http://localhost/cb"));
        assert!(!ok("https://example.com/cb"));
        assert!(!ok("http://10.0.0.1/cb"));
        assert!(!ok("mailto:someone@example.com"));
    }
}
