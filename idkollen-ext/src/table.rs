//! Reading and cancelling a session: the table from (provider, flow) to the generated
//! operation, and the conversion of each provider's status union into one [`Snapshot`].
//!
//! It sits above the polling engine: [`SessionSource`] is the engine's status source for an
//! IDkollen session.

use idkollen_api::types;

use crate::client::Client;
use crate::codes::{FailureCode, HintCode, Status};
use crate::error::{Error, ValidationError};
use crate::handle::SessionHandle;
use crate::outcome::{Completed, Completion};
use crate::provider::{Flow, Provider};

use crate::poll::{Snapshot, StatusSource};
use crate::tolerant::{self, Repaired, StatusUnion};

fn session_id(id: &str) -> Result<types::SessionId, Error> {
    types::SessionId::try_from(id).map_err(|e| ValidationError::new("id", e.to_string()).into())
}

fn unsupported(provider: Provider, flow: Flow) -> Error {
    ValidationError::new(
        "flow",
        format!("{} has no {} sessions", provider.as_str(), flow.as_str()),
    )
    .into()
}

/// An IDkollen session as the engine's status source.
#[derive(Debug)]
pub(crate) struct SessionSource {
    pub(crate) client: Client,
    pub(crate) handle: SessionHandle,
}

impl StatusSource for SessionSource {
    type Completed = Completed<Completion>;

    fn id(&self) -> &str {
        self.handle.id()
    }

    async fn read(&self) -> Result<Snapshot, Error> {
        let h = &self.handle;
        read_status(&self.client, h.provider(), h.flow(), h.id()).await
    }
}

/// Reads the status of a session once.
async fn read_status(
    client: &Client,
    provider: Provider,
    flow: Flow,
    id: &str,
) -> Result<Snapshot, Error> {
    let sid = session_id(id)?;
    let raw = client.raw();
    macro_rules! read {
        ($op:ident) => {
            read_tolerant(client, stringify!($op), raw.$op(&sid)).await
        };
    }
    use Flow::*;
    use Provider::*;
    match (provider, flow) {
        (BankIdSe, Auth) => read!(bankid_se_get_auth_status),
        (BankIdSe, Sign) => read!(bankid_se_get_sign_status),
        (BankIdSe, AgeVerification) => read!(bankid_se_get_age_verification_status),
        (Freja, Auth) => read!(freja_get_auth_status),
        (Freja, Sign) => read!(freja_get_sign_status),
        (Freja, AgeVerification) => read!(freja_get_age_verification_status),
        (BankIdNo, Auth) => read!(bankid_no_get_auth_status),
        (BankIdNo, Sign) => read!(bankid_no_get_sign_status),
        (BankIdNo, AgeVerification) => read!(bankid_no_get_age_verification_status),
        (Vipps, Auth) => read!(vipps_get_auth_status),
        (MitId, Auth) => read!(mitid_get_auth_status),
        (MitId, Sign) => read!(mitid_get_sign_status),
        (MitId, AgeVerification) => read!(mitid_get_age_verification_status),
        (Ftn, Auth) => read!(ftn_get_auth_status),
        (Ftn, AgeVerification) => read!(ftn_get_age_verification_status),
        (p, f) => Err(unsupported(p, f)),
    }
}

/// One status read through the tolerant reader: the generated type when the answer fits it,
/// else what [`tolerant::read_status`] makes of the body.
async fn read_tolerant<U, F>(
    client: &Client,
    operation: &'static str,
    fut: F,
) -> Result<Snapshot, Error>
where
    U: StatusUnion + Into<Snapshot> + std::fmt::Debug,
    F: std::future::Future<
            Output = Result<idkollen_api::ResponseValue<U>, progenitor_client::Error>,
        >,
{
    let read = client
        .call_tolerant(operation, fut, Repaired::whole, |body| {
            tolerant::read_status::<U>(body).ok()
        })
        .await?;
    Ok(snapshot(read))
}

/// A status union read by the tolerant reader as one [`Snapshot`]; a completed result keeps
/// what the reader noted.
pub(crate) fn snapshot<U: Into<Snapshot>>(read: Repaired<U>) -> Snapshot {
    let Repaired { value, unread, raw } = read;
    match (value.into(), raw) {
        (Snapshot::Completed(c), Some(raw)) => {
            Snapshot::Completed(Completed::repaired(c.into_inner(), unread, raw))
        }
        (snapshot, _) => {
            if !unread.is_empty() {
                tracing::debug!(?unread, "a status answer had fields that could not be read");
            }
            snapshot
        }
    }
}

