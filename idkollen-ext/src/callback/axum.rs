//! A ready-made axum endpoint for callbacks.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

use super::CallbackSink;
use super::event::CallbackError;
use super::signature::SIGNATURE_HEADER;

/// A router that accepts IDkollen's callbacks with `POST /` and hands them to `sink` (a
/// [`Client`](crate::Client)): it verifies the signature with the client's callback secret,
/// parses the body, and wakes the session waiting for it. Mount it
/// where your `callbackUrl` points, e.g. `app.nest("/idkollen/callback", router(client))`.
///
/// Answers 204 to a verified callback, 401 to a missing or wrong signature, 400 to a body that
/// is not a status object, and 500 when the client has no callback secret.
///
/// ```no_run
/// # async fn run(client: idkollen_ext::Client) {
/// let app = axum::Router::new().nest("/idkollen/callback", idkollen_ext::callback::router(client));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
/// axum::serve(listener, app).await.unwrap();
/// # }
/// ```
pub fn router<S: CallbackSink>(sink: S) -> Router {
    Router::new()
        .route("/", post(receive::<S>))
        .with_state(sink)
}

async fn receive<S: CallbackSink>(
    State(client): State<S>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    match client.deliver_callback(&body, signature) {
        Ok(_) => StatusCode::NO_CONTENT,
        Err(CallbackError::Signature(err)) => {
            tracing::warn!(error = %err, "rejected a callback");
            StatusCode::UNAUTHORIZED
        }
        Err(CallbackError::Body(err)) => {
            tracing::warn!(error = %err, "rejected a callback");
            StatusCode::BAD_REQUEST
        }
        Err(err) => {
            tracing::error!(error = %err, "cannot verify callbacks");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
