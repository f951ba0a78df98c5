//! The one error type of this crate.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};

use crate::codes::FailureCode;

/// Everything that can go wrong when talking to IDkollen or waiting for a session.
///
/// Match on the variants you care about and keep a catch-all arm: new variants may be
/// added in minor releases.
///
/// ```
/// # fn show(err: idkollen_ext::Error) {
/// use idkollen_ext::{Error, FailureCode};
/// match err {
///     Error::Cancelled { .. } => println!("cancelled"),
///     Error::Failed { code: FailureCode::SessionTimeout, .. } => println!("too slow, start again"),
///     Error::Failed { code, .. } => println!("failed: {}", code.as_str()),
///     Error::Expired { .. } => println!("expired, start again"),
///     other => println!("{other}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request was refused before anything was sent: a field breaks the API's rules.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// The service (IDkollen, or the BankID wrapper API) answered with a non-success HTTP
    /// status.
    #[error("{operation}: {service} answered {status}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Api {
        /// The service that answered.
        service: Service,
        /// The operation id from the API description, e.g. `bankid_se_start_auth`, or
        /// `bankid_wrapper_auth`, `_sign`, `_collect` or `_cancel` for the BankID wrapper API.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The error body's message, when it had one: the `message` member of a JSON body
        /// (or `error_description`, `detail`, `error`), or a short plain-text body. An empty
        /// or HTML body (a proxy's error page) has none.
        message: Option<String>,
        /// The delay the server asked for in `Retry-After` (seconds or an HTTP date), if any.
        retry_after: Option<Duration>,
    },

    /// The request never got an answer: connection refused or dropped, timeout, TLS, name
    /// resolution. See [`Error::is_retryable`] for which of them may heal.
    #[error("{operation}: could not reach {service}")]
    Transport {
        /// The service that could not be reached.
        service: Service,
        /// The operation id.
        operation: &'static str,
        /// The underlying HTTP error.
        #[source]
        source: reqwest::Error,
    },

    /// An answer stopped arriving: nothing came for `waited` (the client's timeout) while a
    /// document downloaded. A download is not bounded as a whole, since a large PDF on a slow
    /// line may take longer than any other request; each wait, for the answer and for its
    /// next bytes, is.
    #[error("{operation}: nothing arrived from {service} for {waited:?}")]
    Stalled {
        /// The service that stopped sending.
        service: Service,
        /// The operation id.
        operation: &'static str,
        /// How long nothing arrived: the client's timeout.
        waited: Duration,
    },

    /// A success answer whose body is not what the API describes.
    #[error("{operation}: the response body could not be decoded")]
    Decode {
        /// The operation id.
        operation: &'static str,
        /// Why decoding failed. The body itself is never kept: it may hold personal data.
        #[source]
        source: serde_json::Error,
    },

    /// The session ended in `FAILED` with this code.
    #[error("session {id} failed: {code}")]
    Failed {
        /// The session id.
        id: String,
        /// The failure code, exactly as sent (unknown codes are kept in `FailureCode::Unknown`).
        code: FailureCode,
    },

    /// The session is gone: IDkollen answered 404 for it (sessions expire a few minutes
    /// after they start).
    #[error("session {id} has expired or does not exist")]
    Expired {
        /// The session id.
        id: String,
    },

    /// The session ended cancelled: the user cancelled in the app, or the relying party
    /// cancelled it (through [`Poller::cancel`](crate::Poller::cancel) or otherwise). The
    /// service's `CANCELLED` failure code (and the BankID wrapper's `userCancel` and
    /// `cancelled` hints) always ends here, never in [`Error::Failed`];
    /// [`Error::code`] gives [`FailureCode::Cancelled`] for it.
    #[error("session {id} was cancelled")]
    Cancelled {
        /// The session id.
        id: String,
    },

    /// Waiting stopped at the deadline of the poll policy. The session itself is not
    /// cancelled.
    #[error("gave up waiting for session {id} after {elapsed:?} and {polls} status reads")]
    DeadlineExceeded {
        /// The session id.
        id: String,
        /// Time spent waiting.
        elapsed: Duration,
        /// How many status reads were sent.
        polls: u32,
    },

    /// The client could not be configured (bad base URL, missing credentials, TLS set-up).
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },

    /// Coordination through Redis could not be set up: the URL is not valid, or Redis could
    /// not be reached when the client was built (feature `redis`). Once built, a client that
    /// loses Redis goes on polling on its own instead of failing.
    #[cfg(feature = "redis")]
    #[error("{message}")]
    Coordination {
        /// What went wrong.
        message: String,
        /// The Redis client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The request could not be built (should not happen with validated builders).
    #[error("{operation}: the request could not be built: {message}")]
    Request {
        /// The operation id.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },

    /// A document was not kept whole: its bytes do not match the hash IDkollen gave for it,
    /// or a signing did not sign exactly the documents sent. See
    /// [`DocumentProblem`](crate::DocumentProblem).
    #[error("document {id}: {problem}")]
    DocumentMismatch {
        /// The document id.
        id: String,
        /// What does not match.
        problem: DocumentProblem,
    },

    /// A local file or stream could not be read or written (a document to upload, or the
    /// writer a download goes to).
    #[error("{operation}: could not read or write a local file or stream")]
    Io {
        /// The operation id.
        operation: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    #[cfg(feature = "redis")]
    pub(crate) fn coordination(
        message: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::Coordination {
            message: message.to_owned(),
            source: Box::new(source),
        }
    }

    /// How a session that ended with `code` ends a wait: [`Error::Cancelled`] for a cancel
    /// (whatever code the service used for it), [`Error::Failed`] otherwise. The one place
    /// that maps a failure code to an error.
    pub(crate) fn failure(id: &str, code: FailureCode) -> Error {
        let id = id.to_owned();
        match code {
            FailureCode::Cancelled => Error::Cancelled { id },
            code => Error::Failed { id, code },
        }
    }

    /// The HTTP status of an [`Error::Api`], or of a transport error that carries one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.status(),
            Error::Expired { .. } => Some(StatusCode::NOT_FOUND),
            _ => None,
        }
    }

    /// The failure code of a failed or cancelled session.
    pub fn code(&self) -> Option<FailureCode> {
        match self {
            Error::Failed { code, .. } => Some(code.clone()),
            Error::Cancelled { .. } => Some(FailureCode::Cancelled),
            _ => None,
        }
    }

    /// The server's message for an [`Error::Api`].
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// The field a [`Error::Validation`] names.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Validation(v) => Some(v.field()),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed: rate limiting (429), server
    /// errors (500, 502, 503, 504) and transport failures that can heal by waiting (a
    /// timeout, a refused or dropped connection, a download that stalled). A certificate that
    /// is not valid, a TLS handshake that fails and a host name that does not resolve do not
    /// heal: they are not retryable, so a wait ends at once with the cause instead of
    /// spending its budget.
    ///
    /// Only retry requests that are safe to repeat. A request that starts a session is not:
    /// if the first attempt reached the server, a retry starts a second session for the
    /// same user. This crate's polling engine retries status reads only.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api { status, .. } => matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504),
            Error::Transport { source, .. } => transport_heals(source),
            Error::Stalled { .. } => true,
            _ => false,
        }
    }

    /// Whether the server asked to slow down (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// The delay asked for by `Retry-After`, if the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Converts an error of the generated client, reading an error answer's body if needed.
    /// The generated client types no error body (see the `untyped_error_bodies` transform), so
    /// every non-success answer arrives whole and [`Error::from_response`] reads it.
    pub(crate) async fn from_api(operation: &'static str, err: progenitor_client::Error) -> Error {
        use progenitor_client::Error as E;
        match err {
            E::ErrorResponse(rv) => Error::Api {
                service: Service::IdKollen,
                operation,
                status: rv.status(),
                retry_after: retry_after(rv.headers()),
                message: None,
            },
            E::UnexpectedResponse(resp) => {
                Error::from_response(Service::IdKollen, operation, resp).await
            }
            E::CommunicationError(source)
            | E::InvalidUpgrade(source)
            | E::ResponseBodyError(source) => Error::Transport {
                service: Service::IdKollen,
                operation,
                source,
            },
            E::InvalidResponsePayload(_, source) => Error::Decode { operation, source },
            E::InvalidRequest(message) | E::Custom(message) => {
                Error::Request { operation, message }
            }
        }
    }

    /// An [`Error::Api`] from a non-success answer read straight from `reqwest`: the status,
    /// `Retry-After`, and the body's message when it has one (see [`error_message`]). Whatever
    /// the body is (empty, HTML, text, JSON of any shape), the status and `Retry-After` are
    /// kept, so `status()`, `is_retryable()` and `retry_after()` mean the same for every
    /// answer, from the service or from a proxy in front of it.
    pub(crate) async fn from_response(
        service: Service,
        operation: &'static str,
        resp: reqwest::Response,
    ) -> Error {
        let status = resp.status();
        let retry_after = retry_after(resp.headers());
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let message = resp
            .bytes()
            .await
            .ok()
            .and_then(|body| error_message(&content_type, &body));
        Error::Api {
            service,
            operation,
            status,
            message,
            retry_after,
        }
    }
}

