//! Why a session failed.

use super::Language;
use super::rfa::Rfa;
use crate::provider::Provider;

open_enum! {
    /// The `error` of a `FAILED` session.
    pub enum FailureCode {
        /// The user could not be authenticated.
        AuthFailed => "AUTH_FAILED",
        /// The session was cancelled, by the user or the relying party.
        Cancelled => "CANCELLED",
        /// The user's eID (its certificate or identity document) has expired or is otherwise
        /// not valid. Not a statement about the identity number sent.
        InvalidId => "INVALID_ID",
        /// Another session for the same user is already in progress.
        Conflict => "CONFLICT",
        /// An error inside IDkollen or the eID provider.
        InternalError => "INTERNAL_ERROR",
        /// The user did not act before the session timed out.
        SessionTimeout => "SESSION_TIMEOUT",
        /// The user's app does not support the request.
        UnsupportedClient => "UNSUPPORTED_CLIENT",
    }
}

impl FailureCode {
    /// A message for the end user that names no eID: right for every provider. See
    /// [`user_message_for`](Self::user_message_for) for BankID's own recommended texts.
    /// An unknown code gets the generic "unknown error".
    pub fn user_message(&self, language: Language) -> &'static str {
        self.rfa(None).text(language)
    }

    /// A message for the end user of `provider`'s eID: for Swedish BankID, BankID's
    /// recommended texts (the "RFA" texts of its relying-party guidelines); for every other
    /// provider, texts that name no eID (as [`user_message`](Self::user_message)).
    pub fn user_message_for(&self, provider: Provider, language: Language) -> &'static str {
        self.rfa(Some(provider)).text(language)
    }

    fn rfa(&self, provider: Option<Provider>) -> Rfa {
        let bankid_se = provider == Some(Provider::BankIdSe);
        match self {
            FailureCode::AuthFailed => Rfa::Rfa22,
            FailureCode::Cancelled => Rfa::Rfa3,
            // BankID's text for a blocked or too old BankID.
            FailureCode::InvalidId if bankid_se => Rfa::Rfa16,
            FailureCode::InvalidId => Rfa::EidInvalid,
            FailureCode::Conflict => Rfa::Rfa4,
            FailureCode::InternalError => Rfa::Rfa5,
            FailureCode::SessionTimeout if bankid_se => Rfa::Rfa8,
            FailureCode::SessionTimeout => Rfa::TimedOut,
            FailureCode::UnsupportedClient if bankid_se => Rfa::UnsupportedClient,
            FailureCode::UnsupportedClient => Rfa::AppOutdated,
            FailureCode::Unknown(_) => Rfa::Rfa22,
        }
    }
}
