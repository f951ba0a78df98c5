//! One instance of the backend in the fleet run: a process with its own `Client`, coordinated
//! through Redis, serving its callback endpoint and a small control API the driver uses to
//! start sessions, hand it sessions to wait on, and collect how each wait ended.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Client, Poller, RedisCoordination, Session, SessionHandle};
use serde::{Deserialize, Serialize};

use crate::load::{MANUAL, PERSONA_SSN};

/// What the instance needs to know (its command line, given by the driver).
#[derive(Debug, Clone, clap::Args)]
pub struct InstanceConfig {
    /// The sandbox's base URL.
    #[arg(long)]
    pub sandbox: String,
    /// The sandbox's account id.
    #[arg(long)]
    pub account_id: String,
    /// The sandbox's secret key.
    #[arg(long)]
    pub secret_key: String,
    /// The secret callbacks are signed with.
    #[arg(long)]
    pub callback_secret: String,
    /// The fleet's Redis.
    #[arg(long)]
    pub redis: String,
    /// The fleet's key prefix.
    #[arg(long)]
    pub prefix: String,
    /// HTTP/1.1 to the sandbox instead of HTTP/2 (by prior knowledge).
    #[arg(long)]
    pub http1: bool,
}

/// A start the driver asks for.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    /// Where the session's callback goes, if anywhere.
    pub callback_url: Option<String>,
}

/// How one wait on this instance ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitResult {
    /// The session id.
    pub id: String,
    /// Why it did not return the persona's identity; `None` when it did.
    pub error: Option<String>,
    /// When the wait returned, in nanoseconds since the Unix epoch (all processes of the run
    /// share the machine's clock).
    pub returned_ns: u128,
}

/// A callback this instance received.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    /// The session id.
    pub id: String,
    /// When it arrived, in nanoseconds since the Unix epoch.
    pub at_ns: u128,
}

/// How the waits on this instance ended, and the callbacks it received.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    /// One per wait that returned.
    pub waits: Vec<WaitResult>,
    /// One per callback delivered here.
    pub callbacks: Vec<Received>,
}

#[derive(Clone)]
struct Shared {
    client: Client,
    results: Arc<Mutex<Results>>,
}

/// Serves until the process is killed. Prints `listening http://ADDR` once it accepts
/// requests, which the driver waits for.
pub async fn serve(config: InstanceConfig) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let coordination = RedisCoordination::builder(&config.redis)
        .prefix(&config.prefix)
        .connect()
        .await?;
    let mut http = reqwest::Client::builder();
    if !config.http1 {
        http = http.http2_prior_knowledge();
    }
    let client = Client::builder()
        .base_url(&config.sandbox)
        .credentials(&config.account_id, config.secret_key.clone())
        .callback_secret(config.callback_secret.clone())
        .http_client(http)
        .coordination(coordination)
        .build()?;
    let shared = Shared {
        client,
        results: Arc::default(),
    };
    let app = axum::Router::new()
        .route("/start", post(start))
        .route("/wait", post(wait))
        .route("/results", get(results))
        .route("/callback", post(callback))
        .with_state(shared);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn start(
    State(shared): State<Shared>,
    Json(request): Json<StartRequest>,
) -> Result<Json<SessionHandle>, (StatusCode, String)> {
    let mut auth = shared.client.bankid_se().auth().ref_id(MANUAL);
    if let Some(url) = &request.callback_url {
        auth = auth.callback_url(url);
    }
    let session = auth
        .send()
        .await
        .map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()))?;
    let handle = session.handle().clone();
    spawn_wait(&shared, session);
    Ok(Json(handle))
}

async fn wait(
    State(shared): State<Shared>,
    Json(handle): Json<SessionHandle>,
) -> Result<StatusCode, (StatusCode, String)> {
    let session: Session<BankIdSeCompleted> = shared
        .client
        .resume(handle)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    spawn_wait(&shared, session);
    Ok(StatusCode::ACCEPTED)
}

async fn results(State(shared): State<Shared>) -> Json<Results> {
    Json(
        shared
            .results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone(),
    )
}

/// `callback::router`'s work, and the moment the callback arrived, so that the run can tell
/// the sandbox's delivery from the fleet's.
async fn callback(
    State(shared): State<Shared>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let at_ns = now_ns();
    let signature = headers
        .get(idkollen_ext::callback::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    match shared.client.deliver_callback(&body, signature) {
        Ok(callback) => {
            shared
                .results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .callbacks
                .push(Received {
                    id: callback.id().to_owned(),
                    at_ns,
                });
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::UNAUTHORIZED,
    }
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

fn spawn_wait(shared: &Shared, session: Session<BankIdSeCompleted>) {
    let results = shared.results.clone();
    tokio::spawn(async move {
        let error = match session.wait().await {
            Ok(user) if user.ssn == PERSONA_SSN => None,
            Ok(user) => Some(format!("completed with ssn {}", user.ssn)),
            Err(e) => Some(e.to_string()),
        };
        let returned_ns = now_ns();
        results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .waits
            .push(WaitResult {
                id: session.id().to_owned(),
                error,
                returned_ns,
            });
    });
}
