//! Injected faults: the next N API requests (optionally only those under a path prefix) answer
//! an error status, are delayed, lose their connection, or get a malformed JSON body.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What an injected fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer this status (e.g. 500, 503, 429) with a `{"message"}` body, without handling
    /// the request. 429 and 503 carry `Retry-After: 1`.
    Status(u16),
    /// Handle the request normally after this delay.
    Delay(Duration),
    /// Close the connection without any response, without handling the request.
    DropConnection,
    /// Handle the request, then replace its body with truncated JSON (status kept).
    MalformedJson,
    /// Handle the request, then send its body in pieces of `chunk` bytes, each after a pause
    /// of `pause` (on tokio's clock): a slow download. Status and headers are kept.
    SlowBody {
        /// Bytes per piece (0 counts as 1).
        chunk: usize,
        /// The pause before every piece.
        pause: Duration,
    },
    /// Handle the request, then flip one bit in the last byte of its body (status, headers
    /// and length kept): a document that no longer matches its hash.
    CorruptBody,
}

/// A fault to inject with [`Sandbox::inject`](crate::Sandbox::inject).
///
/// ```
/// use idkollen_sandbox::Fault;
///
/// let fault = Fault::status(503).times(2).path_prefix("/v3/bankid-se/");
/// # let _ = fault;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// What happens to the request.
    pub kind: FaultKind,
    /// How many requests it hits (at least 1).
    pub times: u32,
    /// Only requests whose path starts with this are hit.
    pub path_prefix: Option<String>,
}

impl Fault {
    /// A fault of this kind hitting the next request.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            times: 1,
            path_prefix: None,
        }
    }

    /// The next request answers this HTTP status.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status(status))
    }

    /// The next request answers 500 Internal Server Error.
    pub fn internal_error() -> Self {
        Self::status(500)
    }

    /// The next request answers 503 Service Unavailable.
    pub fn unavailable() -> Self {
        Self::status(503)
    }

    /// The next request answers 429 Too Many Requests.
    pub fn too_many_requests() -> Self {
        Self::status(429)
    }

    /// The next request is answered only after `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// The next request's connection is closed without a response.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// The next request is handled but its answer's body is malformed JSON.
    pub fn malformed_json() -> Self {
        Self::new(FaultKind::MalformedJson)
    }

    /// The next request's body is sent `chunk` bytes at a time, each piece after `pause`.
    pub fn slow_body(chunk: usize, pause: Duration) -> Self {
        Self::new(FaultKind::SlowBody {
            chunk: chunk.max(1),
            pause,
        })
    }

    /// The next request's body arrives with one bit flipped in its last byte.
    pub fn corrupt_body() -> Self {
        Self::new(FaultKind::CorruptBody)
    }

    /// Hit this many requests instead of one (0 counts as 1).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times.max(1);
        self
    }

    /// Hit only requests whose path starts with `prefix`.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }
}

/// The control API's JSON form of a fault:
/// `{"kind": "status", "status": 503, "times": 2, "pathPrefix": "/v3/freja/"}`, with `kind`
/// one of `status`, `delay` (with `delayMs`), `drop`, `malformed`, `slow` (with `chunkBytes`
/// and `pauseMs`) and `corrupt`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultSpec {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk_bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

impl FaultSpec {
    pub fn into_fault(self) -> Result<Fault, String> {
        let kind = match self.kind.as_str() {
            "status" => match self.status {
                Some(s) if (400..=599).contains(&s) => FaultKind::Status(s),
                _ => {
                    return Err("status: a fault of kind status needs a status in 400..=599".into());
                }
            },
            "delay" => match self.delay_ms {
                Some(ms) => FaultKind::Delay(Duration::from_millis(ms)),
                None => return Err("delayMs: a fault of kind delay needs delayMs".into()),
            },
            "drop" => FaultKind::DropConnection,
            "malformed" => FaultKind::MalformedJson,
            "slow" => match (self.chunk_bytes, self.pause_ms) {
                (Some(chunk), Some(ms)) => FaultKind::SlowBody {
                    chunk: chunk.max(1),
                    pause: Duration::from_millis(ms),
                },
                _ => {
                    return Err(
                        "chunkBytes, pauseMs: a fault of kind slow needs chunkBytes and pauseMs"
                            .into(),
                    );
                }
            },
            "corrupt" => FaultKind::CorruptBody,
            other => {
                return Err(format!(
                    "kind: unknown fault kind {other:?}; use status, delay, drop, malformed, slow or corrupt"
                ));
            }
        };
        Ok(Fault {
            kind,
            times: self.times.unwrap_or(1).max(1),
            path_prefix: self.path_prefix,
        })
    }

