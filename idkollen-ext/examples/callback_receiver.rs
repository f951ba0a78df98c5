//! Receives IDkollen's signed callbacks with an axum endpoint; the waiting session returns the
//! moment its callback arrives instead of at its next status read.
//!
//! ```sh
//! cargo run -p idkollen-ext --features axum --example callback_receiver
//! ```
//!
//! Against IDkollen, the callback URL must be reachable from the internet: set
//! `CALLBACK_BASE_URL` to where this listener is exposed, and `IDKOLLEN_CALLBACK_SECRET`.

#[path = "common/mod.rs"]
mod common;

use idkollen_ext::Poller;
use tokio::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let local = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new().nest(
        "/idkollen/callback",
        idkollen_ext::callback::router(client.clone()),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let base = std::env::var("CALLBACK_BASE_URL").unwrap_or(local);
    let session = client
        .bankid_se()
        .auth()
        .callback_url(format!("{base}/idkollen/callback/"))
        .send()
        .await?;
    let started = Instant::now();
    let identity = session.wait().await?;
    println!(
        "{} logged in; the callback ended the wait after {:?}",
        identity.name,
        started.elapsed()
    );
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
