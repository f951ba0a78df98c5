//! The wrapper's JSON: request bodies, and the JSON:API envelope its answers come in.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Serialize};

use crate::codes::{FailureCode, HintCode, Status};
use crate::poll::SessionStatus;

use super::completion::Completion;

/// `POST /auth`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AuthRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) personal_number: Option<String>,
    pub(super) end_user_ip: String,
}

/// `POST /sign`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignRequest<'a> {
    pub(super) personal_number: String,
    pub(super) end_user_ip: String,
    pub(super) user_visible_data: &'a str,
}

/// `POST /collect` and `POST /cancel`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OrderRequest<'a> {
    pub(super) order_ref: &'a str,
}

/// Decodes the `data` of a JSON:API envelope into `T`.
///
/// The wrapper's documented answers disagree: start and pending-collect answers nest the
/// fields under `data.attributes`, the completed collect puts them on `data` itself. Both
/// are accepted, and so is a mix: the members of `attributes` are laid over those of `data`.
pub(super) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    #[derive(Deserialize)]
    struct Envelope {
        data: serde_json::Map<String, serde_json::Value>,
    }
    let Envelope { mut data } = serde_json::from_slice(body)?;
    if let Some(serde_json::Value::Object(attributes)) = data.remove("attributes") {
        data.extend(attributes);
    }
    serde_json::from_value(serde_json::Value::Object(data))
}

/// The answer to `/auth` and `/sign`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Started {
    pub(super) order_ref: String,
    pub(super) auto_start_token: String,
    pub(super) qr_start_token: String,
    pub(super) qr_start_secret: String,
}

/// The answer to `/collect`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Collected {
    status: String,
    #[serde(default)]
    hint_code: Option<String>,
    #[serde(default)]
    completion_data: Option<Completion>,
}

impl Collected {
    /// The engine's view of one collect answer. A status this version does not know keeps
    /// the engine polling; `complete` without its data is a garbled body, which the engine
    /// retries like any other.
    pub(super) fn into_snapshot(self) -> Result<SessionStatus<Completion>, serde_json::Error> {
        Ok(match self.status.as_str() {
            "pending" => SessionStatus::Pending {
                hint: self.hint_code.map(HintCode::from),
            },
            "complete" => match self.completion_data {
                Some(data) => SessionStatus::Completed(data),
                None => return Err(serde_json::Error::missing_field("completionData")),
            },
            "failed" => SessionStatus::Failed(failure_code(self.hint_code)),
            _ => SessionStatus::Other(Status::from(self.status)),
        })
    }
}

