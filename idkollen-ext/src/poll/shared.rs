//! A session's read slot shared with other processes: the gate of a fleet of instances that
//! wait on the same sessions. The engine asks it before each read, after its own [`Gate`]
//! (which stays the limit within the process, and the whole limit when the fleet's gate
//! cannot be reached).
//!
//! [`Gate`]: super::Gate

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, so that a shared gate can sit behind `dyn`.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the fleet's gate answers a process that wants to read the session.
#[derive(Debug)]
pub(crate) enum Turn {
    /// This process reads now, and hands the lease back with what it read.
    Read(Lease),
    /// Another process read the session a moment ago: its answer, a status object as JSON.
    Shared(String),
    /// Another process holds the slot: ask again after this long.
    Wait(Duration),
    /// The fleet's gate cannot be reached or cannot be read: read as a single process would.
    Alone,
}

/// The right to read the session once, across the fleet.
#[derive(Debug)]
pub(crate) struct Lease {
    pub(crate) token: String,
}

/// A status this process read, to share with the fleet.
#[derive(Debug)]
pub(crate) struct SharedRead {
    /// The status object as JSON.
    pub(crate) json: String,
    /// Whether the session has ended with it (it is then kept and announced like a callback).
    pub(crate) is_final: bool,
}

/// The fleet's gate of one session.
pub(crate) trait SharedGate: Send + Sync + fmt::Debug {
    /// Asks for this process's turn to read; with `accept_shared`, a fresh status another
    /// process read answers instead.
    fn turn(&self, accept_shared: bool) -> BoxFuture<'_, Turn>;

    /// Gives the lease back: the next read in the fleet may go out `next_in` from now, and
    /// `read` (if any) is what this one read.
    fn done(&self, lease: Lease, next_in: Duration, read: Option<SharedRead>) -> BoxFuture<'_, ()>;
}
