//! The control API under `/_sandbox/`: drive sessions, inject faults, read the request and
//! callback logs; and the route of the simulated provider page.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;

use super::{PathId, path_id};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::control::{current_qr, end_session, sessions};
use crate::error::{ApiError, SandboxError};
use crate::faults::FaultSpec;
use crate::state::{Shared, lock};
use crate::store::Outcome;

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox/sessions", get(list_sessions))
        .route("/_sandbox/sessions/{id}/complete", post(complete))
        .route("/_sandbox/sessions/{id}/fail", post(fail))
        .route("/_sandbox/sessions/{id}/qr", get(qr))
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/_sandbox/requests",
            get(list_requests).delete(clear_requests),
        )
        .route("/_sandbox/callbacks", get(list_callbacks))
        .route("/_sandbox/stats", get(stats))
        .route(
            "/_sandbox/login/{id}",
            get(super::provider_page::page).post(super::provider_page::choose),
        )
}

impl From<SandboxError> for ApiError {
    fn from(e: SandboxError) -> Self {
        let status = match e {
            SandboxError::AlreadyEnded(_) => StatusCode::CONFLICT,
            SandboxError::NoQrCode(_) => StatusCode::BAD_REQUEST,
            SandboxError::UnknownSession(_) => StatusCode::NOT_FOUND,
        };
        ApiError::new(status, e.to_string())
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = body.map_err(|e| ApiError::new(e.status(), e.body_text()))?;
    serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("request body: {e}")))
}

async fn list_sessions(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(sessions(&shared))
}

async fn complete(State(shared): State<Arc<Shared>>, id: PathId) -> Result<StatusCode, ApiError> {
    let id = path_id(id)?;
    end_session(&shared, &id, Outcome::Completed)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FailBody {
    error: String,
}

async fn fail(
    State(shared): State<Arc<Shared>>,
    id: PathId,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let id = path_id(id)?;
    let FailBody { error } = parse(body)?;
    if error.is_empty() {
        return Err(ApiError::bad_request("error: must not be empty"));
    }
    end_session(&shared, &id, Outcome::Failed(error))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn qr(State(shared): State<Arc<Shared>>, id: PathId) -> Result<Json<Value>, ApiError> {
    let id = path_id(id)?;
    Ok(Json(json!({ "qrCode": current_qr(&shared, &id)? })))
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Json<Vec<FaultSpec>> {
    Json(
        lock(&shared.faults)
            .queue
            .iter()
            .map(FaultSpec::from_fault)
            .collect(),
    )
}

async fn add_fault(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<FaultSpec>), ApiError> {
    let spec: FaultSpec = parse(body)?;
    let fault = spec.into_fault().map_err(ApiError::bad_request)?;
    let echo = FaultSpec::from_fault(&fault);
    lock(&shared.faults).queue.push(fault);
    Ok((StatusCode::CREATED, Json(echo)))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.faults).queue.clear();
    StatusCode::NO_CONTENT
}

async fn list_requests(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(*lock(&shared.requests)))
}

async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.requests).clear();
    StatusCode::NO_CONTENT
}

async fn list_callbacks(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(*lock(&shared.callbacks)))
}

/// `{"profile", "starts": {path: {received, started}}, "hostile": {...}, "statusReads",
/// "rateLimited", "connections": {accepted, open, peak}}`: what a client in another process
/// (a load run) needs to judge its own behaviour.
async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let status_reads = lock(&shared.requests)
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    let connections = shared.connections.stats();
    let counters = lock(&shared.counters);
    Json(json!({
        "profile": shared.config.profile.as_str(),
        "starts": counters.starts,
        "hostile": counters.hostile,
        "statusReads": status_reads,
        "rateLimited": shared.rate_limited.load(std::sync::atomic::Ordering::Relaxed),
        "connections": {
            "accepted": connections.accepted,
            "open": connections.open,
            "peak": connections.peak,
        },
    }))
}
