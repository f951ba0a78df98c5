//! Logins and signatures in the browser with the web kit: the page, its QR code, the link that
//! opens the app on this device, and the result.
//!
//! ```sh
//! cargo run -p idkollen-ext --example web_login --features web
//! ```
//!
//! Then open <http://127.0.0.1:3000/login> (`PORT` chooses another port). With no `IDKOLLEN_*`
//! variables set it starts the sandbox in this process: a BankID login completes as its
//! persona after about ten seconds, and the redirect providers (BankID NO, Vipps, MitID, FTN)
//! go to the sandbox's provider page, where you approve or cancel as a test person. With
//! `IDKOLLEN_ACCOUNT_ID`, `IDKOLLEN_SECRET_KEY` and `IDKOLLEN_ENV=staging` (or
//! `IDKOLLEN_BASE_URL`) it talks to IDkollen, and you use your own test eIDs.

#[path = "common/mod.rs"]
mod common;

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;
use idkollen_ext::Provider;
use idkollen_ext::web::{LoginKit, PageFlow, Reply, StartPlan};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let in_sandbox = sandbox.is_some();
    let mut kit = LoginKit::builder(client)
        // Served over plain HTTP on this machine.
        .secure_cookies(false)
        .on_start(move |start| async move {
            let mut plan = StartPlan::new()
                .intent("Log in to the idkollen-rs example")
                .text("I have read and accept the idkollen-rs example's terms.")
                .request_ssn(true);
            // In the sandbox a redirect session waits for its provider page rather than
            // completing on its own.
            if in_sandbox
                && start.provider != Provider::BankIdSe
                && start.provider != Provider::Freja
            {
                plan = plan.ref_id("sandbox:manual");
            }
            Ok(plan)
        })
        .on_complete(|done| async move {
            // A real service logs the user in here (and may answer Reply::redirect to a page of
            // its own); the page learns only this reply.
            println!(
                "verified by {:?}: {}",
                done.verified.provider(),
                done.verified.name()
            );
            Reply::welcome(format!("Welcome, {}", done.verified.name()))
        });
    for provider in Provider::ALL {
        for flow in [PageFlow::Auth, PageFlow::Sign, PageFlow::BackchannelAuth] {
            kit = kit.offer(provider, flow);
        }
    }
    let kit = kit.build();
    let app = Router::new()
        .route("/", get(|| async { Redirect::to("/login") }))
        .nest("/login", kit.router());

    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!(
        "Open http://{}/login (Ctrl-C stops)",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
