//! The fleet run: N instances of a backend as separate processes, one sandbox, one Redis.
//!
//! ```text
//! cargo run --release -p idkollen-bench --bin fleet -- run --instances 4 --sessions 10000 --mode callbacks
//! cargo run --release -p idkollen-bench --bin fleet -- run --instances 4 --sessions 10000 --mode polling
//! ```
//!
//! `run` starts `redis-server` (unless given `--redis-url`) and the instances, which are this
//! program again as `instance`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use idkollen_bench::fleet::{self, FleetConfig, FleetMode, instance};

#[derive(Debug, Parser)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the fleet and prints one line of results (and JSON with `--json`).
    Run {
        /// How many instances (processes).
        #[arg(long, default_value_t = 4)]
        instances: usize,
        /// How many sessions, started round-robin over the instances.
        #[arg(long, default_value_t = 10_000)]
        sessions: usize,
        /// Callbacks (each delivered to a random instance), or polling only (each session
        /// waited on by two instances).
        #[arg(long, value_enum, default_value_t = FleetMode::Callbacks)]
        mode: FleetMode,
        /// Completions fall uniformly over this many seconds, starting 1 s after the last start.
        #[arg(long, default_value_t = 5.0)]
        spread_secs: f64,
        /// The seed of the completion schedule and of the callbacks' instances.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The instances speak HTTP/1.1 to the sandbox instead of HTTP/2.
        #[arg(long)]
        http1: bool,
        /// A Redis to use instead of starting `redis-server`.
        #[arg(long)]
        redis_url: Option<String>,
        /// Also print the results as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// One instance (started by `run`).
    Instance(instance::InstanceConfig),
}

fn main() -> ExitCode {
    match Args::parse().command {
        Command::Run {
            instances,
            sessions,
            mode,
            spread_secs,
            seed,
            http1,
            redis_url,
            json,
        } => {
            let mut config = FleetConfig::new(instances, sessions, mode);
            config.pace.spread = Duration::from_secs_f64(spread_secs.max(0.0));
            config.pace.seed = seed;
            config.http2 = !http1;
            config.redis_url = redis_url;
            match fleet::run(&config) {
                Ok(report) => {
                    println!("{report}");
                    if json {
                        println!("{}", report.to_json());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("fleet run failed: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Instance(config) => {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("instance: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(instance::serve(config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("instance: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
