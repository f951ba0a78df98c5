//! Status bodies exactly as the sandbox sends them, one of every shape of every status union,
//! for the decoding benchmarks.

use std::fmt;
use std::time::Duration;

use idkollen_sandbox::Sandbox;
use serde_json::{Value, json};

/// The state a status body reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `PENDING`.
    Pending,
    /// `COMPLETED`, with the identity.
    Completed,
    /// `FAILED`, with the error code.
    Failed,
    /// A status no client knows (the sandbox's `SANDBOX_FUTURE_STATUS`).
    Unknown,
}

impl Shape {
    /// Every shape, in the order the benchmarks report them.
    pub const ALL: [Shape; 4] = [
        Shape::Pending,
        Shape::Completed,
        Shape::Failed,
        Shape::Unknown,
    ];

    fn status(self) -> &'static str {
        match self {
            Shape::Pending => "PENDING",
            Shape::Completed => "COMPLETED",
            Shape::Failed => "FAILED",
            Shape::Unknown => "SANDBOX_FUTURE_STATUS",
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Shape::Pending => "pending",
            Shape::Completed => "completed",
            Shape::Failed => "failed",
            Shape::Unknown => "unknown",
        })
    }
}

/// The status unions of the API, each with the start operation of a session it describes.
pub const UNIONS: [(&str, &str); 7] = [
    ("BankIdSeStatus", "/v3/bankid-se/auth"),
    ("FrejaStatus", "/v3/freja/auth"),
    ("BankIdNoStatus", "/v3/bankid-no/auth"),
    ("VippsStatus", "/v3/vipps/auth"),
    ("MitIdStatus", "/v3/mitid/auth"),
    ("FtnStatus", "/v3/ftn/auth"),
    ("AgeVerificationStatus", "/v3/bankid-se/age-verification"),
];

/// One captured body.
#[derive(Debug, Clone)]
pub struct StatusBody {
    /// The union it decodes into, e.g. `BankIdSeStatus`.
    pub union: &'static str,
    /// What it reports.
    pub shape: Shape,
    /// The raw bytes of the response body.
    pub json: Vec<u8>,
}

/// Why capturing failed.
pub type CaptureError = Box<dyn std::error::Error + Send + Sync>;

/// Starts sessions on `sb` and reads one body of every shape of every union in [`UNIONS`].
///
/// The sandbox must not limit status reads (`status_read_interval: Duration::ZERO`): each
/// session is read more than once within a second.
pub async fn capture(sb: &Sandbox) -> Result<Vec<StatusBody>, CaptureError> {
    let http = reqwest::Client::new();
    let api = Api { sb, http: &http };
    let mut out = Vec::new();
    for (union, start) in UNIONS {
        let pending = api.start(start, "sandbox:manual").await?;
        out.push(api.read(union, start, &pending, Shape::Pending).await?);
        sb.complete(&pending)?;
        out.push(api.read(union, start, &pending, Shape::Completed).await?);

        let failing = api.start(start, "sandbox:manual").await?;
        sb.fail(&failing, "CANCELLED")?;
        out.push(api.read(union, start, &failing, Shape::Failed).await?);

        // The unknown status is reported once the user has started: past `started_after`.
        let unknown = api.start(start, "sandbox:unknown-status").await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match api.read(union, start, &unknown, Shape::Unknown).await {
                Ok(body) => {
                    out.push(body);
                    break;
                }
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(out)
}

struct Api<'a> {
    sb: &'a Sandbox,
    http: &'a reqwest::Client,
}

impl Api<'_> {
    /// Starts a session scripted by `ref_id`; returns its id.
    async fn start(&self, path: &str, ref_id: &str) -> Result<String, CaptureError> {
        let body: Value = self
            .http
            .post(format!("{}{path}", self.sb.base_url()))
            .basic_auth(self.sb.account_id(), Some(self.sb.secret_key()))
            .json(&json!({ "refId": ref_id }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        body["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{path} answered without an id: {body}").into())
    }

    /// Reads the session's status; an error unless it reports `shape`.
    async fn read(
        &self,
        union: &'static str,
        start: &str,
        id: &str,
        shape: Shape,
    ) -> Result<StatusBody, CaptureError> {
        let json = self
            .http
            .get(format!("{}{start}/{id}", self.sb.base_url()))
            .basic_auth(self.sb.account_id(), Some(self.sb.secret_key()))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?
            .to_vec();
        let status: Value = serde_json::from_slice(&json)?;
        if status["status"] != shape.status() {
            return Err(format!("{start}/{id} reads {status}, not {}", shape.status()).into());
        }
        Ok(StatusBody { union, shape, json })
    }
}
