//! A faithful local IDkollen v3 server for tests, demos and your own test suites.
//!
//! The sandbox serves every operation of IDkollen's REST API v3 (BankID SE, Freja eID,
//! BankID NO, Vipps MobilePay, MitID, FTN and documents) with the shapes of the OpenAPI
//! document, validates requests against that document's own schemas, moves sessions through
//! realistic states on tokio's clock, signs callbacks, verifies BankID QR codes, and lets a
//! test script outcomes and inject faults.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use idkollen_sandbox::{Fault, Sandbox, Timings};
//!
//! let sb = Sandbox::builder().timings(Timings::fast()).start().await?;
//! let base_url = sb.base_url(); // http://127.0.0.1:PORT
//! // ... point a client at base_url with sb.account_id() / sb.secret_key() ...
//! sb.inject(Fault::unavailable().path_prefix("/v3/bankid-se/"));
//! assert!(sb.requests().is_empty());
//! sb.shutdown().await;
//! # let _ = base_url;
//! # Ok(())
//! # }
//! ```
//!
//! See the crate's README for the test identities, the `refId` scripts and the control API.

#![deny(missing_docs)]

mod callbacks;
mod connections;
mod control;
mod documents;
mod error;
mod faults;
mod flows;
mod ids;
mod lifecycle;
mod personas;
mod profile;
mod qr;
mod requests;
mod routes;
mod scenarios;
mod server;
mod spec;
mod state;
mod status;
mod store;
mod timings;
mod validate;

pub use callbacks::{CallbackDelivery, SIGNATURE_HEADER, sign as sign_callback};
pub use connections::ConnectionStats;
pub use documents::DEFAULT_MAX_DOCUMENT_SIZE;
pub use error::SandboxError;
pub use faults::{Fault, FaultKind};
pub use profile::{
    HOSTILE_BAD_GATEWAY_HTML, HOSTILE_EXTRA_FIELD, HOSTILE_RETRY_AFTER, HOSTILE_UNKNOWN_STATUS,
    HostileStats, Profile, StartCount,
};
pub use requests::RecordedRequest;
pub use scenarios::{IdentityKind, Script, TestIdentity, test_identities};
pub use server::{
    DEFAULT_ACCOUNT_ID, DEFAULT_CALLBACK_SECRET, DEFAULT_SECRET_KEY, Sandbox, SandboxBuilder,
};
pub use timings::Timings;

#[cfg(test)]
mod tests;
