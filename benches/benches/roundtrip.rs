//! One status read of a pending BankID SE session over loopback against the sandbox, side by
//! side: idkollen-ext, the generated client alone, raw reqwest + serde_json, and the official
//! client `identisure-client`.
//!
//! All four clients are timed the same way, by [`Rotation::timed`]: reads go round a pool of
//! pending sessions, each session is read at most once a second (idkollen-ext will not read a
//! session more often, and the service allows no more), a read whose session is not due yet
//! waits outside the timed part, and only the read call itself is timed. The sandbox's own
//! per-session limit is off (`status_read_interval: Duration::ZERO`) so that no client is told
//! 429 by a read that lands a little early; the figures measure the clients, not the limiter.
//!
//! The generated client and the hand-written reqwest read use a `reqwest::Client` configured as
//! idkollen-ext configures its own (30 s request timeout, 10 s connect timeout), so what differs
//! between the first three is the code on top of reqwest. The official client builds its own.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use identisure_client::models::BankIdSeStatus as OfficialStatus;
use identisure_client::{IdentisureClient, IdentisureClientBuilder};
use idkollen_api::types;
use idkollen_bench::server::SandboxServer;
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Poller, Session, SessionStatus};
use idkollen_sandbox::{Sandbox, Timings};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use tokio::time::Instant;

/// Sessions in the rotation: about as many reads a second as one client thread makes on
/// loopback, so the rotation seldom waits.
const POOL: usize = 20_000;

/// How long after a read the same session is read again, with a margin so that idkollen-ext's
/// own gate (one second from the answer) never makes the timed call sleep.
const GATE: Duration = Duration::from_millis(1005);

/// The order in which sessions are read and when each may be read again.
struct Rotation {
    /// An untimed pause before every read (`ROUNDTRIP_PAUSE_MS`, default none): with it,
    /// each read finds both sides idle instead of following the previous answer at once.
    pause: Option<Duration>,
    next: usize,
    ready: Vec<Instant>,
    reads: u64,
    waits: u64,
}

impl Rotation {
    /// A rotation over `sessions` sessions that were started just now: each is first due
    /// [`GATE`] from now, as idkollen-ext counts the start as the first contact.
    fn new(sessions: usize) -> Self {
        let pause = std::env::var("ROUNDTRIP_PAUSE_MS")
            .ok()
            .map(|ms| Duration::from_millis(ms.parse().expect("ROUNDTRIP_PAUSE_MS: milliseconds")))
            .filter(|pause| !pause.is_zero());
        Self {
            pause,
            next: 0,
            ready: vec![Instant::now() + GATE; sessions],
            reads: 0,
            waits: 0,
        }
    }

    /// The time of `iters` reads, the read of the session at index `i` made by `read(i)`.
    /// The wait until a session is due is not counted.
    async fn timed<F, Fut, T>(&mut self, iters: u64, mut read: F) -> Duration
    where
        F: FnMut(usize) -> Fut,
        Fut: Future<Output = T>,
    {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let i = self.next;
            self.next = (i + 1) % self.ready.len();
            if self.ready[i] > Instant::now() {
                self.waits += 1;
                tokio::time::sleep_until(self.ready[i]).await;
            }
            if let Some(pause) = self.pause {
                tokio::time::sleep(pause).await;
            }
            self.reads += 1;
            let began = Instant::now();
            black_box(read(i).await);
            total += began.elapsed();
            self.ready[i] = Instant::now() + GATE;
        }
        total
    }
}

