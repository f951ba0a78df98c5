//! The parsed body of a callback.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::signature::SignatureError;
use crate::codes::{FailureCode, Status};

/// Why a callback was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The signature is missing, malformed or wrong: the request may not come from IDkollen.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The body is not a status object (a JSON object with a string `id` and `status`).
    #[error("the callback body is not a session status: {0}")]
    Body(String),
    /// The client has no callback secret to verify with (see
    /// [`ClientBuilder::callback_secret`](crate::ClientBuilder::callback_secret)).
    #[error("no callback secret is configured on the client")]
    NoSecret,
}

/// The final status of a session, as a callback reports it.
///
/// The body is kept as JSON so that it can be read as the session's provider type with
/// [`completed_as`](Self::completed_as); fields this version does not know are kept too.
///
/// `Debug` prints the session's id, reference, status and failure code, and only the names of
/// the body's other members: a callback can be logged without the person's data.
#[derive(Clone, PartialEq)]
pub struct Callback {
    id: String,
    ref_id: Option<String>,
    status: Status,
    error: Option<FailureCode>,
    body: Value,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("id", &self.id)
            .field("ref_id", &self.ref_id)
            .field("status", &self.status)
            .field("error", &self.error)
            .field("body", &crate::redact::redacted_json(&self.body))
            .finish()
    }
}

impl Callback {
    /// The session id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The caller's reference from the start request, if any.
    pub fn ref_id(&self) -> Option<&str> {
        self.ref_id.as_deref()
    }

    /// `COMPLETED` or `FAILED` (or a status this version does not know).
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The failure code of a `FAILED` callback.
    pub fn error(&self) -> Option<&FailureCode> {
        self.error.as_ref()
    }

    /// The whole body.
    pub fn body(&self) -> &Value {
        &self.body
    }

    /// The body as a provider's completed type (for example
    /// [`types::BankIdSeCompleted`](crate::types::BankIdSeCompleted)), for a `COMPLETED`
    /// callback; `None` for any other status.
    pub fn completed_as<C: DeserializeOwned>(&self) -> Option<Result<C, serde_json::Error>> {
        (self.status == Status::Completed).then(|| serde_json::from_value(self.body.clone()))
    }
}

/// Parses a callback body. Verify its signature first (see [`verify_signature`](super::verify_signature)).
///
/// ```
/// use idkollen_ext::callback::parse_callback;
/// use idkollen_ext::{FailureCode, Status};
///
/// let cb = parse_callback(br#"{"id":"s1","status":"FAILED","error":"SOMETHING_NEW"}"#)?;
/// assert_eq!(cb.status(), &Status::Failed);
/// assert_eq!(cb.error().map(FailureCode::as_str), Some("SOMETHING_NEW"));
/// # Ok::<(), idkollen_ext::callback::CallbackError>(())
/// ```
pub fn parse_callback(raw_body: &[u8]) -> Result<Callback, CallbackError> {
    let body: Value =
        serde_json::from_slice(raw_body).map_err(|e| CallbackError::Body(e.to_string()))?;
    let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
    let id = text("id").ok_or_else(|| CallbackError::Body("no string `id`".into()))?;
    let status = text("status").ok_or_else(|| CallbackError::Body("no string `status`".into()))?;
    Ok(Callback {
        ref_id: text("refId"),
        error: text("error").map(FailureCode::from),
        status: Status::from(status),
        id,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::BankIdSeCompleted;

    #[test]
    fn a_completed_callback_reads_as_its_provider_type() {
        let raw = br#"{"id":"s1","refId":"r","status":"COMPLETED","ssn":"198112289874","name":"Anna Andersson",
                       "givenName":"Anna","surname":"Andersson","newField":{"x":1}}"#;
        let cb = parse_callback(raw).unwrap();
        assert_eq!((cb.id(), cb.ref_id(), cb.error()), ("s1", Some("r"), None));
        let identity: BankIdSeCompleted = cb.completed_as().unwrap().unwrap();
        assert_eq!(identity.name, "Anna Andersson");
    }

    #[test]
    fn bodies_that_are_not_status_objects_are_rejected() {
        for raw in [
            &b"not json"[..],
            b"[]",
            br#"{"status":"FAILED"}"#,
            br#"{"id":1,"status":"FAILED"}"#,
        ] {
            assert!(
                matches!(parse_callback(raw), Err(CallbackError::Body(_))),
                "{raw:?}"
            );
        }
    }
}
