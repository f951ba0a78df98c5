//! Waiting on a session: the one waiting loop, the one updates stream and the one cancel that
//! every kind of session shares ([`Session`](crate::Session) and
//! [`WrapperOrder`](crate::bankid_wrapper::WrapperOrder)).

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

use futures::Stream;

use super::engine::{Engine, Gate};
use super::policy::PollPolicy;
use super::source::{Pushed, StatusSource};
use super::status::SessionStatus;
use crate::codes::HintCode;
use crate::error::Error;
use crate::telemetry::End;

pub(crate) mod sealed {
    use super::*;

    /// What a kind of session gives the shared loop. Sealed: only this crate's sessions
    /// implement it.
    pub trait Waitable: Send + Sync {
        /// Where its status is read from.
        type Source: StatusSource;
        /// The session's id, for errors.
        fn session_id(&self) -> &str;
        /// A status source for one waiter.
        fn source(&self) -> Self::Source;
        /// The rate-limit gate every copy of the session shares.
        fn gate(&self) -> &Arc<Gate>;
        /// The client's poll policy.
        fn default_policy(&self) -> PollPolicy;
        /// The client's bound on requests in flight.
        fn request_limit(&self) -> &Arc<Semaphore>;
        /// Sends the cancel request once.
        fn send_cancel(&self) -> impl Future<Output = Result<(), Error>> + Send;
    }
}

/// Waiting on a started session, the same way for every provider and every kind of session:
/// [`Session`](crate::Session) and [`WrapperOrder`](crate::bankid_wrapper::WrapperOrder).
///
/// Reads go through one engine: at most one a second per session (clones share the limit),
/// 429s waited out, transient failures retried within the policy's budget. A callback for the
/// session handed to [`Client::deliver_callback`](crate::Client::deliver_callback) ends a wait
/// at once; reading is the fallback.
pub trait Poller: sealed::Waitable<Source: StatusSource<Completed = Self::Output>> {
    /// What the session yields once completed.
    type Output: Send + 'static;

    /// Waits for the outcome with the client's poll policy.
    fn wait(&self) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        async move {
            let policy = self.default_policy();
            self.wait_with(&policy).await
        }
    }

    /// Waits for the outcome with the given poll policy.
    ///
    /// Returns the completed result, or [`Error::Failed`] with the failure code,
    /// [`Error::Cancelled`], [`Error::Expired`] (404), [`Error::DeadlineExceeded`], or the
    /// API or transport error that remained once the retry budget was spent. An unknown
    /// status keeps the engine polling.
    fn wait_with(
        &self,
        policy: &PollPolicy,
    ) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        let mut waiter = Waiter::new(self, policy.clone());
        async move {
            loop {
                match waiter.next().await? {
                    SessionStatus::Completed(done) => return Ok(done),
                    SessionStatus::Failed(code) => return Err(Error::failure(waiter.id(), code)),
                    SessionStatus::Pending { .. } | SessionStatus::Other(_) => {}
                }
            }
        }
    }

    /// One status read, without retries, at the first moment the rate limit allows (so
    /// calling it in a loop never exceeds it). For UIs that refresh on their own clock.
    fn poll_once(&self) -> impl Future<Output = Result<SessionStatus<Self::Output>, Error>> + Send {
        let policy = PollPolicy::default().no_deadline();
        let reads = self.request_limit().clone();
        let mut engine = Engine::new(self.source(), self.gate().clone(), reads, policy);
        async move { engine.read_once().await }
    }

    /// A stream of changes for a UI, with the client's poll policy: a
    /// [`Pending`](SessionStatus::Pending) item whenever the hint code changes (the first item
    /// is always one), then [`Completed`](SessionStatus::Completed). A failure, expiry or
    /// exhausted retries ends it with an `Err` item.
    fn updates(
        &self,
    ) -> impl Stream<Item = Result<SessionStatus<Self::Output>, Error>> + Send + 'static {
        self.updates_with(self.default_policy())
    }

    /// [`updates`](Self::updates) with the given poll policy.
    fn updates_with(
        &self,
        policy: PollPolicy,
    ) -> impl Stream<Item = Result<SessionStatus<Self::Output>, Error>> + Send + 'static {
        struct State<S: StatusSource> {
            waiter: Waiter<S>,
            last_hint: Option<Option<HintCode>>,
        }
        let state = State {
            waiter: Waiter::new(self, policy),
            last_hint: None,
        };
        // `None` once the session has ended, so the stream stops.
        futures::stream::unfold(Some(state), |state| async move {
            let mut st = state?;
            loop {
                let item = match st.waiter.next().await {
                    Ok(SessionStatus::Pending { hint }) => {
                        if st.last_hint.as_ref() == Some(&hint) {
                            continue;
                        }
                        st.last_hint = Some(hint.clone());
                        return Some((Ok(SessionStatus::Pending { hint }), Some(st)));
                    }
                    Ok(SessionStatus::Other(_)) => continue,
                    Ok(SessionStatus::Completed(done)) => Ok(SessionStatus::Completed(done)),
                    Ok(SessionStatus::Failed(code)) => Err(Error::failure(st.waiter.id(), code)),
                    Err(err) => Err(err),
                };
                return Some((item, None));
            }
        })
    }

    /// Cancels the session. Cancelling a session that already ended is not an error; one
    /// the service no longer knows (404) answers [`Error::Expired`].
    fn cancel(&self) -> impl Future<Output = Result<(), Error>> + Send {
        async move {
            let result = self.send_cancel().await;
            match result {
                Err(err) if err.status() != Some(reqwest::StatusCode::NOT_FOUND) => Err(err),
                result => {
                    self.gate().finish(if result.is_ok() {
                        End::Cancelled
                    } else {
                        End::Expired
                    });
                    result.map_err(|_| Error::Expired {
                        id: self.session_id().to_owned(),
                    })
                }
            }
        }
    }
}

/// One waiter: the engine's reads and the pushed final statuses, whichever comes first.
struct Waiter<S: StatusSource> {
    engine: Engine<S>,
    pushed: S::Pushed,
}

impl<S: StatusSource> Waiter<S> {
    fn new<W: sealed::Waitable<Source = S> + ?Sized>(session: &W, policy: PollPolicy) -> Self {
        let source = session.source();
        // Listen before the first read, so a callback that lands in between is not missed.
        let pushed = source.pushed();
        let reads = session.request_limit().clone();
        let mut engine = Engine::new(source, session.gate().clone(), reads, policy);
        if pushed.expected() {
            engine.expect_pushed();
        }
        Self { engine, pushed }
    }

    fn id(&self) -> &str {
        self.engine.id()
    }

    async fn next(&mut self) -> Result<SessionStatus<S::Completed>, Error> {
        tokio::select! {
            biased;
            status = self.pushed.next() => {
                self.engine.pushed(&status);
                Ok(status)
            }
            result = self.engine.next() => result,
        }
    }
}
