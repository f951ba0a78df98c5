//! Turning the answer to a start request into a session.

use std::future::Future;

use idkollen_api::ResponseValue;
use idkollen_api::types;

use crate::client::Client;
use crate::codes::FailureCode;
use crate::error::Error;
use crate::outcome::Outcome;
use crate::provider::{Flow, Provider};
use crate::session::{Session, SessionHandle};
use crate::tolerant::{self, StatusUnion};

/// Sends a start request exactly once (a retry could start a second session for the same
/// user) and makes a session of the answer. A start answered with `FAILED` is an error. An
/// answer that does not fit the spec is read tolerantly: a session the service started is
/// not lost to a field this crate cannot read.
pub(crate) async fn send_start<S, C, F>(
    client: &Client,
    operation: &'static str,
    provider: Provider,
    flow: Flow,
    request: F,
) -> Result<Session<C>, Error>
where
    S: IntoHandle + StatusUnion,
    C: Outcome,
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

/// A status union that a start request answers with.
pub(crate) trait IntoHandle {
    fn into_handle(self, provider: Provider, flow: Flow) -> Result<SessionHandle, Error>;
}

fn failed(f: types::SessionFailed) -> Error {
    match FailureCode::from(f.error.0) {
        FailureCode::Cancelled => Error::Cancelled { id: f.id },
        code => Error::Failed { id: f.id, code },
    }
}

/// Every union has the same failed and unknown arms; only the pending arm differs.
macro_rules! into_handle {
    ($union:ident, $pending:ident, $completed:ident, |$p:ident, $h:ident| $with:expr) => {
        impl IntoHandle for types::$union {
            fn into_handle(self, provider: Provider, flow: Flow) -> Result<SessionHandle, Error> {
                Ok(match self {
                    types::$union::$pending($p) => {
                        let $h = SessionHandle::new(provider, flow, $p.id.clone());
                        $with
                    }
                    types::$union::$completed(c) => SessionHandle::new(provider, flow, c.id),
                    types::$union::SessionFailed(f) => return Err(failed(f)),
                    types::$union::OtherStatus(o) => SessionHandle::new(provider, flow, o.id),
                })
            }
        }
    };
}

into_handle!(
    BankIdSeStatus,
    BankIdSePending,
    BankIdSeCompleted,
    |p, h| h.with_ref_id(p.ref_id).with_bankid_tokens(
        p.auto_start_token,
        p.qr_start_token,
        p.qr_start_secret
    )
);
into_handle!(FrejaStatus, FrejaPending, FrejaCompleted, |p, h| h
    .with_ref_id(p.ref_id)
    .with_freja_tokens(p.auto_start_token, p.qr_data));
into_handle!(
    BankIdNoStatus,
    BankIdNoPending,
    BankIdNoCompleted,
    |p, h| h
        .with_ref_id(p.ref_id)
        .with_url(p.url)
        .with_binding_message(p.binding_message)
);
into_handle!(VippsStatus, VippsPending, VippsCompleted, |p, h| h
    .with_ref_id(p.ref_id)
    .with_url(p.url));
into_handle!(MitIdStatus, MitIdPending, MitIdCompleted, |p, h| h
    .with_ref_id(p.ref_id)
    .with_url(p.url)
    .with_binding_message(p.binding_message));
into_handle!(FtnStatus, FtnPending, FtnCompleted, |p, h| h
    .with_ref_id(p.ref_id)
    .with_url(Some(p.url)));
into_handle!(
    AgeVerificationStatus,
    AgeVerificationPending,
    AgeVerificationCompleted,
    |p, h| h.with_url(p.url)
);
