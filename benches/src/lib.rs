//! Benchmarks of idkollen-rs.
//!
//! The criterion benchmarks live in `benches/`; the load run is the `load` binary. This library
//! holds what both need: a sandbox on a runtime of its own, status bodies as the sandbox sends
//! them, the process's memory and CPU figures, and the load run itself.
//!
//! ```text
//! cargo bench -p idkollen-bench
//! cargo run --release -p idkollen-bench --bin load -- --sessions 1000 --mode default
//! cargo run --release -p idkollen-bench --bin fleet -- run --instances 4 --sessions 10000 --mode callbacks
//! ```

#![deny(missing_docs)]

pub mod bodies;
pub mod fleet;
pub mod load;
pub mod proc_stats;
pub mod raw_http;
pub mod rng;
pub mod sandbox_process;
pub mod server;
pub mod stats;
