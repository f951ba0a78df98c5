//! An application that mounts the web kit at `/login`, in front of a sandbox: the server the
//! web tests (HTTP and browser) talk to.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use idkollen_ext::web::{LoginKit, PageFlow, Reply, StartPlan};
use idkollen_ext::{Client, Provider};
use idkollen_sandbox::{Sandbox, Timings};

/// What the completion hook saw: the only place the identity goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub provider: Provider,
    pub name: String,
    pub ssn: Option<String>,
    pub ref_id: Option<String>,
    pub context: Option<String>,
}

pub struct App {
    pub sandbox: Sandbox,
    pub client: Client,
    /// `http://127.0.0.1:port`, where `/login` is the kit.
    pub origin: String,
    pub completed: Arc<Mutex<Vec<Seen>>>,
    server: tokio::task::JoinHandle<()>,
}

impl App {
    /// The kit's base URL.
    pub fn login(&self) -> String {
        format!("{}/login", self.origin)
    }

    pub fn completed(&self) -> Vec<Seen> {
        self.completed.lock().unwrap().clone()
    }

    pub async fn stop(self) {
        self.server.abort();
        self.sandbox.shutdown().await;
    }
}

/// Sessions move slowly enough that a page (and a person) sees each hint for two seconds:
/// outstandingTransaction, started at 2 s, userSign at 4 s, completed at 6 s.
pub fn visible_hints() -> Timings {
    Timings {
        started_after: std::time::Duration::from_secs(2),
        user_sign_after: std::time::Duration::from_secs(4),
        complete_after: std::time::Duration::from_secs(6),
        ..Timings::fast()
    }
}

/// Starts the sandbox and the application. The start hook gives every signing a text, and
/// scripts the sandbox through the page's `data-context`: `manual` keeps the session pending
/// until the provider page or a cancel ends it. Redirect flows are always `manual`, so they
/// wait for the provider page.
pub async fn start(
    timings: Timings,
    configure: impl FnOnce(idkollen_ext::web::LoginKitBuilder) -> idkollen_ext::web::LoginKitBuilder,
) -> App {
    let sandbox = Sandbox::builder().timings(timings).start().await.unwrap();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.account_id(), sandbox.secret_key().to_owned())
        .build()
        .unwrap();
    let completed: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let seen = completed.clone();
    let mut builder = LoginKit::builder(client.clone())
        .secure_cookies(false)
        .on_start(|start| async move {
            let redirect = matches!(
                start.provider,
                Provider::BankIdNo | Provider::Vipps | Provider::MitId | Provider::Ftn
            ) && start.flow != PageFlow::BackchannelAuth;
            let mut plan = StartPlan::new()
                .text("I accept the terms.")
                .request_ssn(true);
            if redirect || start.context.as_deref() == Some("manual") {
                plan = plan.ref_id("sandbox:manual");
            }
            if start.context.as_deref() == Some("refuse") {
                return Err(idkollen_ext::web::Refusal::forbidden("not today"));
            }
            Ok(plan)
        })
        .on_complete(move |done| {
            let seen = seen.clone();
            async move {
                let name = done.verified.name().to_owned();
                seen.lock().unwrap().push(Seen {
                    provider: done.verified.provider(),
                    name: name.clone(),
                    ssn: done.verified.ssn().map(str::to_owned),
                    ref_id: done.ref_id.clone(),
                    context: done.context.clone(),
                });
                Reply::welcome(format!("Welcome, {name}"))
            }
        });
    for provider in Provider::ALL {
        for flow in [PageFlow::Auth, PageFlow::Sign, PageFlow::BackchannelAuth] {
            builder = builder.offer(provider, flow);
        }
    }
    let kit = configure(builder).build();
    let app = axum::Router::new().nest("/login", kit.router());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    App {
        sandbox,
        client,
        origin,
        completed,
        server,
    }
}
