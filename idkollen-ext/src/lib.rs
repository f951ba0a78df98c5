#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod bankid_wrapper;
pub mod callback;
mod client;
mod codes;
mod coord;
mod error;
mod handle;
pub mod identity;
pub mod launch;
mod outcome;
mod poll;
mod presentation;
mod provider;
mod providers;
pub mod qr;
mod redact;
mod session;
mod table;
mod telemetry;
mod tolerant;
mod transport;
mod unions;
mod validate;
#[cfg(feature = "web")]
pub mod web;

pub use client::{Client, ClientBuilder, Environment};
pub use codes::{FailureCode, HintCode, Language, MessageContext, Status, UnknownValue};
#[cfg(feature = "redis")]
pub use coord::{RedisCoordination, RedisCoordinationBuilder};
pub use error::{DocumentProblem, Error, Service, ValidationError};
pub use idkollen_api as api;
pub use idkollen_api::types;
pub use outcome::{Completed, Outcome};
pub use poll::{PollPolicy, Poller, SessionStatus};
pub use provider::{Flow, Provider};
pub use providers::{AgeVerification, bankid_no, bankid_se, documents, freja, ftn, mitid, vipps};
pub use session::{CancelOnDrop, Session, SessionHandle};
pub use transport::USER_AGENT;
