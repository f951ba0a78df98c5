//! What a fleet's operators watch: counters and histograms through the `metrics` facade
//! (feature `metrics`), so that a Prometheus or OpenTelemetry exporter installed by the
//! application picks them up. Without the feature every function here is empty.
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `idkollen_sessions_started_total` | counter | `provider`, `flow` |
//! | `idkollen_sessions_ended_total` | counter | `provider`, `flow`, `outcome` (`completed`, `failed`, `cancelled`, `expired`) |
//! | `idkollen_status_reads_total` | counter | `provider`, `flow` |
//! | `idkollen_status_reads_shared_total` | counter | `provider`, `flow` (answered by another instance's read) |
//! | `idkollen_rate_limited_total` | counter | `provider`, `flow` (answers 429) |
//! | `idkollen_retries_total` | counter | `provider`, `flow` |
//! | `idkollen_time_to_first_scan_seconds` | histogram | `provider`, `flow` (start to BankID's `userSign`) |
//! | `idkollen_time_to_completion_seconds` | histogram | `provider`, `flow` |
//! | `idkollen_callbacks_received_total` | counter | |
//! | `idkollen_callbacks_rejected_total` | counter | `reason` (`signature`, `body`, `no_secret`) |
//! | `idkollen_coordination_fallbacks_total` | counter | (coordination lost: local polling) |
//!
//! A session waited on from several instances is counted by each of them once: the counts of
//! a fleet add up per instance, as every exporter reports them.

use std::time::{Duration, SystemTime};

/// The labels of one session's figures, and when it started (wall clock, so that an instance
/// that resumed a session measures from the real start).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
pub(crate) struct Labels {
    pub(crate) provider: &'static str,
    pub(crate) flow: &'static str,
    pub(crate) started: Option<SystemTime>,
}

/// How a session ended, as the `outcome` label says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Completed,
    Failed,
    Cancelled,
    Expired,
}

impl End {
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    fn as_str(self) -> &'static str {
        match self {
            End::Completed => "completed",
            End::Failed => "failed",
            End::Cancelled => "cancelled",
            End::Expired => "expired",
        }
    }
}

/// Why a callback was refused, as the `reason` label says it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rejected {
    Signature,
    Body,
    NoSecret,
}

impl Labels {
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    fn since_start(&self) -> Option<Duration> {
        SystemTime::now().duration_since(self.started?).ok()
    }
}

#[cfg(feature = "metrics")]
mod emit {
    use super::*;

    macro_rules! session_counter {
        ($name:literal, $labels:expr) => {
            metrics::counter!($name, "provider" => $labels.provider, "flow" => $labels.flow)
        };
    }

    pub(crate) fn session_started(provider: &'static str, flow: &'static str) {
        metrics::counter!("idkollen_sessions_started_total", "provider" => provider, "flow" => flow)
            .increment(1);
    }

    pub(crate) fn session_ended(labels: &Labels, end: End) {
        metrics::counter!(
            "idkollen_sessions_ended_total",
            "provider" => labels.provider, "flow" => labels.flow, "outcome" => end.as_str()
        )
        .increment(1);
        if end == End::Completed
            && let Some(took) = labels.since_start()
        {
            metrics::histogram!("idkollen_time_to_completion_seconds", "provider" => labels.provider, "flow" => labels.flow)
                .record(took.as_secs_f64());
        }
    }

    pub(crate) fn first_scan(labels: &Labels) {
        if let Some(took) = labels.since_start() {
            metrics::histogram!("idkollen_time_to_first_scan_seconds", "provider" => labels.provider, "flow" => labels.flow)
                .record(took.as_secs_f64());
        }
    }

    pub(crate) fn status_read(labels: &Labels) {
        session_counter!("idkollen_status_reads_total", labels).increment(1);
    }

    pub(crate) fn status_shared(labels: &Labels) {
        session_counter!("idkollen_status_reads_shared_total", labels).increment(1);
    }

    pub(crate) fn rate_limited(labels: &Labels) {
        session_counter!("idkollen_rate_limited_total", labels).increment(1);
    }

    pub(crate) fn retry(labels: &Labels) {
        session_counter!("idkollen_retries_total", labels).increment(1);
    }

    pub(crate) fn callback_received() {
        metrics::counter!("idkollen_callbacks_received_total").increment(1);
    }

    pub(crate) fn callback_rejected(reason: Rejected) {
        let reason = match reason {
            Rejected::Signature => "signature",
            Rejected::Body => "body",
            Rejected::NoSecret => "no_secret",
        };
        metrics::counter!("idkollen_callbacks_rejected_total", "reason" => reason).increment(1);
    }

    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn coordination_fallback() {
        metrics::counter!("idkollen_coordination_fallbacks_total").increment(1);
    }
}

#[cfg(not(feature = "metrics"))]
mod emit {
    use super::*;

    pub(crate) fn session_started(_: &'static str, _: &'static str) {}
    pub(crate) fn session_ended(_: &Labels, _: End) {}
    pub(crate) fn first_scan(_: &Labels) {}
    pub(crate) fn status_read(_: &Labels) {}
    pub(crate) fn status_shared(_: &Labels) {}
    pub(crate) fn rate_limited(_: &Labels) {}
    pub(crate) fn retry(_: &Labels) {}
    pub(crate) fn callback_received() {}
    pub(crate) fn callback_rejected(_: Rejected) {}
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn coordination_fallback() {}
}

pub(crate) use emit::*;
