//! The load run: many sessions waiting at once against an in-process sandbox, each completed by
//! hand at a random moment, and what that costs the process and the service.
//!
//! The sandbox runs on its own runtime (threads named [`SANDBOX_THREAD`]) with the service's
//! limit of one status read per second per session; the clients run on another (threads named
//! [`CLIENT_THREAD`]). Every session is a BankID SE authentication with refId
//! `sandbox:manual`, which stays pending until the driver calls `Sandbox::complete` on it.

mod clients;
mod report;
pub(crate) mod schedule;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use idkollen_sandbox::{ConnectionStats, Sandbox, Timings};

use crate::proc_stats;
use crate::server::{SANDBOX_THREAD, SandboxServer};
use crate::stats::Percentiles;
use clients::{Fleet, RunError};
pub(crate) use clients::{MANUAL, PERSONA_SSN};
pub use report::LoadReport;
pub use schedule::Pace;

/// The name of the client runtime's threads.
pub const CLIENT_THREAD: &str = "client";

/// Which client waits on the sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// idkollen-ext's `Session::wait`: a status read a second.
    Default,
    /// identisure-client's `wait_for_auth` with its default options: a read every 2 s.
    Official,
    /// idkollen-ext's `Session::wait` with a callback URL pointing at `callback::router`, served
    /// in the same process: the wait ends on the callback.
    Callbacks,
    /// The floor: a hand-written loop of reqwest + serde_json, a read a second counted from
    /// the previous answer (idkollen-ext's cadence), no gate, no retries.
    Raw,
}

impl Mode {
    /// The name the command line uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Default => "default",
            Mode::Official => "official",
            Mode::Callbacks => "callbacks",
            Mode::Raw => "raw",
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// How many sessions wait at once.
    pub sessions: usize,
    /// Which client waits.
    pub mode: Mode,
    /// How the sessions start and complete.
    pub pace: Pace,
    /// Worker threads of the client runtime and of the sandbox runtime, each.
    pub workers: usize,
    /// idkollen-ext speaks HTTP/2 (by prior knowledge) instead of HTTP/1.1.
    pub http2: bool,
    /// idkollen-ext's bound on status reads in flight; its default when `None`.
    pub max_requests_in_flight: Option<usize>,
    /// The official client's time between status reads (its default: 2 s).
    pub official_interval: Duration,
}

impl LoadConfig {
    /// `sessions` sessions in `mode`, completing between 1 s and 6 s after all have started.
    pub fn new(sessions: usize, mode: Mode) -> Self {
        Self {
            sessions,
            mode,
            pace: Pace::default(),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            http2: false,
            max_requests_in_flight: None,
            official_interval: identisure_client::PollOptions::default().interval,
        }
    }
}

/// Runs the load and measures it. Builds its own runtimes: call it outside any.
pub fn run(config: &LoadConfig) -> Result<LoadReport, RunError> {
    let server = SandboxServer::start(Timings::fast(), config.workers)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.workers)
        .thread_name(CLIENT_THREAD)
        .enable_all()
        .build()?;
    let sb = server.sandbox().clone();
    let memory_before = proc_stats::memory()?;
    let cpu_before = proc_stats::cpu_times()?;
    let began = Instant::now();
    let waited = runtime.block_on(wait_all(config, &sb, &server))?;
    let cpu = proc_stats::cpu_times()?.since(&cpu_before);
    let memory_after = proc_stats::memory()?;

    let latencies: Vec<Duration> = waited.outcomes.iter().filter_map(|o| o.latency).collect();
    let lost: Vec<&SessionOutcome> = waited
        .outcomes
        .iter()
        .filter(|o| o.latency.is_none())
        .collect();
    let requests = sb.requests();
    let wall = waited.last_return.saturating_duration_since(began);
    let report = LoadReport {
        mode: config.mode,
        http2: config.http2,
        official_interval: (config.mode == Mode::Official).then_some(config.official_interval),
        sessions: config.sessions,
        completed: latencies.len(),
        lost: lost.len(),
        first_loss: lost.first().and_then(|o| o.error.clone()),
        latency: Percentiles::of(&latencies),
        start_phase: waited.all_started.saturating_duration_since(began),
        wall,
        requests: requests.len(),
        status_reads: requests.iter().filter(|r| r.method == "GET").count(),
        rate_limited: sb.rate_limited_count(),
        callbacks_sent: sb.callbacks().len(),
        cpu_total: cpu.total,
        cpu_client: cpu.of_threads(CLIENT_THREAD),
        cpu_client_system: cpu.threads(CLIENT_THREAD).system,
        client_switches: cpu.threads(CLIENT_THREAD).switches,
        cpu_sandbox: cpu.of_threads(SANDBOX_THREAD),
        rss_before_kib: memory_before.rss_kib,
        rss_after_kib: memory_after.rss_kib,
        peak_rss_kib: memory_after.peak_rss_kib,
        connections: sb.connections(),
        connections_started: waited.connections_started,
    };
    drop(runtime);
    drop(server);
    Ok(report)
}

