//! Starting sessions, reading their status and cancelling them.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{PathId, json_body, path_id};
use crate::callbacks::is_loopback;
use crate::documents::{sha256_hex, signed_pdf};
use crate::error::ApiError;
use crate::flows::{Channel, Flow, Kind, Provider};
use crate::lifecycle;
use crate::personas::Persona;
use crate::profile;
use crate::scenarios::{IdentityKind, Script, parse_ref_id, script_for_identity};
use crate::state::{Shared, lock};
use crate::status::render;
use crate::store::{Hostile, Outcome, Phase, Session, SignedDocument};

fn str_field<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request.get(name).and_then(Value::as_str)
}

pub(super) async fn start(
    State(shared): State<Arc<Shared>>,
    flow: Flow,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let request = json_body(&flow.start_path(), &headers, body)?;
    let ref_id = str_field(&request, "refId").map(str::to_owned);
    let ref_script = match &ref_id {
        Some(r) => parse_ref_id(r).map_err(ApiError::bad_request)?,
        None => None,
    };
    let callback_url = check_callback_url(&shared, &request)?;
    check_ages(&request)?;
    let (persona, identity_script) = persona_for(flow, &request);
    let script = ref_script.or(identity_script).unwrap_or(Script::Complete);
    let persona = match script {
        Script::Age(years) => persona.with_age(years),
        _ => persona,
    };

    let id = uuid::Uuid::new_v4().to_string();
    let signed_documents = documents_to_sign(&shared, flow, &request, &id, &persona)?;
    let base = &shared.config.base_url;
    let redirect_flow = flow.kind == Kind::AgeVerification
        || (flow.channel == Channel::Direct
            && matches!(
                flow.provider,
                Provider::BankIdNo | Provider::Vipps | Provider::MitId | Provider::Ftn
            ));
    let binding_message = match (flow.provider, flow.channel) {
        (Provider::MitId, Channel::Backchannel) => {
            str_field(&request, "bindingMessage").map(str::to_owned)
        }
        (Provider::BankIdNo, Channel::Backchannel) => Some(format!(
            "Sandbox {}",
            &sha256_hex(id.as_bytes())[..4].to_uppercase()
        )),
        _ => None,
    };
    let uuid = || uuid::Uuid::new_v4().to_string();
    let qr = flow.has_qr().then(|| (uuid(), uuid()));
    let auto_start_token = (flow.has_qr()
        || (flow.provider == Provider::Freja
            && flow.channel == Channel::Direct
            && flow.kind != Kind::AgeVerification))
        .then(uuid);
    let session = Session {
        id: id.clone(),
        flow,
        created: Instant::now(),
        created_wall: Utc::now(),
        ref_id,
        callback_url,
        script,
        persona,
        qr,
        auto_start_token,
        binding_message,
        url: redirect_flow.then(|| format!("{base}/_sandbox/login/{id}")),
        signed_documents,
        forced: None,
        last_read: None,
        reads: 0,
        notify: Arc::new(Notify::new()),
        request,
        hostile: Hostile {
            on: shared.config.hostile(),
            ..Hostile::default()
        },
    };
    let t = shared.config.timings;
    let body = render(&session, session.created, &t);
    tracing::info!(%id, path = %flow.start_path(), script = %session.script, "session started");
    lock(&shared.store).sessions.insert(id.clone(), session);
    lock(&shared.counters)
        .starts
        .entry(flow.start_path())
        .or_default()
        .started += 1;
    lifecycle::spawn(shared.clone(), id);
    Ok((StatusCode::CREATED, Json(body)))
}

/// The callback URL of the request, which must point at this machine unless the sandbox was
/// told otherwise: a sandbox must never make requests to the outside world on a test's behalf.
fn check_callback_url(shared: &Shared, request: &Value) -> Result<Option<String>, ApiError> {
    let Some(raw) = str_field(request, "callbackUrl") else {
        return Ok(None);
    };
    let url = url::Url::parse(raw).map_err(|e| {
        ApiError::bad_request(format!("callbackUrl: must be an absolute URI ({e})"))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::bad_request(
            "callbackUrl: must be an http or https URL",
        ));
    }
    if !shared.config.allow_external_callbacks && !is_loopback(&url) {
        return Err(ApiError::bad_request(
            "callbackUrl: the sandbox only calls back to loopback addresses (127.0.0.0/8, [::1], \
             localhost) unless started with external callbacks allowed",
        ));
    }
    Ok(Some(raw.to_owned()))
}

