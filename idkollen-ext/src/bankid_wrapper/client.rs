//! The wrapper's client and its builder.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use tracing::Instrument as _;
use url::Url;

use crate::error::Service;
use crate::error::{Error, ValidationError};
use crate::identity::Personnummer;
use crate::poll::{PollPolicy, SessionStatus};
use crate::telemetry;
use crate::transport::{Transport, check_base_url};

use super::WRAPPER;
use super::completion::Completion;
use super::order::WrapperOrder;
use super::wire::{self, AuthRequest, Collected, OrderRequest, SignRequest, Started};

/// The header the wrapper authenticates requests with.
const API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// A client for the BankID wrapper API. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), idkollen_ext::Error> {
/// use idkollen_ext::Poller;
/// use idkollen_ext::bankid_wrapper::WrapperClient;
///
/// let base = url::Url::parse("https://bankid.example.com/").expect("a URL");
/// let client = WrapperClient::new(base, "my-api-key")?;
/// let order = client.auth(None, "203.0.113.7".parse().expect("an IP")).await?;
/// let done = order.wait().await?;
/// println!("{} logged in", done.user.name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct WrapperClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    endpoints: Endpoints,
    poll_policy: PollPolicy,
    /// The bound on collects in flight, for all orders together.
    reads: Arc<tokio::sync::Semaphore>,
}

/// The four operations, joined onto the base URL once so a request cannot fail to build.
struct Endpoints {
    auth: Url,
    sign: Url,
    collect: Url,
    cancel: Url,
}

impl fmt::Debug for WrapperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrapperClient")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl WrapperClient {
    /// A client with the default timeouts and poll policy.
    pub fn new(base_url: Url, api_key: impl Into<SecretString>) -> Result<Self, Error> {
        Self::builder(base_url, api_key).build()
    }

    /// A builder, for timeouts, an application name, your own HTTP client or a poll policy.
    pub fn builder(base_url: Url, api_key: impl Into<SecretString>) -> WrapperClientBuilder {
        WrapperClientBuilder {
            base_url,
            api_key: api_key.into(),
            transport: Transport::default(),
            poll_policy: PollPolicy::default(),
        }
    }

    /// The base URL the operations are joined onto.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The bound on requests in flight (collects, starts, cancels), shared by every order of
    /// the client.
    pub(crate) fn request_limit(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.inner.reads
    }

    /// The poll policy [`WrapperOrder::wait`](crate::Poller::wait) uses.
    pub fn poll_policy(&self) -> &PollPolicy {
        &self.inner.poll_policy
    }

    /// Starts a login (`POST /auth`). Without a personal number any BankID may answer: show
    /// the order's [`qr`](WrapperOrder::qr) code or start the app with its
    /// [`auto_start_token`](WrapperOrder::auto_start_token).
    ///
    /// `end_user_ip` is the IP address of the user's browser as your server sees it; BankID
    /// compares it with the device that answers.
    ///
    /// The request is sent once and never retried: a retry after an answer that got lost
    /// would start a second order for the same user.
    pub async fn auth(
        &self,
        personal_number: Option<Personnummer>,
        end_user_ip: IpAddr,
    ) -> Result<WrapperOrder, Error> {
        let body = AuthRequest {
            personal_number: personal_number.map(|p| p.canonical()),
            end_user_ip: end_user_ip.to_string(),
        };
        self.start("bankid_wrapper_auth", &self.inner.endpoints.auth, &body)
            .await
    }

    /// Starts a signature (`POST /sign`) of `user_visible_data`, the text the user reads in
    /// the app before signing. The text is sent as given and must not be blank.
    ///
    /// Sent once and never retried, like [`auth`](Self::auth).
    pub async fn sign(
        &self,
        personal_number: Personnummer,
        end_user_ip: IpAddr,
        user_visible_data: &str,
    ) -> Result<WrapperOrder, Error> {
        if user_visible_data.trim().is_empty() {
            return Err(ValidationError::new("userVisibleData", "must not be empty").into());
        }
        let body = SignRequest {
            personal_number: personal_number.canonical(),
            end_user_ip: end_user_ip.to_string(),
            user_visible_data,
        };
        self.start("bankid_wrapper_sign", &self.inner.endpoints.sign, &body)
            .await
    }

    async fn start<B: Serialize>(
        &self,
        operation: &'static str,
        url: &Url,
        body: &B,
    ) -> Result<WrapperOrder, Error> {
        let answer = {
            let _permit = self.request_limit().acquire().await;
            self.post(operation, url, body).await?
        };
        let started: Started =
            wire::decode(&answer).map_err(|source| Error::Decode { operation, source })?;
        // The operation names the flow: `bankid_wrapper_auth` or `bankid_wrapper_sign`.
        let flow = operation.trim_start_matches("bankid_wrapper_");
        telemetry::session_started(WRAPPER, flow);
        Ok(WrapperOrder::new(self.clone(), started, flow))
    }

    /// One `POST /collect`, for the polling engine.
    pub(super) async fn collect(
        &self,
        order_ref: &str,
    ) -> Result<SessionStatus<Completion>, Error> {
        const OPERATION: &str = "bankid_wrapper_collect";
        let answer = self
            .post(
                OPERATION,
                &self.inner.endpoints.collect,
                &OrderRequest { order_ref },
            )
            .await?;
        wire::decode::<Collected>(&answer)
            .and_then(Collected::into_snapshot)
            .map_err(|source| Error::Decode {
                operation: OPERATION,
                source,
            })
    }

    /// One `POST /cancel`. Its answer is an empty object with nothing to read.
    pub(super) async fn cancel(&self, order_ref: &str) -> Result<(), Error> {
        let _permit = self.request_limit().acquire().await;
        self.post(
            "bankid_wrapper_cancel",
            &self.inner.endpoints.cancel,
            &OrderRequest { order_ref },
        )
        .await
        .map(drop)
    }

    /// Sends one request inside a `tracing` span with the operation, the HTTP status and
    /// the duration (never the bodies: they hold personal data), and answers the body of a
    /// success or the crate's error for anything else.
    async fn post<B: Serialize>(
        &self,
        operation: &'static str,
        url: &Url,
        body: &B,
    ) -> Result<bytes::Bytes, Error> {
        let span = tracing::debug_span!(
            "idkollen.request",
            operation,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = tokio::time::Instant::now();
        let transport = |source| Error::Transport {
            service: Service::BankIdWrapper,
            operation,
            source,
        };
        async move {
            let result = async {
                let resp = self
                    .inner
                    .http
                    .post(url.clone())
                    .json(body)
                    .send()
                    .await
                    .map_err(transport)?;
                tracing::Span::current().record("status", resp.status().as_u16());
                if !resp.status().is_success() {
                    return Err(
                        Error::from_response(Service::BankIdWrapper, operation, resp).await,
                    );
                }
                resp.bytes().await.map_err(transport)
            }
            .await;
            tracing::Span::current().record("duration_ms", started.elapsed().as_millis() as u64);
            match &result {
                Ok(_) => tracing::debug!("ok"),
                Err(err) => tracing::debug!(error = %err, "failed"),
            }
            result
        }
        .instrument(span)
        .await
    }
}