/// How one session went.
#[derive(Debug)]
struct SessionOutcome {
    /// From the driver's completion to the moment `wait()` returned the identity; `None` when
    /// the session was lost.
    latency: Option<Duration>,
    /// Why it was lost.
    error: Option<String>,
}

struct Waited {
    outcomes: Vec<SessionOutcome>,
    all_started: Instant,
    /// The sandbox's connections when every session had started.
    connections_started: ConnectionStats,
    last_return: Instant,
}

/// Starts every session, a waiter for each as soon as it has started, then completes them on
/// a random schedule from the sandbox's runtime and collects the waiters.
async fn wait_all(
    config: &LoadConfig,
    sb: &Arc<Sandbox>,
    server: &SandboxServer,
) -> Result<Waited, RunError> {
    let fleet = Fleet::new(config, sb).await?;
    let mut ids = Vec::with_capacity(config.sessions);
    let mut waiters = Vec::with_capacity(config.sessions);
    let mut starts = futures::stream::iter(0..config.sessions)
        .map(|_| {
            let fleet = fleet.clone();
            async move { fleet.start().await }
        })
        .buffer_unordered(config.pace.start_concurrency);
    while let Some(started) = starts.next().await {
        let waiting = started?;
        ids.push(waiting.id().to_owned());
        waiters.push(tokio::spawn(async move {
            let result = waiting.wait().await;
            (result, Instant::now())
        }));
    }
    drop(starts);
    let all_started = Instant::now();
    let connections_started = sb.connections();

    let schedule = config.pace.schedule(ids.len(), all_started);
    let last_completion = schedule.last();
    let completed_at = server
        .handle()
        .spawn(schedule::complete_on_schedule(sb.clone(), ids, schedule))
        .await?;

    let deadline = tokio::time::Instant::from_std(last_completion + config.pace.grace);
    let mut outcomes = Vec::with_capacity(waiters.len());
    let mut last_return = all_started;
    for (mut waiter, completed) in waiters.into_iter().zip(completed_at) {
        let outcome = match tokio::time::timeout_at(deadline, &mut waiter).await {
            Ok(Ok((result, returned))) => {
                last_return = last_return.max(returned);
                match (result, completed) {
                    (Ok(()), Ok(at)) => SessionOutcome {
                        latency: Some(returned.saturating_duration_since(at)),
                        error: None,
                    },
                    (Err(e), _) | (Ok(()), Err(e)) => SessionOutcome {
                        latency: None,
                        error: Some(e),
                    },
                }
            }
            Ok(Err(join)) => SessionOutcome {
                latency: None,
                error: Some(format!("the waiter failed: {join}")),
            },
            Err(_) => {
                waiter.abort();
                last_return = last_return.max(Instant::now());
                SessionOutcome {
                    latency: None,
                    error: Some(format!(
                        "still waiting {} s after the last completion",
                        config.pace.grace.as_secs()
                    )),
                }
            }
        };
        outcomes.push(outcome);
    }
    Ok(Waited {
        outcomes,
        all_started,
        connections_started,
        last_return,
    })
}
