//! Sessions: the handle to store, and the typed session to wait on.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::Stream;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::codes::{FailureCode, HintCode, Status};
use crate::error::{Error, ValidationError};
use crate::outcome::{Completed, Outcome};
use crate::poll::{Engine, Gate, PollPolicy, SessionSource, Snapshot, cancel, snapshot_from_json};

/// Where a session's callback arrives, if one does.
type CallbackReceiver = crate::callback::hub::Subscription;

/// An eID provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Provider {
    /// Swedish BankID.
    #[serde(rename = "bankid-se")]
    BankIdSe,
    /// Freja eID.
    Freja,
    /// Norwegian BankID.
    #[serde(rename = "bankid-no")]
    BankIdNo,
    /// Vipps MobilePay.
    Vipps,
    /// Danish MitID.
    #[serde(rename = "mitid")]
    MitId,
    /// Finnish Trust Network.
    Ftn,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 6] = [
        Provider::BankIdSe,
        Provider::Freja,
        Provider::BankIdNo,
        Provider::Vipps,
        Provider::MitId,
        Provider::Ftn,
    ];

    /// The provider's path segment in the API (`bankid-se`, `freja`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::BankIdSe => "bankid-se",
            Provider::Freja => "freja",
            Provider::BankIdNo => "bankid-no",
            Provider::Vipps => "vipps",
            Provider::MitId => "mitid",
            Provider::Ftn => "ftn",
        }
    }

    /// Whether the provider has sessions of this flow.
    pub fn supports(self, flow: Flow) -> bool {
        match flow {
            Flow::Auth => true,
            Flow::Sign => matches!(
                self,
                Provider::BankIdSe | Provider::Freja | Provider::BankIdNo | Provider::MitId
            ),
            Flow::AgeVerification => self != Provider::Vipps,
        }
    }
}

/// The kind of session, which decides the path it is polled and cancelled on. Phone and
/// backchannel sessions are polled as `Auth` or `Sign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Flow {
    /// Authentication.
    Auth,
    /// Signing.
    Sign,
    /// Age verification.
    AgeVerification,
}

impl Flow {
    /// The flow's path segment in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Auth => "auth",
            Flow::Sign => "sign",
            Flow::AgeVerification => "age-verification",
        }
    }
}

/// Everything needed to resume a session on any instance of a backend: store it (it
/// serialises with serde), then [`Client::resume`] it.
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
        }
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

/// The state of a session after one status read.
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionStatus<C> {
    /// Waiting for the user.
    Pending {
        /// BankID SE's hint code, if any.
        hint: Option<HintCode>,
    },
    /// Completed.
    Completed(C),
    /// Ended without a result.
    Failed(FailureCode),
    /// A status this version does not know; keep polling.
    Other(Status),
}

/// A change worth showing in a UI, from [`Session::updates`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Update<C> {
    /// The session is pending with a new hint code (the first update is always one).
    Pending {
        /// BankID SE's hint code, if any.
        hint: Option<HintCode>,
    },
    /// The session completed; the stream ends.
    Completed(C),
}

/// A started session of kind `C` (the provider's completed type).
///
/// Clones share the rate limit: all of them together read the status at most once a
/// second.
pub struct Session<C> {
    client: Client,
    handle: SessionHandle,
    gate: Arc<Gate>,
    /// When the start answer arrived, on tokio's clock, for sessions started in this process
    /// (BankID QR frames count from it; a resumed session falls back to the handle's wall clock).
    pub(crate) started: Option<tokio::time::Instant>,
    _outcome: PhantomData<fn() -> C>,
}

impl<C> Clone for Session<C> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            handle: self.handle.clone(),
            gate: self.gate.clone(),
            started: self.started,
            _outcome: PhantomData,
        }
    }
}

impl<C> fmt::Debug for Session<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("handle", &self.handle)
            .finish()
    }
}

impl Client {
    /// A session from a stored handle, to wait on or cancel from any instance. `C` must be
    /// the completed type of the handle's provider and flow.
    pub fn resume<C: Outcome>(&self, handle: SessionHandle) -> Result<Session<C>, Error> {
        if !handle.provider.supports(handle.flow) || !C::accepts(handle.provider, handle.flow) {
            return Err(ValidationError::new(
                "handle",
                format!(
                    "a {} {} session does not complete with {}",
                    handle.provider.as_str(),
                    handle.flow.as_str(),
                    std::any::type_name::<C>()
                ),
            )
            .into());
        }
        if handle.id.is_empty() {
            return Err(ValidationError::new("id", "empty").into());
        }
        Ok(Session::new(self.clone(), handle))
    }
}

