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
    pub(crate) max_requests_in_flight: usize,
}

/// Requests in flight at once per client, by default.
pub(crate) const MAX_REQUESTS_IN_FLIGHT: usize = 64;

impl Default for Transport {
    fn default() -> Self {
        Self {
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            application: None,
            http: None,
            max_requests_in_flight: MAX_REQUESTS_IN_FLIGHT,
        }
    }
}

impl Transport {
    /// The bound on requests in flight, shared by every session of the client.
    pub(crate) fn request_limit(&self) -> std::sync::Arc<tokio::sync::Semaphore> {
        std::sync::Arc::new(tokio::sync::Semaphore::new(self.max_requests_in_flight))
    }

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
            // Not also reqwest's `read_timeout`: that is a second timer on every request (and
            // a wrapper on every body) for the one kind of request that needs it, a document
            // download, which lifts the whole-request timeout and bounds each wait for bytes
            // itself (`documents::Stall`).
            http = http.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        http.build().map_err(|e| Error::Config {
            message: format!("HTTP client: {e}"),
        })
    }
}

/// The HTTP setters of a client builder, over its `transport: Transport` field: one definition
/// for IDkollen's client and the BankID wrapper's.
macro_rules! transport_setters {
    () => {
        /// The whole-request timeout (30 s by default). Status reads that time out are
        /// retried by the polling engine; starts are not.
        ///
        /// Document downloads ([`Documents`](crate::documents::Documents)) are not bounded as a whole:
        /// for them it is the longest wait for the answer and for each next piece of the
        /// body ([`Error::Stalled`](crate::Error::Stalled) when it runs out).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.timeout = Some(timeout);
            self
        }

        /// The connection timeout (10 s by default).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.connect_timeout = Some(timeout);
            self
        }

        /// Appends `name` to the User-Agent: `idkollen-rs/<version> <name>`.
        pub fn application(mut self, name: impl Into<String>) -> Self {
            self.transport.application = Some(name.into());
            self
        }

        /// At most this many requests in flight at once (status reads, starts and cancels),
        /// for all sessions of the client together (64 by default; at least 1). Over HTTP/1.1
        /// each request in flight holds a connection, so this keeps the connections the
        /// client opens near this number however slow the service is or however many logins
        /// start at once: requests beyond it wait their turn instead of opening more sockets.
        /// A start that waits is still sent once.
        ///
        /// Near, not under: the HTTP client's pool opens a connection when a request starts
        /// just as another request's connection is on its way back to the pool, and keeps it
        /// (BENCHMARKS.md measures 64–87 connections with the default of 64). Each open
        /// connection holds about 40 KB; a lower bound saves that memory at the cost of
        /// throughput, since requests wait for one another (at 30 ms a request, 64 in flight
        /// carry about 2,000 status reads a second).
        pub fn max_requests_in_flight(mut self, requests: usize) -> Self {
            self.transport.max_requests_in_flight = requests.max(1);
            self
        }

        /// The former name of [`max_requests_in_flight`](Self::max_requests_in_flight),
        /// which now bounds starts and cancels as well as status reads.
        #[deprecated(since = "0.2.0", note = "use `max_requests_in_flight`")]
        pub fn max_reads_in_flight(self, reads: usize) -> Self {
            self.max_requests_in_flight(reads)
        }

        /// Starts from your own `reqwest::ClientBuilder` (proxies, root certificates, a
        /// resolver...). The credentials, the User-Agent and the timeouts set on this
        /// builder are added to it.
        ///
        /// A builder rather than a finished `reqwest::Client`: the credentials are default
        /// headers of the HTTP client, and a finished client cannot take new ones.
        pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
            self.transport.http = Some(builder);
            self
        }
    };
}
pub(crate) use transport_setters;

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
