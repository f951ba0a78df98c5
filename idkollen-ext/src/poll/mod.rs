//! The one polling engine every provider and every session kind goes through.
//!
//! A session is read at most once per second (IDkollen's rate limit per session), and the
//! reads are timed from the previous one so a completion is seen as soon as the limit
//! allows. Rate limiting (429) is waited out, transient failures (5xx, dropped connections,
//! garbled bodies) are retried with backoff within a budget, and only status reads are ever
//! repeated: a request that starts a session is sent exactly once.

mod backoff;
mod engine;
mod policy;
mod snapshot;
mod source;

pub(crate) use engine::{Engine, Gate};
pub use policy::PollPolicy;
pub(crate) use snapshot::Snapshot;
pub(crate) use source::StatusSource;
