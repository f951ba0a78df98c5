//! Why a session failed.

use super::Language;
use super::rfa::Rfa;

open_enum! {
    /// The `error` of a `FAILED` session.
    pub enum FailureCode {
        /// The user could not be authenticated.
        AuthFailed => "AUTH_FAILED",
        /// The session was cancelled, by the user or the relying party.
        Cancelled => "CANCELLED",
        /// The identity number sent was not valid.
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
    /// A message for the end user, following BankID's recommendations (RFA texts). An
    /// unknown code gets the generic RFA22.
    pub fn user_message(&self, language: Language) -> &'static str {
        let rfa = match self {
            FailureCode::AuthFailed => Rfa::Rfa22,
            FailureCode::Cancelled => Rfa::Rfa3,
            FailureCode::InvalidId => Rfa::InvalidId,
            FailureCode::Conflict => Rfa::Rfa4,
            FailureCode::InternalError => Rfa::Rfa5,
            FailureCode::SessionTimeout => Rfa::Rfa8,
            FailureCode::UnsupportedClient => Rfa::UnsupportedClient,
            FailureCode::Unknown(_) => Rfa::Rfa22,
        };
        rfa.text(language)
    }
}
