//! The one polling engine every provider and every session kind goes through.
//!
//! A session is read at most once per second (IDkollen's rate limit per session), and the
//! reads are timed from the previous one so a completion is seen as soon as the limit
//! allows. Rate limiting (429) is waited out, transient failures (5xx, dropped connections,
//! garbled bodies) are retried with backoff within a budget, and only status reads are ever
//! repeated: a request that starts a session is sent exactly once.
//!
//! This is the lowest layer of the crate's sessions: it knows a [`StatusSource`], a [`Gate`],
//! a [`PollPolicy`] and the [`Poller`] loop, and nothing of clients, providers or sessions.

mod backoff;
mod engine;
mod policy;
mod poller;
// Only a fleet (feature `redis`) makes shared gates; the engine asks one wherever it is given.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
mod shared;
mod source;
mod status;

#[cfg(feature = "redis")]
pub(crate) use backoff::random;
pub(crate) use engine::Gate;
#[cfg(feature = "redis")]
pub(crate) use policy::MIN_INTERVAL;
pub use policy::PollPolicy;
pub use poller::Poller;
pub(crate) use poller::sealed::Waitable;
#[cfg(feature = "redis")]
pub(crate) use shared::{BoxFuture, Lease, SharedGate, SharedRead, Turn};
pub(crate) use source::{NothingPushed, Pushed, StatusSource};
pub use status::SessionStatus;
