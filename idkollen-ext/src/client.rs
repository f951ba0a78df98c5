//! The client, its builder and the environments it can talk to.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use base64::Engine as _;
use idkollen_api::ResponseValue;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::callback::{Callback, CallbackError, parse_callback, verify_signature};
use crate::coord::Coordination;
#[cfg(feature = "redis")]
use crate::coord::RedisCoordination;
use crate::error::{Error, ValidationError};
use crate::poll::PollPolicy;
use crate::table;
use crate::telemetry::{self, Rejected};
use crate::transport::{Transport, check_base_url};

/// Which IDkollen installation to talk to.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.idkollen.se`
    #[default]
    Production,
    /// `https://stgapi.idkollen.se`
    Staging,
    /// Any other base URL, e.g. a local sandbox.
    Custom(Url),
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(&self) -> Url {
        match self {
            Environment::Production => Url::parse("https://api.idkollen.se").expect("valid URL"),
            Environment::Staging => Url::parse("https://stgapi.idkollen.se").expect("valid URL"),
            Environment::Custom(url) => url.clone(),
        }
    }
}

/// A client for IDkollen's REST API v3. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), idkollen_ext::Error> {
/// use idkollen_ext::Poller;
///
/// let client = idkollen_ext::Client::builder()
///     .environment(idkollen_ext::Environment::Staging)
///     .credentials("my-account", "my-secret")
///     .build()?;
/// let session = client.bankid_se().auth().send().await?;
/// let identity = session.wait().await?;
/// println!("{} logged in", identity.name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    raw: idkollen_api::Client,
    /// Each status read's URL up to the session id ([`table::READ_PATHS`]), parsed once:
    /// each session builds its read's URL from one.
    read_urls: Vec<(&'static str, idkollen_api::UrlTemplate)>,
    http: reqwest::Client,
    base_url: Url,
    account_id: String,
    poll_policy: PollPolicy,
    /// The account's callback secret, to verify callbacks with.
    callback_secret: Option<SecretString>,
    /// The sessions' gates and callbacks, in this process or across a fleet.
    coordination: Coordination,
    /// The bound on requests in flight (reads, starts, cancels), for all sessions together.
    reads: Arc<tokio::sync::Semaphore>,
    /// The whole-request timeout, which a document download applies to each wait for bytes.
    timeout: Option<std::time::Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("account_id", &self.inner.account_id)
            .field("secret_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the production environment and no credentials.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `IDKOLLEN_ACCOUNT_ID`,
    /// `IDKOLLEN_SECRET_KEY`, and either `IDKOLLEN_BASE_URL` or
    /// `IDKOLLEN_ENV=production|staging` (production when neither is set).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The generated client underneath, for anything this crate does not wrap.
    pub fn raw(&self) -> &idkollen_api::Client {
        &self.inner.raw
    }

    /// The URL of a status read (`template`, one of [`table::READ_PATHS`]) of session `id`,
    /// as the generated method sends it.
    pub(crate) fn read_url(&self, template: &str, id: &str) -> Option<Url> {
        match self.inner.read_urls.iter().find(|(t, _)| *t == template) {
            Some((_, prepared)) => prepared.url(id),
            None => self.inner.raw.prepared_url(template, id),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The account id (the user name of the Basic credentials).
    pub fn account_id(&self) -> &str {
        &self.inner.account_id
    }

    /// The poll policy `wait()` uses when none is given.
    pub fn poll_policy(&self) -> &PollPolicy {
        &self.inner.poll_policy
    }

    /// Takes a callback as received (the raw body and the `X-Signature-SHA256` header),
    /// verifies its signature with the callback secret, parses it, and wakes every
    /// [`Poller::wait`](crate::Poller::wait) on that session (or the next one to start).
    ///
    /// Returns the parsed callback for the application's own use. A rejected callback wakes
    /// nothing. With `ClientBuilder::coordination` (feature `redis`), it wakes the waiters on
    /// every instance of the fleet.
    pub fn deliver_callback(
        &self,
        raw_body: &[u8],
        signature: Option<&str>,
    ) -> Result<Callback, CallbackError> {
        let callback = self
            .verified_callback(raw_body, signature)
            .inspect_err(|err| {
                telemetry::callback_rejected(match err {
                    CallbackError::Signature(_) => Rejected::Signature,
                    CallbackError::Body(_) => Rejected::Body,
                    CallbackError::NoSecret => Rejected::NoSecret,
                })
            })?;
        telemetry::callback_received();
        tracing::debug!(id = %callback.id(), status = %callback.status(), "callback received");
        self.inner.coordination.publish(callback.clone());
        Ok(callback)
    }

    fn verified_callback(
        &self,
        raw_body: &[u8],
        signature: Option<&str>,
    ) -> Result<Callback, CallbackError> {
        let secret = self
            .inner
            .callback_secret
            .as_ref()
            .ok_or(CallbackError::NoSecret)?;
        verify_signature(raw_body, signature, secret.expose_secret().as_bytes())?;
        parse_callback(raw_body)
    }

    /// The whole-request timeout, if any (30 s by default).
    pub(crate) fn timeout(&self) -> Option<std::time::Duration> {
        self.inner.timeout
    }

    /// The bound on requests in flight (status reads, starts, cancels), shared by every
    /// session of the client.
    pub(crate) fn request_limit(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.inner.reads
    }

    /// Whether this client verifies callbacks (it has the callback secret), so that sessions
    /// started with a callback URL hear of their end from it.
    pub(crate) fn receives_callbacks(&self) -> bool {
        self.inner.callback_secret.is_some()
    }

    /// The sessions' gates and callbacks.
    pub(crate) fn coordination(&self) -> &Coordination {
        &self.inner.coordination
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// Runs one call of the generated client and converts its error: the one place where an
    /// answer of the generated client becomes this crate's result. The generated client's hooks
    /// (idkollen-api's `ClientHooks`) wrap the request in the `idkollen.request` span with its
    /// operation id, status and duration; `operation` names the call in errors.
    pub(crate) async fn call<T, F>(&self, operation: &'static str, fut: F) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error>>,
    {
        self.call_tolerant(operation, fut, |t| t, |_| None).await
    }

    /// [`call`](Self::call) with the tolerant reader's `decoded` and `recover` (see
    /// [`answer_tolerant`](Self::answer_tolerant)): the path of starts and cancels, sent within
    /// the client's bound on requests in flight ([`in_flight`](Self::in_flight), which a
    /// document download uses on its own to bound its wait for the answer).
    pub(crate) async fn call_tolerant<T, U, F>(
        &self,
        operation: &'static str,
        fut: F,
        decoded: impl FnOnce(T) -> U,
        recover: impl FnOnce(&[u8]) -> Option<U>,
    ) -> Result<U, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error>>,
    {
        let answer = self.in_flight(fut).await;
        self.answer_tolerant(operation, answer, decoded, recover)
            .await
    }

    /// Runs `fut` (a request) within the client's bound on requests in flight.
    pub(crate) async fn in_flight<F: Future>(&self, fut: F) -> F::Output {
        // Closed never: the semaphore lives as long as the client.
        let _permit = self.request_limit().acquire().await;
        fut.await
    }

    /// [`call`](Self::call)'s conversion, for an answer already awaited and one the tolerant
    /// reader can read when the generated type cannot: a decoded answer goes through
    /// `decoded`, a success body that does not decode is handed to `recover`, and only when
    /// that fails too is it an [`Error::Decode`].
    ///
    /// It takes the answer rather than the call's future: a future passed into an `async fn`
    /// is stored in it once more, and a status read (the hot path) would carry the generated
    /// call two or three times over while it waits for the answer.
    pub(crate) async fn answer_tolerant<T, U>(
        &self,
        operation: &'static str,
        answer: Result<ResponseValue<T>, progenitor_client::Error>,
        decoded: impl FnOnce(T) -> U,
        recover: impl FnOnce(&[u8]) -> Option<U>,
    ) -> Result<U, Error> {
        match answer {
            Ok(value) => Ok(decoded(value.into_inner())),
            Err(progenitor_client::Error::InvalidResponsePayload(body, source)) => {
                match recover(&body) {
                    Some(value) => {
                        // The body itself is not logged: it may hold personal data.
                        tracing::warn!(operation, error = %source, "an answer that does not fit the spec was read tolerantly");
                        Ok(value)
                    }
                    None => {
                        let err = Error::Decode { operation, source };
                        tracing::debug!(error = %err, "failed");
                        Err(err)
                    }
                }
            }
            Err(err) => {
                // Boxed: the error path (which may read an error body) is rare, and inline
                // it would make the future of every call, status reads included, larger.
                let err = Box::pin(Error::from_api(operation, err)).await;
                tracing::debug!(error = %err, "failed");
                Err(err)
            }
        }
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    environment: Environment,
    base_url: Option<String>,
    account_id: Option<String>,
    secret_key: Option<SecretString>,
    transport: Transport,
    poll_policy: PollPolicy,
    callback_secret: Option<SecretString>,
    #[cfg(feature = "redis")]
    coordination: Option<RedisCoordination>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            environment: Environment::Production,
            base_url: None,
            account_id: None,
            secret_key: None,
            transport: Transport::default(),
            poll_policy: PollPolicy::default(),
            callback_secret: None,
            #[cfg(feature = "redis")]
            coordination: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("account_id", &self.account_id)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field("timeout", &self.transport.timeout)
            .field("connect_timeout", &self.transport.connect_timeout)
            .field("application", &self.transport.application)
            .field(
                "callback_secret",
                &self.callback_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl crate::callback::CallbackSink for Client {
    fn deliver_callback(
        &self,
        raw_body: &[u8],
        signature: Option<&str>,
    ) -> Result<Callback, CallbackError> {
        Client::deliver_callback(self, raw_body, signature)
    }
}

impl ClientBuilder {
    /// A builder filled from the environment variables [`Client::from_env`] reads.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder, Error> {
        let required = |name: &'static str| -> Result<String, Error> {
            match lookup(name) {
                Some(v) if !v.trim().is_empty() => Ok(v),
                _ => Err(ValidationError::new(name, "not set").into()),
            }
        };
        let mut builder = ClientBuilder::default().credentials(
            required("IDKOLLEN_ACCOUNT_ID")?,
            required("IDKOLLEN_SECRET_KEY")?,
        );
        if let Some(secret) = lookup("IDKOLLEN_CALLBACK_SECRET").filter(|v| !v.is_empty()) {
            builder = builder.callback_secret(secret);
        }
        if let Some(url) = lookup("IDKOLLEN_BASE_URL").filter(|v| !v.trim().is_empty()) {
            builder = builder.base_url(url);
        } else if let Some(env) = lookup("IDKOLLEN_ENV").filter(|v| !v.trim().is_empty()) {
            builder = builder.environment(match env.trim().to_ascii_lowercase().as_str() {
                "production" | "prod" => Environment::Production,
                "staging" | "stage" => Environment::Staging,
                _ => {
                    return Err(ValidationError::new(
                        "IDKOLLEN_ENV",
                        "expected `production` or `staging`",
                    )
                    .into());
                }
            });
        }
        Ok(builder)
    }

    /// The environment (production by default).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self.base_url = None;
        self
    }

    /// A custom base URL, checked in [`build`](Self::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The account id and secret key of the API customer.
    pub fn credentials(
        mut self,
        account_id: impl Into<String>,
        secret_key: impl Into<SecretString>,
    ) -> Self {
        self.account_id = Some(account_id.into());
        self.secret_key = Some(secret_key.into());
        self
    }

    crate::transport::transport_setters!();

    /// The poll policy `wait()` uses when none is given.
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll_policy = policy;
        self
    }

    /// The account's callback secret, which [`Client::deliver_callback`] verifies callbacks
    /// with (also read from `IDKOLLEN_CALLBACK_SECRET` by [`from_env`](Self::from_env)).
    pub fn callback_secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.callback_secret = Some(secret.into());
        self
    }

    /// Coordinates this client with the other instances of the backend through Redis (feature
    /// `redis`): callbacks, the read limit and the latest status of each session are shared by
    /// the fleet. Without it, the client coordinates its own sessions only.
    #[cfg(feature = "redis")]
    pub fn coordination(mut self, fleet: RedisCoordination) -> Self {
        self.coordination = Some(fleet);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match self.base_url {
            Some(raw) => Url::parse(&raw).map_err(|e| Error::Config {
                message: format!("base URL: {e}"),
            })?,
            None => self.environment.base_url(),
        };
        check_base_url(&base_url, "use `credentials`")?;
        let account_id = self
            .account_id
            .filter(|a| !a.is_empty())
            .ok_or_else(|| ValidationError::new("account_id", "missing"))?;
        let secret_key = self
            .secret_key
            .filter(|s| !s.expose_secret().is_empty())
            .ok_or_else(|| ValidationError::new("secret_key", "missing"))?;
        if account_id.contains(':') {
            return Err(ValidationError::new("account_id", "must not contain `:`").into());
        }

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, basic_auth(&account_id, &secret_key)?);

        let reads = self.transport.request_limit();
        let timeout = self.transport.timeout;
        let http = self.transport.build(headers)?;

        // The generated client appends `/v3/...` to the base verbatim.
        let base = base_url.as_str().trim_end_matches('/').to_owned();
        let raw = idkollen_api::Client::new_with_client(&base, http.clone());
        let url_base = idkollen_api::UrlBase::new(raw.base_text());
        let read_urls = table::READ_PATHS
            .iter()
            .filter_map(|&t| Some((t, url_base.template(t)?)))
            .collect();
        #[cfg(feature = "redis")]
        let coordination = match self.coordination {
            Some(fleet) => Coordination::fleet(fleet, &account_id),
            None => Coordination::default(),
        };
        #[cfg(not(feature = "redis"))]
        let coordination = Coordination::default();
        Ok(Client {
            inner: Arc::new(Inner {
                raw,
                read_urls,
                http,
                base_url,
                account_id,
                poll_policy: self.poll_policy,
                callback_secret: self.callback_secret,
                coordination,
                reads,
                timeout,
            }),
        })
    }
}

/// The `Authorization` header, marked sensitive so `http` never prints it.
fn basic_auth(account_id: &str, secret: &SecretString) -> Result<HeaderValue, Error> {
    let token = base64::engine::general_purpose::STANDARD
        .encode(format!("{account_id}:{}", secret.expose_secret()));
    let mut value =
        HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| Error::Config {
            message: "credentials: not a valid header value".into(),
        })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use idkollen_api::ClientInfo as _;
    use std::collections::HashMap;

    const SECRET: &str = "s3cr3t-Very-Private";

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:9/")
            .credentials("acct", SECRET)
            .build()
            .unwrap()
    }

    #[test]
    fn secret_never_in_debug() {
        let c = client();
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("acct:{SECRET}"));
        for text in [
            format!("{c:?}"),
            format!("{c:#?}"),
            format!("{:?}", c.raw()),
            format!("{:?}", c.http()),
            format!("{:?}", Client::builder().credentials("acct", SECRET)),
        ] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(&encoded), "{text}");
        }
        assert!(format!("{c:?}").contains("[redacted]"));
    }

    #[test]
    fn auth_header_is_sensitive_and_correct() {
        let v = basic_auth("acct", &SecretString::from("pw")).unwrap();
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Basic YWNjdDpwdw==");
    }

    #[test]
    fn environments() {
        assert_eq!(
            Environment::Production.base_url().as_str(),
            "https://api.idkollen.se/"
        );
        assert_eq!(
            Environment::Staging.base_url().as_str(),
            "https://stgapi.idkollen.se/"
        );
        assert_eq!(client().raw().baseurl(), "http://127.0.0.1:9");
    }

    #[test]
    fn bad_configuration_is_an_error() {
        let err = Client::builder()
            .base_url("not a url")
            .credentials("a", "b")
            .build();
        assert!(matches!(err, Err(Error::Config { .. })));
        let err = Client::builder()
            .base_url("ftp://x")
            .credentials("a", "b")
            .build();
        assert!(matches!(err, Err(Error::Config { .. })));
        let err = Client::builder().build().unwrap_err();
        assert_eq!(err.field(), Some("account_id"));
        let err = Client::builder().credentials("a", "").build().unwrap_err();
        assert_eq!(err.field(), Some("secret_key"));
    }

    #[test]
    fn from_env_reads_the_documented_variables() {
        let vars = |pairs: &[(&str, &str)]| {
            let map: HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            move |name: &str| map.get(name).cloned()
        };
        let c = ClientBuilder::from_lookup(vars(&[
            ("IDKOLLEN_ACCOUNT_ID", "acct"),
            ("IDKOLLEN_SECRET_KEY", SECRET),
            ("IDKOLLEN_ENV", "staging"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(c.base_url().as_str(), "https://stgapi.idkollen.se/");
        assert_eq!(c.account_id(), "acct");

        let c = ClientBuilder::from_lookup(vars(&[
            ("IDKOLLEN_ACCOUNT_ID", "acct"),
            ("IDKOLLEN_SECRET_KEY", SECRET),
            ("IDKOLLEN_BASE_URL", "http://localhost:8080"),
            ("IDKOLLEN_ENV", "staging"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(c.base_url().as_str(), "http://localhost:8080/");

        let err = ClientBuilder::from_lookup(vars(&[("IDKOLLEN_ACCOUNT_ID", "acct")])).unwrap_err();
        assert_eq!(err.field(), Some("IDKOLLEN_SECRET_KEY"));
        let err = ClientBuilder::from_lookup(vars(&[
            ("IDKOLLEN_ACCOUNT_ID", "acct"),
            ("IDKOLLEN_SECRET_KEY", SECRET),
            ("IDKOLLEN_ENV", "moon"),
        ]))
        .unwrap_err();
        assert_eq!(err.field(), Some("IDKOLLEN_ENV"));
    }
}
