//! Coordination of a fleet of instances through Redis (or Valkey, which speaks the same
//! protocol).
//!
//! Keys, all under the prefix (`idkollen` by default), with the session id in braces so that a
//! Redis Cluster keeps one session's keys on one node:
//!
//! | key | holds | expires |
//! |---|---|---|
//! | `{prefix}:{<id>}:lease` | the token of the instance that reads the session (it reads on, renewing the lease with each answer) | the interval plus `READ_HOLD` after its holder's last answer; removed when the holder stops waiting |
//! | `{prefix}:{<id>}:status` | the status object last read by any instance (JSON) | after the freshness (2 s by default) |
//! | `{prefix}:{<id>}:final` | the session's final status (a callback's body, or a final read) | after [`KEEP`] |
//! | `{prefix}:account:<account>:reads` | the account's next free read (µs), with a read budget | a second after it |
//!
//! and one channel, `{prefix}:events`, on which final statuses are announced to every
//! instance. A final status is stored before it is announced, and a waiter subscribes in its
//! process before it reads the stored one, so no announcement falls between the two.

mod gate;
mod listen;

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use tokio::sync::watch;

use super::hub::CallbackHub;
use crate::callback::{Callback, parse_callback};
use crate::error::Error;
use crate::telemetry;
pub(crate) use gate::RedisGate;

/// How long a final status stays in Redis for a waiter that comes after it (the same time the
/// in-process hub keeps an unclaimed callback).
const KEEP: Duration = Duration::from_secs(600);

/// Coordination of the instances of a backend through Redis or Valkey (feature `redis`).
///
/// Give it to every instance's client with
/// [`ClientBuilder::coordination`](crate::ClientBuilder::coordination), and the fleet behaves
/// as one process:
///
/// - a callback delivered to any instance ([`Client::deliver_callback`](crate::Client::deliver_callback))
///   ends the waits on that session on every instance; it is kept (10 minutes) for a waiter
///   that starts later;
/// - the fleet reads a session at most once a second: one instance holds a lease on it in
///   Redis and reads on, the others wait for it, and, with
///   [`account_reads_per_second`](RedisCoordinationBuilder::account_reads_per_second), the
///   account at most that many times a second;
/// - the last status any instance read answers the others' waits and
///   [`Poller::poll_once`](crate::Poller::poll_once) while it is fresh, without another read,
///   and a final status read by one instance ends the waits on the others.
///
/// If Redis becomes unreachable, every instance goes on polling on its own (the in-process
/// behaviour) and says so in a `tracing` warning; coordination comes back with Redis.
///
/// ```no_run
/// # async fn run() -> Result<(), idkollen_ext::Error> {
/// use idkollen_ext::{Client, RedisCoordination};
///
/// let fleet = RedisCoordination::connect("redis://127.0.0.1:6379/").await?;
/// let client = Client::builder()
///     .credentials("my-account", "my-secret")
///     .callback_secret("my-callback-secret")
///     .coordination(fleet)
///     .build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
///
/// Cheap to clone: clones share one connection and one subscription.
#[derive(Clone)]
pub struct RedisCoordination {
    fleet: Arc<Fleet>,
}

impl fmt::Debug for RedisCoordination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: it is not shown.
        f.debug_struct("RedisCoordination")
            .field("prefix", &self.fleet.prefix)
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

/// Configures and connects a [`RedisCoordination`].
pub struct RedisCoordinationBuilder {
    url: SecretString,
    prefix: String,
    account_reads_per_second: Option<NonZeroU32>,
    status_freshness: Duration,
    timeout: Duration,
}