    pub fn from_fault(fault: &Fault) -> Self {
        let (mut chunk_bytes, mut pause_ms) = (None, None);
        let (kind, status, delay_ms) = match &fault.kind {
            FaultKind::Status(s) => ("status", Some(*s), None),
            FaultKind::Delay(d) => ("delay", None, Some(d.as_millis() as u64)),
            FaultKind::DropConnection => ("drop", None, None),
            FaultKind::MalformedJson => ("malformed", None, None),
            FaultKind::SlowBody { chunk, pause } => {
                chunk_bytes = Some(*chunk);
                pause_ms = Some(pause.as_millis() as u64);
                ("slow", None, None)
            }
            FaultKind::CorruptBody => ("corrupt", None, None),
        };
        Self {
            kind: kind.into(),
            status,
            delay_ms,
            chunk_bytes,
            pause_ms,
            times: Some(fault.times),
            path_prefix: fault.path_prefix.clone(),
        }
    }
}

/// The queue of pending faults, first injected first applied.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub queue: Vec<Fault>,
}

impl Faults {
    /// The fault that hits a request to `path`, if any, counting it down.
    pub fn take(&mut self, path: &str) -> Option<FaultKind> {
        let index = self.queue.iter().position(|f| {
            f.path_prefix
                .as_deref()
                .is_none_or(|prefix| path.starts_with(prefix))
        })?;
        let fault = &mut self.queue[index];
        let kind = fault.kind.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.queue.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_count_down_and_filter_by_prefix() {
        let mut faults = Faults::default();
        faults
            .queue
            .push(Fault::unavailable().times(2).path_prefix("/v3/freja/"));
        faults.queue.push(Fault::drop_connection());
        assert_eq!(faults.take("/v3/freja/auth"), Some(FaultKind::Status(503)));
        assert_eq!(
            faults.take("/v3/mitid/auth"),
            Some(FaultKind::DropConnection)
        );
        assert_eq!(faults.take("/v3/mitid/auth"), None);
        assert_eq!(faults.take("/v3/freja/auth"), Some(FaultKind::Status(503)));
        assert_eq!(faults.take("/v3/freja/auth"), None);
    }

    #[test]
    fn specs_round_trip() {
        let spec: FaultSpec =
            serde_json::from_str(r#"{"kind":"delay","delayMs":250,"times":3}"#).expect("json");
        let fault = spec.into_fault().expect("valid");
        assert_eq!(fault, Fault::delay(Duration::from_millis(250)).times(3));
        let back = FaultSpec::from_fault(&fault).into_fault().expect("valid");
        assert_eq!(back, fault);
        let bad: FaultSpec = serde_json::from_str(r#"{"kind":"status"}"#).expect("json");
        assert!(bad.into_fault().is_err());

        let spec: FaultSpec =
            serde_json::from_str(r#"{"kind":"slow","chunkBytes":4096,"pauseMs":2000}"#)
                .expect("json");
        let fault = spec.into_fault().expect("valid");
        assert_eq!(fault, Fault::slow_body(4096, Duration::from_secs(2)));
        assert_eq!(FaultSpec::from_fault(&fault).into_fault(), Ok(fault));
        let spec: FaultSpec = serde_json::from_str(r#"{"kind":"corrupt"}"#).expect("json");
        assert_eq!(spec.into_fault(), Ok(Fault::corrupt_body()));
        let bad: FaultSpec = serde_json::from_str(r#"{"kind":"slow","pauseMs":1}"#).expect("json");
        assert!(bad.into_fault().is_err());
    }
}
