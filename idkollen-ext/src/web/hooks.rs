//! What the application decides: whether and how a session starts ([`StartContext`] in,
//! [`StartPlan`] or [`Refusal`] out), and what the page learns when it completes ([`Done`] in,
//! [`Reply`] out).

use std::fmt;

use axum::http::{HeaderMap, StatusCode};
use idkollen_api::types;
use serde::{Deserialize, Serialize};

use crate::codes::Language;
use crate::outcome::Completed;
use crate::provider::Provider;

/// What the page asks to start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PageFlow {
    /// A login: QR code and app on the same device (BankID SE, Freja), or a redirect to the
    /// provider's page (BankID NO, Vipps, MitID, FTN).
    Auth,
    /// A signature of a text the application gives ([`StartPlan::text`]).
    Sign,
    /// A login pushed to the app of the user whose number (or, for Vipps, phone) the page
    /// asks for; the page shows the binding message to compare (Freja, BankID NO, Vipps,
    /// MitID).
    BackchannelAuth,
}

impl PageFlow {
    /// The flow's name in the page's requests: `auth`, `sign`, `backchannel-auth`.
    pub fn as_str(self) -> &'static str {
        match self {
            PageFlow::Auth => "auth",
            PageFlow::Sign => "sign",
            PageFlow::BackchannelAuth => "backchannel-auth",
        }
    }

    /// Whether the kit can start `provider`'s sessions of this flow.
    pub fn supported_by(self, provider: Provider) -> bool {
        use Provider::*;
        match self {
            PageFlow::Auth => true,
            PageFlow::Sign => matches!(provider, BankIdSe | Freja | BankIdNo | MitId),
            PageFlow::BackchannelAuth => matches!(provider, Freja | BankIdNo | Vipps | MitId),
        }
    }
}

/// A start the page asked for, handed to the application's start hook before anything is sent
/// to IDkollen.
#[derive(Debug)]
#[non_exhaustive]
pub struct StartContext {
    /// The provider.
    pub provider: Provider,
    /// The flow.
    pub flow: PageFlow,
    /// The language the page will show its messages in.
    pub language: Language,
    /// The page's `data-context`, as the page sent it (at most 256 characters): for example
    /// which document or order the signing is for. It comes from the browser: check it.
    pub context: Option<String>,
    /// The headers of the start request, with the application's own cookies.
    pub headers: HeaderMap,
}

/// How a session starts, from the application's start hook. Every part is optional but the
/// text of a signing.
#[derive(Debug, Default, Clone)]
#[must_use]
pub struct StartPlan {
    pub(crate) ref_id: Option<String>,
    pub(crate) text: Option<String>,
    pub(crate) intent: Option<String>,
    pub(crate) callback_url: Option<String>,
    pub(crate) request_ssn: bool,
}

impl StartPlan {
    /// A plan with nothing set: a login without a reference.
    pub fn new() -> Self {
        Self::default()
    }

    /// Your reference, echoed in the result and in [`Done::ref_id`].
    pub fn ref_id(mut self, ref_id: impl Into<String>) -> Self {
        self.ref_id = Some(ref_id.into());
        self
    }

    /// The text to sign: required for [`PageFlow::Sign`], ignored otherwise.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// BankID SE logins: the text the app shows about what the user logs in to.
    pub fn intent(mut self, intent: impl Into<String>) -> Self {
        self.intent = Some(intent.into());
        self
    }

    /// Where IDkollen posts the result, for the flows that take a callback (see
    /// [`callback`](crate::callback)); polling is the fallback either way.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// BankID NO and Vipps: ask for the user's national identity number (MitID and FTN always
    /// give it; BankID SE and Freja too).
    pub fn request_ssn(mut self, request: bool) -> Self {
        self.request_ssn = request;
        self
    }
}

/// The application's "no" to a start: the page gets this status and message as its JSON error,
/// and nothing is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl Refusal {
    /// 403: this browser may not start this session (not logged in to your service, say).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            message: message.into(),
        }
    }

    /// 400: the page's request does not make sense to the application (an unknown
    /// `data-context`, say).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

