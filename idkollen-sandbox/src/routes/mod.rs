//! The HTTP surface: the API operations, the control API, and the gate every request passes.

mod control;
mod documents;
mod gate;
mod provider_page;
mod sessions;
mod verify;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;

use crate::error::ApiError;
use crate::flows::{Flow, status_pairs};
use crate::spec;
use crate::state::Shared;
use crate::validate::{Validator, describe_violations};

pub(crate) use gate::DropConnection;

/// The router of one sandbox.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router: Router<Arc<Shared>> = Router::new();
    for flow in Flow::ALL {
        router = router.route(
            &flow.start_path(),
            post(
                move |state: State<Arc<Shared>>,
                      headers: HeaderMap,
                      body: Result<Bytes, BytesRejection>| {
                    sessions::start(state, flow, headers, body)
                },
            ),
        );
    }
    for (provider, kind) in status_pairs() {
        router = router.route(
            &crate::flows::status_path(provider, kind),
            get(move |state: State<Arc<Shared>>, id: PathId| {
                sessions::status(state, provider, kind, id)
            })
            .delete(move |state: State<Arc<Shared>>, id: PathId| {
                sessions::cancel(state, provider, kind, id)
            }),
        );
    }
    router
        .route("/v3/bankid-se/verify", post(verify::verify))
        // The upload counts its bytes itself, to answer 413 with a JSON body.
        .route(
            "/v3/document",
            post(documents::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/v3/document/{document_id}", get(documents::download))
        .merge(control::router())
        .fallback(unmatched)
        .method_not_allowed_fallback(unmatched)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            gate::gate,
        ))
        .with_state(shared)
}

/// A path the document does not list answers 404; a listed path with another method answers
/// 405 with an `Allow` header naming the document's methods. Either way the message names
/// the method and the path.
async fn unmatched(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let allowed = spec::methods_of(path);
    if allowed.is_empty() {
        return ApiError::not_found(format!("no operation {method} {path}")).into_response();
    }
    let allow = allowed.join(", ");
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("no operation {method} {path}; allowed: {allow}"),
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The id in a path, e.g. the session id of `/v3/bankid-se/auth/{id}`.
pub(crate) type PathId = Result<Path<String>, PathRejection>;

/// The id of a [`PathId`]. An id that is not even valid UTF-8 names nothing the sandbox
/// holds, so it answers 404 like any other unknown id (with the usual JSON body).
pub(crate) fn path_id(id: PathId) -> Result<String, ApiError> {
    id.map(|Path(id)| id)
        .map_err(|e| ApiError::not_found(format!("no such id: {}", e.body_text())))
}

/// Reads and validates the JSON body of `POST {path}` against the document's request schema.
pub(crate) fn json_body(
    path: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Value, ApiError> {
    let body =
        body.map_err(|e| ApiError::new(e.status(), format!("request body: {}", e.body_text())))?;
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or_default().to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or_default().trim();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::bad_request(format!(
                "Content-Type must be application/json, not {essence}"
            )));
        }
    }
    if body.is_empty() {
        return Err(ApiError::bad_request(
            "request body: a JSON object is required",
        ));
    }
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("request body: invalid JSON: {e}")))?;
    let schema = spec::request_schema("post", path).ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("no request schema for POST {path}"),
        )
    })?;
    Validator::new()
        .validate(schema, &value)
        .map_err(|v| ApiError::bad_request(describe_violations(&v)))?;
    Ok(value)
}
