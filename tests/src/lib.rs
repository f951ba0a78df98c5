//! Support for the integration tests of idkollen-rs.
//!
//! The drift tests render the spec and the generated client as plain text, one line per fact, and
//! compare that text with reviewed insta snapshots: any change to an operation, a field, a
//! constraint or the generated surface shows up as a diff that must be accepted.

// The project README's examples compile and run as doctests of this package, so the quick start
// a newcomer copies always works. Here rather than in a published crate: this package is never
// published, so it may include a file outside itself.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ProjectReadme;

pub mod report;
pub mod sandbox;
pub mod spec;
