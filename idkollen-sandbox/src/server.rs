//! Starting, serving and stopping a sandbox, and the handle tests hold.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::response::IntoResponse as _;
use futures::FutureExt as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::callbacks::CallbackDelivery;
use crate::connections::{ConnectionStats, Connections};
use crate::control;
use crate::documents::DEFAULT_MAX_DOCUMENT_SIZE;
use crate::error::SandboxError;
use crate::faults::{Fault, Faults};
use crate::profile::{HostileStats, Profile, StartCount};
use crate::requests::RecordedRequest;
use crate::routes::{self, DropConnection};
use crate::state::{Config, Shared, lock};
use crate::store::{Outcome, Store};
use crate::timings::Timings;

/// The account id a sandbox accepts unless told otherwise.
pub const DEFAULT_ACCOUNT_ID: &str = "sandbox";
/// The secret key a sandbox accepts unless told otherwise.
pub const DEFAULT_SECRET_KEY: &str = "sandbox-secret";
/// The secret callbacks are signed with unless told otherwise.
pub const DEFAULT_CALLBACK_SECRET: &str = "sandbox-callback-secret";

/// Configures and starts a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    account_id: String,
    secret_key: String,
    callback_secret: String,
    timings: Timings,
    bind: SocketAddr,
    allow_external_callbacks: bool,
    max_document_size: usize,
    profile: Profile,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            account_id: DEFAULT_ACCOUNT_ID.into(),
            secret_key: DEFAULT_SECRET_KEY.into(),
            callback_secret: DEFAULT_CALLBACK_SECRET.into(),
            timings: Timings::fast(),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            allow_external_callbacks: false,
            max_document_size: DEFAULT_MAX_DOCUMENT_SIZE,
            profile: Profile::Default,
        }
    }
}

impl SandboxBuilder {
    /// The account id (HTTP Basic username) to accept. Default `sandbox`.
    pub fn account_id(mut self, account_id: impl Into<String>) -> Self {
        self.account_id = account_id.into();
        self
    }

    /// The secret key (HTTP Basic password) to accept. Default `sandbox-secret`.
    pub fn secret_key(mut self, secret_key: impl Into<String>) -> Self {
        self.secret_key = secret_key.into();
        self
    }

    /// The secret callbacks are signed with. Default `sandbox-callback-secret`.
    pub fn callback_secret(mut self, callback_secret: impl Into<String>) -> Self {
        self.callback_secret = callback_secret.into();
        self
    }

    /// How fast sessions move. Default [`Timings::fast`].
    pub fn timings(mut self, timings: Timings) -> Self {
        self.timings = timings;
        self
    }

    /// Where to listen. Default `127.0.0.1:0` (an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Allow callback URLs that are not loopback addresses. Off by default, so a test suite
    /// cannot make the sandbox send requests off the machine by accident.
    pub fn allow_external_callbacks(mut self, allow: bool) -> Self {
        self.allow_external_callbacks = allow;
        self
    }

    /// The largest document upload accepted, in bytes (413 past it). Default 10 MiB.
    pub fn max_document_size(mut self, bytes: usize) -> Self {
        self.max_document_size = bytes;
        self
    }

    /// How faithfully to answer. Default [`Profile::Default`].
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// [`Profile::Hostile`]: every session meets what a proxy or a newer service may send
    /// (see the crate's README).
    pub fn hostile(self) -> Self {
        self.profile(Profile::Hostile)
    }

    /// Binds the listener and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(std::io::Error::other)?;
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            config: Config {
                account_id: self.account_id,
                secret_key: self.secret_key,
                callback_secret: self.callback_secret,
                timings: self.timings,
                allow_external_callbacks: self.allow_external_callbacks,
                max_document_size: self.max_document_size,
                base_url: base_url.clone(),
                profile: self.profile,
            },
            store: Mutex::new(Store::default()),
            documents: Mutex::new(HashMap::new()),
            faults: Mutex::new(Faults::default()),
            requests: Mutex::new(Vec::new()),
            callbacks: Arc::new(Mutex::new(Vec::new())),
            rate_limited: AtomicU64::new(0),
            counters: Mutex::default(),
            connections: Arc::default(),
            http,
            shutdown: shutdown_rx.clone(),
        });
        let router = routes::router(shared.clone());
        let server = tokio::spawn(serve(
            listener,
            router,
            shared.connections.clone(),
            shutdown_rx,
        ));
        tracing::info!(%base_url, profile = %self.profile, "IDkollen sandbox listening");
        Ok(Sandbox {
            shared,
            shutdown: shutdown_tx,
            server: Some(server),
            addr,
            base_url,
        })
    }
}

#[derive(Debug)]
struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for ConnectionDropped {}