/// The longest error message kept from a body; the rest is cut.
const MAX_MESSAGE: usize = 300;

/// The message of an error body: a JSON object's `message` (or the members other APIs and
/// proxies use for it), or a short plain-text body. `None` for an empty body, an HTML page, or
/// JSON without a message.
fn error_message(content_type: &str, body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    let message = if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        ["message", "error_description", "detail", "error"]
            .iter()
            .find_map(|key| json.get(key)?.as_str())?
            .trim()
            .to_owned()
    } else if content_type.contains("html") || text.starts_with('<') {
        return None;
    } else {
        text.to_owned()
    };
    let mut message: String = message.chars().filter(|c| !c.is_control()).collect();
    if message.len() > MAX_MESSAGE {
        let cut = (0..=MAX_MESSAGE)
            .rev()
            .find(|&i| message.is_char_boundary(i))?;
        message.truncate(cut);
        message.push('…');
    }
    (!message.is_empty()).then_some(message)
}

/// Whether a transport failure may heal by waiting. TLS failures (a certificate that is not
/// valid, a handshake the other side refuses) and a host name that does not resolve do not;
/// timeouts and refused or dropped connections may.
fn transport_heals(source: &reqwest::Error) -> bool {
    if source.is_builder() {
        return false;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source);
    while let Some(err) = cause {
        #[cfg(feature = "rustls")]
        if err.downcast_ref::<rustls::Error>().is_some() {
            return false;
        }
        // hyper-util's connector names a failed look-up "dns error"; its type is private.
        if err.to_string().starts_with("dns error") {
            return false;
        }
        // `io::Error::source` skips the error it wraps; `get_ref` reaches it.
        cause = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    true
}

/// The service a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Service {
    /// IDkollen's REST API v3.
    IdKollen,
    /// The BankID wrapper API ([`bankid_wrapper`](crate::bankid_wrapper)).
    BankIdWrapper,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Service::IdKollen => "IDkollen",
            Service::BankIdWrapper => "the BankID wrapper API",
        })
    }
}

