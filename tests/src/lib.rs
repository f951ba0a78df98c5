//! Support for the integration tests of idkollen-rs.
//!
//! The drift tests render the spec and the generated client as plain text, one line per fact, and
//! compare that text with reviewed insta snapshots: any change to an operation, a field, a
//! constraint or the generated surface shows up as a diff that must be accepted.

pub mod report;
pub mod sandbox;
pub mod spec;
