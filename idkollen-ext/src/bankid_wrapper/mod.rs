//! The BankID wrapper API: a REST service that starts Swedish BankID logins and signatures
//! (`POST /auth`, `POST /sign`), reports on them (`POST /collect`) and cancels them
//! (`POST /cancel`), authenticated with an `x-api-key` header.
//!
//! An order is waited on through the same polling engine as IDkollen sessions (at most one
//! collect a second, 429s waited out, transient failures retried, start requests sent once)
//! and shows the same animated [`BankIdQr`](crate::qr::BankIdQr) code.

mod client;
mod completion;
mod order;
mod source;
mod wire;

pub use client::{WrapperClient, WrapperClientBuilder};
pub use completion::{Cert, Completion, Device, User};
pub use order::WrapperOrder;

/// The `provider` label of the wrapper's orders in the crate's metrics.
const WRAPPER: &str = "bankid-wrapper";

/// The wrapper's private answer decoders, reachable by the fuzz targets in `fuzz/` only:
/// cargo-fuzz builds every crate with `--cfg fuzzing`, and no other build sees this module.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    use super::wire::{Collected, Started, decode};
    use crate::poll::SessionStatus;

    /// Decodes a `/auth` or `/sign` answer; whether it decoded.
    pub fn decode_started(body: &[u8]) -> bool {
        decode::<Started>(body).is_ok()
    }

    /// Decodes a `/collect` answer and reads it as the engine does; the completion data of a
    /// completed order, if the answer was one.
    pub fn decode_collected(body: &[u8]) -> Option<super::Completion> {
        match decode::<Collected>(body).ok()?.into_snapshot().ok()? {
            SessionStatus::Completed(completion) => Some(completion),
            SessionStatus::Pending { hint } => {
                let _ = hint.map(|h| h.as_str().to_owned());
                None
            }
            SessionStatus::Failed(code) => {
                let _ = code.as_str();
                None
            }
            SessionStatus::Other(status) => {
                let _ = status.as_str();
                None
            }
        }
    }
}