/// Reads `Retry-After` in either of its forms: a delay in seconds, or an HTTP date (a date in
/// the past means no delay).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Why a document is not what it should be. In [`Error::DocumentMismatch`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentProblem {
    /// Its bytes do not hash to what IDkollen said: the signed PDF downloaded, or the PDF as
    /// IDkollen received it at upload (then the stored document is not the one sent: do not
    /// have it signed).
    #[error("its bytes hash to {actual}, not to {expected}")]
    HashMismatch {
        /// The hash IDkollen gave, as given.
        expected: String,
        /// The hash of the bytes, lowercase hex, by the algorithm `expected`'s length implies.
        actual: String,
    },
    /// The completed signing does not list it: it was sent for signing and not signed, or a
    /// signed download was asked for a document the signing did not sign.
    #[error("the completed signing does not list it")]
    NotInCompletion,
    /// The completed signing lists it, but it was not sent for signing.
    #[error("the completed signing lists it, but it was not sent for signing")]
    NotRequested,
    /// The completed signing lists it more than once.
    #[error("the completed signing lists it more than once")]
    Duplicate,
    /// The hash the completed signing gave for it is not a SHA-256, SHA-384 or SHA-512
    /// digest in hex or base64, so its bytes cannot be verified.
    #[error("its hash {hash:?} is not a SHA-256, SHA-384 or SHA-512 digest in hex or base64")]
    UnreadableHash {
        /// The hash, as given.
        hash: String,
    },
}

/// A request field that breaks the API's rules, found before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid `{field}`: {reason}")]
pub struct ValidationError {
    field: &'static str,
    reason: String,
}

