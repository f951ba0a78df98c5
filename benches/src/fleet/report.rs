//! The results of one fleet run: one line for people, JSON for tools.

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

use super::FleetMode;
use crate::stats::Percentiles;

/// What one instance cost during the run.
#[derive(Debug, Clone, Copy)]
pub struct InstanceFigures {
    /// CPU time (user + system) from the first start to the last result.
    pub cpu: Duration,
    /// Peak resident memory of the process (`VmHWM`), KiB.
    pub peak_rss_kib: u64,
}

/// Everything one fleet run measured.
#[derive(Debug, Clone)]
pub struct FleetReport {
    /// Callbacks or polling only.
    pub mode: FleetMode,
    /// Instances.
    pub instances: usize,
    /// Whether the instances spoke HTTP/2 to the sandbox.
    pub http2: bool,
    /// Sessions started.
    pub sessions: usize,
    /// Waits (one per session with callbacks, two polling only).
    pub waits: usize,
    /// Waits that returned the completed identity.
    pub completed_waits: usize,
    /// Waits that did not: an error, another outcome, or no return in time.
    pub lost: usize,
    /// Why the first lost wait was lost.
    pub first_loss: Option<String>,
    /// From the completion to each wait's return.
    pub latency: Option<Percentiles>,
    /// With callbacks: from the completion to the callback's arrival at an instance.
    pub callback_delivery: Option<Percentiles>,
    /// With callbacks: from the callback's arrival at an instance to the wait's return,
    /// wherever the wait was.
    pub callback_to_return: Option<Percentiles>,
    /// Status reads the sandbox received.
    pub status_reads: usize,
    /// Status reads per session per second of its life (from its start to its last wait's
    /// return, plus the one second that n reads a second apart add to n - 1 seconds), over
    /// all sessions.
    pub reads_per_session_second: f64,
    /// Answers 429.
    pub rate_limited: u64,
    /// Callbacks the sandbox sent.
    pub callbacks_sent: usize,
    /// Commands Redis processed during the run.
    pub redis_ops: u64,
    /// From the first start to the last result.
    pub wall: Duration,
    /// From the first start to the moment every session had started.
    pub start_phase: Duration,
    /// Per instance.
    pub per_instance: Vec<InstanceFigures>,
    /// CPU time of the sandbox's threads (in the driver's process).
    pub sandbox_cpu: Duration,
}

impl FleetReport {
    /// Redis commands per session.
    pub fn redis_ops_per_session(&self) -> f64 {
        self.redis_ops as f64 / self.sessions.max(1) as f64
    }

    /// The report as a JSON object (durations in milliseconds, memory in KiB).
    pub fn to_json(&self) -> Value {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        json!({
            "mode": self.mode.as_str(),
            "instances": self.instances,
            "http": if self.http2 { "2" } else { "1.1" },
            "sessions": self.sessions,
            "waits": self.waits,
            "completedWaits": self.completed_waits,
            "lost": self.lost,
            "firstLoss": self.first_loss,
            "latencyMs": self.latency.map(|p| json!({"p50": ms(p.p50), "p99": ms(p.p99), "max": ms(p.max)})),
            "callbackDeliveryMs": self.callback_delivery.map(|p| json!({"p50": ms(p.p50), "p99": ms(p.p99), "max": ms(p.max)})),
            "callbackToReturnMs": self.callback_to_return.map(|p| json!({"p50": ms(p.p50), "p99": ms(p.p99), "max": ms(p.max)})),
            "statusReads": self.status_reads,
            "readsPerSessionSecond": self.reads_per_session_second,
            "rateLimited": self.rate_limited,
            "callbacksSent": self.callbacks_sent,
            "redisOps": self.redis_ops,
            "redisOpsPerSession": self.redis_ops_per_session(),
            "wallMs": ms(self.wall),
            "startPhaseMs": ms(self.start_phase),
            "instancesCpuMs": self.per_instance.iter().map(|i| ms(i.cpu)).collect::<Vec<_>>(),
            "instancesPeakRssKib": self.per_instance.iter().map(|i| i.peak_rss_kib).collect::<Vec<_>>(),
            "sandboxCpuMs": ms(self.sandbox_cpu),
        })
    }
}

impl fmt::Display for FleetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "mode={} instances={} http={} sessions={} waits={} completed={} lost={}",
            self.mode.as_str(),
            self.instances,
            if self.http2 { "2" } else { "1.1" },
            self.sessions,
            self.waits,
            self.completed_waits,
            self.lost,
        )?;
        match self.latency {
            Some(p) => write!(
                f,
                " detection_ms p50={:.1} p99={:.1} max={:.1}",
                ms(p.p50),
                ms(p.p99),
                ms(p.max)
            )?,
            None => write!(f, " detection_ms none")?,
        }
        for (name, part) in [
            ("callback_delivery_ms", self.callback_delivery),
            ("callback_to_return_ms", self.callback_to_return),
        ] {
            if let Some(p) = part {
                write!(f, " {name} p50={:.1} p99={:.1}", ms(p.p50), ms(p.p99))?;
            }
        }
        write!(
            f,
            " status_reads={} reads_per_session_s={:.3} http_429={} callbacks={} \
             redis_ops={} per_session={:.1} wall_s={:.2} start_phase_s={:.2} sandbox_cpu_s={:.2}",
            self.status_reads,
            self.reads_per_session_second,
            self.rate_limited,
            self.callbacks_sent,
            self.redis_ops,
            self.redis_ops_per_session(),
            self.wall.as_secs_f64(),
            self.start_phase.as_secs_f64(),
            self.sandbox_cpu.as_secs_f64(),
        )?;
        let cpu: Vec<String> = self
            .per_instance
            .iter()
            .map(|i| format!("{:.2}", i.cpu.as_secs_f64()))
            .collect();
        let rss: Vec<String> = self
            .per_instance
            .iter()
            .map(|i| format!("{:.1}", i.peak_rss_kib as f64 / 1024.0))
            .collect();
        write!(
            f,
            " instance_cpu_s=[{}] instance_rss_peak_mib=[{}]",
            cpu.join(","),
            rss.join(",")
        )?;
        if let Some(loss) = &self.first_loss {
            write!(f, " first_loss={loss:?}")?;
        }
        Ok(())
    }
}