fn roundtrip(c: &mut Criterion) {
    let server = SandboxServer::start(
        Timings {
            status_read_interval: Duration::ZERO,
            // The pool must stay pending for the whole run.
            manual_timeout: Duration::from_secs(3600),
            ..Timings::fast()
        },
        1,
    )
    .expect("the sandbox starts");
    let sb = server.sandbox();
    // The clients on this thread, the sandbox on its own: a client process and a server.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");

    // One pool of sessions, read by every client in turn through one rotation, so that each
    // client reads sessions of the same kind from a sandbox in the same state. The first
    // reads wait until the sessions are a second old, before criterion's clock starts.
    let ext = ext_client(sb);
    let sessions = rt.block_on(start_sessions(&ext));
    let ids: Vec<String> = sessions.iter().map(|s| s.id().to_owned()).collect();
    let mut rotation = Rotation::new(POOL);
    rt.block_on(async { tokio::time::sleep(GATE).await });

    let mut group = c.benchmark_group("status_roundtrip");
    group.bench_function("idkollen-ext poll_once", |b| {
        b.iter_custom(|iters| {
            rt.block_on(rotation.timed(iters, |i| {
                let session = &sessions[i];
                async move {
                    let status = session.poll_once().await.expect("a status read");
                    assert!(matches!(status, SessionStatus::Pending { .. }));
                    status
                }
            }))
        })
    });

    let generated = generated_client(sb);
    let session_ids: Vec<types::SessionId> = ids
        .iter()
        .map(|id| types::SessionId::try_from(id.as_str()).expect("a session id"))
        .collect();
    group.bench_function("idkollen-api generated client", |b| {
        b.iter_custom(|iters| {
            rt.block_on(rotation.timed(iters, |i| {
                let id = &session_ids[i];
                let generated = &generated;
                async move {
                    let status = generated
                        .bankid_se_get_auth_status(id)
                        .await
                        .expect("a status read")
                        .into_inner();
                    assert!(matches!(status, types::BankIdSeStatus::BankIdSePending(_)));
                    status
                }
            }))
        })
    });

    let http = http_client(HeaderMap::new());
    let base = sb.base_url();
    group.bench_function("reqwest + serde_json", |b| {
        b.iter_custom(|iters| {
            rt.block_on(rotation.timed(iters, |i| {
                let status = raw_read(&http, sb, &base, &ids[i]);
                async move {
                    let status = status.await;
                    assert!(matches!(status, types::BankIdSeStatus::BankIdSePending(_)));
                    status
                }
            }))
        })
    });

    let official = official_client(sb);
    group.bench_function("identisure-client auth_status", |b| {
        b.iter_custom(|iters| {
            rt.block_on(rotation.timed(iters, |i| {
                let id = &ids[i];
                let official = &official;
                async move {
                    let status = official
                        .bankid_se()
                        .auth_status(id)
                        .await
                        .expect("a status read");
                    assert!(matches!(status, OfficialStatus::Pending(_)));
                    status
                }
            }))
        })
    });
    group.finish();
    eprintln!(
        "rotation: {} reads, {} waits",
        rotation.reads, rotation.waits
    );
}

/// idkollen-ext pointed at the sandbox, with its default settings.
fn ext_client(sb: &Sandbox) -> idkollen_ext::Client {
    idkollen_ext::Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .build()
        .expect("a client")
}

/// Starts [`POOL`] pending sessions (refId `sandbox:manual`) through idkollen-ext.
async fn start_sessions(client: &idkollen_ext::Client) -> Vec<Session<BankIdSeCompleted>> {
    let mut sessions = Vec::with_capacity(POOL);
    for _ in 0..POOL {
        let session = client
            .bankid_se()
            .auth()
            .ref_id("sandbox:manual")
            .send()
            .await
            .expect("a session starts");
        sessions.push(session);
    }
    sessions
}

/// A `reqwest::Client` with idkollen-ext's timeouts and the given default headers.
fn http_client(headers: HeaderMap) -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// The generated client alone, on a reqwest client that sends the credentials.
fn generated_client(sb: &Sandbox) -> idkollen_api::Client {
    let basic = reqwest::Client::new()
        .get("http://unused.invalid/")
        .basic_auth(sb.account_id(), Some(sb.secret_key()))
        .build()
        .expect("a request");
    let mut headers = HeaderMap::new();
    let value: HeaderValue = basic.headers()[AUTHORIZATION].clone();
    headers.insert(AUTHORIZATION, value);
    idkollen_api::Client::new_with_client(&sb.base_url(), http_client(headers))
}

/// A hand-written read: reqwest for the request, serde_json into the generated union.
async fn raw_read(
    http: &reqwest::Client,
    sb: &Sandbox,
    base: &str,
    id: &str,
) -> types::BankIdSeStatus {
    let bytes = http
        .get(format!("{base}/v3/bankid-se/auth/{id}"))
        .basic_auth(sb.account_id(), Some(sb.secret_key()))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("a status read")
        .bytes()
        .await
        .expect("a body");
    serde_json::from_slice(&bytes).expect("a status union")
}

fn official_client(sb: &Sandbox) -> IdentisureClient {
    IdentisureClientBuilder::new(sb.account_id(), sb.secret_key())
        .base_url(sb.base_url())
        .build()
        .expect("the official client builds")
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
