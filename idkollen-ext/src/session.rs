//! Sessions: the handle to store, and the typed session to wait on.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::Stream;

use crate::client::Client;
use crate::codes::{FailureCode, HintCode, Status};
use crate::error::{Error, ValidationError};
pub use crate::handle::SessionHandle;
use crate::outcome::{Completed, Outcome};
use crate::poll::{Engine, Gate, PollPolicy, Snapshot};
use crate::table::{SessionSource, cancel, snapshot_from_json};

/// Where a session's callback arrives, if one does.
type CallbackReceiver = crate::callback::hub::Subscription;

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
        Ok(Session::new(self.clone(), handle))
    }
}

impl<C: Outcome> Session<C> {
    pub(crate) fn new(client: Client, handle: SessionHandle) -> Self {
        let key = format!(
            "{}/{}/{}",
            handle.provider().as_str(),
            handle.flow().as_str(),
            handle.id()
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
        match cancel(&self.client, h.provider(), h.flow(), h.id()).await {
            Ok(()) => {}
            Err(err) if err.status() == Some(reqwest::StatusCode::NOT_FOUND) => {
                self.gate.finish();
                return Err(Error::Expired {
                    id: h.id().to_owned(),
                });
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
            match snapshot_from_json(h.provider(), h.flow(), callback.body()) {
                Some(s @ (Snapshot::Completed(_) | Snapshot::Failed(_))) => return s,
                // A callback that is not a final status of this session's kind changes
                // nothing: polling goes on.
                _ => tracing::debug!(id = %h.id(), "ignored a callback that is not a final status"),
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
                            self.handle.provider().as_str()
                        ),
                    })?;
                SessionStatus::Completed(c)
            }
        })
    }

    fn failure(&self, code: FailureCode) -> Error {
        match code {
            FailureCode::Cancelled => Error::Cancelled {
                id: self.handle.id().to_owned(),
            },
            code => Error::Failed {
                id: self.handle.id().to_owned(),
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