impl<C: Outcome> Session<C> {
    pub(crate) fn new(client: Client, handle: SessionHandle) -> Self {
        let key = format!(
            "{}/{}/{}",
            handle.provider.as_str(),
            handle.flow.as_str(),
            handle.id
        );
        Self {
            gate: client.gate(key),
            client,
            handle,
            started: None,
            _outcome: PhantomData,
        }
    }

    /// Marks the session as started now, in this process.
    pub(crate) fn started_now(mut self) -> Self {
        self.started = Some(tokio::time::Instant::now());
        self
    }

    /// The handle to store for resuming elsewhere.
    pub fn handle(&self) -> &SessionHandle {
        &self.handle
    }

    /// The handle, consuming the session.
    pub fn into_handle(self) -> SessionHandle {
        self.handle
    }

    /// The session id.
    pub fn id(&self) -> &str {
        self.handle.id()
    }

    /// The caller's reference, as echoed by the service.
    pub fn ref_id(&self) -> Option<&str> {
        self.handle.ref_id()
    }

    /// Waits for the outcome with the client's poll policy.
    pub async fn wait(&self) -> Result<Completed<C>, Error> {
        let policy = self.client.poll_policy().clone();
        self.wait_with(&policy).await
    }

    /// Waits for the outcome with the given poll policy.
    ///
    /// A callback for this session handed to [`Client::deliver_callback`] ends the wait at
    /// once; polling is the fallback.
    ///
    /// Returns the completed identity, or [`Error::Failed`] with the failure code,
    /// [`Error::Cancelled`], [`Error::Expired`] (404), [`Error::DeadlineExceeded`], or the
    /// API or transport error that remained once the retry budget was spent. An unknown
    /// status keeps the engine polling.
    pub async fn wait_with(&self, policy: &PollPolicy) -> Result<Completed<C>, Error> {
        let mut engine = self.engine(policy.clone());
        let mut callbacks = self.client.callbacks().subscribe(self.id());
        loop {
            match self.settle(self.next_snapshot(&mut engine, &mut callbacks).await?)? {
                SessionStatus::Completed(c) => return Ok(c),
                SessionStatus::Pending { .. } | SessionStatus::Other(_) => {}
                SessionStatus::Failed(code) => return Err(self.failure(code)),
            }
        }
    }

    /// One status read, without retries, at the first moment the rate limit allows (so
    /// calling it in a loop never exceeds it). For UIs that refresh on their own clock.
    pub async fn poll_once(&self) -> Result<SessionStatus<Completed<C>>, Error> {
        let mut engine = self.engine(PollPolicy::default().no_deadline());
        self.settle(engine.read_once().await?)
    }

