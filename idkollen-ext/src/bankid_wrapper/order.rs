//! A started order: its tokens, its QR code, and waiting on it through the polling engine.

use std::fmt;
use std::sync::Arc;

use futures::Stream;

use crate::codes::{FailureCode, HintCode};
use crate::error::Error;
use crate::poll::{Engine, Gate, PollPolicy, Snapshot};
use crate::qr::BankIdQr;
use crate::session::{SessionStatus, Update};

use super::client::WrapperClient;
use super::completion::Completion;
use super::source::CollectSource;
use super::wire::Started;

/// A started BankID order: what `/auth` or `/sign` answered.
///
/// Clones share the rate limit: all of them together send at most one collect a second.
#[derive(Clone)]
pub struct WrapperOrder {
    client: WrapperClient,
    order_ref: String,
    auto_start_token: String,
    qr: BankIdQr,
    gate: Arc<Gate>,
}

impl fmt::Debug for WrapperOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `BankIdQr` redacts the QR start secret.
        f.debug_struct("WrapperOrder")
            .field("order_ref", &self.order_ref)
            .field("auto_start_token", &self.auto_start_token)
            .field("qr", &self.qr)
            .finish_non_exhaustive()
    }
}

impl WrapperOrder {
    /// An order whose start answer arrived just now: the QR code's seconds count from here,
    /// and the first collect may go out a second later.
    pub(super) fn new(client: WrapperClient, started: Started) -> Self {
        Self {
            client,
            qr: BankIdQr::new(started.qr_start_token, started.qr_start_secret),
            order_ref: started.order_ref,
            auto_start_token: started.auto_start_token,
            gate: Arc::new(Gate::new()),
        }
    }

    /// The order reference, which collect and cancel are sent with.
    pub fn order_ref(&self) -> &str {
        &self.order_ref
    }

    /// The token that starts the BankID app on the same device
    /// (`bankid:///?autostarttoken=...`).
    pub fn auto_start_token(&self) -> &str {
        &self.auto_start_token
    }

    /// The animated QR code, timed from the moment the start answer arrived. Its secret
    /// stays on the server: hand the browser frames, never the secret.
    pub fn qr(&self) -> BankIdQr {
        self.qr.clone()
    }

    /// Waits for the order to complete with the client's poll policy.
    pub async fn wait(&self) -> Result<Completion, Error> {
        let policy = self.client.poll_policy().clone();
        self.wait_with(&policy).await
    }

    /// Waits for the order to complete with the given poll policy.
    ///
    /// Returns the completion data, or [`Error::Cancelled`] when BankID reports
    /// `userCancel` or `cancelled`, [`Error::Failed`] with any other hint code exactly as
    /// sent, [`Error::Expired`] on a 404, [`Error::DeadlineExceeded`], or the API or
    /// transport error that remained once the retry budget was spent. An unknown status
    /// keeps the engine polling.
    pub async fn wait_with(&self, policy: &PollPolicy) -> Result<Completion, Error> {
        let mut engine = self.engine(policy.clone());
        loop {
            match engine.next().await? {
                Snapshot::Completed(done) => return Ok(done),
                Snapshot::Failed(code) => return Err(failure(&self.order_ref, code)),
                Snapshot::Pending { .. } | Snapshot::Other(_) => {}
            }
        }
    }

    /// One collect, without retries, at the first moment the rate limit allows (so calling
    /// it in a loop never exceeds it). For UIs that refresh on their own clock.
    pub async fn poll_once(&self) -> Result<SessionStatus<Completion>, Error> {
        let mut engine = self.engine(PollPolicy::default().no_deadline());
        Ok(match engine.read_once().await? {
            Snapshot::Pending { hint } => SessionStatus::Pending { hint },
            Snapshot::Completed(done) => SessionStatus::Completed(done),
            Snapshot::Failed(code) => SessionStatus::Failed(code),
            Snapshot::Other(status) => SessionStatus::Other(status),
        })
    }

    /// A stream of changes for a UI, with the client's poll policy: a `Pending` item
    /// whenever the hint code changes, then `Completed`. A failure, expiry or exhausted
    /// retries ends it with an `Err` item.
    pub fn updates(
        &self,
    ) -> impl Stream<Item = Result<Update<Completion>, Error>> + Send + 'static {
        struct State {
            engine: Engine<CollectSource>,
            order_ref: String,
            last_hint: Option<Option<HintCode>>,
        }
        let state = State {
            engine: self.engine(self.client.poll_policy().clone()),
            order_ref: self.order_ref.clone(),
            last_hint: None,
        };
        // `None` once the order has ended, so the stream stops.
        futures::stream::unfold(Some(state), |state| async move {
            let mut st = state?;
            loop {
                let item = match st.engine.next().await {
                    Ok(Snapshot::Pending { hint }) => {
                        if st.last_hint.as_ref() == Some(&hint) {
                            continue;
                        }
                        st.last_hint = Some(hint.clone());
                        return Some((Ok(Update::Pending { hint }), Some(st)));
                    }
                    Ok(Snapshot::Other(_)) => continue,
                    Ok(Snapshot::Completed(done)) => Ok(Update::Completed(done)),
                    Ok(Snapshot::Failed(code)) => Err(failure(&st.order_ref, code)),
                    Err(err) => Err(err),
                };
                return Some((item, None));
            }
        })
    }

    /// Cancels the order (`POST /cancel`). A 404 answers [`Error::Expired`].
    pub async fn cancel(&self) -> Result<(), Error> {
        match self.client.cancel(&self.order_ref).await {
            Ok(()) => {
                self.gate.finish();
                Ok(())
            }
            Err(err) if err.status() == Some(reqwest::StatusCode::NOT_FOUND) => {
                self.gate.finish();
                Err(Error::Expired {
                    id: self.order_ref.clone(),
                })
            }
            Err(err) => Err(err),
        }
    }

    fn engine(&self, policy: PollPolicy) -> Engine<CollectSource> {
        let source = CollectSource {
            client: self.client.clone(),
            order_ref: self.order_ref.clone(),
        };
        Engine::new(source, self.gate.clone(), policy)
    }
}

/// The error a failed order ends with, as for IDkollen sessions.
fn failure(order_ref: &str, code: FailureCode) -> Error {
    let id = order_ref.to_owned();
    match code {
        FailureCode::Cancelled => Error::Cancelled { id },
        code => Error::Failed { id, code },
    }
}
