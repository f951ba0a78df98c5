//! Sessions: the handle to store, and the typed session to wait on.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde_json::json;

use crate::client::Client;
use crate::codes::Status;
use crate::coord::Subscription;
use crate::error::{Error, ValidationError};
pub use crate::handle::SessionHandle;
use crate::outcome::{Completed, Outcome, PreparedRead};
use crate::poll::{Gate, PollPolicy, Poller, Pushed, SessionStatus, StatusSource, Waitable};
use crate::telemetry::Labels;

/// A started session of kind `C` (the provider's completed type).
///
/// Clones share the rate limit: all of them together read the status at most once a
/// second.
pub struct Session<C> {
    client: Client,
    /// Shared with its clones and waiters, which would otherwise each copy its strings.
    handle: Arc<SessionHandle>,
    gate: Arc<Gate>,
    /// Its status read, the URL built once; shared by its clones and its waiters.
    read: Option<Arc<PreparedRead>>,
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
            read: self.read.clone(),
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
        if !handle.provider().supports(handle.flow())
            || !C::accepts(handle.provider(), handle.flow())
        {
            return Err(ValidationError::new(
                "handle",
                format!(
                    "a {} {} session does not complete with {}",
                    handle.provider().as_str(),
                    handle.flow().as_str(),
                    std::any::type_name::<C>()
                ),
            )
            .into());
        }
        if handle.id().is_empty() {
            return Err(ValidationError::new("id", "empty").into());
        }
        Ok(Session::new(self.clone(), handle, false))
    }
}

impl<C: Outcome> Session<C> {
    /// A session of `handle`, started by this process (`started_here`) or resumed from its
    /// handle.
    pub(crate) fn new(client: Client, handle: SessionHandle, started_here: bool) -> Self {
        let (provider, flow) = (handle.provider().as_str(), handle.flow().as_str());
        let key = format!("{provider}/{flow}/{}", handle.id());
        let labels = Labels {
            provider,
            flow,
            started: handle.started_at(),
        };
        let read = C::prepare_read(&client, handle.provider(), handle.flow(), handle.id());
        Self {
            gate: client
                .coordination()
                .gate(key, handle.id(), labels, started_here),
            read: read.map(Arc::new),
            client,
            handle: Arc::new(handle),
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
        Arc::unwrap_or_clone(self.handle)
    }

    /// The session id.
    pub fn id(&self) -> &str {
        self.handle.id()
    }

    /// The caller's reference, as echoed by the service.
    pub fn ref_id(&self) -> Option<&str> {
        self.handle.ref_id()
    }

    /// Wraps the session in a guard that cancels it when dropped before it ended (for
    /// instance when the request waiting on it is aborted).
    pub fn cancel_on_drop(self) -> CancelOnDrop<C> {
        CancelOnDrop {
            session: Some(self),
        }
    }
}

impl<C: Outcome> Waitable for Session<C> {
    type Source = SessionSource<C>;

    fn session_id(&self) -> &str {
        self.handle.id()
    }

    fn source(&self) -> SessionSource<C> {
        SessionSource {
            client: self.client.clone(),
            handle: self.handle.clone(),
            read: self.read.clone(),
            _outcome: PhantomData,
        }
    }

    fn gate(&self) -> &Arc<Gate> {
        &self.gate
    }

    fn default_policy(&self) -> PollPolicy {
        self.client.poll_policy().clone()
    }

    fn request_limit(&self) -> &Arc<tokio::sync::Semaphore> {
        self.client.request_limit()
    }

    async fn send_cancel(&self) -> Result<(), Error> {
        let h = &self.handle;
        C::cancel(&self.client, h.provider(), h.flow(), h.id()).await
    }
}

/// [`wait`](Poller::wait) for the session's result, [`updates`](Poller::updates) for a UI,
/// [`cancel`](Poller::cancel) it.
impl<C: Outcome> Poller for Session<C> {
    type Output = Completed<C>;
}

/// An IDkollen session completing with `C`, as the engine's status source.
#[derive(Debug)]
pub struct SessionSource<C> {
    client: Client,
    handle: Arc<SessionHandle>,
    read: Option<Arc<PreparedRead>>,
    _outcome: PhantomData<fn() -> C>,
}

impl<C: Outcome> StatusSource for SessionSource<C> {
    type Completed = Completed<C>;
    type Pushed = CallbackStatus<C>;

    fn id(&self) -> &str {
        self.handle.id()
    }

    fn read(&self) -> impl Future<Output = Result<SessionStatus<Completed<C>>, Error>> + Send {
        let h = &self.handle;
        async move {
            match &self.read {
                Some(read) => C::read_prepared(&self.client, read).await,
                None => C::read_status(&self.client, h.provider(), h.flow(), h.id()).await,
            }
        }
    }

    fn share(&self, status: &SessionStatus<Completed<C>>) -> Option<String> {
        let id = self.handle.id();
        // The shape of the service's status objects, which every instance reads back through
        // the same tolerant reader as a callback's body.
        let value = match status {
            SessionStatus::Pending { hint } => {
                let mut value = json!({ "id": id, "status": Status::Pending.as_str() });
                if let Some(hint) = hint {
                    value["hintCode"] = json!(hint.as_str());
                }
                value
            }
            SessionStatus::Completed(done) => match done.raw() {
                Some(raw) => raw.clone(),
                None => serde_json::to_value(&**done).ok()?,
            },
            SessionStatus::Failed(code) => {
                json!({ "id": id, "status": Status::Failed.as_str(), "error": code.as_str() })
            }
            SessionStatus::Other(status) => json!({ "id": id, "status": status.as_str() }),
        };
        Some(value.to_string())
    }

