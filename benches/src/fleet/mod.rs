//! The fleet run: N instances of a backend as separate processes, one sandbox (in this, the
//! driver's, process), one Redis; sessions started round-robin over the instances and
//! completed at random moments; with callbacks (each delivered to a random instance) or
//! polling only (each session waited on by two instances).
//!
//! Latencies compare clocks of different processes: all run on one machine and read its
//! wall clock (`SystemTime`), which the driver anchors its monotonic instants to once.

pub mod instance;
mod procs;
mod report;

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt as _;
use idkollen_ext::SessionHandle;
use idkollen_sandbox::Timings;

use crate::load::Pace;
use crate::load::schedule::complete_on_schedule;
use crate::proc_stats;
use crate::rng::SplitMix64;
use crate::server::SandboxServer;
use crate::stats::Percentiles;
use instance::{Results, StartRequest};
use procs::{Instance, RedisProcess};
pub use report::{FleetReport, InstanceFigures};

/// Why a run could not go on.
pub type RunError = Box<dyn std::error::Error + Send + Sync>;

/// How the sessions' outcomes reach the waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FleetMode {
    /// Every session has a callback URL, that of a random instance; the instance that started
    /// it waits.
    Callbacks,
    /// No callbacks; every session is waited on by the instance that started it and the next.
    Polling,
}

