//! `idkollen-sandbox`: run the IDkollen v3 sandbox as a program.

use std::net::SocketAddr;

use clap::{Parser, ValueEnum};
use idkollen_sandbox::{
    DEFAULT_ACCOUNT_ID, DEFAULT_CALLBACK_SECRET, DEFAULT_SECRET_KEY, Profile, Sandbox, Timings,
};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Speed {
    /// Sessions end within a fraction of a second.
    Fast,
    /// Sessions take about as long as a person would.
    Realistic,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileArg {
    /// Every answer as the OpenAPI document describes it.
    Default,
    /// Every session meets what a proxy or a newer service may send.
    Hostile,
}

/// A faithful local IDkollen v3 server.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "IDKOLLEN_SANDBOX_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Account id accepted as the HTTP Basic username.
    #[arg(long, env = "IDKOLLEN_SANDBOX_ACCOUNT_ID", default_value = DEFAULT_ACCOUNT_ID)]
    account_id: String,
    /// Secret key accepted as the HTTP Basic password.
    #[arg(long, env = "IDKOLLEN_SANDBOX_SECRET_KEY", default_value = DEFAULT_SECRET_KEY)]
    secret_key: String,
    /// Secret that callbacks are signed with (X-Signature-SHA256).
    #[arg(long, env = "IDKOLLEN_SANDBOX_CALLBACK_SECRET", default_value = DEFAULT_CALLBACK_SECRET)]
    callback_secret: String,
    /// How fast sessions move.
    #[arg(
        long,
        value_enum,
        env = "IDKOLLEN_SANDBOX_TIMINGS",
        default_value = "realistic"
    )]
    timings: Speed,
    /// How faithfully to answer: `default` (as the OpenAPI document says) or `hostile` (what a
    /// proxy or a newer service may send; see the README).
    #[arg(
        long,
        value_enum,
        env = "IDKOLLEN_SANDBOX_PROFILE",
        default_value = "default"
    )]
    profile: ProfileArg,
    /// Allow callback URLs that are not loopback addresses.
    #[arg(long, env = "IDKOLLEN_SANDBOX_ALLOW_EXTERNAL_CALLBACKS")]
    allow_external_callbacks: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        // Colours only on a terminal: CI logs and files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let args = Args::parse();
    let timings = match args.timings {
        Speed::Fast => Timings::fast(),
        Speed::Realistic => Timings::realistic(),
    };
    let sandbox = Sandbox::builder()
        .bind(args.bind)
        .account_id(args.account_id)
        .secret_key(args.secret_key)
        .callback_secret(args.callback_secret)
        .timings(timings)
        .allow_external_callbacks(args.allow_external_callbacks)
        .profile(match args.profile {
            ProfileArg::Default => Profile::Default,
            ProfileArg::Hostile => Profile::Hostile,
        })
        .start()
        .await?;
    println!(
        "IDkollen sandbox listening on {} (profile {})",
        sandbox.base_url(),
        sandbox.profile()
    );
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
