//! The ergonomic Rust SDK for IDkollen's REST API v3: one API over Swedish BankID, Freja
//! eID, Norwegian BankID, Vipps MobilePay, Danish MitID and the Finnish Trust Network.
//!
//! - [`Client`]: configuration, credentials (kept in a [`secrecy::SecretString`]), one
//!   `tracing` span per request.
//! - Provider facades ([`Client::bankid_se`], [`Client::freja`], ...) with request builders
//!   that check the API's limits before anything is sent.
//! - [`Session`]: a started session; [`Session::wait`] polls it through one engine that
//!   respects the rate limit, waits out 429s and retries status reads (never starts).
//! - [`SessionHandle`]: the serialisable part of a session, to resume on any instance.
//! - [`Status`], [`FailureCode`], [`HintCode`]: codes that survive new values from the
//!   server, with BankID's recommended user messages.
//!
//! The generated client is available as [`api`] and through [`Client::raw`].
#![deny(missing_docs)]

mod client;
mod codes;
mod error;
mod outcome;
mod poll;
mod providers;
mod session;
mod validate;

pub use client::{Client, ClientBuilder, Environment, USER_AGENT};
pub use codes::{FailureCode, HintCode, Language, MessageContext, Status, UnknownValue};
pub use error::{Error, ValidationError};
pub use idkollen_api as api;
pub use idkollen_api::types;
pub use outcome::Outcome;
pub use poll::PollPolicy;
pub use providers::*;
pub use session::{CancelOnDrop, Flow, Provider, Session, SessionHandle, SessionStatus, Update};
