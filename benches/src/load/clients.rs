//! The clients under load: how each mode starts a session and waits for its outcome.

use std::sync::Arc;

use identisure_client::models::{BankIdSeAuthRequest, BankIdSeStatus};
use identisure_client::{IdentisureClient, IdentisureClientBuilder, PollOptions};
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Client, Poller, Session};
use idkollen_sandbox::Sandbox;

use super::Mode;

/// The refId that keeps a sandbox session pending until the control API completes it.
pub(crate) const MANUAL: &str = "sandbox:manual";

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
    /// identisure-client.
    Official(Arc<IdentisureClient>),
}

impl Fleet {
    /// The client of `mode` for `sb`, speaking HTTP/2 by prior knowledge if `http2` (the
    /// idkollen-ext modes only). In callbacks mode this also serves the client's callback
    /// endpoint on loopback, on the current runtime.
    pub(crate) async fn new(mode: Mode, sb: &Sandbox, http2: bool) -> Result<Self, RunError> {
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
            Client::builder()
                .base_url(sb.base_url())
                .credentials(sb.account_id(), sb.secret_key().to_owned())
                .callback_secret(sb.callback_secret().to_owned())
                .http_client(http)
                .build()
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
            Mode::Official => Fleet::Official(Arc::new(
                IdentisureClientBuilder::new(sb.account_id(), sb.secret_key())
                    .base_url(sb.base_url())
                    .build()?,
            )),
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
            Fleet::Official(client) => {
                let started = client
                    .bankid_se()
                    .auth(BankIdSeAuthRequest::new().ref_id(MANUAL.to_owned()))
                    .await?;
                match started {
                    BankIdSeStatus::Pending(p) => Ok(Waiting::Official(client.clone(), p.id)),
                    other => Err(format!("the start answered {other:?}").into()),
                }
            }
        }
    }
}

/// A started session, to wait on.
pub(crate) enum Waiting {
    /// idkollen-ext's session (boxed: it is much larger than the other variant).
    Ext(Box<Session<BankIdSeCompleted>>),
    /// The official client and the session id.
    Official(Arc<IdentisureClient>, String),
}

impl Waiting {
    /// The session id.
    pub(crate) fn id(&self) -> &str {
        match self {
            Waiting::Ext(session) => session.id(),
            Waiting::Official(_, id) => id,
        }
    }

    /// Waits the way each client is meant to be used: idkollen-ext's `wait()` (a read a
    /// second, or the callback), the official client's `wait_for_auth` with its default
    /// options (a read every 2 s). `Ok` only for a completion with the persona's identity.
    pub(crate) async fn wait(self) -> Result<(), String> {
        match self {
            Waiting::Ext(session) => match session.wait().await {
                Ok(identity) if identity.ssn == PERSONA_SSN => Ok(()),
                Ok(identity) => Err(format!("completed with ssn {}", identity.ssn)),
                Err(e) => Err(e.to_string()),
            },
            Waiting::Official(client, id) => {
                match client
                    .bankid_se()
                    .wait_for_auth(&id, PollOptions::default())
                    .await
                {
                    Ok(BankIdSeStatus::Completed(c)) if c.ssn.as_str() == PERSONA_SSN => Ok(()),
                    Ok(other) => Err(format!("ended with {other:?}")),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }
}
