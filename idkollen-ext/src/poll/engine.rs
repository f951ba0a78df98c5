//! The polling loop itself.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use super::backoff::backoff;
use super::policy::{MIN_INTERVAL, PollPolicy};
use super::shared::{SharedGate, Turn};
use super::source::StatusSource;
use super::status::SessionStatus;
use crate::codes::{FailureCode, HintCode};
use crate::error::Error;
use crate::telemetry::{self, End, Labels};

/// What every copy of one session in this process shares: when the next status read may go
/// out, whether the session has ended, and the fleet's gate when the process is one of several.
#[derive(Debug)]
pub struct Gate {
    next_read: Mutex<Instant>,
    /// Held from reserving a slot until the answer is in: one read in flight per session,
    /// so concurrent waiters cannot land two reads in the same second however the network
    /// delays them.
    turn: tokio::sync::Mutex<()>,
    finished: AtomicBool,
    /// Whether a pending status has shown the user at work yet (the first scan).
    scanned: AtomicBool,
    labels: Labels,
    shared: Option<Box<dyn SharedGate>>,
}

impl Gate {
    /// A gate whose first read is allowed one interval from now: the start request counts
    /// as the first contact with the session.
    pub(crate) fn new(labels: Labels) -> Self {
        Self {
            next_read: Mutex::new(Instant::now() + MIN_INTERVAL),
            turn: tokio::sync::Mutex::new(()),
            finished: AtomicBool::new(false),
            scanned: AtomicBool::new(false),
            labels,
            shared: None,
        }
    }

