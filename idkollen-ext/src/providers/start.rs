//! Turning the answer to a start request into a session.

use std::future::Future;

use idkollen_api::{ResponseValue, types};

use crate::client::Client;
use crate::error::Error;
use crate::outcome::Outcome;
use crate::provider::{Flow, Provider};
use crate::session::Session;
use crate::telemetry;
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
    callback: bool,
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
    let handle = answer
        .into_handle(provider, flow)?
        .with_callback(callback)
        .started_now();
    telemetry::session_started(provider.as_str(), flow.as_str());
    client.coordination().started(handle.id()).await;
    Ok(Session::new(client.clone(), handle, true).started_now())
}

/// A start request: a request body of the generated client that knows the operation it is
/// sent with, the provider and flow it starts, and (through its status union) what the
/// session completes with. The provider table implements it for every body.
pub(crate) trait StartRequest: serde::Serialize + Sync {
    /// What the operation answers with.
    type Union: StatusUnion<Completed: Outcome>;
    /// The operation's id (its name in the generated client).
    const OPERATION: &'static str;
    /// The provider it starts a session with.
    const PROVIDER: Provider;
    /// The flow of the session.
    const FLOW: Flow;
    /// Sends the request with the generated client.
    fn send<'a>(
        &'a self,
        raw: &'a idkollen_api::Client,
    ) -> impl Future<Output = Result<ResponseValue<Self::Union>, progenitor_client::Error>> + Send + 'a;
}

/// Checks nothing more (a builder checked the body as it made it), sends the start request
/// once and makes a session of the answer: the one path every start takes.
pub(crate) async fn start<R: StartRequest>(
    client: &Client,
    body: &R,
) -> Result<Session<<R::Union as StatusUnion>::Completed>, Error> {
    // Whether the request asks for a callback, read from its JSON form: one look per start,
    // instead of a list of which request types have a `callbackUrl`.
    let callback = serde_json::to_value(body)
        .ok()
        .and_then(|v| v.get("callbackUrl").map(|url| !url.is_null()))
        .unwrap_or(false);
    let request = body.send(client.raw());
    send_start(
        client,
        R::OPERATION,
        R::PROVIDER,
        R::FLOW,
        callback,
        request,
    )
    .await
}

/// The age verification start of a provider: one request type serves them all, and the
/// provider picks the operation. The provider table implements it.
pub(crate) trait AgeVerificationStart {
    /// Sends the request once and makes a session of the answer.
    fn start_age_verification(
        self,
        client: &Client,
        body: &types::AgeVerificationRequest,
    ) -> impl Future<Output = Result<Session<types::AgeVerificationCompleted>, Error>> + Send;
}