impl fmt::Debug for RedisCoordinationBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCoordinationBuilder")
            .field("url", &"[redacted]")
            .field("prefix", &self.prefix)
            .field("account_reads_per_second", &self.account_reads_per_second)
            .field("status_freshness", &self.status_freshness)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl RedisCoordinationBuilder {
    /// The prefix of every key and channel (`idkollen` by default): instances with the same
    /// prefix form one fleet; another prefix keeps another application apart in one Redis.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// An account-wide budget of status reads a second, shared by the fleet, for a service
    /// whose limit is per account rather than per session: reads are spaced at least
    /// `1 / reads` seconds apart across all sessions. None by default (the per-session limit
    /// alone).
    pub fn account_reads_per_second(mut self, reads: NonZeroU32) -> Self {
        self.account_reads_per_second = Some(reads);
        self
    }

    /// How old a status another instance read may be and still answer a wait or a
    /// [`Poller::poll_once`](crate::Poller::poll_once) without a read of IDkollen: 2 s by
    /// default, two of the reading instance's intervals, so that the next read's status
    /// replaces it before it lapses and the other instances' waits always find one.
    pub fn status_freshness(mut self, freshness: Duration) -> Self {
        self.status_freshness = freshness;
        self
    }

    /// How long a Redis command may take (1 s by default): a turn to read that is not answered
    /// in time is asked for again shortly. When no command has been answered in time for five
    /// times this long, coordination is off until Redis answers again (a refused or dropped
    /// connection turns it off at once). Also the limit of [`connect`](Self::connect).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects, loads the scripts and subscribes to the fleet's announcements. Fails with
    /// [`Error::Coordination`] when Redis cannot be reached, so an instance never starts
    /// believing it coordinates when it does not.
    pub async fn connect(self) -> Result<RedisCoordination, Error> {
        let unreachable = |e: Failure| {
            let message = "Redis could not be reached when the client was built";
            match e {
                Failure::Redis(e) => Error::coordination(message, e),
                Failure::Slow => Error::coordination(
                    message,
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in time"),
                ),
            }
        };
        let client = redis::Client::open(self.url.expose_secret())
            .map_err(|e| Error::coordination("the Redis URL is not valid", e))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // Reconnection is retried by the next command, and by the listener while Redis is
            // away: a command must not wait through a long series of attempts.
            .set_number_of_retries(1)
            .set_max_delay(self.timeout);
        let commands = within(
            self.timeout,
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(unreachable)?;
        let scripts = gate::Scripts::default();
        let mut probe = commands.clone();
        within(self.timeout, scripts.load(&mut probe))
            .await
            .map_err(unreachable)?;
        let channel = format!("{}:events", self.prefix);
        let pubsub = within(self.timeout, listen::subscribe(&client, &channel))
            .await
            .map_err(unreachable)?;
        let (stop, stopped) = watch::channel(());
        let fleet = Arc::new(Fleet {
            commands,
            client,
            channel,
            prefix: self.prefix,
            instance: format!("{:016x}", crate::poll::random()),
            tokens: AtomicU64::new(0),
            connected: AtomicBool::new(true),
            last_answer: std::sync::Mutex::new(tokio::time::Instant::now()),
            timeout: self.timeout,
            freshness: self.status_freshness,
            account_every_us: self
                .account_reads_per_second
                .map_or(0, |n| 1_000_000 / u64::from(n.get())),
            scripts,
            hub: Arc::default(),
            runtime: tokio::runtime::Handle::current(),
            _stop: stop,
        });
        fleet
            .runtime
            .spawn(listen::listen(Arc::downgrade(&fleet), pubsub, stopped));
        tracing::info!(prefix = %fleet.prefix, "coordinating through Redis");
        Ok(RedisCoordination { fleet })
    }
}

impl RedisCoordination {
    /// A builder for the Redis at `url` (`redis://[:password@]host:port/[db]`, or `rediss://`
    /// for TLS where the `redis` crate is built with it).
    pub fn builder(url: impl Into<String>) -> RedisCoordinationBuilder {
        RedisCoordinationBuilder {
            url: SecretString::from(url.into()),
            prefix: "idkollen".to_owned(),
            account_reads_per_second: None,
            status_freshness: 2 * crate::poll::MIN_INTERVAL,
            timeout: Duration::from_secs(1),
        }
    }

    /// Connects with the defaults (see [`RedisCoordinationBuilder`]).
    pub async fn connect(url: impl Into<String>) -> Result<Self, Error> {
        Self::builder(url).connect().await
    }

    /// Whether this instance coordinates through Redis right now; `false` while Redis is
    /// unreachable and the instance polls on its own.
    pub fn is_connected(&self) -> bool {
        self.fleet.connected.load(Ordering::SeqCst)
    }

    pub(super) fn hub(&self) -> Arc<CallbackHub> {
        self.fleet.hub.clone()
    }

    pub(super) fn gate(&self, id: &str, account: &str) -> RedisGate {
        RedisGate::new(self.fleet.clone(), id, account)
    }

    /// Stores a callback's final status and announces it to the fleet, from a task: the
    /// caller (an HTTP handler) answers at once, and the waiters in this process are woken
    /// without waiting for Redis.
    pub(super) fn announce(&self, callback: &Callback) {
        let fleet = self.fleet.clone();
        let id = callback.id().to_owned();
        let body = callback.body().to_string();
        self.fleet.runtime.spawn(async move {
            let mut pipe = redis::pipe();
            pipe.set_ex(fleet.key(&id, "final"), &body, KEEP.as_secs())
                .ignore()
                .publish(&fleet.channel, fleet.message(&id, &body))
                .ignore();
            let _ = fleet
                .call("announcing a callback", |mut con| async move {
                    pipe.exec_async(&mut con).await
                })
                .await;
        });
    }

    /// Holds the session's lease for the interval after its start (see
    /// [`Coordination::started`](super::Coordination::started)).
    pub(super) async fn started(&self, id: &str) {
        let fleet = &self.fleet;
        if !fleet.is_connected() {
            return;
        }
        let mut hold = redis::cmd("SET");
        hold.arg(fleet.key(id, "lease"))
            .arg(fleet.token())
            .arg("NX")
            .arg("PX")
            .arg(crate::poll::MIN_INTERVAL.as_millis() as u64);
        let _ = fleet
            .call(
                "holding a new session's first second",
                |mut con| async move { hold.query_async::<Option<String>>(&mut con).await },
            )
            .await;
    }

    /// Brings in the final status kept for session `id`, if any (see
    /// [`Subscription::catch_up`](super::Subscription::catch_up)).
    pub(super) async fn catch_up(&self, id: &str) {
        let fleet = &self.fleet;
        if !fleet.is_connected() {
            return;
        }
        let key = fleet.key(id, "final");
        let kept = fleet
            .call("reading a kept final status", |mut con| async move {
                redis::cmd("GET")
                    .arg(key)
                    .query_async::<Option<Vec<u8>>>(&mut con)
                    .await
            })
            .await;
        if let Ok(Some(body)) = kept {
            fleet.deliver(id, &body);
        }
    }
}

/// What the clients of one process share of a fleet: the connection, the subscription's
/// listener, and the callback hub it delivers to.
pub(crate) struct Fleet {
    commands: ConnectionManager,
    client: redis::Client,
    channel: String,
    prefix: String,
    /// Announcements from this instance come back to it: it skips them.
    instance: String,
    tokens: AtomicU64,
    connected: AtomicBool,
    /// When a command was last answered in time.
    last_answer: std::sync::Mutex<tokio::time::Instant>,
    timeout: Duration,
    freshness: Duration,
    /// The account's read budget as the spacing of reads, in µs; 0 for none.
    account_every_us: u64,
    scripts: gate::Scripts,
    hub: Arc<CallbackHub>,
    runtime: tokio::runtime::Handle,
    /// Dropped with the fleet, which stops the listener.
    _stop: watch::Sender<()>,
}

impl Fleet {
    fn key(&self, id: &str, what: &str) -> String {
        format!("{}:{{{id}}}:{what}", self.prefix)
    }

    fn message(&self, id: &str, body: &str) -> String {
        json!({ "from": self.instance, "id": id, "body": body }).to_string()
    }

    fn is_connected(&self) -> bool {
        self.connected.load(Ordering::SeqCst)
    }

    /// A token no other lease of any instance has.
    fn token(&self) -> String {
        format!(
            "{}-{}",
            self.instance,
            self.tokens.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Runs `command` on the shared connection within the timeout, and sorts out how it went
    /// (see [`outcome`](Self::outcome)).
    async fn call<T, F>(
        &self,
        doing: &str,
        command: impl FnOnce(ConnectionManager) -> F,
    ) -> Result<T, Missed>
    where
        F: Future<Output = Result<T, redis::RedisError>>,
    {
        let result = within(self.timeout, command(self.commands.clone())).await;
        self.outcome(result, doing)
    }

    /// Hands a final status (a status object as JSON) to the waiters in this process.
    fn deliver(&self, id: &str, body: &[u8]) {
        match parse_callback(body) {
            Ok(callback) if callback.id() == id => self.hub.publish_if_waiting(callback),
            Ok(_) => tracing::warn!(%id, "ignored a final status kept for another session"),
            Err(err) => {
                tracing::warn!(%id, error = %err, "ignored a final status in Redis that is not a status object")
            }
        }
    }

    /// The result of a Redis command: its value, or why not after saying what went wrong.
    /// An unreachable Redis turns coordination off until the listener finds it again, and so
    /// do slow answers with no answer in time for [`SLOW_LIMIT`] timeouts (a slow answer
    /// among others in time is a busy moment); any other error (bad data under our keys, a
    /// script refused) is that command's alone.
    fn outcome<T>(&self, result: Result<T, Failure>, doing: &str) -> Result<T, Missed> {
        let err = match result {
            Ok(value) => {
                *self.last_answer() = tokio::time::Instant::now();
                return Ok(value);
            }
            Err(Failure::Slow) => return Err(self.slow_answer(&"Redis did not answer in time")),
            Err(Failure::Redis(err)) => err,
        };
        if err.is_timeout() {
            Err(self.slow_answer(&err))
        } else if unreachable(&err) {
            self.lost(&err);
            Err(Missed::Unreachable)
        } else {
            tracing::warn!(error = %err, "Redis refused {doing}; this instance goes on alone for it");
            Err(Missed::Refused)
        }
    }

    fn last_answer(&self) -> std::sync::MutexGuard<'_, tokio::time::Instant> {
        self.last_answer.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn slow_answer(&self, err: &dyn fmt::Display) -> Missed {
        if self.last_answer().elapsed() >= self.timeout * SLOW_LIMIT {
            self.lost(err);
            Missed::Unreachable
        } else {
            Missed::Slow
        }
    }

    /// Redis is unreachable: every session goes on polling from this instance.
    fn lost(&self, err: &dyn fmt::Display) {
        if self.connected.swap(false, Ordering::SeqCst) {
            telemetry::coordination_fallback();
            tracing::warn!(error = %err, "Redis is unreachable: sessions go on polling from this instance until it is back");
        }
    }

    /// Redis answers again.
    fn found(&self) {
        if !self.connected.swap(true, Ordering::SeqCst) {
            tracing::info!("Redis is reachable again: coordination resumed");
        }
    }
}

/// Why a Redis command gave no answer to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missed {
    /// Too slow this time; coordination goes on.
    Slow,
    /// Redis cannot be reached: coordination is off.
    Unreachable,
    /// Redis refused the command (bad data, say).
    Refused,
}

/// A Redis command that failed: no answer within the time, or Redis's error.
pub(crate) enum Failure {
    Slow,
    Redis(redis::RedisError),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Slow => f.write_str("Redis did not answer in time"),
            Failure::Redis(err) => err.fmt(f),
        }
    }
}

/// After how many timeouts without an answer in time slow answers turn coordination off.
const SLOW_LIMIT: u32 = 5;

/// Whether an error means Redis cannot be reached (as opposed to a command it refused).
fn unreachable(err: &redis::RedisError) -> bool {
    err.is_io_error()
        || err.is_connection_dropped()
        || err.is_connection_refusal()
        || err.is_unrecoverable_error()
}

/// A Redis command that gives up after `limit`.
async fn within<T>(
    limit: Duration,
    fut: impl Future<Output = Result<T, redis::RedisError>>,
) -> Result<T, Failure> {
    match tokio::time::timeout(limit, fut).await {
        Ok(result) => result.map_err(Failure::Redis),
        Err(_) => Err(Failure::Slow),
    }
}
