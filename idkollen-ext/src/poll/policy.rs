//! How long and how often to poll.

use std::time::Duration;

/// How [`Poller::wait_with`](crate::Poller::wait_with) polls.
///
/// The default reads the status every second (the fastest IDkollen allows), gives up after
/// five minutes, and tolerates eight transient failures in a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    pub(crate) interval: Duration,
    pub(crate) max_wait: Option<Duration>,
    pub(crate) retry_budget: u32,
    pub(crate) max_backoff: Duration,
    pub(crate) callback_interval: Duration,
}

/// IDkollen rejects more than one status read per second per session.
pub(crate) const MIN_INTERVAL: Duration = Duration::from_secs(1);

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            interval: MIN_INTERVAL,
            max_wait: Some(Duration::from_secs(300)),
            retry_budget: 8,
            max_backoff: Duration::from_secs(8),
            callback_interval: Duration::from_secs(5),
        }
    }
}

impl PollPolicy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time between status reads; values under one second are raised to one second, the
    /// service's limit. BankID recommends 2 s when a second of latency does not matter.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_INTERVAL);
        self
    }

    /// Give up (with [`Error::DeadlineExceeded`](crate::Error::DeadlineExceeded)) after
    /// this long.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = Some(max_wait);
        self
    }

    /// Wait until the session ends, however long that is (sessions expire on their own
    /// after a few minutes).
    pub fn no_deadline(mut self) -> Self {
        self.max_wait = None;
        self
    }

    /// How many transient failures in a row (5xx, connection errors, undecodable bodies)
    /// are retried before the error is returned. Rate limiting (429) does not count: it is
    /// waited out until the deadline.
    pub fn retry_budget(mut self, attempts: u32) -> Self {
        self.retry_budget = attempts;
        self
    }

    /// The longest pause between retries.
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff.max(MIN_INTERVAL);
        self
    }

    /// Time between status reads of a session whose callback is on its way (one started with
    /// a callback URL, waited on by a client with a callback secret): 5 s by default. The
    /// first read still comes after [`interval`](Self::interval), early enough to show the
    /// first hint; after it, the reads are only the fallback for a callback that does not
    /// arrive, and a slower cadence keeps them from queueing in front of the callbacks.
    pub fn callback_fallback_interval(mut self, interval: Duration) -> Self {
        self.callback_interval = interval.max(MIN_INTERVAL);
        self
    }

    /// The time between fallback reads of a session whose callback is on its way.
    pub fn get_callback_fallback_interval(&self) -> Duration {
        self.callback_interval
    }

    /// The time between status reads.
    pub fn get_interval(&self) -> Duration {
        self.interval
    }

    /// The deadline, if any.
    pub fn get_max_wait(&self) -> Option<Duration> {
        self.max_wait
    }
}
