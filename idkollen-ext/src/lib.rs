#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

// The project README's examples compile and run as doctests of this crate, so the quick start
// a newcomer copies always works. Only for doctests: the file is outside this package.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ProjectReadme;

pub mod bankid_wrapper;
pub mod callback;
mod client;
mod codes;
mod error;
pub mod identity;
pub mod launch;
mod outcome;
mod poll;
mod presentation;
mod providers;
pub mod qr;
mod redact;
mod session;
mod tolerant;
mod transport;
mod validate;

pub use client::{Client, ClientBuilder, Environment, USER_AGENT};
pub use codes::{FailureCode, HintCode, Language, MessageContext, Status, UnknownValue};
pub use error::{Error, ValidationError};
pub use idkollen_api as api;
pub use idkollen_api::types;
pub use outcome::{Completed, Outcome};
pub use poll::PollPolicy;
pub use providers::*;
pub use session::{CancelOnDrop, Flow, Provider, Session, SessionHandle, SessionStatus, Update};
