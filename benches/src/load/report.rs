//! The results of one load run: one line for people, JSON for tools.

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

use idkollen_sandbox::ConnectionStats;

use super::Mode;
use crate::stats::Percentiles;

/// Everything one load run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Which client waited.
    pub mode: Mode,
    /// Whether idkollen-ext spoke HTTP/2 instead of HTTP/1.1.
    pub http2: bool,
    /// The official client's time between reads, in official mode.
    pub official_interval: Option<Duration>,
    /// Sessions started.
    pub sessions: usize,
    /// Sessions whose wait returned the completed identity.
    pub completed: usize,
    /// Sessions that did not: an error, another outcome, or no return in time.
    pub lost: usize,
    /// Why the first lost session was lost.
    pub first_loss: Option<String>,
    /// From completion to the return of the wait, over the completed sessions.
    pub latency: Option<Percentiles>,
    /// From the first start request to the moment every session had started.
    pub start_phase: Duration,
    /// From the first start request to the return of the last wait.
    pub wall: Duration,
    /// API requests the sandbox received (starts and status reads).
    pub requests: usize,
    /// Of those, status reads.
    pub status_reads: usize,
    /// Answers with status 429.
    pub rate_limited: u64,
    /// Callbacks the sandbox sent.
    pub callbacks_sent: usize,
    /// CPU time of the whole process during the run (clients, sandbox and the rest).
    pub cpu_total: Duration,
    /// CPU time of the client runtime's threads.
    pub cpu_client: Duration,
    /// Of that, the kernel's share (system time).
    pub cpu_client_system: Duration,
    /// Context switches of the client runtime's threads.
    pub client_switches: u64,
    /// CPU time of the sandbox runtime's threads.
    pub cpu_sandbox: Duration,
    /// Resident memory before the sessions started (runtimes and sandbox up), KiB.
    pub rss_before_kib: u64,
    /// Resident memory after the run, KiB.
    pub rss_after_kib: u64,
    /// Peak resident memory of the process, KiB.
    pub peak_rss_kib: u64,
    /// The connections the sandbox accepted during the run, and the most it held open at once.
    pub connections: ConnectionStats,
    /// The same when every session had started: what the starts alone opened.
    pub connections_started: ConnectionStats,
}

impl LoadReport {
    /// Requests the sandbox served per second of the run.
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64().max(f64::EPSILON)
    }

    /// The client runtime's CPU time per request the sandbox served (starts and reads).
    pub fn client_cpu_per_request(&self) -> Duration {
        self.cpu_client / u32::try_from(self.requests.max(1)).unwrap_or(u32::MAX)
    }

    /// Context switches of the client runtime's threads per request the sandbox served.
    pub fn client_switches_per_request(&self) -> f64 {
        self.client_switches as f64 / self.requests.max(1) as f64
    }

    /// The report as a JSON object (durations in milliseconds, memory in KiB).
    pub fn to_json(&self) -> Value {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        json!({
            "mode": self.mode.as_str(),
            "http": if self.http2 { "2" } else { "1.1" },
            "officialIntervalMs": self.official_interval.map(ms),
            "sessions": self.sessions,
            "completed": self.completed,
            "lost": self.lost,
            "firstLoss": self.first_loss,
            "latencyMs": self.latency.map(|p| json!({
                "p50": ms(p.p50), "p99": ms(p.p99), "max": ms(p.max),
            })),
            "startPhaseMs": ms(self.start_phase),
            "wallMs": ms(self.wall),
            "requests": self.requests,
            "statusReads": self.status_reads,
            "requestsPerSecond": self.requests_per_second(),
            "rateLimited": self.rate_limited,
            "callbacksSent": self.callbacks_sent,
            "cpuMs": {
                "total": ms(self.cpu_total),
                "client": ms(self.cpu_client),
                "clientSystem": ms(self.cpu_client_system),
                "sandbox": ms(self.cpu_sandbox),
                "clientPerRequestUs": self.client_cpu_per_request().as_secs_f64() * 1e6,
            },
            "clientSwitchesPerRequest": self.client_switches_per_request(),
            "rssKib": {
                "before": self.rss_before_kib,
                "after": self.rss_after_kib,
                "peak": self.peak_rss_kib,
            },
            "connections": {
                "accepted": self.connections.accepted,
                "peak": self.connections.peak,
                "peakWhenStarted": self.connections_started.peak,
            },
        })
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mib = |kib: u64| kib as f64 / 1024.0;
        write!(
            f,
            "mode={} http={} sessions={} completed={} lost={}",
            self.mode.as_str(),
            if self.http2 { "2" } else { "1.1" },
            self.sessions,
            self.completed,
            self.lost
        )?;
        if let Some(interval) = self.official_interval {
            write!(f, " official_interval_ms={}", interval.as_millis())?;
        }
        match self.latency {
            Some(p) => write!(
                f,
                " latency_ms p50={:.1} p99={:.1} max={:.1}",
                ms(p.p50),
                ms(p.p99),
                ms(p.max)
            )?,
            None => write!(f, " latency_ms none")?,
        }
        write!(
            f,
            " requests={} status_reads={} wall_s={:.2} req_per_s={:.0} http_429={} callbacks={} \
             start_phase_s={:.2} cpu_s total={:.2} client={:.2} client_system={:.2} \
             sandbox={:.2} client_cpu_per_request_us={:.1} client_switches_per_request={:.2} \
             rss_mib before={:.1} after={:.1} peak={:.1} connections accepted={} peak={} \
             peak_when_started={}",
            self.requests,
            self.status_reads,
            self.wall.as_secs_f64(),
            self.requests_per_second(),
            self.rate_limited,
            self.callbacks_sent,
            self.start_phase.as_secs_f64(),
            self.cpu_total.as_secs_f64(),
            self.cpu_client.as_secs_f64(),
            self.cpu_client_system.as_secs_f64(),
            self.cpu_sandbox.as_secs_f64(),
            self.client_cpu_per_request().as_secs_f64() * 1e6,
            self.client_switches_per_request(),
            mib(self.rss_before_kib),
            mib(self.rss_after_kib),
            mib(self.peak_rss_kib),
            self.connections.accepted,
            self.connections.peak,
            self.connections_started.peak,
        )?;
        if let Some(loss) = &self.first_loss {
            write!(f, " first_loss={loss:?}")?;
        }
        Ok(())
    }
}
