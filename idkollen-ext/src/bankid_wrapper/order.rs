//! A started order: its tokens, its QR code, and waiting on it through the polling engine.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;
use crate::poll::{Gate, PollPolicy, Poller, Waitable};
use crate::qr::BankIdQr;
use crate::telemetry::Labels;

use super::WRAPPER;
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
    pub(super) fn new(client: WrapperClient, started: Started, flow: &'static str) -> Self {
        let labels = Labels {
            provider: WRAPPER,
            flow,
            started: Some(std::time::SystemTime::now()),
        };
        Self {
            client,
            qr: BankIdQr::new(started.qr_start_token, started.qr_start_secret),
            order_ref: started.order_ref,
            auto_start_token: started.auto_start_token,
            gate: Arc::new(Gate::new(labels)),
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
}

impl Waitable for WrapperOrder {
    type Source = CollectSource;

    fn session_id(&self) -> &str {
        &self.order_ref
    }

    fn source(&self) -> CollectSource {
        CollectSource {
            client: self.client.clone(),
            order_ref: self.order_ref.clone(),
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

    /// `POST /cancel`.
    async fn send_cancel(&self) -> Result<(), Error> {
        self.client.cancel(&self.order_ref).await
    }
}

/// [`wait`](Poller::wait) for the order's completion data (a BankID `userCancel` or
/// `cancelled` hint ends it with [`Error::Cancelled`], any other failure hint with
/// [`Error::Failed`] and the code as sent), [`updates`](Poller::updates) for a UI,
/// [`cancel`](Poller::cancel) it (`POST /cancel`).
impl Poller for WrapperOrder {
    type Output = Completion;
}
