//! The library behind `cargo xtask`, split out so that its behaviour (determinism, staleness
//! checks, offline failures) is covered by ordinary tests.

use std::path::{Path, PathBuf};

pub mod fetch;
pub mod regen;
pub mod spec;
pub mod transforms;

/// The error type of every xtask command: a message for a human, printed as `error: ...`.
pub type Error = String;

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
