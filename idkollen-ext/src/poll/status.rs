//! What one status read tells: the one status type of every session the engine drives.

use crate::codes::{FailureCode, HintCode, Status};

/// The state of a session after one status read, for any provider and any kind of session
/// (`C` is what a completed session yields).
///
/// [`Poller::poll_once`](crate::Poller::poll_once) answers with it, and
/// [`Poller::updates`](crate::Poller::updates) yields the `Pending` and `Completed` ones.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SessionStatus<C> {
    /// Waiting for the user.
    Pending {
        /// BankID SE's hint code, if any (other providers send none).
        hint: Option<HintCode>,
    },
    /// Completed.
    Completed(C),
    /// Ended without a result.
    Failed(FailureCode),
    /// A status this version does not know; polling goes on.
    Other(Status),
}

impl<C> SessionStatus<C> {
    /// Whether the session has ended (completed or failed).
    pub fn is_final(&self) -> bool {
        matches!(self, SessionStatus::Completed(_) | SessionStatus::Failed(_))
    }
}

impl<C> SessionStatus<C> {
    /// The same status with the completed result converted.
    pub(crate) fn map<D>(self, f: impl FnOnce(C) -> D) -> SessionStatus<D> {
        match self {
            SessionStatus::Pending { hint } => SessionStatus::Pending { hint },
            SessionStatus::Completed(c) => SessionStatus::Completed(f(c)),
            SessionStatus::Failed(code) => SessionStatus::Failed(code),
            SessionStatus::Other(status) => SessionStatus::Other(status),
        }
    }
}