/// The verified result of a completed session, by provider. `Debug` prints no personal data.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Verified {
    /// Swedish BankID.
    BankIdSe(Completed<types::BankIdSeCompleted>),
    /// Freja eID.
    Freja(Completed<types::FrejaCompleted>),
    /// Norwegian BankID.
    BankIdNo(Completed<types::BankIdNoCompleted>),
    /// Vipps MobilePay.
    Vipps(Completed<types::VippsCompleted>),
    /// MitID.
    MitId(Completed<types::MitIdCompleted>),
    /// FTN.
    Ftn(Completed<types::FtnCompleted>),
}

impl Verified {
    /// The provider that verified the user.
    pub fn provider(&self) -> Provider {
        match self {
            Verified::BankIdSe(_) => Provider::BankIdSe,
            Verified::Freja(_) => Provider::Freja,
            Verified::BankIdNo(_) => Provider::BankIdNo,
            Verified::Vipps(_) => Provider::Vipps,
            Verified::MitId(_) => Provider::MitId,
            Verified::Ftn(_) => Provider::Ftn,
        }
    }

    /// The user's full name.
    pub fn name(&self) -> &str {
        match self {
            Verified::BankIdSe(c) => &c.name,
            Verified::Freja(c) => &c.name,
            Verified::BankIdNo(c) => &c.name,
            Verified::Vipps(c) => &c.name,
            Verified::MitId(c) => &c.name,
            Verified::Ftn(c) => &c.name,
        }
    }

    /// The user's given name.
    pub fn given_name(&self) -> &str {
        match self {
            Verified::BankIdSe(c) => &c.given_name,
            Verified::Freja(c) => &c.given_name,
            Verified::BankIdNo(c) => &c.given_name,
            Verified::Vipps(c) => &c.given_name,
            Verified::MitId(c) => &c.given_name,
            Verified::Ftn(c) => &c.given_name,
        }
    }

    /// The user's national identity number, when the provider gave it.
    pub fn ssn(&self) -> Option<&str> {
        match self {
            Verified::BankIdSe(c) => Some(&c.ssn),
            Verified::Freja(c) => Some(&c.ssn),
            Verified::BankIdNo(c) => c.ssn.as_deref(),
            Verified::Vipps(c) => c.ssn.as_deref(),
            Verified::MitId(c) => c.ssn.as_deref(),
            Verified::Ftn(c) => c.ssn.as_deref(),
        }
    }
}

/// A completed session, handed to the application's completion hook exactly once. It never
/// reaches the page: the hook's [`Reply`] says what does.
#[non_exhaustive]
pub struct Done {
    /// The flow the page started.
    pub flow: PageFlow,
    /// IDkollen's id of the session.
    pub session_id: String,
    /// The reference of the [`StartPlan`], as echoed by the service.
    pub ref_id: Option<String>,
    /// The page's `data-context` of the start.
    pub context: Option<String>,
    /// The language the page shows.
    pub language: Language,
    /// Who the provider verified.
    pub verified: Verified,
}

impl fmt::Debug for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Done")
            .field("flow", &self.flow)
            .field("session_id", &self.session_id)
            .field("ref_id", &self.ref_id)
            .field("language", &self.language)
            .field("verified", &self.verified)
            .finish_non_exhaustive()
    }
}

/// What the page shows once a session completed, from the application's completion hook.
/// Without a hook the page says "You are logged in." (or signed) in its language, and learns
/// nothing of who.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct Reply {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) redirect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<serde_json::Value>,
}

impl Reply {
    /// The page's default: its "welcome" state with the standard text.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page's "welcome" state with this text (for example "Welcome, Anna Andersson").
    pub fn welcome(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// The page goes on to this URL (for example your own page that finishes the login with
    /// a one-time code you made in the hook).
    pub fn redirect(url: impl Into<String>) -> Self {
        Self {
            redirect: Some(url.into()),
            ..Self::default()
        }
    }

    /// JSON for your own script: the detail of the page's `idkollen:complete` event.
    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }
}