fn check_ages(request: &Value) -> Result<(), ApiError> {
    let min = request.get("minAge").and_then(Value::as_i64);
    let max = request.get("maxAge").and_then(Value::as_i64);
    if let (Some(min), Some(max)) = (min, max)
        && max < min
    {
        return Err(ApiError::bad_request(format!(
            "maxAge: must be greater than or equal to minAge ({max} < {min})"
        )));
    }
    Ok(())
}

/// The persona a session reports, and the script of the test identity it was started for.
fn persona_for(flow: Flow, request: &Value) -> (Persona, Option<Script>) {
    let ssn = str_field(request, "ssn");
    match flow.provider {
        Provider::BankIdSe => match ssn {
            Some(ssn) => (
                Persona::sweden().with_ssn(ssn),
                script_for_identity(IdentityKind::SwedishSsn, ssn),
            ),
            None => (Persona::sweden(), None),
        },
        Provider::Freja => {
            let country = str_field(request, "country").unwrap_or("SWEDEN");
            let kind = match country {
                "NORWAY" => IdentityKind::NorwegianSsn,
                "DENMARK" => IdentityKind::DanishCpr,
                _ => IdentityKind::SwedishSsn,
            };
            let persona = Persona::for_country(country);
            match ssn {
                Some(ssn) => (persona.with_ssn(ssn), script_for_identity(kind, ssn)),
                None => (persona, None),
            }
        }
        Provider::BankIdNo => match ssn {
            Some(ssn) => (
                Persona::norway().with_ssn(ssn),
                script_for_identity(IdentityKind::NorwegianSsn, ssn),
            ),
            None => (Persona::norway(), None),
        },
        Provider::Vipps => match str_field(request, "phone") {
            Some(phone) => (
                Persona::norway().with_phone(phone),
                script_for_identity(IdentityKind::Phone, phone),
            ),
            None => (Persona::norway(), None),
        },
        Provider::MitId => match ssn {
            Some(ssn) => (
                Persona::denmark().with_ssn(ssn),
                script_for_identity(IdentityKind::DanishCpr, ssn),
            ),
            None => (Persona::denmark(), None),
        },
        Provider::Ftn => (Persona::finland(), None),
    }
}

/// For a BankID NO signing: exactly one of `text` and `documents`, and the documents' signed
/// versions, made now and published when the signing completes.
fn documents_to_sign(
    shared: &Shared,
    flow: Flow,
    request: &Value,
    session_id: &str,
    persona: &Persona,
) -> Result<Vec<SignedDocument>, ApiError> {
    if flow.provider != Provider::BankIdNo || flow.kind != Kind::Sign {
        return Ok(Vec::new());
    }
    let text = request.get("text").is_some();
    let ids: Vec<&str> = request
        .get("documents")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match (text, ids.is_empty()) {
        (true, false) => {
            return Err(ApiError::bad_request(
                "text, documents: give either text or documents, not both",
            ));
        }
        (false, true) => {
            return Err(ApiError::bad_request(
                "text, documents: give either text (plain text signing) or documents (PDF signing)",
            ));
        }
        _ => {}
    }
    let documents = lock(&shared.documents);
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let doc = documents.get(*id).ok_or_else(|| {
            ApiError::bad_request(format!("documents[{i}]: no uploaded document with id {id}"))
        })?;
        if out.iter().any(|d: &SignedDocument| d.id == *id) {
            return Err(ApiError::bad_request(format!(
                "documents[{i}]: document {id} is listed twice"
            )));
        }
        let bytes = signed_pdf(
            &doc.bytes,
            session_id,
            &format!("{} ({})", persona.name(), persona.ssn),
        );
        out.push(SignedDocument {
            id: (*id).to_owned(),
            hash: sha256_hex(&bytes),
            bytes,
        });
    }
    Ok(out)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "no session with id {id} (never started, or expired)"
    ))
}

