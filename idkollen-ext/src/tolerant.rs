//! The tolerant reader: answers that do not fit the spec's types are read for what they hold.
//!
//! Our spec is reconstructed from a rendered page and the official clients, so it can be
//! stricter than the service. The generated client decodes strictly; when that fails on a
//! success answer, the bytes come here. A status object is read by its `status` member first,
//! then as the variant that status names, and whatever does not fit that variant's type (a
//! missing field, a value of another type or format) is repaired field by field:
//!
//! - a value in another format is converted when its meaning is plain (a date with a time and
//!   offset where a date is expected, a number sent as a string, ...);
//! - a value that cannot be read is dropped where the field is optional;
//! - a required field that is missing or unreadable gets an empty placeholder (`""`, `false`,
//!   `0`, an empty list or object).
//!
//! Every field that was dropped or given a placeholder is listed, and the body as received is
//! kept, so the caller decides what a partial answer is worth. A completed login is never lost
//! to a field this crate cannot read.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use serde_path_to_error::Segment;

use idkollen_api::types;

use crate::error::Error;
use crate::handle::SessionHandle;
use crate::poll::SessionStatus;
use crate::provider::{Flow, Provider};

/// A value read tolerantly, with the fields the reader could not fill from the body.
#[derive(Debug)]
pub(crate) struct Repaired<T> {
    pub(crate) value: T,
    /// JSON paths (`ssn`, `signResult.hash`, `signedDocuments[0]`) of the fields that were
    /// missing or unreadable; empty when the body fitted.
    pub(crate) unread: Vec<String>,
    /// The body as received, when it did not fit `T` as it was.
    pub(crate) raw: Option<Value>,
}

/// Each repair removes or settles one field; a body needs at most this many.
const MAX_REPAIRS: usize = 256;

/// Placeholders for a missing required field, tried in order until one is accepted.
fn placeholders() -> [Value; 5] {
    [
        Value::String(String::new()),
        Value::Bool(false),
        Value::from(0),
        Value::Array(Vec::new()),
        Value::Object(Map::new()),
    ]
}

/// Decodes `value` as `T`, repairing what does not fit (see the module docs). Fails only when
/// the body is not what `T` is at its top (an array where an object is expected, say).
pub(crate) fn decode<T: DeserializeOwned>(
    mut value: Value,
) -> Result<Repaired<T>, serde_json::Error> {
    let mut unread = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let err = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(v) => {
                // A field dropped, then found required, is named twice.
                let mut seen = std::collections::HashSet::new();
                unread.retain(|f: &String| seen.insert(f.clone()));
                return Ok(Repaired {
                    value: v,
                    unread,
                    raw: None,
                });
            }
            Err(err) => err,
        };
        let path: Vec<Step> = err.path().iter().filter_map(Step::of).collect();
        let message = err.inner().to_string();
        let repaired = match missing_field(&message) {
            Some(field) => {
                let field = field.to_owned();
                fill_missing::<T>(&mut value, &path, &field)
                    .inspect(|()| unread.push(describe(&path, Some(&field))))
            }
            None => repair_at::<T>(&mut value, &path, &mut unread),
        };
        if repaired.is_none() {
            return Err(err.into_inner());
        }
    }
    Err(serde::de::Error::custom(
        "the body needs more repairs than any status object",
    ))
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    fn of(segment: &Segment) -> Option<Step> {
        match segment {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Seq { index } => Some(Step::Index(*index)),
            // Enum variants and unknown segments do not name a place in the JSON.
            _ => None,
        }
    }
}

