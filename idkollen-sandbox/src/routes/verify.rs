//! `POST /v3/bankid-se/verify`: the identity behind a BankID QR code that is valid right now.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use chrono::Utc;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::json_body;
use crate::error::ApiError;
use crate::qr;
use crate::state::{Shared, lock};
use crate::store::Phase;

pub(super) async fn verify(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let request = json_body("/v3/bankid-se/verify", &headers, body)?;
    let code = request
        .get("qrCode")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let invalid = || {
        ApiError::bad_request(
            "qrCode: not the current QR code of a pending BankID order \
             (expected bankid.<qrStartToken>.<qrTime>.<qrAuthCode> for this second)",
        )
    };
    let (token, qr_time, auth_code) = qr::parse(code).ok_or_else(invalid)?;
    let t = shared.config.timings;
    let now = Instant::now();
    let store = lock(&shared.store);
    let session = store
        .sessions
        .values()
        .find(|s| s.qr.as_ref().is_some_and(|(tok, _)| tok == token))
        .ok_or_else(invalid)?;
    if !matches!(session.phase(now, &t), Phase::Pending { .. }) {
        return Err(invalid());
    }
    let (_, secret) = session.qr.as_ref().ok_or_else(invalid)?;
    // Only the frame of the current second is valid, as on BankID's own servers.
    let current = now.saturating_duration_since(session.created).as_secs();
    if qr_time != current || !qr::code_matches(secret, qr_time, auth_code) {
        return Err(invalid());
    }
    let p = &session.persona;
    Ok(Json(json!({
        "ssn": p.ssn,
        "name": p.name(),
        "givenName": p.given_name,
        "surname": p.surname,
        "age": p.age(),
        // A date, as in the reference's sample (`2019-08-24`) and the official Rust client, which
        // rejects a date-time here.
        "verifiedAt": Utc::now().date_naive().to_string(),
    })))
}