impl ValidationError {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }

    /// The field's name as the API spells it (`text`, `referenceText`, `minAge`, ...), or
    /// the environment variable for [`Client::from_env`](crate::Client::from_env).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Why the value was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_static() {
        fn assert_bounds<T: Send + Sync + 'static + std::error::Error>() {}
        assert_bounds::<Error>();
        assert_bounds::<ValidationError>();
    }

    #[test]
    fn error_stays_small() {
        // Large errors slow every `Result` on the happy path.
        assert!(
            std::mem::size_of::<Error>() <= 72,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn validation_error_names_the_field() {
        let err: Error = ValidationError::new("text", "longer than 118 characters").into();
        assert_eq!(err.field(), Some("text"));
        assert_eq!(
            err.to_string(),
            "invalid `text`: longer than 118 characters"
        );
        assert!(!err.is_retryable());
    }

    #[test]
    fn retry_after_reads_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        let soon = std::time::SystemTime::now() + Duration::from_secs(120);
        headers.insert(RETRY_AFTER, httpdate::fmt_http_date(soon).parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn error_bodies_of_any_shape() {
        let cases: &[(&str, &[u8], Option<&str>)] = &[
            (
                "application/json",
                br#"{"message":"ssn: invalid"}"#,
                Some("ssn: invalid"),
            ),
            (
                "application/json",
                br#"{"error":"invalid_client","error_description":"bad secret"}"#,
                Some("bad secret"),
            ),
            (
                "application/problem+json",
                br#"{"title":"Not Found","detail":"no such session"}"#,
                Some("no such session"),
            ),
            ("application/json", br#"{"code":42}"#, None),
            ("application/json", b"[1,2]", None),
            ("", b"", None),
            ("text/plain", b"  \n", None),
            (
                "text/html",
                b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                None,
            ),
            ("", b"<!DOCTYPE html><html></html>", None),
            (
                "text/plain",
                b"upstream connect error\r\n",
                Some("upstream connect error"),
            ),
            ("application/octet-stream", &[0xff, 0xfe, 0x00], None),
        ];
        for (content_type, body, expected) in cases {
            assert_eq!(
                error_message(content_type, body).as_deref(),
                *expected,
                "{body:?}"
            );
        }
        let long = "x".repeat(1000);
        assert_eq!(
            error_message("text/plain", long.as_bytes())
                .unwrap()
                .chars()
                .count(),
            MAX_MESSAGE + 1
        );
    }

    #[test]
    fn messages() {
        let api = Error::Api {
            service: Service::IdKollen,
            operation: "freja_start_auth",
            status: StatusCode::BAD_REQUEST,
            message: Some("ssn: must not be empty".into()),
            retry_after: None,
        };
        insta::assert_snapshot!(api, @"freja_start_auth: IDkollen answered 400 Bad Request: ssn: must not be empty");
        let bare = Error::Api {
            service: Service::IdKollen,
            operation: "mitid_get_auth_status",
            status: StatusCode::BAD_GATEWAY,
            message: None,
            retry_after: None,
        };
        insta::assert_snapshot!(bare, @"mitid_get_auth_status: IDkollen answered 502 Bad Gateway");
        let wrapper = Error::Api {
            service: Service::BankIdWrapper,
            operation: "bankid_wrapper_collect",
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: None,
            retry_after: None,
        };
        insta::assert_snapshot!(wrapper, @"bankid_wrapper_collect: the BankID wrapper API answered 503 Service Unavailable");
        let expired = Error::Expired { id: "s1".into() };
        insta::assert_snapshot!(expired, @"session s1 has expired or does not exist");
        let deadline = Error::DeadlineExceeded {
            id: "s1".into(),
            elapsed: Duration::from_secs(300),
            polls: 299,
        };
        insta::assert_snapshot!(deadline, @"gave up waiting for session s1 after 300s and 299 status reads");
        let cancelled = Error::Cancelled { id: "s1".into() };
        insta::assert_snapshot!(cancelled, @"session s1 was cancelled");
    }

    #[test]
    fn accessors() {
        let err = Error::Api {
            service: Service::IdKollen,
            operation: "bankid_se_get_auth_status",
            status: StatusCode::TOO_MANY_REQUESTS,
            message: Some("slow down".into()),
            retry_after: Some(Duration::from_secs(2)),
        };
        assert!(err.is_retryable());
        assert!(err.is_rate_limited());
        assert_eq!(err.message(), Some("slow down"));
        assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        let failed = Error::Failed {
            id: "s1".into(),
            code: FailureCode::from("NEW_CODE"),
        };
        assert_eq!(failed.code().unwrap().as_str(), "NEW_CODE");
        assert_eq!(failed.to_string(), "session s1 failed: NEW_CODE");
    }
}
