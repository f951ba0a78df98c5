//! Callbacks from IDkollen: verify, parse, and wake the session waiting for them.
//!
//! When a session started with a `callbackUrl` ends, IDkollen POSTs its final status object
//! (COMPLETED or FAILED) there, signed with `X-Signature-SHA256`. A backend that receives it:
//!
//! 1. verifies the signature over the raw body ([`verify_signature`]),
//! 2. parses the body ([`parse_callback`]),
//! 3. hands it to the client ([`Client::deliver_callback`](crate::Client::deliver_callback) does
//!    all three), so that a [`Poller::wait`](crate::Poller::wait) on that session returns
//!    at once instead of at its next status read. Polling stays as the fallback: a callback that
//!    never arrives costs nothing but latency.
//!
//! With the `axum` feature, `router` is a ready-made endpoint that does exactly that.

#[cfg(feature = "axum")]
mod axum;
mod event;
mod signature;

#[cfg(feature = "axum")]
pub use axum::router;
pub use event::{Callback, CallbackError, parse_callback};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify_signature};

/// What takes a callback as received: verifies it, parses it and wakes whoever waits for its
/// session. [`Client`](crate::Client) is one; `router` (feature `axum`) serves any.
pub trait CallbackSink: Clone + Send + Sync + 'static {
    /// Takes a callback as received: the raw body and the `X-Signature-SHA256` header.
    fn deliver_callback(
        &self,
        raw_body: &[u8],
        signature: Option<&str>,
    ) -> Result<Callback, CallbackError>;
}
