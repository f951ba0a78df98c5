//! The load run: N sessions waiting at once against an in-process sandbox, completed at random
//! moments; prints one line of results (and JSON with `--json`).
//!
//! ```text
//! cargo run --release -p idkollen-bench --bin load -- --sessions 1000 --mode default
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use idkollen_bench::load::{self, LoadConfig, Mode};

/// Sessions waiting at once against an in-process IDkollen sandbox.
#[derive(Debug, Parser)]
struct Args {
    /// How many sessions wait at once.
    #[arg(long, default_value_t = 1000)]
    sessions: usize,
    /// Which client waits: idkollen-ext polling, the official client, or idkollen-ext with
    /// callbacks.
    #[arg(long, value_enum, default_value_t = Mode::Default)]
    mode: Mode,
    /// Completions fall uniformly over this many seconds, starting 1 s after the last start.
    #[arg(long, default_value_t = 5.0)]
    spread_secs: f64,
    /// The seed of the completion schedule.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// idkollen-ext speaks HTTP/2 to the sandbox (by prior knowledge, as there is no TLS to
    /// negotiate it) instead of HTTP/1.1. Not for `--mode official`.
    #[arg(long)]
    http2: bool,
    /// idkollen-ext's bound on status reads in flight (`ClientBuilder::max_requests_in_flight`);
    /// its default when not given.
    #[arg(long)]
    max_requests_in_flight: Option<usize>,
    /// The official client's time between status reads (`PollOptions::interval`): its default
    /// of 2 s unless given. 1000 reads at idkollen-ext's cadence, for a comparison of CPU per
    /// request at the same request rate.
    #[arg(long)]
    official_interval_ms: Option<u64>,
    /// Also print the results as one JSON object.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = LoadConfig::new(args.sessions, args.mode);
    config.pace.spread = Duration::from_secs_f64(args.spread_secs.max(0.0));
    config.pace.seed = args.seed;
    config.http2 = args.http2;
    config.max_requests_in_flight = args.max_requests_in_flight;
    if let Some(ms) = args.official_interval_ms {
        config.official_interval = Duration::from_millis(ms.max(1));
    }
    match load::run(&config) {
        Ok(report) => {
            println!("{report}");
            if args.json {
                println!("{}", report.to_json());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("load run failed: {e}");
            ExitCode::FAILURE
        }
    }
}
