//! The simulated provider page of redirect flows (BankID NO, Vipps, MitID, FTN, and every age
//! verification): the `url` of a pending session. A browser opens it without credentials (the
//! session id is the key), picks who logs in, approves or cancels, and is sent back to the
//! session's `redirectUrl`, so a redirect flow runs end to end in a real browser.
//!
//! Opening the page changes nothing; the choice posted from it ends the session. A test picks
//! the persona: the country's default one or a second person, so it can tell whose login it saw.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;
use tokio::time::Instant;

use super::{PathId, path_id};
use crate::control::end_session;
use crate::error::ApiError;
use crate::flows::{Kind, Provider};
use crate::personas::Persona;
use crate::scenarios::Script;
use crate::state::{Shared, lock};
use crate::store::{Outcome, Phase};

/// What the page's form posts.
#[derive(Debug, Deserialize)]
pub(super) struct Choice {
    action: Action,
    /// The index of the chosen persona among the page's choices (default: the first).
    #[serde(default)]
    persona: usize,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Action {
    Approve,
    Cancel,
}

/// What the page needs to know of a session.
struct Seen {
    provider: Provider,
    kind: Kind,
    pending: bool,
    redirect: Option<String>,
    country: &'static str,
    /// Whether the start request named the person (an `ssn` or `phone`): then only they
    /// may complete it, and the page offers no choice.
    fixed: Option<Persona>,
}

fn look(shared: &Shared, id: &str) -> Option<Seen> {
    let t = shared.config.timings;
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let session = store.live(id, now, &t)?;
    let request = &session.request;
    let named = request.get("ssn").is_some() || request.get("phone").is_some();
    Some(Seen {
        provider: session.flow.provider,
        kind: session.flow.kind,
        pending: matches!(session.phase(now, &t), Phase::Pending { .. }),
        redirect: request
            .get("redirectUrl")
            .and_then(Value::as_str)
            .map(str::to_owned),
        country: session.persona.country,
        fixed: named.then(|| session.persona.clone()),
    })
}

fn provider_name(provider: Provider) -> &'static str {
    match provider {
        Provider::BankIdSe => "BankID",
        Provider::Freja => "Freja eID",
        Provider::BankIdNo => "BankID (Norway)",
        Provider::Vipps => "Vipps MobilePay",
        Provider::MitId => "MitID",
        Provider::Ftn => "FTN",
    }
}

fn what(kind: Kind) -> &'static str {
    match kind {
        Kind::Auth => "log in",
        Kind::Sign => "sign",
        Kind::AgeVerification => "verify your age",
    }
}

/// `GET /_sandbox/login/{id}`: the provider's page.
pub(super) async fn page(State(shared): State<Arc<Shared>>, id: PathId) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let Some(seen) = look(&shared, &id) else {
        return ApiError::not_found(format!("no session with id {id}")).into_response();
    };
    let name = provider_name(seen.provider);
    if !seen.pending {
        let back = match &seen.redirect {
            Some(url) => format!(
                "<p><a href=\"{}\">Return to the service</a></p>",
                escape(url)
            ),
            None => String::new(),
        };
        return Html(shell(
            name,
            &format!("<p>This session has already ended.</p>{back}"),
        ))
        .into_response();
    }
    let people = match &seen.fixed {
        Some(p) => vec![p.clone()],
        None => Persona::choices(seen.country).to_vec(),
    };
    let mut options = String::new();
    for (i, p) in people.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        options.push_str(&format!(
            "<label><input type=\"radio\" name=\"persona\" value=\"{i}\" data-name=\"{name}\"{checked}> \
             {name}, born {birth} ({ssn})</label><br>",
            name = escape(&p.name()),
            birth = p.birth_date,
            ssn = escape(&p.ssn),
        ));
    }
    let body = format!(
        "<p>The IDkollen sandbox stands in for {name}: choose who you are and {what}.</p>\
         <form method=\"post\">\
         <fieldset><legend>Test person</legend>{options}</fieldset>\
         <p><button type=\"submit\" name=\"action\" value=\"approve\" id=\"approve\">Approve</button> \
         <button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel\">Cancel</button></p>\
         </form>",
        what = what(seen.kind),
    );
    Html(shell(name, &body)).into_response()
}

/// `POST /_sandbox/login/{id}`: the user's choice. Approving completes the pending session as
/// the chosen persona, cancelling fails it with `CANCELLED`; either way the browser goes on to
/// the session's `redirectUrl`.
pub(super) async fn choose(
    State(shared): State<Arc<Shared>>,
    id: PathId,
    form: Result<Form<Choice>, FormRejection>,
) -> Response {
    let id = match path_id(id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let Form(choice) = match form {
        Ok(form) => form,
        Err(e) => {
            return ApiError::new(e.status(), format!("provider page form: {}", e.body_text()))
                .into_response();
        }
    };
    let Some(seen) = look(&shared, &id) else {
        return ApiError::not_found(format!("no session with id {id}")).into_response();
    };
    let outcome = match choice.action {
        Action::Approve => {
            if seen.fixed.is_none() {
                let Some(chosen) = Persona::choices(seen.country)
                    .into_iter()
                    .nth(choice.persona)
                else {
                    return ApiError::bad_request(format!(
                        "persona: no test person {}",
                        choice.persona
                    ))
                    .into_response();
                };
                let t = shared.config.timings;
                let mut store = lock(&shared.store);
                if let Some(session) = store.live(&id, Instant::now(), &t) {
                    session.persona = match session.script {
                        Script::Age(years) => chosen.with_age(years),
                        _ => chosen,
                    };
                }
            }
            Outcome::Completed
        }
        Action::Cancel => Outcome::Failed("CANCELLED".into()),
    };
    // A session that has already ended keeps its outcome; the browser just moves on.
    let ended = end_session(&shared, &id, outcome).is_ok();
    tracing::info!(%id, action = ?choice.action, ended, "provider page");
    match seen.redirect {
        Some(url) => Redirect::to(&url).into_response(),
        None => (
            StatusCode::OK,
            Html(shell(
                provider_name(seen.provider),
                &format!(
                    "<p>Session {} is done. You can close this window.</p>",
                    escape(&id)
                ),
            )),
        )
            .into_response(),
    }
}

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · IDkollen sandbox</title></head>\
         <body><main><h1>{title}</h1>{body}</main></body></html>"
    )
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
