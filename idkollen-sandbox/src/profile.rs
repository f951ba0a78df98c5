//! Profiles: how faithful the sandbox is. The default profile answers exactly as the OpenAPI
//! document says; the hostile profile answers what a proxy in between or a newer service may
//! send, deterministically, so a client's tolerance can be tested end to end.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Offset as _;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// How the sandbox answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// Every answer exactly as the OpenAPI document describes it.
    #[default]
    Default,
    /// Every session meets, during its life, what a proxy or a newer service may send: a 502
    /// with an HTML body, an empty 429 with an HTTP-date `Retry-After`, an unknown status,
    /// unknown fields in every answer, completions without their optional fields and with
    /// dates carrying a time and an offset, and empty-bodied 404s. Start requests are never
    /// faulted. See the crate's README.
    Hostile,
}

impl Profile {
    /// `default` or `hostile`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Default => "default",
            Profile::Hostile => "hostile",
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "default" => Ok(Profile::Default),
            "hostile" => Ok(Profile::Hostile),
            other => Err(format!("unknown profile {other:?}; use default or hostile")),
        }
    }
}

/// The status a hostile session reports once, in the middle of its life.
pub const HOSTILE_UNKNOWN_STATUS: &str = "VERIFYING";

/// The unknown field the hostile profile adds to every JSON object it answers.
pub const HOSTILE_EXTRA_FIELD: &str = "sandboxNewField";

/// The body of the hostile 502.
pub const HOSTILE_BAD_GATEWAY_HTML: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// How far ahead the HTTP date of the hostile 429's `Retry-After` lies at least: it names the
/// first whole second at least this far ahead, so 2 to 3 s ahead. A client that ignores it
/// and backs off by its own reckoning (about a second) comes back measurably early.
pub const HOSTILE_RETRY_AFTER: Duration = Duration::from_secs(2);

/// Start requests of one start operation (e.g. `/v3/bankid-se/phone/auth`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartCount {
    /// Start requests received (whatever they were answered).
    pub received: u64,
    /// Sessions started (answered 201).
    pub started: u64,
}

/// What the hostile profile has served so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HostileStats {
    /// 502 answers with an HTML body.
    pub bad_gateway: u64,
    /// 429 answers with an empty body and an HTTP-date `Retry-After`.
    pub empty_rate_limited: u64,
    /// Status reads that arrived before the moment the hostile 429 of their session named
    /// (more than half a second early): a client that ignores an HTTP-date `Retry-After`.
    pub early_reads: u64,
    /// Status answers with the unknown status [`HOSTILE_UNKNOWN_STATUS`].
    pub unknown_status: u64,
    /// Completions served without their optional fields.
    pub lean_completions: u64,
    /// 404 answers with an empty body (unknown or expired sessions).
    pub empty_not_found: u64,
    /// JSON answers that got unknown fields added.
    pub extended_answers: u64,
}

/// Counters of a sandbox, in any profile.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub starts: BTreeMap<String, StartCount>,
    pub hostile: HostileStats,
}

/// The value of the unknown field: nested objects and arrays, as a newer service might add.
fn extra_value() -> Value {
    json!({ "since": "v3.99", "nested": { "newNestedField": true }, "list": [{ "newListField": 1 }] })
}

/// Adds [`HOSTILE_EXTRA_FIELD`] to every object in `value`, at every depth.
pub(crate) fn add_extras(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                add_extras(v);
            }
            map.insert(HOSTILE_EXTRA_FIELD.into(), extra_value());
        }
        Value::Array(items) => items.iter_mut().for_each(add_extras),
        _ => {}
    }
}

/// `Retry-After` as an IMF-fixdate (RFC 9110): the first whole second of the wall clock at
/// least [`HOSTILE_RETRY_AFTER`] from now, and the delay it names (2 to 3 s).
pub(crate) fn retry_after_date() -> (String, Duration) {
    let now = SystemTime::now();
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let whole = since_epoch.as_secs()
        + u64::from(since_epoch.subsec_nanos() > 0)
        + HOSTILE_RETRY_AFTER.as_secs();
    let at = UNIX_EPOCH + Duration::from_secs(whole);
    let named = at.duration_since(now).unwrap_or(HOSTILE_RETRY_AFTER);
    (httpdate::fmt_http_date(at), named)
}

/// 502 Bad Gateway with an HTML body, as a reverse proxy answers when the service is down.
pub(crate) fn bad_gateway() -> Response {
    let mut response = Response::new(Body::from(HOSTILE_BAD_GATEWAY_HTML));
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// 429 with an empty body and `Retry-After` as an HTTP date.
pub(crate) fn empty_rate_limited(date: &str) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(value) = HeaderValue::from_str(date) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// 404 with an empty body and no content type.
pub(crate) fn empty_not_found() -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// A date as a moment at midnight with an offset, e.g. `1985-04-12T00:00:00+02:00`.
pub(crate) fn date_with_offset(date: chrono::NaiveDate) -> String {
    format!("{}T00:00:00+02:00", date.format("%Y-%m-%d"))
}

/// A moment in the `+01:00` offset, e.g. `2025-01-01T13:00:00+01:00`.
pub(crate) fn moment_with_offset(at: chrono::DateTime<chrono::Utc>) -> String {
    let cet = chrono::FixedOffset::east_opt(3600).unwrap_or_else(|| chrono::Utc.fix());
    at.with_timezone(&cet)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The unknown status answer `{"id", "status": "VERIFYING", "newField": 1}`.
pub(crate) fn unknown_status(id: &str, ref_id: Option<&str>) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(id));
    out.insert("status".into(), json!(HOSTILE_UNKNOWN_STATUS));
    if let Some(r) = ref_id {
        out.insert("refId".into(), json!(r));
    }
    out.insert("newField".into(), json!(1));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extras_reach_every_object() {
        let mut v = json!({"a": {"b": [{"c": 1}, 2]}, "d": "x"});
        add_extras(&mut v);
        assert!(v[HOSTILE_EXTRA_FIELD].is_object());
        assert!(v["a"][HOSTILE_EXTRA_FIELD].is_object());
        assert!(v["a"]["b"][0][HOSTILE_EXTRA_FIELD].is_object());
        assert_eq!(v["a"]["b"][1], 2);
        assert_eq!(v["d"], "x");
    }

    #[test]
    fn retry_after_is_an_imf_fixdate_two_to_three_seconds_ahead() {
        let (date, named) = retry_after_date();
        assert!(date.ends_with(" GMT"), "{date}");
        assert_eq!(date.len(), "Sun, 06 Nov 1994 08:49:37 GMT".len(), "{date}");
        assert!(named >= HOSTILE_RETRY_AFTER && named < Duration::from_secs(3));
    }

    #[test]
    fn dates_carry_offsets() {
        let d = chrono::NaiveDate::from_ymd_opt(1985, 4, 12).unwrap_or_default();
        assert_eq!(date_with_offset(d), "1985-04-12T00:00:00+02:00");
        let at = chrono::DateTime::parse_from_rfc3339("2025-01-01T12:00:00Z")
            .map(|d| d.to_utc())
            .unwrap_or_default();
        assert_eq!(moment_with_offset(at), "2025-01-01T13:00:00+01:00");
        assert_eq!("hostile".parse(), Ok(Profile::Hostile));
    }
}
