//! The polling loop itself.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use super::backoff::backoff;
use super::policy::{MIN_INTERVAL, PollPolicy};
use super::source::StatusSource;
use super::status::SessionStatus;
use crate::error::Error;

/// What every copy of one session shares: when the next status read may go out, and
/// whether the session has ended.
#[derive(Debug)]
pub struct Gate {
    next_read: Mutex<Instant>,
    /// Held from reserving a slot until the answer is in: one read in flight per session,
    /// so concurrent waiters cannot land two reads in the same second however the network
    /// delays them.
    turn: tokio::sync::Mutex<()>,
    finished: AtomicBool,
}

impl Gate {
    /// A gate whose first read is allowed one interval from now: the start request counts
    /// as the first contact with the session.
    pub(crate) fn new() -> Self {
        Self {
            next_read: Mutex::new(Instant::now() + MIN_INTERVAL),
            turn: tokio::sync::Mutex::new(()),
            finished: AtomicBool::new(false),
        }
    }

    pub(crate) fn finish(&self) {
        self.finished.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
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
}

/// One waiter on one session: counts reads and enforces the policy. Where the status comes
/// from is the [`StatusSource`]'s business; the cadence, the retries and the deadline are the
/// same for every source.
#[derive(Debug)]
pub struct Engine<S> {
    source: S,
    gate: std::sync::Arc<Gate>,
    /// Status reads in flight at once, shared by every session of one client: over HTTP/1.1
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

    /// Marks the session as ended (a final status arrived another way).
    pub(crate) fn finish(&self) {
        self.gate.finish();
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

    /// One status read at the next allowed slot, without retries.
    pub(crate) async fn read_once(&mut self) -> Result<SessionStatus<S::Completed>, Error> {
        let _turn = self.gate.turn.lock().await;
        let slot = self.gate.reserve(self.interval());
        // A timer rounds up to tokio's next millisecond tick even when its deadline has
        // passed; a read that is already due goes out at once.
        if slot > Instant::now() {
            tokio::time::sleep_until(slot).await;
        }
        self.polls += 1;
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
        self.gate.delay_next(Instant::now() + self.interval());
        match result {
            Err(err) if err.is_rate_limited() => {
                // Even a caller that does not retry (`poll_once`) must not come back sooner
                // than the server asked.
                if let Some(wait) = err.retry_after() {
                    self.gate.delay_next(Instant::now() + wait);
                }
                Err(err)
            }
            Err(err) if err.status() == Some(StatusCode::NOT_FOUND) => {
                self.gate.finish();
                Err(Error::Expired {
                    id: self.source.id().to_owned(),
                })
            }
            Ok(snapshot @ (SessionStatus::Completed(_) | SessionStatus::Failed(_))) => {
                self.gate.finish();
                Ok(snapshot)
            }
            other => other,
        }
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