/// Accepts connections until shutdown, then lets open requests finish (for a bounded time).
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    connections: Arc<Connections>,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let router = router.clone();
                // A handler asks for the connection to be dropped by marking its response;
                // failing the service makes hyper close the connection without answering.
                let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                    let router = router.clone();
                    async move {
                        let handled = AssertUnwindSafe(router.oneshot(request.map(axum::body::Body::new)))
                            .catch_unwind()
                            .await;
                        let response = match handled {
                            Ok(Ok(response)) => response,
                            Ok(Err(infallible)) => match infallible {},
                            // A bug must not look like a dropped connection to the client
                            // under test: answer 500 with the usual error body.
                            Err(_) => {
                                tracing::error!("handler panicked");
                                crate::error::ApiError::new(
                                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                                    "internal error in the sandbox",
                                )
                                .into_response()
                            }
                        };
                        if response.extensions().get::<DropConnection>().is_some() {
                            return Err(ConnectionDropped);
                        }
                        Ok::<_, ConnectionDropped>(response)
                    }
                });
                // HTTP/1.1, and HTTP/2 for clients that start with its preface (prior
                // knowledge: there is no TLS here to negotiate it).
                let connection = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .into_owned();
                let connection = graceful.watch(connection);
                let open = connections.opened();
                tokio::spawn(async move {
                    let _open = open;
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(5)) => {
            tracing::warn!("connections still open 5 s after shutdown; closing them");
        }
    }
}

/// A running sandbox. Dropping it shuts the server down; [`Sandbox::shutdown`] also waits
/// until it has stopped.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    addr: SocketAddr,
    base_url: String,
}

impl Sandbox {
    /// A builder with the defaults: account `sandbox`, secret `sandbox-secret`,
    /// [`Timings::fast`], listening on `127.0.0.1` at an ephemeral port.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The base URL of the API, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The account id it accepts (HTTP Basic username).
    pub fn account_id(&self) -> &str {
        &self.shared.config.account_id
    }

    /// The secret key it accepts (HTTP Basic password).
    pub fn secret_key(&self) -> &str {
        &self.shared.config.secret_key
    }

    /// The secret callbacks are signed with.
    pub fn callback_secret(&self) -> &str {
        &self.shared.config.callback_secret
    }

    /// The timings it runs with.
    pub fn timings(&self) -> Timings {
        self.shared.config.timings
    }

    /// The profile it answers with.
    pub fn profile(&self) -> Profile {
        self.shared.config.profile
    }

    /// Start requests received and sessions started, per start operation (its path, e.g.
    /// `/v3/bankid-se/phone/auth`), in any profile. A client that never retries a start
    /// shows `received == started` for every operation.
    pub fn starts(&self) -> BTreeMap<String, StartCount> {
        lock(&self.shared.counters).starts.clone()
    }

    /// What the hostile profile has served so far (all zero in the default profile).
    pub fn hostile_stats(&self) -> HostileStats {
        lock(&self.shared.counters).hostile.clone()
    }

    /// Completes the pending session `id` now.
    pub fn complete(&self, id: impl AsRef<str>) -> Result<(), SandboxError> {
        control::end_session(&self.shared, id.as_ref(), Outcome::Completed)
    }

    /// Fails the pending session `id` now with error code `code` (any string).
    pub fn fail(&self, id: impl AsRef<str>, code: impl Into<String>) -> Result<(), SandboxError> {
        control::end_session(&self.shared, id.as_ref(), Outcome::Failed(code.into()))
    }

    /// The content of the QR code a BankID app would scan for session `id` at this second.
    pub fn qr_code(&self, id: impl AsRef<str>) -> Result<String, SandboxError> {
        control::current_qr(&self.shared, id.as_ref())
    }

    /// Queues a fault for the next matching API request(s).
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).queue.push(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).queue.clear();
    }

    /// Every API request received so far (control API requests excluded), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// How many API answers so far had status 429 (Too Many Requests), from the per-session
    /// read limit, the `throttle` script or an injected fault alike.
    pub fn rate_limited_count(&self) -> u64 {
        self.shared.rate_limited.load(Ordering::Relaxed)
    }

    /// How many connections the sandbox has accepted, holds open now, and held open at
    /// most at once.
    pub fn connections(&self) -> ConnectionStats {
        self.shared.connections.stats()
    }

    /// Starts [`ConnectionStats::peak`] over from the connections open now, so a test can
    /// measure one phase of its run.
    pub fn reset_peak_connections(&self) {
        self.shared.connections.reset_peak();
    }

    /// Every callback sent so far, with its attempts.
    pub fn callbacks(&self) -> Vec<CallbackDelivery> {
        lock(&self.shared.callbacks).clone()
    }

    /// Stops accepting connections, lets requests in flight finish, and waits until the server
    /// has stopped.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take()
            && let Err(e) = server.await
        {
            tracing::warn!(error = %e, "sandbox server task failed");
        }
        tracing::info!(base_url = %self.base_url, "IDkollen sandbox stopped");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // The server task sees this and stops on its own; nothing here may block.
        let _ = self.shutdown.send(true);
    }
}