/// Builds a [`WrapperClient`].
pub struct WrapperClientBuilder {
    base_url: Url,
    api_key: SecretString,
    transport: Transport,
    poll_policy: PollPolicy,
}

impl fmt::Debug for WrapperClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrapperClientBuilder")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"[redacted]")
            .field("timeout", &self.transport.timeout)
            .field("connect_timeout", &self.transport.connect_timeout)
            .field("application", &self.transport.application)
            .finish_non_exhaustive()
    }
}

impl WrapperClientBuilder {
    crate::transport::transport_setters!();

    /// The poll policy [`WrapperOrder::wait`](crate::Poller::wait) uses.
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll_policy = policy;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<WrapperClient, Error> {
        let mut base_url = self.base_url;
        check_base_url(&base_url, "the api key authenticates")?;
        // `Url::join` replaces the last segment of a path without a trailing slash, which
        // would turn `https://host/bankid` + `auth` into `https://host/auth`.
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        let join = |op: &str| {
            base_url.join(op).map_err(|e| Error::Config {
                message: format!("base URL: {e}"),
            })
        };
        let endpoints = Endpoints {
            auth: join("auth")?,
            sign: join("sign")?,
            collect: join("collect")?,
            cancel: join("cancel")?,
        };

        let api_key = self.api_key.expose_secret();
        if api_key.trim().is_empty() {
            return Err(ValidationError::new("api_key", "missing").into());
        }
        let mut key = HeaderValue::from_str(api_key).map_err(|_| Error::Config {
            message: "api key: not a valid header value".into(),
        })?;
        // Sensitive values are left out of `http`'s and `reqwest`'s `Debug`.
        key.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(API_KEY, key);

        let reads = self.transport.request_limit();
        let http = self.transport.build(headers)?;

        Ok(WrapperClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                endpoints,
                poll_policy: self.poll_policy,
                reads,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "k3y-Very-Private";

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_api_key_never_shows_in_debug() {
        let builder = WrapperClient::builder(url("http://127.0.0.1:9"), KEY);
        assert!(!format!("{builder:?}").contains(KEY));
        let client = builder.build().unwrap();
        for text in [
            format!("{client:?}"),
            format!("{client:#?}"),
            format!("{:?}", client.inner.http),
        ] {
            assert!(!text.contains(KEY), "{text}");
        }
    }

    #[test]
    fn operations_join_onto_the_base_path() {
        for base in ["https://h.example/bankid", "https://h.example/bankid/"] {
            let c = WrapperClient::new(url(base), KEY).unwrap();
            assert_eq!(
                c.inner.endpoints.collect.as_str(),
                "https://h.example/bankid/collect"
            );
        }
        let c = WrapperClient::new(url("http://127.0.0.1:9"), KEY).unwrap();
        assert_eq!(c.inner.endpoints.auth.as_str(), "http://127.0.0.1:9/auth");
    }

    #[test]
    fn bad_configuration_is_an_error() {
        let err = WrapperClient::new(url("ftp://h.example"), KEY).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        let err = WrapperClient::new(url("https://u:p@h.example"), KEY).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        let err = WrapperClient::new(url("https://h.example"), " ").unwrap_err();
        assert_eq!(err.field(), Some("api_key"));
        let err = WrapperClient::new(url("https://h.example"), "a\nb").unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
    }
}
