//! Memory per waiting session: one client process waiting on BankID SE logins that never
//! complete, against the sandbox in a process of its own (so the client's RSS stands alone).
//! Prints the client's RSS when idle and after the sessions have waited a while, the bytes per
//! waiting session, the status reads the sandbox saw and the client's open sockets.
//!
//! ```text
//! cargo build --release -p idkollen-sandbox -p idkollen-bench
//! target/release/memory --sessions 10000 --mode ext
//! target/release/memory --sessions 100000 --mode ext-callbacks --fallback-secs 30
//! target/release/memory --sessions 10000 --mode official
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use futures::StreamExt as _;
use identisure_client::models::{BankIdSeAuthRequest, BankIdSeStatus};
use identisure_client::{IdentisureClientBuilder, PollOptions};
use idkollen_bench::proc_stats;
use idkollen_bench::raw_http::MANUAL;
use idkollen_bench::sandbox_process::{
    ACCOUNT, CALLBACK_SECRET, SECRET, SandboxProcess, status_reads,
};
use idkollen_ext::{Client, PollPolicy, Poller};

/// Which client waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// idkollen-ext polling once a second.
    Ext,
    /// idkollen-ext with a callback URL: the reads are a slower fallback.
    ExtCallbacks,
    /// IDkollen's official client, `wait_for_auth` with its default options.
    Official,
}

#[derive(Debug, Parser)]
struct Args {
    /// How many sessions wait at once.
    #[arg(long, default_value_t = 10_000)]
    sessions: usize,
    #[arg(long, value_enum, default_value_t = Mode::Ext)]
    mode: Mode,
    /// How long the sessions wait before the RSS is read.
    #[arg(long, default_value_t = 10)]
    wait_secs: u64,
    /// The fallback read interval with callbacks (`PollPolicy::callback_fallback_interval`).
    #[arg(long, default_value_t = 5)]
    fallback_secs: u64,
    /// Tokio worker threads of the client.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// How many sessions start at once.
    #[arg(long, default_value_t = 64)]
    start_concurrency: usize,
    /// idkollen-ext's bound on requests in flight; its default when absent.
    #[arg(long)]
    max_requests_in_flight: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("memory run failed: {e}");
            ExitCode::FAILURE
        }
    }
}

type RunError = Box<dyn std::error::Error + Send + Sync>;

fn run(args: &Args) -> Result<(), RunError> {
    let sandbox = SandboxProcess::start()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.workers)
        .enable_all()
        .build()?;
    runtime.block_on(wait_on_sessions(args, sandbox.base_url()))
}

async fn wait_on_sessions(args: &Args, base_url: &str) -> Result<(), RunError> {
    let http = reqwest::Client::new();
    let policy = PollPolicy::new()
        .no_deadline()
        .callback_fallback_interval(Duration::from_secs(args.fallback_secs));
    let mut ext = Client::builder();
    if let Some(bound) = args.max_requests_in_flight {
        ext = ext.max_requests_in_flight(bound);
    }
    let ext = ext
        .base_url(base_url)
        .credentials(ACCOUNT, SECRET)
        .callback_secret(CALLBACK_SECRET)
        .poll_policy(policy)
        .build()?;
    let official = Arc::new(
        IdentisureClientBuilder::new(ACCOUNT, SECRET)
            .base_url(base_url)
            .build()?,
    );
    // Where callbacks would go; nothing completes, so none is sent.
    let callback_url = "http://127.0.0.1:9/idkollen-callback";

    // One session started and read before the idle figure, so that the connection pool,
    // the runtime and the lazily built parts of the client count as idle.
    let warm = ext.bankid_se().auth().ref_id(MANUAL).send().await?;
    let _ = warm.poll_once().await?;
    let future_bytes = std::mem::size_of_val(&warm.wait());
    let session_bytes = std::mem::size_of_val(&warm);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = proc_stats::memory()?;
    let reads_before = status_reads(&http, base_url).await?;

    let began = Instant::now();
    let mode = args.mode;
    let mut starts = futures::stream::iter(0..args.sessions)
        .map(|_| {
            let (ext, official) = (ext.clone(), official.clone());
            async move {
                match mode {
                    Mode::Ext | Mode::ExtCallbacks => {
                        let mut auth = ext.bankid_se().auth().ref_id(MANUAL);
                        if mode == Mode::ExtCallbacks {
                            auth = auth.callback_url(callback_url);
                        }
                        let session = auth.send().await?;
                        Ok::<_, RunError>(tokio::spawn(async move {
                            let _ = session.wait().await;
                        }))
                    }
                    Mode::Official => {
                        let request = BankIdSeAuthRequest::new().ref_id(MANUAL.to_owned());
                        let id = match official.bankid_se().auth(request).await? {
                            BankIdSeStatus::Pending(p) => p.id,
                            other => return Err(format!("the start answered {other:?}").into()),
                        };
                        Ok(tokio::spawn(async move {
                            let _ = official
                                .bankid_se()
                                .wait_for_auth(&id, PollOptions::default())
                                .await;
                        }))
                    }
                }
            }
        })
        .buffer_unordered(args.start_concurrency.max(1));
    let mut waiters = Vec::with_capacity(args.sessions);
    while let Some(waiter) = starts.next().await {
        waiters.push(waiter?);
    }
    drop(starts);
    let started_in = began.elapsed();
    tokio::time::sleep(Duration::from_secs(args.wait_secs)).await;
    let waiting = proc_stats::memory()?;
    let reads = status_reads(&http, base_url).await? - reads_before;
    let sockets = open_sockets();

    let grown_kib = waiting.rss_kib.saturating_sub(idle.rss_kib);
    let per_session = grown_kib as f64 * 1024.0 / args.sessions as f64;
    let elapsed = began.elapsed().as_secs_f64();
    println!(
        "mode={mode:?} sessions={} started_in={:.1}s waited={}s idle_rss={} KiB \
         waiting_rss={} KiB grown={} KiB per_session={:.0} B peak_rss={} KiB \
         status_reads={} reads_per_session_per_s={:.2} open_sockets={} \
         wait_future={future_bytes} B session={session_bytes} B",
        args.sessions,
        started_in.as_secs_f64(),
        args.wait_secs,
        idle.rss_kib,
        waiting.rss_kib,
        grown_kib,
        per_session,
        waiting.peak_rss_kib,
        reads,
        reads as f64 / args.sessions as f64 / elapsed,
        sockets,
    );
    for waiter in waiters {
        waiter.abort();
    }
    Ok(())
}

/// The sockets this process holds open.
fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    std::fs::read_link(e.path())
                        .map(|target| target.to_string_lossy().starts_with("socket:"))
                        .unwrap_or(false)
                })
                .count()
        })
        .unwrap_or(0)
}
