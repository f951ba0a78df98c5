//! A wrapper order as a status source of the crate's polling engine.

use crate::error::Error;
use crate::poll::{NothingPushed, SessionStatus, StatusSource};

use super::WrapperClient;
use super::completion::Completion;

/// One order, read through `POST /collect`. The engine decides when; this only reads.
#[derive(Debug)]
pub struct CollectSource {
    pub(super) client: WrapperClient,
    pub(super) order_ref: String,
}

impl StatusSource for CollectSource {
    type Completed = Completion;
    /// The wrapper API has no callbacks.
    type Pushed = NothingPushed;

    fn id(&self) -> &str {
        &self.order_ref
    }

    async fn read(&self) -> Result<SessionStatus<Completion>, Error> {
        self.client.collect(&self.order_ref).await
    }

    fn pushed(&self) -> NothingPushed {
        NothingPushed
    }
}