/// Cancels a session.
pub(crate) async fn cancel(
    client: &Client,
    provider: Provider,
    flow: Flow,
    id: &str,
) -> Result<(), Error> {
    let sid = session_id(id)?;
    let raw = client.raw();
    macro_rules! cancel {
        ($op:ident) => {
            client.call(stringify!($op), raw.$op(&sid)).await
        };
    }
    use Flow::*;
    use Provider::*;
    match (provider, flow) {
        (BankIdSe, Auth) => cancel!(bankid_se_cancel_auth),
        (BankIdSe, Sign) => cancel!(bankid_se_cancel_sign),
        (BankIdSe, AgeVerification) => cancel!(bankid_se_cancel_age_verification),
        (Freja, Auth) => cancel!(freja_cancel_auth),
        (Freja, Sign) => cancel!(freja_cancel_sign),
        (Freja, AgeVerification) => cancel!(freja_cancel_age_verification),
        (BankIdNo, Auth) => cancel!(bankid_no_cancel_auth),
        (BankIdNo, Sign) => cancel!(bankid_no_cancel_sign),
        (BankIdNo, AgeVerification) => cancel!(bankid_no_cancel_age_verification),
        (Vipps, Auth) => cancel!(vipps_cancel_auth),
        (MitId, Auth) => cancel!(mitid_cancel_auth),
        (MitId, Sign) => cancel!(mitid_cancel_sign),
        (MitId, AgeVerification) => cancel!(mitid_cancel_age_verification),
        (Ftn, Auth) => cancel!(ftn_cancel_auth),
        (Ftn, AgeVerification) => cancel!(ftn_cancel_age_verification),
        (p, f) => Err(unsupported(p, f)),
    }
}

/// A status object (a callback's body) read tolerantly as the status union of `provider`
/// and `flow`; `None` when it is not a status object.
pub(crate) fn snapshot_from_json(
    provider: Provider,
    flow: Flow,
    body: &serde_json::Value,
) -> Option<Snapshot> {
    fn read<U: StatusUnion + Into<Snapshot>>(body: &serde_json::Value) -> Option<Snapshot> {
        tolerant::read_status_json::<U>(body).ok().map(snapshot)
    }
    use Flow::*;
    use Provider::*;
    match (provider, flow) {
        (_, AgeVerification) => read::<types::AgeVerificationStatus>(body),
        (BankIdSe, _) => read::<types::BankIdSeStatus>(body),
        (Freja, _) => read::<types::FrejaStatus>(body),
        (BankIdNo, _) => read::<types::BankIdNoStatus>(body),
        (Vipps, _) => read::<types::VippsStatus>(body),
        (MitId, _) => read::<types::MitIdStatus>(body),
        (Ftn, _) => read::<types::FtnStatus>(body),
    }
}

fn failed(f: types::SessionFailed) -> Snapshot {
    Snapshot::Failed(FailureCode::from(f.error.0))
}

fn other(o: types::OtherStatus) -> Snapshot {
    Snapshot::Other(Status::from(String::from(o.status)))
}

impl From<types::BankIdSeStatus> for Snapshot {
    fn from(s: types::BankIdSeStatus) -> Self {
        use types::BankIdSeStatus as S;
        match s {
            S::BankIdSePending(p) => Snapshot::Pending {
                hint: p.hint_code.map(|h| HintCode::from(h.0)),
            },
            S::BankIdSeCompleted(c) => {
                Snapshot::Completed(Completed::whole(Completion::BankIdSe(Box::new(c))))
            }
            S::SessionFailed(f) => failed(f),
            S::OtherStatus(o) => other(o),
        }
    }
}

/// The unions whose pending state carries no hint code.
macro_rules! snapshot_without_hint {
    ($($union:ident { $pending:ident, $completed:ident => $completion:ident($wrap:path) })*) => {$(
        impl From<types::$union> for Snapshot {
            fn from(s: types::$union) -> Self {
                match s {
                    types::$union::$pending(_) => Snapshot::Pending { hint: None },
                    types::$union::$completed(c) => {
                        Snapshot::Completed(Completed::whole(Completion::$completion($wrap(c))))
                    }
                    types::$union::SessionFailed(f) => failed(f),
                    types::$union::OtherStatus(o) => other(o),
                }
            }
        }
    )*};
}

snapshot_without_hint! {
    FrejaStatus { FrejaPending, FrejaCompleted => Freja(Box::new) }
    BankIdNoStatus { BankIdNoPending, BankIdNoCompleted => BankIdNo(Box::new) }
    VippsStatus { VippsPending, VippsCompleted => Vipps(Box::new) }
    MitIdStatus { MitIdPending, MitIdCompleted => MitId(Box::new) }
    FtnStatus { FtnPending, FtnCompleted => Ftn(Box::new) }
    AgeVerificationStatus { AgeVerificationPending, AgeVerificationCompleted => AgeVerification(std::convert::identity) }
}