/// A path as the caller reads it: `signedDocuments[0].hash`.
fn describe(path: &[Step], field: Option<&str>) -> String {
    let mut out = String::new();
    let keys = path
        .iter()
        .cloned()
        .chain(field.map(|f| Step::Key(f.to_owned())));
    for step in keys {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn at_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.as_object_mut()?.get_mut(k),
        Step::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

/// serde's message for a missing field: "missing field `name`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Where decoding `value` as `T` fails first, and why; `None` when it decodes.
fn first_error<T: DeserializeOwned>(value: &Value) -> Option<(Vec<Step>, String)> {
    serde_path_to_error::deserialize::<_, T>(value)
        .err()
        .map(|err| {
            let path = err.path().iter().filter_map(Step::of).collect();
            (path, err.inner().to_string())
        })
}

/// Whether `T` reads the value now at `path`: decoding succeeds, or fails elsewhere, or fails
/// only on a field missing inside it (a placeholder object, to be filled next).
fn accepted<T: DeserializeOwned>(value: &Value, path: &[Step]) -> bool {
    match first_error::<T>(value) {
        None => true,
        Some((at, message)) => {
            !at.starts_with(path) || at.len() > path.len() || missing_field(&message).is_some()
        }
    }
}

/// Gives the object at `path` a placeholder for its missing required `field`.
fn fill_missing<T: DeserializeOwned>(value: &mut Value, path: &[Step], field: &str) -> Option<()> {
    let mut field_path = path.to_vec();
    field_path.push(Step::Key(field.to_owned()));
    let mut candidates: Vec<Value> = placeholders().into();
    let mut i = 0;
    while let Some(candidate) = candidates.get(i).cloned() {
        i += 1;
        at_mut(value, path)?
            .as_object_mut()?
            .insert(field.to_owned(), candidate);
        if accepted::<T>(value, &field_path) {
            return Some(());
        }
        // A closed enum names the values it allows in the error a string placeholder causes:
        // "unknown variant ``, expected one of `A`, `B`".
        if let Some((at, message)) = first_error::<T>(value)
            && at == field_path
            && let Some(variant) = message
                .split_once("expected")
                .and_then(|(_, rest)| rest.split('`').nth(1))
            && !candidates.contains(&Value::String(variant.to_owned()))
        {
            candidates.insert(i, Value::String(variant.to_owned()));
        }
    }
    at_mut(value, path)?.as_object_mut()?.remove(field);
    None
}

/// Repairs the value at `path`, which `T` cannot read.
fn repair_at<T: DeserializeOwned>(
    value: &mut Value,
    path: &[Step],
    unread: &mut Vec<String>,
) -> Option<()> {
    let (last, parent) = path.split_last()?;
    let current = at_mut(value, path)?.clone();
    // A value in another format whose meaning is plain.
    for candidate in reformatted(&current) {
        *at_mut(value, path)? = candidate;
        if accepted::<T>(value, path) {
            return Some(());
        }
    }
    *at_mut(value, path)? = current;
    // Otherwise it cannot be read: drop it, and give it a placeholder if it is required.
    match (last, at_mut(value, parent)?) {
        (Step::Key(k), Value::Object(m)) => {
            m.remove(k);
        }
        (Step::Index(i), Value::Array(a)) => {
            a.remove(*i);
        }
        _ => return None,
    }
    unread.push(describe(path, None));
    if let Step::Key(k) = last
        && let Some((at, message)) = first_error::<T>(value)
        && at == parent
        && missing_field(&message) == Some(k.as_str())
    {
        fill_missing::<T>(value, parent, k)?;
    }
    Some(())
}

/// Other spellings of `value` with the same meaning, most likely first.
fn reformatted(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match value {
        Value::String(s) => {
            let s = s.trim();
            // A date-time where a date is expected: the date as written.
            if s.len() > 10
                && s.is_char_boundary(10)
                && chrono::NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").is_ok()
            {
                out.push(Value::String(s[..10].to_owned()));
                // A date-time without a zone, or with a space: read as UTC.
                let t = s.replacen(' ', "T", 1);
                if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(&t) {
                    out.push(Value::String(dt.to_utc().to_rfc3339()));
                } else if let Ok(naive) =
                    chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.f")
                {
                    out.push(Value::String(naive.and_utc().to_rfc3339()));
                }
            }
            // A date where a date-time is expected: its midnight, UTC.
            if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                out.push(Value::String(format!("{date}T00:00:00Z")));
            }
            // A number or a boolean sent as a string.
            if let Ok(v @ (Value::Number(_) | Value::Bool(_))) = serde_json::from_str::<Value>(s) {
                out.push(v);
            }
        }
        Value::Number(n) => {
            out.push(Value::String(n.to_string()));
            // 1 and 0 for a boolean.
            match n.as_u64() {
                Some(0) => out.push(Value::Bool(false)),
                Some(1) => out.push(Value::Bool(true)),
                _ => {}
            }
        }
        Value::Bool(b) => out.push(Value::String(b.to_string())),
        _ => {}
    }
    out
}

impl<T> Repaired<T> {
    /// A value that decoded as it was.
    pub(crate) fn whole(value: T) -> Self {
        Self {
            value,
            unread: Vec::new(),
            raw: None,
        }
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Repaired<U> {
        Repaired {
            value: f(self.value),
            unread: self.unread,
            raw: self.raw,
        }
    }
}

/// A status union of the API: an object whose `status` member says which variant it is.
/// `unions.rs` implements it for every union.
pub(crate) trait StatusUnion: DeserializeOwned + Sized + Send + 'static {
    /// The `PENDING` variant.
    type Pending: DeserializeOwned;
    /// The `COMPLETED` variant.
    type Completed: DeserializeOwned + Send + 'static;
    fn pending(p: Self::Pending) -> Self;
    fn completed(c: Self::Completed) -> Self;
    fn failed(f: types::SessionFailed) -> Self;
    fn other(o: types::OtherStatus) -> Self;
    /// The union as the engine's status.
    fn into_status(self) -> SessionStatus<Self::Completed>;
    /// The handle of the session a start request answered with this; a start answered with
    /// `FAILED` is its error.
    fn into_handle(self, provider: Provider, flow: Flow) -> Result<SessionHandle, Error>;
}

/// Reads a status body that the generated type could not decode: by its `status` member
/// first, then tolerantly as the variant it names. Fails only on a body that is not an
/// object with a string `status`.
pub(crate) fn read_status<U: StatusUnion>(body: &[u8]) -> Result<Repaired<U>, serde_json::Error> {
    read_status_value(serde_json::from_slice(body)?)
}

/// A status object already parsed (a callback's): as the generated type when it fits, else
/// as [`read_status`] reads it.
pub(crate) fn read_status_json<U: StatusUnion>(
    value: &Value,
) -> Result<Repaired<U>, serde_json::Error> {
    match U::deserialize(value) {
        Ok(u) => Ok(Repaired::whole(u)),
        Err(_) => read_status_value(value.clone()),
    }
}

fn read_status_value<U: StatusUnion>(value: Value) -> Result<Repaired<U>, serde_json::Error> {
    let status = value
        .get("status")
        .and_then(Value::as_str)
        .ok_or_else(|| serde::de::Error::custom("not a status object: no string `status`"))?;
    let raw = value.clone();
    let read = match status {
        "PENDING" => decode::<U::Pending>(value).map(|r| r.map(U::pending)),
        "COMPLETED" => decode::<U::Completed>(value).map(|r| r.map(U::completed)),
        "FAILED" => decode::<types::SessionFailed>(value).map(|r| r.map(U::failed)),
        _ => decode::<types::OtherStatus>(value).map(|r| r.map(U::other)),
    };
    read.map(|r| Repaired {
        raw: Some(raw),
        ..r
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn completed<C: DeserializeOwned>(body: Value) -> Repaired<C> {
        decode::<C>(body).expect("a completed body always reads")
    }

    #[test]
    fn a_body_that_fits_is_read_as_it_is() {
        let r: Repaired<types::BankIdSeCompleted> = completed(json!({
            "id": "s1", "status": "COMPLETED", "ssn": "198112289874", "name": "Anna Andersson",
            "givenName": "Anna", "surname": "Andersson", "extra": {"nested": [1, 2]}
        }));
        assert!(r.unread.is_empty());
        assert_eq!(r.value.name, "Anna Andersson");
    }

    #[test]
    fn a_missing_required_field_gets_a_placeholder_and_is_listed() {
        let r: Repaired<types::BankIdSeCompleted> = completed(json!({
            "id": "s1", "status": "COMPLETED", "name": "Anna Andersson", "givenName": "Anna"
        }));
        assert_eq!(r.value.name, "Anna Andersson");
        assert_eq!(r.value.ssn, "");
        let mut unread = r.unread;
        unread.sort();
        assert_eq!(unread, ["ssn", "surname"]);
    }

    #[test]
    fn values_of_another_type_are_dropped_or_converted() {
        let r: Repaired<types::BankIdSeCompleted> = completed(json!({
            "id": "s1", "status": "COMPLETED", "ssn": 198112289874u64, "name": ["Anna"],
            "givenName": "Anna", "surname": null, "device": "phone", "risk": 3,
            "certStartDate": "2020-01-02T10:00:00+02:00",
            "authenticatedAt": "2026-12-03"
        }));
        let v = &r.value;
        // A number for a string is the same number written out.
        assert_eq!(v.ssn, "198112289874");
        assert_eq!(v.name, "");
        assert_eq!(v.surname, "");
        assert!(v.device.is_none());
        assert_eq!(
            v.cert_start_date,
            Some(chrono::NaiveDate::from_ymd_opt(2020, 1, 2).unwrap())
        );
        assert_eq!(
            v.authenticated_at.map(|t| t.to_rfc3339()),
            Some("2026-12-03T00:00:00+00:00".to_owned())
        );
        let mut unread = r.unread;
        unread.sort();
        assert_eq!(unread, ["device", "name", "surname"]);
    }

    #[test]
    fn nested_objects_and_lists_are_repaired_in_place() {
        let r: Repaired<types::BankIdNoCompleted> = completed(json!({
            "id": "s1", "status": "COMPLETED", "name": "Ola Nordmann", "givenName": "Ola",
            "surname": "Nordmann",
            "signResult": {"endUser": "e", "hash": 7},
            "signedDocuments": [{"id": "d1", "hash": "aa"}, "garbage", {"id": "d2"}]
        }));
        let v = &r.value;
        let sign = v.sign_result.as_ref().unwrap();
        assert_eq!(
            (
                sign.end_user.as_str(),
                sign.merchant.as_str(),
                sign.hash.as_str()
            ),
            ("e", "", "7")
        );
        let docs = &v.signed_documents;
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[1].id.as_str(), docs[1].hash.as_str()), ("d2", ""));
        let mut unread = r.unread;
        unread.sort();
        assert_eq!(
            unread,
            [
                "signResult.merchant",
                "signedDocuments[1]",
                "signedDocuments[1].hash"
            ]
        );
    }

    #[test]
    fn a_status_body_is_read_by_its_status_first() {
        let mitid = br#"{"id":"s1","status":"COMPLETED","name":"Mette","givenName":"Mette","surname":"Hansen","birthDate":"1990-01-01T00:00:00Z"}"#;
        let r = read_status::<types::MitIdStatus>(mitid).unwrap();
        assert!(matches!(r.value, types::MitIdStatus::MitIdCompleted(_)));
        assert!(r.raw.is_some());
        let failed = read_status::<types::FtnStatus>(br#"{"id":"s1","status":"FAILED"}"#).unwrap();
        let types::FtnStatus::SessionFailed(f) = failed.value else {
            panic!("{:?}", failed.value)
        };
        assert_eq!(
            (f.error.0.as_str(), failed.unread.as_slice()),
            ("", &["error".to_owned()][..])
        );
        let other = read_status::<types::VippsStatus>(br#"{"status":"VERIFYING"}"#).unwrap();
        assert!(matches!(other.value, types::VippsStatus::OtherStatus(_)));
        let pending =
            read_status::<types::BankIdSeStatus>(br#"{"id":"s1","status":"PENDING","hintCode":5}"#)
                .unwrap();
        let types::BankIdSeStatus::BankIdSePending(p) = pending.value else {
            panic!()
        };
        assert!(p.hint_code.is_some());
        for not_status in [&b"[]"[..], b"{}", br#"{"status":1}"#, b"<html>"] {
            assert!(read_status::<types::BankIdSeStatus>(not_status).is_err());
        }
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-zA-Z0-9 :+-]{0,24}".prop_map(Value::String),
            Just(Value::String("1985-04-12T23:20:50+02:00".into())),
            Just(Value::String("1985-04-12".into())),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(field(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Field names of the completed types, and some others.
    fn field() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "id",
            "refId",
            "ssn",
            "name",
            "givenName",
            "surname",
            "address",
            "phone",
            "email",
            "birthDate",
            "pid",
            "bankId",
            "bankName",
            "certStartDate",
            "authenticatedAt",
            "signedAt",
            "signResult",
            "signedDocuments",
            "endUser",
            "merchant",
            "hash",
            "checksum",
            "country",
            "ageVerified",
            "device",
            "ipAddress",
            "stepUp",
            "mrtd",
            "risk",
            "companySignatoryText",
            "ocspResponse",
            "newField",
        ])
        .prop_map(str::to_owned)
    }

    fn completed_body() -> impl Strategy<Value = Value> {
        prop::collection::btree_map(field(), json_value(), 0..16).prop_map(|m| {
            let mut m: Map<String, Value> = m.into_iter().collect();
            m.insert("status".into(), "COMPLETED".into());
            Value::Object(m)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever a COMPLETED answer holds, every provider's result is read from it.
        #[test]
        fn every_completed_body_reads(body in completed_body()) {
            let bytes = serde_json::to_vec(&body).unwrap();
            prop_assert!(read_status::<types::BankIdSeStatus>(&bytes).is_ok());
            prop_assert!(read_status::<types::FrejaStatus>(&bytes).is_ok());
            prop_assert!(read_status::<types::BankIdNoStatus>(&bytes).is_ok());
            prop_assert!(read_status::<types::VippsStatus>(&bytes).is_ok());
            prop_assert!(read_status::<types::MitIdStatus>(&bytes).is_ok());
            prop_assert!(read_status::<types::FtnStatus>(&bytes).is_ok());
            prop_assert!(read_status::<types::AgeVerificationStatus>(&bytes).is_ok());
        }
    }
}
