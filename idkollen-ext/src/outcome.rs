//! What a completed session yields, per provider.

use std::future::Future;

#[cfg(doc)]
use idkollen_api::types;

use crate::client::Client;
use crate::error::Error;
use crate::poll::SessionStatus;
use crate::provider::{Flow, Provider};

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// The result type of a kind of session: the `COMPLETED` object of its provider (or
/// [`types::AgeVerificationCompleted`] for age verifications). Implemented for the
/// generated types only, by the provider table, which says which sessions complete with it and
/// how their status is read.
pub trait Outcome: sealed::Sealed + serde::Serialize + Sized + Send + 'static {
    /// Whether sessions of this provider and flow complete with this type.
    #[doc(hidden)]
    fn accepts(provider: Provider, flow: Flow) -> bool;

    /// Reads the status of a session of this provider and flow once.
    #[doc(hidden)]
    fn read_status(
        client: &Client,
        provider: Provider,
        flow: Flow,
        id: &str,
    ) -> impl Future<Output = Result<SessionStatus<Completed<Self>>, Error>> + Send;

    /// The status read of a session of this provider and flow, its URL built once; `None`
    /// when the id is not one the service could have given (its reads then fail as the
    /// generated client's do, through [`read_status`](Self::read_status)).
    #[doc(hidden)]
    fn prepare_read(
        client: &Client,
        provider: Provider,
        flow: Flow,
        id: &str,
    ) -> Option<PreparedRead>;

    /// Reads the status of a session once at its prepared URL.
    #[doc(hidden)]
    fn read_prepared(
        client: &Client,
        read: &PreparedRead,
    ) -> impl Future<Output = Result<SessionStatus<Completed<Self>>, Error>> + Send;

    /// Cancels a session of this provider and flow.
    #[doc(hidden)]
    fn cancel(
        client: &Client,
        provider: Provider,
        flow: Flow,
        id: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// A status object (a callback's body) read tolerantly as the status of a session of
    /// this provider and flow; `None` when it is not one.
    #[doc(hidden)]
    fn status_from_json(
        provider: Provider,
        flow: Flow,
        body: &serde_json::Value,
    ) -> Option<SessionStatus<Completed<Self>>>;
}

/// A session's status read with its URL built once (from the operation's path in
/// `idkollen_api::paths`), so that a session read every second does not format and parse it
/// every time.
#[doc(hidden)]
#[derive(Debug)]
pub struct PreparedRead {
    /// The operation id: the generated method that would send this read.
    pub(crate) operation: &'static str,
    pub(crate) url: reqwest::Url,
}

/// What a completed session yields: the provider's completed result `C` (a login's verified
/// identity, a signature, an age check), with what the tolerant reader could not fill from the
/// answer.
///
/// It dereferences to `C`, so `user.name` reads as on `C` itself. An answer that does not fit
/// the spec's type (a missing field, a value of another type) still completes the session: the
/// fields that could not be read hold an empty placeholder and are listed by
/// [`unread_fields`](Self::unread_fields), and the body as received is kept in
/// [`raw`](Self::raw), so the application decides what a partial result is worth.
///
/// ```
/// # async fn run(session: idkollen_ext::Session<idkollen_ext::types::BankIdSeCompleted>) -> Result<(), idkollen_ext::Error> {
/// use idkollen_ext::Poller;
///
/// let user = session.wait().await?;
/// if user.is_whole() {
///     println!("welcome, {}", user.name);
/// } else {
///     // For example an `ssn` the service did not send.
///     println!("could not read {:?}", user.unread_fields());
/// }
/// # Ok(())
/// # }
/// ```
///
/// `Debug` prints only the fields that identify the session (`id`, `refId`, `status`, and
/// times and flags that say nothing about the person); names, identity numbers, dates of
/// birth, contact details, addresses and signatures are redacted, so a result can be logged.
#[derive(Clone, PartialEq)]
pub struct Completed<C> {
    value: C,
    unread: Vec<String>,
    raw: Option<Box<serde_json::Value>>,
}

impl<C> Completed<C> {
    /// A result read as the spec describes it.
    pub(crate) fn whole(value: C) -> Self {
        Self {
            value,
            unread: Vec::new(),
            raw: None,
        }
    }

    /// A result the tolerant reader repaired: the fields it could not read, and the body.
    pub(crate) fn repaired(value: C, unread: Vec<String>, raw: serde_json::Value) -> Self {
        Self {
            value,
            unread,
            raw: Some(Box::new(raw)),
        }
    }

    /// The result, without what the reader noted about it.
    pub fn into_inner(self) -> C {
        self.value
    }

    /// Whether every field of the result was read from the answer.
    pub fn is_whole(&self) -> bool {
        self.unread.is_empty()
    }

    /// The fields that were missing from the answer or could not be read, as JSON paths
    /// (`ssn`, `signResult.hash`, `signedDocuments[0]`). A required one holds an empty
    /// placeholder (`""`, `false`, `0`); an optional one is `None`.
    pub fn unread_fields(&self) -> &[String] {
        &self.unread
    }

    /// The answer's body as received, kept when it did not fit the spec's type (including
    /// fields this version does not know); `None` when it fitted.
    pub fn raw(&self) -> Option<&serde_json::Value> {
        self.raw.as_deref()
    }
}

impl<C> std::ops::Deref for Completed<C> {
    type Target = C;
    fn deref(&self) -> &C {
        &self.value
    }
}

impl<C> AsRef<C> for Completed<C> {
    fn as_ref(&self) -> &C {
        &self.value
    }
}

impl<C: serde::Serialize> std::fmt::Debug for Completed<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value = crate::redact::redacted(&self.value);
        f.debug_struct("Completed")
            .field("value", &value)
            .field("unread", &self.unread)
            .field("raw", &self.raw.as_ref().map(|_| crate::redact::REDACTED))
            .finish()
    }
}
