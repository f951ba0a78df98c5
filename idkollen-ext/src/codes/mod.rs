//! Values the service may extend at any time: session status, failure codes and BankID hint
//! codes.
//!
//! Each type is an enum of the values known to this version plus an `Unknown` variant that
//! keeps the exact string, so a new code from the server never turns a good response into
//! an error, and round-trips byte for byte.

#[macro_use]
mod open_enum;
mod failure;
mod hint;
mod language;
mod rfa;
mod status;

pub use failure::FailureCode;
pub use hint::{HintCode, MessageContext};
pub use language::Language;
pub use open_enum::UnknownValue;
pub use status::Status;

#[cfg(test)]
mod tests;