pub(super) async fn status(
    State(shared): State<Arc<Shared>>,
    provider: Provider,
    kind: Kind,
    id: PathId,
) -> Response {
    let hostile = shared.config.hostile();
    match read_status(&shared, provider, kind, id) {
        Ok(response) => response,
        // A proxy or a newer service may answer an unknown session with an empty 404.
        Err(e) if hostile && e.status == StatusCode::NOT_FOUND => {
            lock(&shared.counters).hostile.empty_not_found += 1;
            profile::empty_not_found()
        }
        Err(e) => e.into_response(),
    }
}

/// The steps of a hostile session's plan, one per status read, before it may end.
const HOSTILE_EMPTY_429: u8 = 0;
const HOSTILE_BAD_GATEWAY: u8 = 1;
const HOSTILE_PENDING: u8 = 2;
const HOSTILE_UNKNOWN: u8 = 3;

fn read_status(
    shared: &Shared,
    provider: Provider,
    kind: Kind,
    id: PathId,
) -> Result<Response, ApiError> {
    let id = path_id(id)?;
    let t = shared.config.timings;
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let session = store
        .live(&id, now, &t)
        .filter(|s| s.flow.readable_as(provider, kind))
        .ok_or_else(|| not_found(&id))?;
    if session.hostile.on {
        if let Some(retry_at) = session.hostile.retry_at.take()
            && now + std::time::Duration::from_millis(500) < retry_at
        {
            lock(&shared.counters).hostile.early_reads += 1;
        }
        // What a proxy in front of the service answers: the session is not even reached.
        match session.hostile.step {
            HOSTILE_EMPTY_429 => {
                session.hostile.step += 1;
                let (date, named) = profile::retry_after_date();
                session.hostile.retry_at = Some(now + named);
                lock(&shared.counters).hostile.empty_rate_limited += 1;
                return Ok(profile::empty_rate_limited(&date));
            }
            HOSTILE_BAD_GATEWAY => {
                session.hostile.step += 1;
                lock(&shared.counters).hostile.bad_gateway += 1;
                return Ok(profile::bad_gateway());
            }
            _ => {}
        }
    }
    session.register_read(now, &t).map_err(|wait| {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("status reads are limited to one per second per session; retry in {wait} s"),
        )
        .retry_after(wait)
    })?;
    if session.hostile.on {
        match session.hostile.step {
            HOSTILE_PENDING => session.hostile.step += 1,
            HOSTILE_UNKNOWN => {
                session.hostile.step += 1;
                // A status from a newer service, while the session is still under way (a
                // cancelled one has ended already and reads as such).
                let pending = matches!(session.phase(now, &t), Phase::Pending { .. });
                session.release(now);
                if pending {
                    lock(&shared.counters).hostile.unknown_status += 1;
                    let body = profile::unknown_status(&session.id, session.ref_id.as_deref());
                    return Ok(Json(body).into_response());
                }
            }
            _ => session.release(now),
        }
    }
    let body = render(session, now, &t);
    if session.hostile.on && body.get("status").and_then(Value::as_str) == Some("COMPLETED") {
        lock(&shared.counters).hostile.lean_completions += 1;
    }
    Ok(Json(body).into_response())
}

pub(super) async fn cancel(
    State(shared): State<Arc<Shared>>,
    provider: Provider,
    kind: Kind,
    id: PathId,
) -> Result<StatusCode, ApiError> {
    let id = path_id(id)?;
    let t = shared.config.timings;
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let session = store
        .live(&id, now, &t)
        .filter(|s| s.flow.readable_as(provider, kind))
        .ok_or_else(|| not_found(&id))?;
    // Cancelling an ended session changes nothing; it is not an error either.
    if session.force_end(now, Outcome::Failed("CANCELLED".into()), &t) {
        tracing::info!(%id, "session cancelled");
    }
    Ok(StatusCode::NO_CONTENT)
}
