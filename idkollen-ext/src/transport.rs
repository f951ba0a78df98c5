//! What both clients (IDkollen's and the BankID wrapper's) do with their base URL and their
//! HTTP client, so the two builders cannot drift apart.

use std::time::Duration;

use reqwest::header::HeaderMap;
use url::Url;

use crate::error::Error;

/// The `User-Agent` every request carries, before an optional application suffix.
pub const USER_AGENT: &str = concat!("idkollen-rs/", env!("CARGO_PKG_VERSION"));

/// The HTTP settings a builder collects: timeouts, the application's name for the User-Agent,
/// and the caller's own `reqwest::ClientBuilder`, if any.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) application: Option<String>,
    pub(crate) http: Option<reqwest::ClientBuilder>,
}

impl Default for Transport {
    fn default() -> Self {
        Self {
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            application: None,
            http: None,
        }
    }
}

impl Transport {
    /// The HTTP client: the caller's builder (or a new one) with `headers` as default headers,
    /// the User-Agent `idkollen-rs/<version> [application]`, and the timeouts.
    pub(crate) fn build(self, headers: HeaderMap) -> Result<reqwest::Client, Error> {
        let user_agent = match self.application.as_deref().map(str::trim) {
            Some(app) if !app.is_empty() => format!("{USER_AGENT} {app}"),
            _ => USER_AGENT.to_owned(),
        };
        let mut http = self
            .http
            .unwrap_or_default()
            .default_headers(headers)
            .user_agent(user_agent);
        if let Some(t) = self.timeout {
            // Also the per-read timeout: document downloads lift the whole-request timeout
            // (a large PDF may take longer), and are then bounded by each wait for bytes.
            // Every other request ends within `t` anyway.
            http = http.timeout(t).read_timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        http.build().map_err(|e| Error::Config {
            message: format!("HTTP client: {e}"),
        })
    }
}

/// Checks that `url` can be a base URL for API requests: http or https, a base, and no
/// credentials in it (`authenticated_by` says what authenticates instead).
pub(crate) fn check_base_url(url: &Url, authenticated_by: &str) -> Result<(), Error> {
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::Config {
            message: "base URL: must be an http or https URL".into(),
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config {
            message: format!("base URL: must not carry credentials; {authenticated_by}"),
        });
    }
    Ok(())
}
