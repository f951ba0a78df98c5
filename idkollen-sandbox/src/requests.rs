//! The log of API requests the sandbox received, so tests can prove what a client sent (for
//! example that a start request was never sent twice).

use serde::Serialize;

/// One API request as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path, e.g. `/v3/bankid-se/auth`.
    pub path: String,
}
