//! One status read of a pending BankID SE session over loopback against the sandbox, side by
//! side: idkollen-ext, the generated client alone, raw reqwest + serde_json, and the official
//! client `identisure-client`.
//!
//! The sandbox's per-session read limit is off (`status_read_interval: Duration::ZERO`) so the
//! figures measure the clients, not the limiter. idkollen-ext keeps its own limit of one read a
//! second per session: its reads rotate over a pool of pending sessions, and the wait for a
//! session's next allowed read happens outside the timed part, so only `poll_once` itself is
//! measured. The other clients read the same sessions in the same rotation.

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use identisure_client::models::BankIdSeStatus as OfficialStatus;
use identisure_client::{IdentisureClient, IdentisureClientBuilder};
use idkollen_api::types;
use idkollen_bench::server::SandboxServer;
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Session, SessionStatus};
use idkollen_sandbox::{Sandbox, Timings};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use tokio::time::Instant;

/// Sessions in the rotation: enough that idkollen-ext's one-read-a-second gate rarely holds
/// the benchmark up (about 5,000 reads a second of wall time).
const POOL: usize = 5000;

/// How long after a read idkollen-ext's gate lets the same session be read again, with a margin
/// so the timed read never sleeps.
const GATE: Duration = Duration::from_millis(1005);

/// A session of the rotation and when idkollen-ext may read it again.
struct Pooled {
    session: Session<BankIdSeCompleted>,
    ready: Instant,
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
    let mut pool = rt.block_on(start_pool(sb));
    let ids: Vec<String> = pool.iter().map(|p| p.session.id().to_owned()).collect();
    let mut group = c.benchmark_group("status_roundtrip");

    group.bench_function("idkollen-ext poll_once", |b| {
        b.iter_custom(|iters| rt.block_on(ext_reads(&mut pool, iters)))
    });

    let raw = generated_client(sb);
    let session_ids: Vec<types::SessionId> = ids
        .iter()
        .map(|id| types::SessionId::try_from(id.as_str()).expect("a session id"))
        .collect();
    group.bench_function("idkollen-api generated client", |b| {
        b.iter_custom(|iters| {
            rt.block_on(timed(iters, |i| {
                let id = &session_ids[i % session_ids.len()];
                let raw = &raw;
                async move {
                    let status = raw
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

    let http = reqwest::Client::new();
    let base = sb.base_url();
    group.bench_function("reqwest + serde_json", |b| {
        b.iter_custom(|iters| {
            rt.block_on(timed(iters, |i| {
                let status = raw_read(&http, sb, &base, &ids[i % ids.len()]);
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
            rt.block_on(timed(iters, |i| {
                let id = &ids[i % ids.len()];
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
}

/// The time of `iters` reads made one after another, the `i`th by `read(i)`. One `block_on`
/// per sample, as for idkollen-ext, so every client pays the same for the runtime.
async fn timed<F, Fut, T>(iters: u64, mut read: F) -> Duration
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let began = Instant::now();
    for i in 0..iters {
        black_box(read(i as usize).await);
    }
    began.elapsed()
}

/// Starts the pool of pending sessions through idkollen-ext.
async fn start_pool(sb: &Sandbox) -> VecDeque<Pooled> {
    let client = idkollen_ext::Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .build()
        .expect("a client");
    let mut pool = VecDeque::with_capacity(POOL);
    for _ in 0..POOL {
        let session = client
            .bankid_se()
            .auth()
            .ref_id("sandbox:manual")
            .send()
            .await
            .expect("a session starts");
        // A new session's gate counts the start as the first contact: a read a second later.
        pool.push_back(Pooled {
            session,
            ready: Instant::now() + GATE,
        });
    }
    pool
}

/// `iters` reads through idkollen-ext; only the `poll_once` calls are timed.
async fn ext_reads(pool: &mut VecDeque<Pooled>, iters: u64) -> Duration {
    let mut timed = Duration::ZERO;
    for _ in 0..iters {
        let mut next = pool.pop_front().expect("the pool is never empty");
        tokio::time::sleep_until(next.ready).await;
        let began = Instant::now();
        let status = next.session.poll_once().await.expect("a status read");
        timed += began.elapsed();
        assert!(matches!(status, SessionStatus::Pending { .. }));
        next.ready = Instant::now() + GATE;
        pool.push_back(next);
    }
    timed
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
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client");
    idkollen_api::Client::new_with_client(&sb.base_url(), http)
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
