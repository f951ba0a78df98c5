//! The raw client for IDkollen's REST API v3.
//!
//! **This crate is generated.** `src/generated.rs` is written by `cargo xtask regen` from
//! `openapi/idkollen-v3.json` with [progenitor](https://crates.io/crates/progenitor), formatted
//! with prettyplease; its header names the generator version, the SHA-256 of the spec and the
//! transforms applied to the generator's copy of the spec. Never edit it by hand: change the
//! spec and run
//!
//! ```text
//! cargo xtask regen          # rewrite src/generated.rs
//! cargo xtask regen --check  # fail (with a diff) if the committed code is stale
//! ```
//!
//! Most applications want `idkollen-ext` instead, which builds on this crate with validated
//! request builders, typed sessions, one polling engine and forward-compatible codes.
//!
//! Every type in [`types`] derives `serde` and [`schemars::JsonSchema`], so it can be reused in
//! an application's own API documents. Values the service may extend (status, error codes,
//! hint codes, countries) decode whatever string arrives.
//!
//! The multipart document upload (`POST /v3/document`) is not generated: progenitor cannot
//! express multipart bodies, so `idkollen-ext` implements it.

// Generated code is exempt from the workspace's style lints and from rustfmt (prettyplease
// formats it). What matters is that it compiles cleanly and that `cargo xtask regen --check`
// proves it is exactly what the generator writes.
#[allow(
    missing_docs,
    missing_debug_implementations,
    clippy::all,
    clippy::pedantic,
    unused_imports,
    unreachable_pub
)]
#[rustfmt::skip]
mod generated;

pub use generated::*;

mod hooks;
mod prepared;

pub use prepared::{UrlBase, UrlTemplate};