    /// A stream of changes for a UI: a `Pending` item whenever the hint code changes, then
    /// `Completed`. A failure, expiry or exhausted retries ends it with an `Err` item.
    pub fn updates(
        &self,
    ) -> impl Stream<Item = Result<Update<Completed<C>>, Error>> + Send + 'static {
        self.updates_with(self.client.poll_policy().clone())
    }

    /// [`updates`](Self::updates) with the given poll policy.
    pub fn updates_with(
        &self,
        policy: PollPolicy,
    ) -> impl Stream<Item = Result<Update<Completed<C>>, Error>> + Send + 'static {
        struct State<C> {
            session: Session<C>,
            engine: Engine<SessionSource>,
            callbacks: CallbackReceiver,
            last_hint: Option<Option<HintCode>>,
            done: bool,
        }
        let state = State {
            session: self.clone(),
            engine: self.engine(policy),
            callbacks: self.client.callbacks().subscribe(self.id()),
            last_hint: None,
            done: false,
        };
        futures::stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            loop {
                let next = st
                    .session
                    .next_snapshot(&mut st.engine, &mut st.callbacks)
                    .await;
                let item = match next.and_then(|s| st.session.settle(s)) {
                    Ok(SessionStatus::Pending { hint }) => {
                        if st.last_hint.as_ref() == Some(&hint) {
                            continue;
                        }
                        st.last_hint = Some(hint.clone());
                        Ok(Update::Pending { hint })
                    }
                    Ok(SessionStatus::Other(_)) => continue,
                    Ok(SessionStatus::Completed(c)) => {
                        st.done = true;
                        Ok(Update::Completed(c))
                    }
                    Ok(SessionStatus::Failed(code)) => {
                        st.done = true;
                        Err(st.session.failure(code))
                    }
                    Err(e) => {
                        st.done = true;
                        Err(e)
                    }
                };
                return Some((item, st));
            }
        })
    }

    /// Cancels the session. Cancelling a session that already ended is not an error; one
    /// the service no longer knows (404) answers [`Error::Expired`].
    pub async fn cancel(&self) -> Result<(), Error> {
        let h = &self.handle;
        match cancel(&self.client, h.provider, h.flow, &h.id).await {
            Ok(()) => {}
            Err(err) if err.status() == Some(reqwest::StatusCode::NOT_FOUND) => {
                self.gate.finish();
                return Err(Error::Expired { id: h.id.clone() });
            }
            Err(err) => return Err(err),
        }
        self.gate.finish();
        Ok(())
    }

    /// Wraps the session in a guard that cancels it when dropped before it ended (for
    /// instance when the request waiting on it is aborted).
    pub fn cancel_on_drop(self) -> CancelOnDrop<C> {
        CancelOnDrop {
            session: Some(self),
        }
    }

    /// The next snapshot: the engine's next read, or the final status a callback brings,
    /// whichever comes first.
    async fn next_snapshot(
        &self,
        engine: &mut Engine<SessionSource>,
        callbacks: &mut CallbackReceiver,
    ) -> Result<Snapshot, Error> {
        tokio::select! {
            biased;
            snapshot = self.callback_snapshot(callbacks) => {
                self.gate.finish();
                Ok(snapshot)
            }
            result = engine.next() => result,
        }
    }

    /// Resolves with the final status of the first callback for this session that reads as
    /// one; never resolves if none arrives.
    async fn callback_snapshot(&self, callbacks: &mut CallbackReceiver) -> Snapshot {
        let h = &self.handle;
        loop {
            // The read guard must not live across an await: take a clone and let it go.
            let callback = match callbacks.wait_for(Option::is_some).await {
                Ok(current) => current.clone(),
                // The client was dropped: no callback will come.
                Err(_) => None,
            };
            let Some(callback) = callback else {
                return std::future::pending().await;
            };
            match snapshot_from_json(h.provider, h.flow, callback.body()) {
                Some(s @ (Snapshot::Completed(_) | Snapshot::Failed(_))) => return s,
                // A callback that is not a final status of this session's kind changes
                // nothing: polling goes on.
                _ => tracing::debug!(id = %h.id, "ignored a callback that is not a final status"),
            }
            if callbacks.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }

    fn engine(&self, policy: PollPolicy) -> Engine<SessionSource> {
        let source = SessionSource {
            client: self.client.clone(),
            handle: self.handle.clone(),
        };
        Engine::new(source, self.gate.clone(), policy)
    }

    fn settle(&self, snapshot: Snapshot) -> Result<SessionStatus<Completed<C>>, Error> {
        Ok(match snapshot {
            Snapshot::Pending { hint } => SessionStatus::Pending { hint },
            Snapshot::Other(status) => SessionStatus::Other(status),
            Snapshot::Failed(code) => SessionStatus::Failed(code),
            Snapshot::Completed(c) => {
                let c = c
                    .try_map(C::from_completion)
                    .ok_or_else(|| Error::Request {
                        operation: "status",
                        message: format!(
                            "the {} session answered with another provider's result",
                            self.handle.provider.as_str()
                        ),
                    })?;
                SessionStatus::Completed(c)
            }
        })
    }

    fn failure(&self, code: FailureCode) -> Error {
        match code {
            FailureCode::Cancelled => Error::Cancelled {
                id: self.handle.id.clone(),
            },
            code => Error::Failed {
                id: self.handle.id.clone(),
                code,
            },
        }
    }
}

/// A session that is cancelled when dropped before it ended. Get it from
/// [`Session::cancel_on_drop`]; it dereferences to the session.
///
/// The cancel request is sent from a task spawned on the current Tokio runtime; without a
/// runtime nothing is sent.
pub struct CancelOnDrop<C: Outcome> {
    session: Option<Session<C>>,
}

impl<C: Outcome> fmt::Debug for CancelOnDrop<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CancelOnDrop").field(&self.session).finish()
    }
}

impl<C: Outcome> CancelOnDrop<C> {
    /// Takes the session back without cancelling it.
    pub fn disarm(mut self) -> Session<C> {
        self.session.take().expect("present until dropped")
    }
}

impl<C: Outcome> std::ops::Deref for CancelOnDrop<C> {
    type Target = Session<C>;
    fn deref(&self) -> &Session<C> {
        self.session.as_ref().expect("present until dropped")
    }
}

impl<C: Outcome> Drop for CancelOnDrop<C> {
    fn drop(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        if session.gate.is_finished() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(err) = session.cancel().await {
                    tracing::debug!(id = %session.id(), error = %err, "cancel on drop failed");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_and_flow_serialise_as_their_path_segments() {
        for p in Provider::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        for f in [Flow::Auth, Flow::Sign, Flow::AgeVerification] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
    }
}
