//! What one status read tells the engine.

use crate::codes::{FailureCode, HintCode, Status};
use crate::outcome::{Completed, Completion};

/// One status read, provider-neutral. `T` is what a completed read yields: a [`Completion`]
/// with what the tolerant reader noted, for IDkollen sessions; another type for other sources
/// the engine drives.
#[derive(Debug)]
pub(crate) enum Snapshot<T = Completed<Completion>> {
    /// Still waiting for the user.
    Pending { hint: Option<HintCode> },
    /// Done.
    Completed(T),
    /// Ended without a result.
    Failed(FailureCode),
    /// A status this version does not know; polling goes on.
    Other(Status),
}
