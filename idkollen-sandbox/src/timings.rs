//! How fast sessions move. All durations run on tokio's clock (`tokio::time`), so a test under
//! `#[tokio::test(start_paused = true)]` passes through them instantly.

use std::time::Duration;

/// The durations of a session's life cycle.
///
/// Start from [`Timings::fast`] or [`Timings::realistic`] and change what you need:
///
/// ```
/// use std::time::Duration;
/// use idkollen_sandbox::Timings;
///
/// let timings = Timings { retention: Duration::from_secs(5), ..Timings::fast() };
/// # let _ = timings;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// After this long a pending BankID SE session moves from `outstandingTransaction` to
    /// `started` (the user opened the app).
    pub started_after: Duration,
    /// After this long a pending BankID SE session reports `userSign` (the user is confirming).
    pub user_sign_after: Duration,
    /// When an ordinary session ends: completed, or failed for the scripted failures
    /// (`CANCELLED`, `INVALID_ID`, ...).
    pub complete_after: Duration,
    /// When a session scripted as slow completes.
    pub slow_complete_after: Duration,
    /// When a session scripted to time out fails with `SESSION_TIMEOUT`.
    pub timeout_after: Duration,
    /// How long a manually driven session (script `manual`) waits for the control API before it
    /// fails with `SESSION_TIMEOUT`.
    pub manual_timeout: Duration,
    /// How long an ended session stays readable before it answers 404.
    pub retention: Duration,
    /// The minimum spacing of status reads of one session; a read sooner answers 429.
    /// IDkollen allows one read per second. `Duration::ZERO` turns the limit off.
    pub status_read_interval: Duration,
    /// The delay before the first callback retry; each further retry waits twice as long.
    pub callback_retry_delay: Duration,
    /// How many times a callback is attempted in all before it is given up.
    pub callback_attempts: u32,
}

impl Timings {
    /// Sessions end within a fraction of a second: for tests.
    pub fn fast() -> Self {
        Self {
            started_after: Duration::from_millis(20),
            user_sign_after: Duration::from_millis(40),
            complete_after: Duration::from_millis(60),
            slow_complete_after: Duration::from_secs(3),
            timeout_after: Duration::from_millis(200),
            manual_timeout: Duration::from_secs(180),
            retention: Duration::from_secs(60),
            status_read_interval: Duration::from_secs(1),
            callback_retry_delay: Duration::from_millis(50),
            callback_attempts: 5,
        }
    }

    /// Sessions take about as long as a person would: for demos.
    pub fn realistic() -> Self {
        Self {
            started_after: Duration::from_secs(3),
            user_sign_after: Duration::from_secs(6),
            complete_after: Duration::from_secs(10),
            slow_complete_after: Duration::from_secs(60),
            timeout_after: Duration::from_secs(30),
            manual_timeout: Duration::from_secs(180),
            retention: Duration::from_secs(600),
            status_read_interval: Duration::from_secs(1),
            callback_retry_delay: Duration::from_secs(1),
            callback_attempts: 5,
        }
    }
}

impl Default for Timings {
    /// [`Timings::fast`].
    fn default() -> Self {
        Self::fast()
    }
}
