//! Status objects: what a status read, a start answer and a callback say about a session,
//! shaped exactly as the OpenAPI document's status unions.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use crate::documents::sha256_hex;
use crate::flows::{Channel, Kind, Provider};
use crate::profile::{date_with_offset, moment_with_offset};
use crate::scenarios::{Script, UNKNOWN_STATUS};
use crate::store::{Outcome, Phase, Session};
use crate::timings::Timings;

fn flag(request: &Value, name: &str) -> bool {
    request.get(name).and_then(Value::as_bool) == Some(true)
}

fn text(request: &Value, name: &str) -> Option<String> {
    request.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// The status object of `session` at `now`.
pub(crate) fn render(session: &Session, now: Instant, t: &Timings) -> Value {
    let phase = session.phase(now, t);
    // A status from the future carries nothing but the id: all a client may rely on.
    let started = now.saturating_duration_since(session.created) >= t.started_after;
    if session.script == Script::UnknownStatus && started && matches!(phase, Phase::Pending { .. })
    {
        return json!({ "status": UNKNOWN_STATUS, "id": session.id });
    }
    let mut out = Map::new();
    let is_age = session.flow.kind == Kind::AgeVerification;
    let status = match &phase {
        Phase::Pending { .. } => "PENDING",
        Phase::Ended(Outcome::Completed) => "COMPLETED",
        Phase::Ended(Outcome::Failed(_)) => "FAILED",
    };
    out.insert("status".into(), json!(status));
    out.insert("id".into(), json!(session.id));
    // Age verification answers carry no refId.
    if !is_age && let Some(ref_id) = &session.ref_id {
        out.insert("refId".into(), json!(ref_id));
    }
    match phase {
        Phase::Pending { hint } => pending(session, hint, &mut out),
        Phase::Ended(Outcome::Failed(code)) => {
            out.insert("error".into(), json!(code));
        }
        Phase::Ended(Outcome::Completed) => {
            let ended = session.wall(session.end(t).0);
            if session.hostile.on {
                lean_completed(session, ended, &mut out);
            } else {
                completed(session, ended, &mut out);
            }
        }
    }
    Value::Object(out)
}

fn pending(session: &Session, hint: Option<String>, out: &mut Map<String, Value>) {
    let request = &session.request;
    match (session.flow.provider, session.flow.kind) {
        (_, Kind::AgeVerification) => {
            if let Some(url) = &session.url {
                out.insert("url".into(), json!(url));
            }
            for field in ["minAge", "maxAge"] {
                if let Some(v) = request.get(field).and_then(Value::as_i64) {
                    out.insert(field.into(), json!(v));
                }
            }
        }
        (Provider::BankIdSe, _) => {
            out.insert("hintCode".into(), json!(hint));
            if let Some((token, secret)) = &session.qr {
                out.insert("autoStartToken".into(), json!(session.auto_start_token));
                out.insert("qrStartToken".into(), json!(token));
                out.insert("qrStartSecret".into(), json!(secret));
            }
        }
        (Provider::Freja, _) => {
            if session.flow.channel == Channel::Direct
                && let Some(token) = &session.auto_start_token
            {
                out.insert("autoStartToken".into(), json!(token));
                out.insert(
                    "qrData".into(),
                    json!(format!(
                        "frejaeid://bindUserToTransaction?transactionReference={token}"
                    )),
                );
            }
        }
        _ => {
            if let Some(url) = &session.url {
                out.insert("url".into(), json!(url));
            }
            if let Some(message) = &session.binding_message {
                out.insert("bindingMessage".into(), json!(message));
            }
        }
    }
}

fn completed(
    session: &Session,
    ended: chrono::DateTime<chrono::Utc>,
    out: &mut Map<String, Value>,
) {
    let p = &session.persona;
    let request = &session.request;
    let flow = session.flow;
    if flow.kind == Kind::AgeVerification {
        let age = i64::from(p.age());
        let min_ok = request
            .get("minAge")
            .and_then(Value::as_i64)
            .is_none_or(|min| age >= min);
        let max_ok = request
            .get("maxAge")
            .and_then(Value::as_i64)
            .is_none_or(|max| age <= max);
        out.insert("ageVerified".into(), json!(min_ok && max_ok));
        return;
    }
    let identity = |out: &mut Map<String, Value>| {
        out.insert("name".into(), json!(p.name()));
        out.insert("givenName".into(), json!(p.given_name));
        out.insert("surname".into(), json!(p.surname));
    };
    // When the session ended: `signedAt` for a signing, `authenticatedAt` otherwise (the fields
    // of identisure-client 0.1.0's completed results).
    let ended_at = |out: &mut Map<String, Value>| {
        let at = ended.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let field = if flow.kind == Kind::Sign {
            "signedAt"
        } else {
            "authenticatedAt"
        };
        out.insert(field.into(), json!(at));
    };
    let signatory = |out: &mut Map<String, Value>| {
        if let Some(org) = text(request, "orgNumber") {
            out.insert(
                "companySignatoryText".into(),
                json!(format!("{} är företrädare för {org}.", p.name())),
            );
        }
    };
    match flow.provider {
        Provider::BankIdSe => {
            out.insert("ssn".into(), json!(p.ssn));
            identity(out);
            // A BankID is issued at the earliest at 18; ours were issued then.
            let issued = p
                .birth_date
                .checked_add_months(chrono::Months::new(18 * 12))
                .unwrap_or(p.birth_date);
            out.insert(
                "certStartDate".into(),
                json!(issued.format("%Y-%m-%d").to_string()),
            );
            ended_at(out);
            let ocsp = sha256_hex(format!("ocsp:{}", session.id).as_bytes());
            out.insert(
                "ocspResponse".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(ocsp)),
            );
            out.insert("risk".into(), json!("low"));
            let ip = text(request, "ipAddress").unwrap_or_else(|| "127.0.0.1".into());
            let uhi = &sha256_hex(format!("device:{}", p.ssn).as_bytes())[..27];
            out.insert("device".into(), json!({ "ipAddress": ip, "uhi": uhi }));
            if flag(request, "requestAddress") {
                out.insert("address".into(), json!(p.address));
            }
            signatory(out);
        }
        Provider::Freja => {
            out.insert("ssn".into(), json!(p.ssn));
            let country = text(request, "country").unwrap_or_else(|| p.country.to_owned());
            out.insert("country".into(), json!(country));
            identity(out);
            ended_at(out);
            if flag(request, "requestAddress") {
                out.insert("address".into(), json!(p.address));
            }
            signatory(out);
        }
        Provider::BankIdNo | Provider::Vipps | Provider::MitId | Provider::Ftn => {
            identity(out);
            out.insert(
                "birthDate".into(),
                json!(p.birth_date.format("%Y-%m-%d").to_string()),
            );
            out.insert(
                "pid".into(),
                json!(sha256_hex(format!("pid:{}", p.ssn).as_bytes())[..32].to_owned()),
            );
            // The user's number is known when the session was started for it, always for
            // MitID and FTN, and otherwise only when asked for.
            let ssn_known = matches!(flow.provider, Provider::MitId | Provider::Ftn)
                || (flow.channel == Channel::Backchannel && flow.provider == Provider::BankIdNo)
                || flag(request, "requestSsn");
            if ssn_known {
                out.insert("ssn".into(), json!(p.ssn));
            }
            let phone_known = flag(request, "requestPhone")
                || (flow.provider == Provider::Vipps && flow.channel == Channel::Backchannel);
            if phone_known {
                out.insert("phone".into(), json!(p.phone));
            }
            if flag(request, "requestEmail") {
                out.insert("email".into(), json!(p.email));
            }
            if flag(request, "requestAddress") {
                out.insert("address".into(), json!(p.address));
            }
            ended_at(out);
            if flow.provider == Provider::Ftn {
                // The bank the user identified with: one of FTN's, chosen by the persona.
                const BANKS: [&str; 4] = ["OP", "Nordea", "Danske Bank", "S-Pankki"];
                let pick = usize::from(sha256_hex(p.ssn.as_bytes()).as_bytes()[0]) % BANKS.len();
                out.insert("bankName".into(), json!(BANKS[pick]));
            }
            if flow.kind == Kind::Sign {
                signed(session, out);
            }
        }
    }
}