impl FleetMode {
    /// The name the command line uses.
    pub fn as_str(self) -> &'static str {
        match self {
            FleetMode::Callbacks => "callbacks",
            FleetMode::Polling => "polling",
        }
    }

    fn waits_per_session(self) -> usize {
        match self {
            FleetMode::Callbacks => 1,
            FleetMode::Polling => 2,
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct FleetConfig {
    /// Instances (processes).
    pub instances: usize,
    /// Sessions started, round-robin over the instances.
    pub sessions: usize,
    /// Callbacks or polling only.
    pub mode: FleetMode,
    /// How the sessions start and complete (its seed also picks the callbacks' instances).
    pub pace: Pace,
    /// The instances speak HTTP/2 to the sandbox (by prior knowledge), as reqwest does with
    /// the service through ALPN; HTTP/1.1 otherwise.
    pub http2: bool,
    /// A Redis to use instead of starting `redis-server`.
    pub redis_url: Option<String>,
}

impl FleetConfig {
    /// `sessions` sessions over `instances` instances in `mode`, completing between 1 s and
    /// 6 s after all have started.
    pub fn new(instances: usize, sessions: usize, mode: FleetMode) -> Self {
        Self {
            instances,
            sessions,
            mode,
            pace: Pace::default(),
            http2: true,
            redis_url: None,
        }
    }
}

/// One started session, as the driver saw it.
struct Started {
    id: String,
    at: SystemTime,
}

/// Runs the fleet and measures it. Builds its own runtimes: call it outside any.
pub fn run(config: &FleetConfig) -> Result<FleetReport, RunError> {
    if config.instances == 0 {
        return Err("a fleet needs at least one instance".into());
    }
    let redis = match &config.redis_url {
        Some(url) => RedisProcess::external(url),
        None => RedisProcess::start()?,
    };
    let server = SandboxServer::start(Timings::fast(), 2)?;
    let sb = server.sandbox().clone();
    let prefix = format!(
        "fleet-{}-{}",
        std::process::id(),
        unix_ns(SystemTime::now())
    );
    let instances = (0..config.instances)
        .map(|_| Instance::spawn(&sb, redis.url(), &prefix, config.http2))
        .collect::<Result<Vec<_>, _>>()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("driver")
        .enable_all()
        .build()?;
    let report = runtime.block_on(drive(config, &server, &instances, &redis));
    drop(instances);
    drop(runtime);
    drop(server);
    report
}

async fn drive(
    config: &FleetConfig,
    server: &SandboxServer,
    instances: &[Instance],
    redis: &RedisProcess,
) -> Result<FleetReport, RunError> {
    let sb = server.sandbox().clone();
    let http = reqwest::Client::new();
    let redis_ops_before = redis.commands_processed().await?;
    let cpu_before: Vec<Duration> = instances
        .iter()
        .map(|i| proc_stats::cpu_of(i.pid()))
        .collect::<Result<_, _>>()?;
    let driver_cpu_before = proc_stats::cpu_times()?;
    let began = Instant::now();

    // Callbacks go to a random instance, as a load balancer would send them.
    let mut rng = SplitMix64::new(config.pace.seed ^ 0x5eed);
    let callback_to: Vec<Option<String>> = (0..config.sessions)
        .map(|_| match config.mode {
            FleetMode::Callbacks => {
                let pick = (rng.next_u64() % instances.len() as u64) as usize;
                Some(format!("{}/callback", instances[pick].url()))
            }
            FleetMode::Polling => None,
        })
        .collect();
    let started: Vec<Started> = futures::stream::iter(0..config.sessions)
        .map(|i| {
            let http = http.clone();
            let starter = instances[i % instances.len()].url().to_owned();
            let second = instances[(i + 1) % instances.len()].url().to_owned();
            let callback_url = callback_to[i].clone();
            let mode = config.mode;
            async move {
                let handle: SessionHandle = http
                    .post(format!("{starter}/start"))
                    .json(&StartRequest { callback_url })
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let at = SystemTime::now();
                if mode == FleetMode::Polling {
                    http.post(format!("{second}/wait"))
                        .json(&handle)
                        .send()
                        .await?
                        .error_for_status()?;
                }
                Ok::<_, RunError>(Started {
                    id: handle.id().to_owned(),
                    at,
                })
            }
        })
        .buffer_unordered(config.pace.start_concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let all_started = Instant::now();

    let ids: Vec<String> = started.iter().map(|s| s.id.clone()).collect();
    let schedule = config.pace.schedule(ids.len(), all_started);
    let deadline = schedule.last() + config.pace.grace;
    // Anchors the driver's monotonic instants to the wall clock the instances report in.
    let (anchor, anchor_wall) = (Instant::now(), SystemTime::now());
    let wall = |at: Instant| anchor_wall + at.saturating_duration_since(anchor);
    let completed_at = server
        .handle()
        .spawn(complete_on_schedule(sb.clone(), ids.clone(), schedule))
        .await?;
    let completed: HashMap<&str, Result<SystemTime, String>> = ids
        .iter()
        .map(String::as_str)
        .zip(completed_at.into_iter().map(|r| r.map(wall)))
        .collect();

    let expected = config.sessions * config.mode.waits_per_session();
    let results = collect(&http, instances, expected, deadline).await;
    let finished = Instant::now();
    let cpu: Vec<Duration> = instances
        .iter()
        .zip(&cpu_before)
        .map(|(i, before)| proc_stats::cpu_of(i.pid()).map(|after| after.saturating_sub(*before)))
        .collect::<Result<_, _>>()?;
    let memory: Vec<proc_stats::Memory> = instances
        .iter()
        .map(|i| proc_stats::memory_of(i.pid()))
        .collect::<Result<_, _>>()?;
    let driver_cpu = proc_stats::cpu_times()?.since(&driver_cpu_before);
    let redis_ops = redis
        .commands_processed()
        .await?
        .saturating_sub(redis_ops_before + 1);

    // Detection: from the completion to each wait's return.
    let mut latencies = Vec::new();
    let mut first_loss = None;
    let mut last_return: HashMap<&str, SystemTime> = HashMap::new();
    // Of which: from the completion to the callback's arrival at an instance (the sandbox's
    // delivery), and from there to the wait's return (the fleet's part).
    let received: HashMap<&str, SystemTime> = results
        .iter()
        .flat_map(|r| &r.callbacks)
        .map(|c| {
            (
                c.id.as_str(),
                UNIX_EPOCH + Duration::from_nanos(c.at_ns as u64),
            )
        })
        .collect();
    let mut delivery = Vec::new();
    let mut fleet_part = Vec::new();
    for result in results.iter().flat_map(|r| &r.waits) {
        let returned = UNIX_EPOCH + Duration::from_nanos(result.returned_ns as u64);
        let entry = last_return.entry(result.id.as_str()).or_insert(returned);
        *entry = (*entry).max(returned);
        match (&result.error, completed.get(result.id.as_str())) {
            (None, Some(Ok(at))) => {
                latencies.push(returned.duration_since(*at).unwrap_or_default());
                if let Some(arrived) = received.get(result.id.as_str()) {
                    delivery.push(arrived.duration_since(*at).unwrap_or_default());
                    fleet_part.push(returned.duration_since(*arrived).unwrap_or_default());
                }
            }
            (Some(e), _) => {
                first_loss.get_or_insert_with(|| format!("{}: {e}", result.id));
            }
            (None, other) => {
                first_loss
                    .get_or_insert_with(|| format!("{}: not completed: {other:?}", result.id));
            }
        }
    }
    let lost = expected - latencies.len();
    if lost > 0 && first_loss.is_none() {
        first_loss = Some(format!("{lost} waits had not returned at the deadline"));
    }

    // Reads per session per second: all status reads over all sessions' lives, each from its
    // start to its last wait's return, plus one second (n reads a second apart span n - 1
    // seconds, so a session read exactly once a second counts 1.0). That no session was read
    // twice within a second is what the sandbox's 429 count says: it refuses such a read.
    let requests = sb.requests();
    let status_reads = requests.iter().filter(|r| r.method == "GET").count();
    let lives: f64 = started
        .iter()
        .filter_map(|s| {
            let end = last_return.get(s.id.as_str())?;
            Some(end.duration_since(s.at).ok()?.as_secs_f64() + 1.0)
        })
        .sum();

    Ok(FleetReport {
        mode: config.mode,
        instances: config.instances,
        http2: config.http2,
        sessions: config.sessions,
        waits: expected,
        completed_waits: latencies.len(),
        lost,
        first_loss,
        latency: Percentiles::of(&latencies),
        callback_delivery: Percentiles::of(&delivery),
        callback_to_return: Percentiles::of(&fleet_part),
        status_reads,
        reads_per_session_second: status_reads as f64 / lives.max(f64::EPSILON),
        rate_limited: sb.rate_limited_count(),
        callbacks_sent: sb.callbacks().len(),
        redis_ops,
        wall: finished.saturating_duration_since(began),
        start_phase: all_started.saturating_duration_since(began),
        per_instance: cpu
            .into_iter()
            .zip(memory)
            .map(|(cpu, memory)| InstanceFigures {
                cpu,
                peak_rss_kib: memory.peak_rss_kib,
            })
            .collect(),
        sandbox_cpu: driver_cpu.of_threads(crate::server::SANDBOX_THREAD),
    })
}

/// Every instance's results, once `expected` waits have returned or at the deadline.
async fn collect(
    http: &reqwest::Client,
    instances: &[Instance],
    expected: usize,
    deadline: Instant,
) -> Vec<Results> {
    loop {
        let mut all = Vec::new();
        for instance in instances {
            let results = async {
                http.get(format!("{}/results", instance.url()))
                    .send()
                    .await?
                    .json::<Results>()
                    .await
            };
            all.push(results.await.unwrap_or_default());
        }
        let have: usize = all.iter().map(|r| r.waits.len()).sum();
        if have >= expected || Instant::now() >= deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn unix_ns(at: SystemTime) -> u128 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
