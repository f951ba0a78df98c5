//! What every request passes before its handler: the request log, HTTP Basic authentication,
//! injected faults, and a log line.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;

use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::flows::Flow;
use crate::profile::add_extras;
use crate::requests::RecordedRequest;
use crate::state::{Config, Shared, lock};

/// Marks a response whose connection must be closed without sending it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The path prefix of the control API.
pub(crate) const CONTROL_PREFIX: &str = "/_sandbox/";

/// The path prefix of the simulated provider login pages, which browsers open without
/// credentials.
pub(crate) const LOGIN_PREFIX: &str = "/_sandbox/login/";

pub(crate) async fn gate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if path.starts_with(LOGIN_PREFIX) {
        return next.run(request).await;
    }
    let is_control = path.starts_with(CONTROL_PREFIX) || path == "/_sandbox";
    if !is_control {
        lock(&shared.requests).push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
        });
        if method == axum::http::Method::POST && Flow::ALL.iter().any(|f| f.start_path() == path) {
            lock(&shared.counters)
                .starts
                .entry(path.clone())
                .or_default()
                .received += 1;
        }
    }
    if !authorized(&shared.config, request.headers()) {
        tracing::info!(%method, %path, status = 401, "request");
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong HTTP Basic credentials (username: account id, password: secret key)",
        )
        .into_response();
    }
    let fault = if is_control {
        None
    } else {
        lock(&shared.faults).take(&path)
    };
    let response = match fault {
        None => next.run(request).await,
        Some(FaultKind::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut error = ApiError::new(status, format!("injected fault: {status}"));
            if matches!(status.as_u16(), 429 | 503) {
                error = error.retry_after(1);
            }
            error.into_response()
        }
        Some(FaultKind::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(FaultKind::DropConnection) => {
            tracing::info!(%method, %path, "request: connection dropped by an injected fault");
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(DropConnection);
            return response;
        }
        Some(FaultKind::MalformedJson) => {
            let response = next.run(request).await;
            let (mut parts, _) = response.into_parts();
            // A 204 may carry no body at all; answer 200 so the broken body reaches the client.
            if parts.status == StatusCode::NO_CONTENT {
                parts.status = StatusCode::OK;
            }
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Response::from_parts(
                parts,
                Body::from("{\"status\": \"PENDING\", \"id\": \"trunc"),
            )
        }
        Some(FaultKind::SlowBody { chunk, pause }) => {
            let (parts, body) = next.run(request).await.into_parts();
            let bytes = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(bytes) => bytes,
                Err(_) => {
                    return ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "could not buffer the body",
                    )
                    .into_response();
                }
            };
            let chunk = chunk.max(1);
            let pieces = futures::stream::unfold(0, move |at| {
                let bytes = bytes.clone();
                async move {
                    if at >= bytes.len() {
                        return None;
                    }
                    tokio::time::sleep(pause).await;
                    let end = (at + chunk).min(bytes.len());
                    Some((Ok::<_, std::convert::Infallible>(bytes.slice(at..end)), end))
                }
            });
            Response::from_parts(parts, Body::from_stream(pieces))
        }
        Some(FaultKind::CorruptBody) => {
            let (parts, body) = next.run(request).await.into_parts();
            let mut bytes = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(bytes) => bytes.to_vec(),
                Err(_) => {
                    return ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "could not buffer the body",
                    )
                    .into_response();
                }
            };
            if let Some(last) = bytes.last_mut() {
                *last ^= 1;
            }
            Response::from_parts(parts, Body::from(bytes))
        }
    };
    if !is_control && response.status() == StatusCode::TOO_MANY_REQUESTS {
        shared.rate_limited.fetch_add(1, Ordering::Relaxed);
    }
    let response = if !is_control && shared.config.hostile() {
        with_extras(&shared, response).await
    } else {
        response
    };
    tracing::info!(%method, %path, status = response.status().as_u16(), "request");
    response
}

/// Whether the request carries the account's HTTP Basic credentials.
fn authorized(config: &Config, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    let Some((user, password)) = decoded.split_once(':') else {
        return false;
    };
    // Compare in full both times, so the answer time says nothing about which part was wrong.
    let user_ok = constant_time_eq(user.as_bytes(), config.account_id.as_bytes());
    let password_ok = constant_time_eq(password.as_bytes(), config.secret_key.as_bytes());
    user_ok & password_ok
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The hostile profile: unknown fields in every object of a JSON answer, at every depth.
/// Anything else (HTML, PDFs, empty bodies, a malformed-JSON fault) passes unchanged.
async fn with_extras(shared: &Shared, response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut value = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(value) if value.is_object() => value,
        _ => return Response::from_parts(parts, Body::from(bytes)),
    };
    add_extras(&mut value);
    lock(&shared.counters).hostile.extended_answers += 1;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}
