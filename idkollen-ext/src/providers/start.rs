//! Turning the answer to a start request into a session.

use std::future::Future;

use idkollen_api::ResponseValue;

use crate::client::Client;
use crate::error::Error;
use crate::outcome::Outcome;
use crate::provider::{Flow, Provider};
use crate::session::Session;
use crate::tolerant::{self, StatusUnion};

/// Sends a start request exactly once (a retry could start a second session for the same
/// user) and makes a session of the answer. A start answered with `FAILED` is an error. An
/// answer that does not fit the spec is read tolerantly: a session the service started is
/// not lost to a field this crate cannot read.
pub(crate) async fn send_start<S, F>(
    client: &Client,
    operation: &'static str,
    provider: Provider,
    flow: Flow,
    request: F,
) -> Result<Session<S::Completed>, Error>
where
    S: StatusUnion<Completed: Outcome>,
    F: Future<Output = Result<ResponseValue<S>, progenitor_client::Error>>,
{
    let answer = client
        .call_tolerant(
            operation,
            request,
            |s| s,
            |body| tolerant::read_status::<S>(body).ok().map(|r| r.value),
        )
        .await?;
    let handle = answer.into_handle(provider, flow)?.started_now();
    Ok(Session::new(client.clone(), handle).started_now())
}

/// Sends the start operation `$op` of the generated client once with `$body` and makes a
/// session of the answer ([`send_start`]); the operation id is the operation's own name.
macro_rules! start {
    ($client:expr, $op:ident, $provider:expr, $flow:expr, $body:expr) => {{
        let client: &crate::client::Client = $client;
        crate::providers::start::send_start(
            client,
            stringify!($op),
            $provider,
            $flow,
            client.raw().$op($body),
        )
        .await
    }};
}
pub(crate) use start;