    fn read_shared(&self, json: &str) -> Option<SessionStatus<Completed<C>>> {
        let value: serde_json::Value = serde_json::from_str(json).ok()?;
        let h = &self.handle;
        if value.get("id").and_then(serde_json::Value::as_str) != Some(h.id()) {
            return None;
        }
        C::status_from_json(h.provider(), h.flow(), &value)
    }

    fn pushed(&self) -> CallbackStatus<C> {
        CallbackStatus {
            expected: self.handle.expects_callback() && self.client.receives_callbacks(),
            callbacks: self.client.coordination().subscribe(self.handle.id()),
            handle: self.handle.clone(),
            _outcome: PhantomData,
        }
    }
}

/// The final status a callback for the session brings.
#[derive(Debug)]
pub struct CallbackStatus<C> {
    /// Whether the session asked for a callback and this client receives them.
    expected: bool,
    callbacks: Subscription,
    handle: Arc<SessionHandle>,
    _outcome: PhantomData<fn() -> C>,
}

impl<C: Outcome> Pushed<Completed<C>> for CallbackStatus<C> {
    fn expected(&self) -> bool {
        self.expected
    }

    /// Resolves with the final status of the first callback for this session that reads as
    /// one; never resolves if none arrives.
    async fn next(&mut self) -> SessionStatus<Completed<C>> {
        let h = &self.handle;
        self.callbacks.catch_up().await;
        loop {
            // The read guard must not live across an await: take a clone and let it go.
            let callback = match self.callbacks.wait_for(Option::is_some).await {
                Ok(current) => current.clone(),
                // The client was dropped: no callback will come.
                Err(_) => None,
            };
            let Some(callback) = callback else {
                return std::future::pending().await;
            };
            match C::status_from_json(h.provider(), h.flow(), callback.body()) {
                Some(status) if status.is_final() => return status,
                // A callback that is not a final status of this session's kind changes
                // nothing: polling goes on.
                _ => tracing::debug!(id = %h.id(), "ignored a callback that is not a final status"),
            }
            if self.callbacks.changed().await.is_err() {
                return std::future::pending().await;
            }
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
    use crate::poll::{Poller as _, StatusSource as _, Waitable as _};
    use crate::types::BankIdSeCompleted;
    use crate::{Client, Flow, Provider, Session, SessionHandle};

    /// A client that never sends anything in these tests.
    fn client(base_url: &str) -> Client {
        Client::builder()
            .base_url(base_url)
            .credentials("account", "secret".to_owned())
            .build()
            .expect("a client")
    }

    /// Sessions read their status at a URL built once, the one the generated method of the
    /// flow's read operation would request.
    #[test]
    fn a_session_reads_at_a_url_built_once() {
        use crate::outcome::Outcome as _;
        use crate::types::MitIdCompleted;
        let client = client("http://127.0.0.1:9/prefix");
        let id = "5f0c7a52-3a1e-4b8e-9d61-0c1f2e3d4a5b";
        let cases = [
            (
                BankIdSeCompleted::prepare_read(&client, Provider::BankIdSe, Flow::Sign, id),
                "bankid_se_get_sign_status",
                "/v3/bankid-se/sign/",
            ),
            (
                BankIdSeCompleted::prepare_read(&client, Provider::BankIdSe, Flow::Auth, id),
                "bankid_se_get_auth_status",
                "/v3/bankid-se/auth/",
            ),
            (
                MitIdCompleted::prepare_read(&client, Provider::MitId, Flow::Auth, id),
                "mitid_get_auth_status",
                "/v3/mitid/auth/",
            ),
        ];
        for (read, operation, path) in cases {
            let read = read.expect("a prepared read");
            assert_eq!(read.operation, operation);
            assert_eq!(
                read.url.as_str(),
                format!("http://127.0.0.1:9/prefix{path}{id}")
            );
        }
        assert!(
            BankIdSeCompleted::prepare_read(&client, Provider::MitId, Flow::Auth, id).is_none(),
            "another provider's flow has no read of this type"
        );
    }

    /// A status read is boxed for each read (a waiting session holds none), so its size is
    /// what every read allocates and moves: the generated call once, and little besides.
    #[test]
    fn a_status_read_holds_the_generated_call_once_and_a_wait_none() {
        let client = client("http://127.0.0.1:9");
        let session: Session<BankIdSeCompleted> = client
            .resume(SessionHandle::new(Provider::BankIdSe, Flow::Auth, "id"))
            .expect("a session");
        let source = session.source();
        let read = std::mem::size_of_val(&source.read());
        let id = idkollen_api::types::SessionId::try_from("id").expect("an id");
        let generated = std::mem::size_of_val(&client.raw().bankid_se_get_auth_status(&id));
        assert!(
            read < generated * 3 / 2,
            "a status read is {read} bytes, the generated call {generated}"
        );
        // What every waiting session holds while it waits: neither a read, nor an answer, nor
        // a call to the fleet's Redis (each is boxed or ends before the next await).
        let waiting = std::mem::size_of_val(&session.wait());
        assert!(
            waiting < generated,
            "a waiting session's future is {waiting} bytes, one generated call {generated}"
        );
    }
}
