//! The page, its script and its style, compiled into the crate: nothing to build or deploy.

use axum::extract::OriginalUri;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use super::routes::mount_path;

const PAGE: &str = include_str!("assets/login.html");
const SCRIPT: &str = include_str!("assets/login.js");
const STYLE: &str = include_str!("assets/login.css");

/// What the page may load and where it may connect: its own origin only, and the QR code's
/// `data:` image.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'self'; \
    base-uri 'none'";

/// Escapes text for an HTML attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `GET /`: the page, with the path the router is mounted at.
pub(crate) async fn page(OriginalUri(original): OriginalUri, uri: Uri) -> Response {
    let base = escape(&mount_path(&original, &uri));
    let mut response = Html(PAGE.replace("{{base}}", &base)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// `GET /login.js`.
pub(crate) async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

/// `GET /login.css`.
pub(crate) async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}
