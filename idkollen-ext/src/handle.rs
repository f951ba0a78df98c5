//! The handle of a session: what to store to resume it on any instance.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::provider::{Flow, Provider};

/// Everything needed to resume a session on any instance of a backend: store it (it
/// serialises with serde), then [`Client::resume`](crate::Client::resume) it.
///
/// It holds the QR start secret of a BankID session: keep it server-side. `Debug` redacts
/// it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionHandle {
    provider: Provider,
    flow: Flow,
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ref_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auto_start_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qr_start_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qr_start_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    qr_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    binding_message: Option<String>,
    /// When the start answer arrived, in milliseconds since the Unix epoch: BankID's QR
    /// frames count seconds from it, so another instance can go on animating the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at_ms: Option<u64>,
    /// Whether the start asked for a callback (`callbackUrl`): the status reads are then only
    /// the fallback, at the policy's slower cadence.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    callback: bool,
}

impl fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionHandle")
            .field("provider", &self.provider)
            .field("flow", &self.flow)
            .field("id", &self.id)
            .field("ref_id", &self.ref_id)
            .field("auto_start_token", &self.auto_start_token)
            .field("qr_start_token", &self.qr_start_token)
            .field(
                "qr_start_secret",
                &self.qr_start_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("qr_data", &self.qr_data)
            .field("url", &self.url)
            .field("binding_message", &self.binding_message)
            .field("started_at_ms", &self.started_at_ms)
            .field("callback", &self.callback)
            .finish()
    }
}

impl SessionHandle {
    /// A handle for a session started elsewhere, known by its id.
    pub fn new(provider: Provider, flow: Flow, id: impl Into<String>) -> Self {
        Self {
            provider,
            flow,
            id: id.into(),
            ref_id: None,
            auto_start_token: None,
            qr_start_token: None,
            qr_start_secret: None,
            qr_data: None,
            url: None,
            binding_message: None,
            started_at_ms: None,
            callback: false,
        }
    }

    /// Whether the session's start asked for a callback.
    pub fn expects_callback(&self) -> bool {
        self.callback
    }

    /// Records whether the start asked for a callback.
    pub(crate) fn with_callback(mut self, callback: bool) -> Self {
        self.callback = callback;
        self
    }

    /// Stamps the handle with the current wall-clock time as the session's start.
    pub(crate) fn started_now(mut self) -> Self {
        self.started_at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| u64::try_from(d.as_millis()).ok());
        self
    }

    pub(crate) fn with_ref_id(mut self, ref_id: Option<String>) -> Self {
        self.ref_id = ref_id;
        self
    }

    pub(crate) fn with_bankid_tokens(
        mut self,
        auto_start_token: Option<String>,
        qr_start_token: Option<String>,
        qr_start_secret: Option<String>,
    ) -> Self {
        self.auto_start_token = auto_start_token;
        self.qr_start_token = qr_start_token;
        self.qr_start_secret = qr_start_secret;
        self
    }

    pub(crate) fn with_freja_tokens(
        mut self,
        auto_start_token: Option<String>,
        qr_data: Option<String>,
    ) -> Self {
        self.auto_start_token = auto_start_token;
        self.qr_data = qr_data;
        self
    }

    pub(crate) fn with_url(mut self, url: Option<String>) -> Self {
        self.url = url;
        self
    }

    pub(crate) fn with_binding_message(mut self, message: Option<String>) -> Self {
        self.binding_message = message;
        self
    }

    /// The provider.
    pub fn provider(&self) -> Provider {
        self.provider
    }
    /// The flow.
    pub fn flow(&self) -> Flow {
        self.flow
    }
    /// The session id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The caller's reference, as echoed by the service.
    pub fn ref_id(&self) -> Option<&str> {
        self.ref_id.as_deref()
    }
    /// BankID SE / Freja: the token that starts the app on the same device.
    pub fn auto_start_token(&self) -> Option<&str> {
        self.auto_start_token.as_deref()
    }
    /// BankID SE: the public part of the animated QR code.
    pub fn qr_start_token(&self) -> Option<&str> {
        self.qr_start_token.as_deref()
    }
    /// BankID SE: the secret the QR frames are computed with. Never send it to a browser.
    pub fn qr_start_secret(&self) -> Option<&str> {
        self.qr_start_secret.as_deref()
    }
    /// Freja: the content of the QR code.
    pub fn qr_data(&self) -> Option<&str> {
        self.qr_data.as_deref()
    }
    /// Redirect flows: where to send the user's browser.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
    /// Backchannel flows: the message the user should see in their app.
    pub fn binding_message(&self) -> Option<&str> {
        self.binding_message.as_deref()
    }
    /// When the start answer arrived (wall clock), for sessions started by this crate.
    /// BankID SE QR frames count whole seconds from this moment.
    pub fn started_at(&self) -> Option<std::time::SystemTime> {
        self.started_at_ms
            .map(|ms| std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
    }
}
