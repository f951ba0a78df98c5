//! The kit's endpoints, relative to where the application mounts the router:
//!
//! | request | answer |
//! |---|---|
//! | `GET /` | the page |
//! | `GET /login.js`, `GET /login.css` | its script and style |
//! | `GET /setup?lang=sv` | the offered providers and flows, and the page's words |
//! | `POST /sessions` | starts a session; 201 with what the page shows, and the browser's cookie |
//! | `GET /sessions/{id}/events` | the session's event stream (Server-Sent Events) |
//! | `DELETE /sessions/{id}` | cancels it (204) |
//!
//! Every error is a 4xx or 5xx with `{"error", "message"}`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::codes::Language;
use crate::error::Error;
use crate::launch::Platform;
use crate::provider::Provider;
use crate::qr::QrImage;

use super::assets;
use super::bridge::{self, StartSpec};
use super::error::WebError;
use super::events;
use super::hooks::{PageFlow, StartContext, StartPlan};
use super::kit::Inner;
use super::state::Follow;
use super::store::Entry;
use super::text;
use super::token;

/// The largest start request read, in bytes: a start carries a few short strings.
const MAX_BODY: usize = 8 * 1024;
/// The longest `data-context` accepted.
const MAX_CONTEXT: usize = 256;
/// The longest return URL accepted.
const MAX_URL: usize = 2048;
/// The longest identity number or phone number accepted.
const MAX_IDENTITY: usize = 64;

pub(crate) fn router(inner: Arc<Inner>) -> Router {
    Router::new()
        .route("/", get(assets::page))
        .route("/login.js", get(assets::script))
        .route("/login.css", get(assets::style))
        .route("/setup", get(setup))
        .route(
            "/sessions",
            post(start).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/sessions/{id}", delete(cancel))
        .route("/sessions/{id}/events", get(events::stream))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(inner)
}

async fn not_found() -> WebError {
    WebError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

async fn method_not_allowed(method: Method) -> WebError {
    WebError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed here"),
    )
}

/// The path the router is mounted at (`""` at the root), from the request's full path and the
/// path the router saw.
pub(crate) fn mount_path(original: &Uri, inner: &Uri) -> String {
    let original = original.path().trim_end_matches('/');
    let inner = inner.path().trim_end_matches('/');
    original.strip_suffix(inner).unwrap_or_default().to_owned()
}

/// The languages the browser asks for: the page's own choice first, then `Accept-Language`.
fn wanted(choice: Option<&str>, headers: &HeaderMap) -> Vec<Language> {
    let mut out: Vec<Language> = choice.and_then(Language::from_tag).into_iter().collect();
    if let Some(header) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        out.extend(text::accept_language(header));
    }
    out
}

fn parse_provider(name: &str) -> Option<Provider> {
    Provider::ALL.into_iter().find(|p| p.as_str() == name)
}

fn parse_flow(name: &str) -> Option<PageFlow> {
    [PageFlow::Auth, PageFlow::Sign, PageFlow::BackchannelAuth]
        .into_iter()
        .find(|f| f.as_str() == name)
}

#[derive(Debug, Deserialize)]
struct SetupQuery {
    lang: Option<String>,
}

