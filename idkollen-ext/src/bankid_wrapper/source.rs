//! A wrapper order as a status source of the crate's polling engine.

use crate::error::Error;
use crate::poll::{Snapshot, StatusSource};

use super::WrapperClient;
use super::completion::Completion;

/// One order, read through `POST /collect`. The engine decides when; this only reads.
#[derive(Debug)]
pub(super) struct CollectSource {
    pub(super) client: WrapperClient,
    pub(super) order_ref: String,
}

impl StatusSource for CollectSource {
    type Completed = Completion;

    fn id(&self) -> &str {
        &self.order_ref
    }

    async fn read(&self) -> Result<Snapshot<Completion>, Error> {
        self.client.collect(&self.order_ref).await
    }
}
