//! What a completed session yields, per provider.

use idkollen_api::types;

use crate::provider::{Flow, Provider};

/// A completed session of any provider, before it is narrowed to the caller's type. `Debug`
/// redacts personal data, as [`Completed`]'s does.
pub enum Completion {
    /// BankID SE.
    BankIdSe(Box<types::BankIdSeCompleted>),
    /// Freja eID.
    Freja(Box<types::FrejaCompleted>),
    /// BankID NO.
    BankIdNo(Box<types::BankIdNoCompleted>),
    /// Vipps.
    Vipps(Box<types::VippsCompleted>),
    /// MitID.
    MitId(Box<types::MitIdCompleted>),
    /// FTN.
    Ftn(Box<types::FtnCompleted>),
    /// Age verification, any provider.
    AgeVerification(types::AgeVerificationCompleted),
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::redact::redacted;
        let (provider, value) = match self {
            Completion::BankIdSe(c) => ("BankIdSe", redacted(c)),
            Completion::Freja(c) => ("Freja", redacted(c)),
            Completion::BankIdNo(c) => ("BankIdNo", redacted(c)),
            Completion::Vipps(c) => ("Vipps", redacted(c)),
            Completion::MitId(c) => ("MitId", redacted(c)),
            Completion::Ftn(c) => ("Ftn", redacted(c)),
            Completion::AgeVerification(c) => ("AgeVerification", redacted(c)),
        };
        f.debug_tuple(provider).field(&value).finish()
    }
}

mod sealed {
    pub trait Sealed {}
}

/// The result type of a kind of session: the `COMPLETED` object of its provider (or
/// [`types::AgeVerificationCompleted`] for age verifications). Implemented for the
/// generated types only.
pub trait Outcome: sealed::Sealed + serde::Serialize + Sized + Send + 'static {
    #[doc(hidden)]
    fn from_completion(completion: Completion) -> Option<Self>;
    /// Whether sessions of this provider and flow complete with this type (the provider
    /// table says).
    #[doc(hidden)]
    fn accepts(provider: Provider, flow: Flow) -> bool {
        crate::table::completed_type(provider, flow) == Some(std::any::TypeId::of::<Self>())
    }
}

macro_rules! identity_outcome {
    ($($ty:ident => $variant:ident for $provider:ident),* $(,)?) => {$(
        impl sealed::Sealed for types::$ty {}
        impl Outcome for types::$ty {
            fn from_completion(completion: Completion) -> Option<Self> {
                match completion {
                    Completion::$variant(c) => Some(*c),
                    _ => None,
                }
            }
        }
    )*};
}

identity_outcome! {
    BankIdSeCompleted => BankIdSe for BankIdSe,
    FrejaCompleted => Freja for Freja,
    BankIdNoCompleted => BankIdNo for BankIdNo,
    VippsCompleted => Vipps for Vipps,
    MitIdCompleted => MitId for MitId,
    FtnCompleted => Ftn for Ftn,
}

impl sealed::Sealed for types::AgeVerificationCompleted {}
impl Outcome for types::AgeVerificationCompleted {
    fn from_completion(completion: Completion) -> Option<Self> {
        match completion {
            Completion::AgeVerification(c) => Some(c),
            _ => None,
        }
    }
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

    pub(crate) fn try_map<D>(self, f: impl FnOnce(C) -> Option<D>) -> Option<Completed<D>> {
        Some(Completed {
            value: f(self.value)?,
            unread: self.unread,
            raw: self.raw,
        })
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