/// `GET /setup`: what the page offers, in the browser's language.
async fn setup(
    State(kit): State<Arc<Inner>>,
    headers: HeaderMap,
    query: Result<Query<SetupQuery>, QueryRejection>,
) -> Response {
    let query = query.ok();
    let choice = query.as_ref().and_then(|q| q.lang.as_deref());
    let language = text::negotiate(&wanted(choice, &headers), &Language::ALL);
    let mut providers: Vec<serde_json::Value> = Vec::new();
    for provider in Provider::ALL {
        let flows: Vec<&str> = kit
            .offered
            .iter()
            .filter(|(p, _)| *p == provider)
            .map(|(_, f)| f.as_str())
            .collect();
        if !flows.is_empty() {
            providers.push(json!({
                "provider": provider.as_str(),
                "name": text::provider_name(provider),
                "flows": flows,
            }));
        }
    }
    no_store(
        axum::Json(json!({
            "language": language.tag(),
            "labels": text::labels(language, None, PageFlow::Auth),
            "providers": providers,
        }))
        .into_response(),
    )
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The body of `POST /sessions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct StartBody {
    provider: String,
    #[serde(default)]
    flow: Option<String>,
    #[serde(default)]
    language: Option<String>,
    /// The page's own URL: where a redirect flow and BankID on iOS bring the user back.
    return_url: String,
    #[serde(default)]
    context: Option<String>,
    /// A backchannel login's national identity number (or Vipps phone number).
    #[serde(default)]
    identity: Option<String>,
    /// The page found a touch screen behind a Mac's user agent: an iPad asking for desktop
    /// sites.
    #[serde(default)]
    touch: bool,
}

fn read_body(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StartBody, WebError> {
    let essence = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    // Only JSON: a form another site posts cannot start anything, and a cross-site JSON post
    // needs a CORS preflight this router never grants.
    if essence.as_deref() != Some("application/json") {
        return Err(WebError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        ));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the body is larger than {MAX_BODY} bytes"),
            )
        } else {
            WebError::bad_request("malformed_body", "the body could not be read")
        }
    })?;
    serde_json::from_slice(&body)
        .map_err(|e| WebError::bad_request("malformed_body", format!("the body: {e}")))
}

/// Checks that the return URL is a page of the site that made the request, so a start can
/// never send the user's browser elsewhere.
fn check_return_url(raw: &str, headers: &HeaderMap) -> Result<url::Url, WebError> {
    let bad = |why: &str| WebError::bad_request("bad_return_url", format!("returnUrl: {why}"));
    if raw.len() > MAX_URL {
        return Err(bad("too long"));
    }
    let url = url::Url::parse(raw).map_err(|_| bad("not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("not an http or https URL"));
    }
    let header = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let same_site = match header(header::ORIGIN) {
        Some(origin) => url::Url::parse(origin).is_ok_and(|o| o.origin() == url.origin()),
        None => header(header::HOST).is_some_and(|host| {
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            url.host_str()
                .is_some_and(|h| host.eq_ignore_ascii_case(&format!("{h}{port}")))
        }),
    };
    if !same_site {
        return Err(bad("not a page of this site"));
    }
    Ok(url)
}

/// The return URL with the page session's id, so the page picks the session up again when
/// the browser comes back.
fn with_session(url: &url::Url, id: &str) -> String {
    let mut url = url.clone();
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "idkollen")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_fragment(None);
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("idkollen", id);
    url.to_string()
}

fn internal(what: &str) -> WebError {
    WebError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        format!("{what}; try again"),
    )
}

/// `POST /sessions`: starts a session for this browser.
async fn start(
    State(kit): State<Arc<Inner>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let body = read_body(&headers, body)?;
    let provider = parse_provider(&body.provider).ok_or_else(|| {
        WebError::bad_request(
            "unknown_provider",
            format!("no provider {:?}", truncate(&body.provider)),
        )
    })?;
    let flow_name = body.flow.as_deref().unwrap_or("auth");
    let flow = parse_flow(flow_name).ok_or_else(|| {
        WebError::bad_request("unknown_flow", format!("no flow {:?}", truncate(flow_name)))
    })?;
    if !kit.offered.contains(&(provider, flow)) {
        return Err(WebError::bad_request(
            "not_offered",
            format!(
                "this page does not offer {} {}",
                provider.as_str(),
                flow.as_str()
            ),
        ));
    }
    let return_url = check_return_url(&body.return_url, &headers)?;
    let context = body.context.filter(|c| !c.is_empty());
    if context
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_CONTEXT)
    {
        return Err(WebError::bad_request(
            "bad_context",
            format!("context: longer than {MAX_CONTEXT} characters"),
        ));
    }
    let identity = body.identity.map(|i| i.trim().to_owned());
    match (&identity, flow) {
        (Some(i), _) if i.len() > MAX_IDENTITY => {
            return Err(WebError::bad_request("bad_identity", "identity: too long"));
        }
        (None, PageFlow::BackchannelAuth) => {
            return Err(WebError::bad_request(
                "bad_identity",
                "identity: is required",
            ));
        }
        (Some(_), PageFlow::Auth | PageFlow::Sign) => {
            return Err(WebError::bad_request(
                "bad_identity",
                "identity: only a backchannel-auth takes one",
            ));
        }
        _ => {}
    }
    let language = text::negotiate(
        &wanted(body.language.as_deref(), &headers),
        text::languages(provider),
    );
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut platform = Platform::from_user_agent(user_agent);
    if body.touch && platform == Platform::Desktop && user_agent.contains("Macintosh") {
        platform = Platform::IosSafari;
    }
    if !kit.store.room() {
        return Err(WebError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "too many logins in progress; try again shortly",
        ));
    }

    let plan = match &kit.on_start {
        None => StartPlan::new(),
        Some(hook) => {
            let ctx = StartContext {
                provider,
                flow,
                language,
                context: context.clone(),
                headers: headers.clone(),
            };
            hook(ctx)
                .await
                .map_err(|r| WebError::new(r.status, "refused", r.message))?
        }
    };
    let id = token::new_id().map_err(|_| internal("no randomness"))?;
    let browser_token = token::new_token().map_err(|_| internal("no randomness"))?;
    let binding_message = token::binding_code().map_err(|_| internal("no randomness"))?;
    let return_here = with_session(&return_url, &id);
    let spec = StartSpec {
        provider,
        flow,
        plan,
        redirect_url: return_here.clone(),
        identity,
        binding_message: binding_message.clone(),
    };
    let launched = match bridge::start(&kit.client, spec).await {
        Ok(launched) => launched,
        Err(Error::Validation(e)) => {
            return Err(WebError::bad_request("invalid_request", e.to_string()));
        }
        Err(e) => {
            tracing::warn!(provider = provider.as_str(), error = %e, "a page's start failed");
            return Err(WebError::new(
                StatusCode::BAD_GATEWAY,
                "start_failed",
                "the eID service could not start the session; try again",
            ));
        }
    };

    let follow = Follow {
        provider,
        flow,
        language,
        mobile: platform.is_mobile(),
        session_id: launched.session_id.clone(),
        ref_id: launched.ref_id.clone(),
        context,
        on_complete: kit.on_complete.clone(),
    };
    let first = follow.pending(None);
    let (tx, rx) = watch::channel(first.clone());
    let qr = match (&launched.bankid_qr, &launched.freja_qr) {
        (Some(bankid), _) => QrImage::new(&bankid.current().content)
            .ok()
            .map(|i| i.to_svg()),
        (None, Some(freja)) => Some(freja.to_svg()),
        (None, None) => None,
    };
    let launch = launched
        .launch_link(platform, Some(&return_here))
        .map(|href| {
            json!({
                "href": href,
                "autostart": platform.is_mobile() && !platform.launch_needs_click(),
            })
        });
    let binding = match (provider, flow) {
        (Provider::MitId, PageFlow::BackchannelAuth) => Some(binding_message),
        _ => launched.binding_message.clone(),
    };
    let progress = launched.progress;
    kit.store.insert(
        id.clone(),
        Entry {
            token: token::digest(&browser_token),
            bankid_qr: launched.bankid_qr,
            state: rx,
            cancel: launched.cancel,
            expires: Instant::now() + kit.lifetime,
        },
    );
    tokio::spawn(follow.run(progress, tx));
    tracing::info!(provider = provider.as_str(), flow = flow.as_str(), %id, "page session started");

    let cookie_path = format!("{}/sessions/{id}", mount_path(&original, &uri));
    let cookie = token::set_cookie(
        &id,
        &browser_token,
        &cookie_path,
        kit.lifetime.as_secs(),
        kit.secure_cookies,
    );
    let body = json!({
        "id": id,
        "provider": provider.as_str(),
        "flow": flow.as_str(),
        "language": language.tag(),
        "mobile": platform.is_mobile(),
        "labels": text::labels(language, Some(provider), flow),
        "qr": qr,
        "launch": launch,
        "redirect": launched.provider_url,
        "bindingMessage": binding,
        "status": first,
    });
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| internal("bad cookie"))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(no_store(response))
}

/// `DELETE /sessions/{id}`: cancels the session. The event stream tells the page how it
/// ended (a session that completed the moment before stays completed).
async fn cancel(
    State(kit): State<Arc<Inner>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, WebError> {
    let entry = kit.store.get(&id, &headers)?;
    if entry.state.borrow().is_final() {
        return Ok(StatusCode::NO_CONTENT);
    }
    match (entry.cancel)().await {
        Ok(()) | Err(Error::Expired { .. }) => Ok(StatusCode::NO_CONTENT),
        Err(e) => {
            tracing::warn!(%id, error = %e, "a page's cancel failed");
            Err(WebError::new(
                StatusCode::BAD_GATEWAY,
                "cancel_failed",
                "the eID service could not cancel the session; try again",
            ))
        }
    }
}

/// A value from the request, shortened for an error message.
fn truncate(value: &str) -> String {
    value.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mount_path_is_what_the_router_did_not_see() {
        let m = |o: &str, i: &str| mount_path(&o.parse().unwrap(), &i.parse().unwrap());
        assert_eq!(m("/login/sessions", "/sessions"), "/login");
        assert_eq!(m("/login", "/"), "/login");
        assert_eq!(m("/login/", "/"), "/login");
        assert_eq!(m("/sessions", "/sessions"), "");
        assert_eq!(m("/a/b/setup", "/setup"), "/a/b");
    }

    #[test]
    fn a_return_url_must_be_this_sites() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "shop.example:8080".parse().unwrap());
        assert!(check_return_url("http://shop.example:8080/login?a=1", &headers).is_ok());
        assert!(check_return_url("http://evil.example:8080/login", &headers).is_err());
        assert!(check_return_url("javascript:alert(1)", &headers).is_err());
        headers.insert(header::ORIGIN, "https://shop.example".parse().unwrap());
        assert!(check_return_url("https://shop.example/login", &headers).is_ok());
        assert!(check_return_url("http://shop.example:8080/login", &headers).is_err());
    }

    #[test]
    fn the_return_url_carries_the_session_once() {
        let url = url::Url::parse("https://shop.example/login?a=1&idkollen=old#top").unwrap();
        assert_eq!(
            with_session(&url, "new"),
            "https://shop.example/login?a=1&idkollen=new"
        );
    }
}