    /// A gate that also asks the fleet's gate before each read; `due_now` when the fleet's
    /// gate alone decides the first read.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn with_shared(mut self, shared: Box<dyn SharedGate>, due_now: bool) -> Self {
        self.shared = Some(shared);
        if due_now {
            self.next_read = Mutex::new(Instant::now());
        }
        self
    }

    /// Marks the session as ended; the first time, counts how.
    pub(crate) fn finish(&self, end: End) {
        if !self.finished.swap(true, Ordering::SeqCst) {
            telemetry::session_ended(&self.labels, end);
        }
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }

    /// Notes what a status says: the first sign of the user at work, and the end.
    pub(crate) fn observe<C>(&self, status: &SessionStatus<C>) {
        match status {
            SessionStatus::Pending {
                hint: Some(HintCode::UserSign),
            } if !self.scanned.swap(true, Ordering::SeqCst) => {
                telemetry::first_scan(&self.labels);
            }
            SessionStatus::Completed(_) => self.finish(End::Completed),
            SessionStatus::Failed(FailureCode::Cancelled) => self.finish(End::Cancelled),
            SessionStatus::Failed(_) => self.finish(End::Failed),
            _ => {}
        }
    }

    fn next_read(&self) -> Instant {
        *self.next_read.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reserves the next free read slot and moves the one after it `gap` further. Taking
    /// the slot under the lock keeps concurrent waiters on one session apart.
    fn reserve(&self, gap: Duration) -> Instant {
        let mut next = self.next_read.lock().unwrap_or_else(|e| e.into_inner());
        let slot = (*next).max(Instant::now());
        *next = slot + gap;
        slot
    }

    fn delay_next(&self, until: Instant) {
        let mut next = self.next_read.lock().unwrap_or_else(|e| e.into_inner());
        *next = (*next).max(until);
    }

    /// Sets the next slot, sooner than [`reserve`](Self::reserve) left it: the fleet's gate
    /// said when this process may ask again.
    fn retry_at(&self, at: Instant) {
        *self.next_read.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

/// One waiter on one session: counts reads and enforces the policy. Where the status comes
/// from is the [`StatusSource`]'s business; the cadence, the retries and the deadline are the
/// same for every source.
#[derive(Debug)]
pub struct Engine<S> {
    source: S,
    gate: std::sync::Arc<Gate>,
    /// Requests in flight at once, shared by every session of one client: over HTTP/1.1
    /// each one holds a connection, so a slow server never makes the client open thousands.
    reads: std::sync::Arc<tokio::sync::Semaphore>,
    policy: PollPolicy,
    /// Whether a final status is pushed (a callback is on its way): reads after the first
    /// are then the fallback, at the policy's slower cadence.
    pushed: bool,
    started: Instant,
    polls: u32,
    failures: u32,
}

impl<S: StatusSource> Engine<S> {
    pub(crate) fn new(
        source: S,
        gate: std::sync::Arc<Gate>,
        reads: std::sync::Arc<tokio::sync::Semaphore>,
        policy: PollPolicy,
    ) -> Self {
        Self {
            source,
            gate,
            reads,
            policy,
            pushed: false,
            started: Instant::now(),
            polls: 0,
            failures: 0,
        }
    }

    /// The session's id.
    pub(crate) fn id(&self) -> &str {
        self.source.id()
    }

    /// Reads after the first are the fallback of a pushed final status.
    pub(crate) fn expect_pushed(&mut self) {
        self.pushed = true;
    }

    /// The time from one read to the next.
    fn interval(&self) -> Duration {
        if self.pushed && self.polls > 0 {
            self.policy.callback_interval
        } else {
            self.policy.interval
        }
    }

    /// Notes a final status that arrived another way (a callback).
    pub(crate) fn pushed<C>(&self, status: &SessionStatus<C>) {
        self.gate.observe(status);
    }

    /// The next status read that gives an answer, sent at the first moment the rate limit
    /// and the backoff allow. Transient failures are retried within the budget; rate
    /// limiting is waited out until the deadline.
    pub(crate) async fn next(&mut self) -> Result<SessionStatus<S::Completed>, Error> {
        loop {
            let at = self.gate.next_read();
            if let Some(max_wait) = self.policy.max_wait
                && at > self.started + max_wait
            {
                return Err(self.deadline_exceeded());
            }
            match self.read_once().await {
                Ok(snapshot) => {
                    self.failures = 0;
                    return Ok(snapshot);
                }
                Err(err) if err.is_rate_limited() => {
                    let wait = err
                        .retry_after()
                        .unwrap_or_else(|| backoff(self.failures + 1, self.policy.max_backoff));
                    tracing::debug!(id = %self.source.id(), ?wait, "rate limited; waiting");
                    self.gate
                        .delay_next(Instant::now() + wait.max(MIN_INTERVAL));
                }
                Err(err) if is_transient(&err) && self.failures < self.policy.retry_budget => {
                    self.failures += 1;
                    telemetry::retry(&self.gate.labels);
                    // A 503 may say when to come back; otherwise back off.
                    let wait = err
                        .retry_after()
                        .unwrap_or_else(|| backoff(self.failures, self.policy.max_backoff))
                        .max(MIN_INTERVAL);
                    tracing::debug!(
                        id = %self.source.id(),
                        error = %err,
                        attempt = self.failures,
                        ?wait,
                        "status read failed; retrying"
                    );
                    self.gate.delay_next(Instant::now() + wait);
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// One status read at the next allowed slot, without retries, or the status another
    /// process of the fleet read a moment ago (the fleet's gate never offers the reader its own),
    /// so that every waiter on a session, wherever it is, sees its hints.
    pub(crate) async fn read_once(&mut self) -> Result<SessionStatus<S::Completed>, Error> {
        let _turn = self.gate.turn.lock().await;
        let shared = self.gate.shared.as_deref();
        let mut accept_shared = true;
        let lease = loop {
            let slot = self.gate.reserve(self.interval());
            // A timer rounds up to tokio's next millisecond tick even when its deadline has
            // passed; a read that is already due goes out at once.
            if slot > Instant::now() {
                tokio::time::sleep_until(slot).await;
            }
            let Some(shared) = shared else { break None };
            match shared.turn(accept_shared).await {
                Turn::Read(lease) => break Some(lease),
                Turn::Alone => break None,
                Turn::Wait(wait) => self.gate.retry_at(Instant::now() + wait),
                Turn::Shared(json) => match self.source.read_shared(&json) {
                    Some(status) => {
                        telemetry::status_shared(&self.gate.labels);
                        self.gate.delay_next(Instant::now() + self.interval());
                        self.gate.observe(&status);
                        return Ok(status);
                    }
                    None => {
                        // Bad data under the fleet's key: read instead, and the read replaces it.
                        tracing::warn!(id = %self.source.id(), "ignored a shared status that is not one of this session's");
                        accept_shared = false;
                        self.gate.retry_at(Instant::now());
                    }
                },
            }
        };
        self.polls += 1;
        telemetry::status_read(&self.gate.labels);
        let result = {
            // Closed never: the semaphore lives as long as the client.
            let _permit = self.reads.acquire().await;
            // Boxed: the read (an HTTP request in flight) is the largest state of a waiting
            // session by far, and a session spends nearly all its time between reads. Inline,
            // every waiting session would carry its space all the time; boxed, only the reads
            // in flight do, for one allocation per read.
            Box::pin(self.source.read()).await
        };
        // The service measures the second between reads from each read's *arrival*. A read
        // that left late in its slot (a busy runtime, a slow connection) arrives less than a
        // second before the next slot's read would: count the next slot from the moment this
        // answer came back, which is after the service saw this read.
        let mut next_in = self.interval();
        let result = match result {
            Err(err) if err.is_rate_limited() => {
                telemetry::rate_limited(&self.gate.labels);
                // Even a caller that does not retry (`poll_once`) must not come back sooner
                // than the server asked.
                if let Some(wait) = err.retry_after() {
                    next_in = next_in.max(wait);
                }
                Err(err)
            }
            Err(err) if err.status() == Some(StatusCode::NOT_FOUND) => {
                self.gate.finish(End::Expired);
                Err(Error::Expired {
                    id: self.source.id().to_owned(),
                })
            }
            Ok(status) => {
                self.gate.observe(&status);
                Ok(status)
            }
            other => other,
        };
        self.gate.delay_next(Instant::now() + next_in);
        // A lease comes only from the fleet's gate.
        if let Some(lease) = lease {
            let read = result.as_ref().ok().and_then(|status| {
                Some(super::shared::SharedRead {
                    json: self.source.share(status)?,
                    is_final: status.is_final(),
                })
            });
            // The caller gets its answer now, not a round trip to the fleet later: sharing
            // what was read (and announcing a final status) goes out on its own task. A caller
            // that returns drops this future, which must not take the announcement with it;
            // and the answer, held across an await here, would be stored in every waiting
            // session's future.
            let gate = self.gate.clone();
            tokio::spawn(async move {
                if let Some(shared) = gate.shared.as_deref() {
                    shared.done(lease, next_in, read).await;
                }
            });
        }
        result
    }

    fn deadline_exceeded(&self) -> Error {
        Error::DeadlineExceeded {
            id: self.source.id().to_owned(),
            elapsed: self.started.elapsed(),
            polls: self.polls,
        }
    }
}

/// Failures worth another status read: 5xx, rate limiting, no answer, or a garbled body.
fn is_transient(err: &Error) -> bool {
    err.is_retryable() || matches!(err, Error::Decode { .. })
}
