//! The sandbox's own tests: its server end to end through HTTP, with access to what only
//! they need (the spec's response schemas and the validator, the QR and identity-number
//! helpers, the scripts' constants), which is not part of the crate's public surface.

mod callbacks;
mod client;
mod common;
mod conformance;
mod faults;
mod flows;
mod hostile;
mod qr_and_documents;