/// The hostile profile's completion: only the fields the newest sources require (no `ssn`
/// from MitID, BankID NO, Vipps or FTN; no phone, email, address, pid, device, OCSP response,
/// ...), even when the request asked for them, and its dates with a time and an offset. A
/// signing keeps its result: that is what it was for.
fn lean_completed(
    session: &Session,
    ended: chrono::DateTime<chrono::Utc>,
    out: &mut Map<String, Value>,
) {
    let p = &session.persona;
    let flow = session.flow;
    if flow.kind == Kind::AgeVerification {
        completed(session, ended, out);
        return;
    }
    let at_field = if flow.kind == Kind::Sign {
        "signedAt"
    } else {
        "authenticatedAt"
    };
    match flow.provider {
        Provider::BankIdSe | Provider::Freja => out.insert("ssn".into(), json!(p.ssn)),
        _ => None,
    };
    if flow.provider == Provider::Freja {
        let country = text(&session.request, "country").unwrap_or_else(|| p.country.to_owned());
        out.insert("country".into(), json!(country));
    }
    out.insert("name".into(), json!(p.name()));
    out.insert("givenName".into(), json!(p.given_name));
    out.insert("surname".into(), json!(p.surname));
    match flow.provider {
        Provider::BankIdSe => {
            let issued = p
                .birth_date
                .checked_add_months(chrono::Months::new(18 * 12))
                .unwrap_or(p.birth_date);
            out.insert("certStartDate".into(), json!(date_with_offset(issued)));
        }
        Provider::Freja => {}
        _ => {
            out.insert("birthDate".into(), json!(date_with_offset(p.birth_date)));
        }
    }
    out.insert(at_field.into(), json!(moment_with_offset(ended)));
    if flow.kind == Kind::Sign {
        signed(session, out);
    }
}

fn signed(session: &Session, out: &mut Map<String, Value>) {
    let request = &session.request;
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    match session.flow.provider {
        Provider::BankIdNo => {
            if let Some(text) = text(request, "text") {
                out.insert(
                    "signResult".into(),
                    json!({
                        "endUser": b64(format!("sandbox-signature:{}:{}", session.persona.ssn, session.id)),
                        "merchant": b64(format!("sandbox-seal:{}", session.id)),
                        "hash": sha256_hex(text.as_bytes()),
                    }),
                );
            } else {
                let documents: Vec<Value> = session
                    .signed_documents
                    .iter()
                    .map(|d| json!({ "id": d.id, "hash": d.hash }))
                    .collect();
                out.insert("signedDocuments".into(), Value::Array(documents));
            }
        }
        Provider::MitId => {
            if let Some(text) = text(request, "text") {
                out.insert(
                    "signResult".into(),
                    json!({ "checksum": sha256_hex(text.as_bytes()) }),
                );
            }
        }
        _ => {}
    }
}