/// The failure code of a `failed` order. BankID reports why in its hint vocabulary; the two
/// cancellation hints become the crate's [`FailureCode::Cancelled`] so they surface as
/// [`Error::Cancelled`](crate::Error::Cancelled) like any other provider's, and every other
/// hint is kept exactly as sent. Without a hint the status itself is the only code there is.
fn failure_code(hint: Option<String>) -> FailureCode {
    match hint.as_deref() {
        Some("userCancel" | "cancelled") => FailureCode::Cancelled,
        Some(_) => FailureCode::from(hint.unwrap_or_default()),
        None => FailureCode::from("failed"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    const COMPLETED: &str = r#"{
        "jsonapi": {"version": "1.0"},
        "data": {
            "orderRef": "some-ref",
            "status": "complete",
            "completionData": {
                "user": {"personalNumber": "190000000000", "name": "Karl Karlsson",
                         "givenName": "Karl", "surname": "Karlsson"},
                "device": {"ipAddress": "192.168.0.1"},
                "cert": {"notBefore": "1502983274000", "notAfter": "1563549674000"},
                "signature": "PHNpZz4=",
                "ocspResponse": "b2NzcA=="
            }
        }
    }"#;

    fn collect(body: &str) -> SessionStatus<Completion> {
        decode::<Collected>(body.as_bytes())
            .unwrap()
            .into_snapshot()
            .unwrap()
    }

    #[test]
    fn start_answers_with_and_without_attributes() {
        for body in [
            r#"{"jsonapi":{"version":"1.0"},"data":{"type":"bankIdAuth","attributes":{
                "orderRef":"o1","autoStartToken":"a1","qrStartToken":"q1","qrStartSecret":"s1"}}}"#,
            r#"{"data":{"type":"bankIdSign","orderRef":"o1","autoStartToken":"a1",
                "qrStartToken":"q1","qrStartSecret":"s1","extra":[1,2]}}"#,
        ] {
            let s: Started = decode(body.as_bytes()).unwrap();
            assert_eq!(
                (
                    &*s.order_ref,
                    &*s.auto_start_token,
                    &*s.qr_start_token,
                    &*s.qr_start_secret
                ),
                ("o1", "a1", "q1", "s1")
            );
        }
    }

    #[test]
    fn the_documented_completed_answer() {
        let SessionStatus::Completed(c) = collect(COMPLETED) else {
            panic!("not completed");
        };
        assert_eq!(c.user.given_name, "Karl");
        assert_eq!(c.device.ip(), Some([192, 168, 0, 1].into()));
        assert_eq!(
            c.cert.not_before_time(),
            Some(UNIX_EPOCH + Duration::from_millis(1_502_983_274_000))
        );
        assert_eq!(c.ocsp_response, "b2NzcA==");
    }

    #[test]
    fn pending_failed_and_unknown() {
        let pending = collect(
            r#"{"data":{"type":"bankIdCollect","attributes":{"orderRef":"o","status":"pending","hintCode":"noClient"}}}"#,
        );
        assert!(matches!(
            pending,
            SessionStatus::Pending {
                hint: Some(HintCode::NoClient)
            }
        ));
        let failed = |hint: &str| {
            collect(&format!(
                r#"{{"data":{{"attributes":{{"orderRef":"o","status":"failed","hintCode":"{hint}"}}}}}}"#
            ))
        };
        assert!(matches!(
            failed("userCancel"),
            SessionStatus::Failed(FailureCode::Cancelled)
        ));
        assert!(matches!(
            failed("cancelled"),
            SessionStatus::Failed(FailureCode::Cancelled)
        ));
        match failed("expiredTransaction") {
            SessionStatus::Failed(code) => assert_eq!(code.as_str(), "expiredTransaction"),
            other => panic!("{other:?}"),
        }
        match collect(r#"{"data":{"attributes":{"orderRef":"o","status":"queued"}}}"#) {
            SessionStatus::Other(status) => assert_eq!(status.as_str(), "queued"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn odd_answers_are_errors_not_panics() {
        for body in [
            "",
            "[]",
            r#"{"data":null}"#,
            r#"{"data":{"attributes":{"orderRef":"o"}}}"#,
        ] {
            assert!(decode::<Collected>(body.as_bytes()).is_err(), "{body}");
        }
        let complete_without_data = decode::<Collected>(br#"{"data":{"status":"complete"}}"#)
            .unwrap()
            .into_snapshot();
        assert!(complete_without_data.is_err());
    }

    #[test]
    fn certificate_times_as_numbers() {
        let body = COMPLETED.replace(r#""1502983274000""#, "1502983274000");
        let SessionStatus::Completed(c) = collect(&body) else {
            panic!("not completed");
        };
        assert_eq!(c.cert.not_before, "1502983274000");
    }

    #[test]
    fn requests_are_shaped_as_documented() {
        let auth = AuthRequest {
            personal_number: None,
            end_user_ip: "0.0.0.0".into(),
        };
        assert_eq!(
            serde_json::to_value(&auth).unwrap(),
            serde_json::json!({"endUserIp": "0.0.0.0"})
        );
        let sign = SignRequest {
            personal_number: "190101010101".into(),
            end_user_ip: "0.0.0.0".into(),
            user_visible_data: "example-message",
        };
        assert_eq!(
            serde_json::to_value(&sign).unwrap(),
            serde_json::json!({"personalNumber": "190101010101", "endUserIp": "0.0.0.0",
                               "userVisibleData": "example-message"})
        );
    }
}
