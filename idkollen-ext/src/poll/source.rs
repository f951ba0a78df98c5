//! What the engine polls: anything that can read one session's status.

use std::future::Future;

use super::snapshot::Snapshot;
use crate::error::Error;

/// Where the engine reads a session's status from: an IDkollen session, or another service
/// with the same start-then-collect shape (such as the BankID wrapper API). The engine owns the
/// cadence, retries and deadline; a source only performs one read.
pub(crate) trait StatusSource: Send + Sync {
    /// What a completed read yields.
    type Completed: Send;

    /// The session's id, for errors and logs.
    fn id(&self) -> &str;

    /// One status read, without retries. A 404 means the session has expired.
    fn read(&self) -> impl Future<Output = Result<Snapshot<Self::Completed>, Error>> + Send;
}
