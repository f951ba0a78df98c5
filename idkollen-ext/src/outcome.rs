//! What a completed session yields, per provider.

use idkollen_api::types;

use crate::session::{Flow, Provider};

/// A completed session of any provider, before it is narrowed to the caller's type.
#[derive(Debug)]
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

mod sealed {
    pub trait Sealed {}
}

/// The result type of a kind of session: the `COMPLETED` object of its provider (or
/// [`types::AgeVerificationCompleted`] for age verifications). Implemented for the
/// generated types only.
pub trait Outcome: sealed::Sealed + Sized + Send + 'static {
    #[doc(hidden)]
    fn from_completion(completion: Completion) -> Option<Self>;
    #[doc(hidden)]
    fn accepts(provider: Provider, flow: Flow) -> bool;
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
            fn accepts(provider: Provider, flow: Flow) -> bool {
                provider == Provider::$provider && flow != Flow::AgeVerification
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
    fn accepts(_: Provider, flow: Flow) -> bool {
        flow == Flow::AgeVerification
    }
}
