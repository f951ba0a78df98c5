//! The ergonomic Rust SDK for IDkollen's REST API v3.
//!
//! This crate builds on the generated client in [`idkollen_api`]; for now it re-exports it.
#![deny(missing_docs)]

pub use idkollen_api as api;
