//! What the engine polls: anything that can read one session's status.

use std::future::Future;

use super::status::SessionStatus;
use crate::error::Error;

/// Where the engine reads a session's status from: an IDkollen session, or another service
/// with the same start-then-collect shape (such as the BankID wrapper API). The engine owns the
/// cadence, retries and deadline; a source only performs one read.
pub trait StatusSource: Send + Sync + 'static {
    /// What a completed read yields.
    type Completed: Send + 'static;
    /// Where final statuses pushed by the service (callbacks) arrive, if they do.
    type Pushed: Pushed<Self::Completed>;

    /// The session's id, for errors and logs.
    fn id(&self) -> &str;

    /// One status read, without retries. A 404 means the session has expired.
    fn read(&self) -> impl Future<Output = Result<SessionStatus<Self::Completed>, Error>> + Send;

    /// Starts listening for pushed final statuses; call before the first read, so that none
    /// pushed in between is missed.
    fn pushed(&self) -> Self::Pushed;

    /// A status this process read, as the JSON other processes of a fleet read it back with
    /// [`read_shared`](Self::read_shared); `None` when this kind of session is not shared.
    fn share(&self, status: &SessionStatus<Self::Completed>) -> Option<String> {
        let _ = status;
        None
    }

    /// A status another process read, from its JSON; `None` when it is not a status of this
    /// session's kind (bad data is ignored, never trusted).
    fn read_shared(&self, json: &str) -> Option<SessionStatus<Self::Completed>> {
        let _ = json;
        None
    }
}

/// Final statuses that arrive without a read (a callback). The waiting loop takes whichever
/// comes first: the next read, or a pushed final status.
pub trait Pushed<C>: Send + 'static {
    /// Whether a final status is expected this way (a callback is on its way), so that reads
    /// after the first are only the fallback.
    fn expected(&self) -> bool {
        false
    }

    /// Resolves with the next pushed final status; never resolves if none comes.
    fn next(&mut self) -> impl Future<Output = SessionStatus<C>> + Send;
}

/// A source that nothing is pushed to.
#[derive(Debug)]
pub struct NothingPushed;

impl<C> Pushed<C> for NothingPushed {
    async fn next(&mut self) -> SessionStatus<C> {
        std::future::pending().await
    }
}
