//! The clients under load: how each mode starts a session and waits for its outcome.

use std::sync::Arc;
use std::time::Duration;

use identisure_client::models::{BankIdSeAuthRequest, BankIdSeStatus};
use identisure_client::{IdentisureClient, IdentisureClientBuilder, PollOptions};
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Client, Poller, Session};
use idkollen_sandbox::Sandbox;

use super::{LoadConfig, Mode};
use crate::raw_http;

/// The refId that keeps a sandbox session pending until the control API completes it.
pub(crate) use crate::raw_http::MANUAL;

/// The personnummer of the sandbox's default persona, whom a session started without one
/// completes with.
pub(crate) const PERSONA_SSN: &str = "198112289874";

/// Why a run could not go on.
pub(crate) type RunError = Box<dyn std::error::Error + Send + Sync>;

/// One client shared by every session of a run, as one backend instance would hold it.
#[derive(Clone)]
pub(crate) enum Fleet {
    /// idkollen-ext; with a callback URL in callbacks mode.
    Ext {
        client: Client,
        callback_url: Option<String>,
    },
    /// identisure-client, and how its `wait_for_auth` polls.
    Official(Arc<IdentisureClient>, PollOptions),
    /// reqwest + serde_json by hand.
    Raw(Arc<Raw>),
}

/// The hand-written client: what any client must do at the least.
pub(crate) struct Raw {
    http: reqwest::Client,
    base: String,
}

impl Raw {
    /// A `reqwest::Client` with idkollen-ext's timeouts, sending the credentials by default.
    fn new(sb: &Sandbox, http2: bool) -> Result<Self, RunError> {
        let mut http = raw_http::builder(sb.account_id(), sb.secret_key())?;
        if http2 {
            http = http.http2_prior_knowledge();
        }
        Ok(Self {
            http: http.build()?,
            base: sb.base_url(),
        })
    }

    async fn start(&self) -> Result<String, RunError> {
        raw_http::start_pending(&self.http, &self.base).await
    }

    /// A read a second, counted from the previous answer, until the session ends.
    async fn wait(&self, id: &str) -> Result<(), String> {
        let url = format!("{}/v3/bankid-se/auth/{id}", self.base);
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let read = async {
                self.http
                    .get(&url)
                    .send()
                    .await?
                    .error_for_status()?
                    .json::<RawStatus>()
                    .await
            };
            let status = read.await.map_err(|e| e.to_string())?;
            match status.status.as_str() {
                "PENDING" => continue,
                "COMPLETED" if status.ssn.as_deref() == Some(PERSONA_SSN) => return Ok(()),
                other => return Err(format!("ended with {other}")),
            }
        }
    }
}

/// The fields of a BankID SE status the hand-written client looks at.
#[derive(serde::Deserialize)]
struct RawStatus {
    status: String,
    ssn: Option<String>,
}

impl Fleet {
    /// The client of `mode` for `sb`, speaking HTTP/2 by prior knowledge if `http2` (the
    /// idkollen-ext modes only). In callbacks mode this also serves the client's callback
    /// endpoint on loopback, on the current runtime.
    pub(crate) async fn new(config: &LoadConfig, sb: &Sandbox) -> Result<Self, RunError> {
        let (mode, http2) = (config.mode, config.http2);
        if http2 && mode == Mode::Official {
            return Err(
                "--http2 is for the idkollen-ext modes; the official client has no such setting"
                    .into(),
            );
        }
        let ext = || {
            let mut http = reqwest::Client::builder();
            if http2 {
                http = http.http2_prior_knowledge();
            }
            let mut client = Client::builder()
                .base_url(sb.base_url())
                .credentials(sb.account_id(), sb.secret_key().to_owned())
                .callback_secret(sb.callback_secret().to_owned())
                .http_client(http);
            if let Some(bound) = config.max_requests_in_flight {
                client = client.max_requests_in_flight(bound);
            }
            client.build()
        };
        Ok(match mode {
            Mode::Default => Fleet::Ext {
                client: ext()?,
                callback_url: None,
            },
            Mode::Callbacks => {
                let client = ext()?;
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                let url = format!("http://{}/", listener.local_addr()?);
                let app = idkollen_ext::callback::router(client.clone());
                tokio::spawn(async move {
                    if let Err(e) = axum::serve(listener, app).await {
                        eprintln!("the callback endpoint stopped: {e}");
                    }
                });
                Fleet::Ext {
                    client,
                    callback_url: Some(url),
                }
            }
            Mode::Raw => Fleet::Raw(Arc::new(Raw::new(sb, http2)?)),
            Mode::Official => Fleet::Official(
                Arc::new(
                    IdentisureClientBuilder::new(sb.account_id(), sb.secret_key())
                        .base_url(sb.base_url())
                        .build()?,
                ),
                PollOptions {
                    interval: config.official_interval,
                    ..PollOptions::default()
                },
            ),
        })
    }

    /// Starts a BankID SE authentication that stays pending until completed by hand.
    pub(crate) async fn start(&self) -> Result<Waiting, RunError> {
        match self {
            Fleet::Ext {
                client,
                callback_url,
            } => {
                let mut auth = client.bankid_se().auth().ref_id(MANUAL);
                if let Some(url) = callback_url {
                    auth = auth.callback_url(url);
                }
                Ok(Waiting::Ext(Box::new(auth.send().await?)))
            }
            Fleet::Official(client, poll) => {
                let started = client
                    .bankid_se()
                    .auth(BankIdSeAuthRequest::new().ref_id(MANUAL.to_owned()))
                    .await?;
                match started {
                    BankIdSeStatus::Pending(p) => {
                        Ok(Waiting::Official(client.clone(), poll.clone(), p.id))
                    }
                    other => Err(format!("the start answered {other:?}").into()),
                }
            }
            Fleet::Raw(raw) => Ok(Waiting::Raw(raw.clone(), raw.start().await?)),
        }
    }
}

/// A started session, to wait on.
pub(crate) enum Waiting {
    /// idkollen-ext's session (boxed: it is much larger than the other variant).
    Ext(Box<Session<BankIdSeCompleted>>),
    /// The official client, how it polls, and the session id.
    Official(Arc<IdentisureClient>, PollOptions, String),
    /// The hand-written client and the session id.
    Raw(Arc<Raw>, String),
}

impl Waiting {
    /// The session id.
    pub(crate) fn id(&self) -> &str {
        match self {
            Waiting::Ext(session) => session.id(),
            Waiting::Official(_, _, id) | Waiting::Raw(_, id) => id,
        }
    }

    /// Waits the way each client is meant to be used: idkollen-ext's `wait()` (a read a
    /// second, or the callback), the official client's `wait_for_auth` (a read every 2 s by
    /// default). `Ok` only for a completion with the persona's identity.
    pub(crate) async fn wait(self) -> Result<(), String> {
        match self {
            Waiting::Ext(session) => match session.wait().await {
                Ok(identity) if identity.ssn == PERSONA_SSN => Ok(()),
                Ok(identity) => Err(format!("completed with ssn {}", identity.ssn)),
                Err(e) => Err(e.to_string()),
            },
            Waiting::Official(client, poll, id) => {
                match client.bankid_se().wait_for_auth(&id, poll).await {
                    Ok(BankIdSeStatus::Completed(c)) if c.ssn.as_str() == PERSONA_SSN => Ok(()),
                    Ok(other) => Err(format!("ended with {other:?}")),
                    Err(e) => Err(e.to_string()),
                }
            }
            Waiting::Raw(raw, id) => raw.wait(&id).await,
        }
    }
}
