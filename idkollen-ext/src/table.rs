//! The provider table: which providers exist, which flows each has, which generated
//! operations read and cancel each flow, which status union it answers with and which
//! completed type it yields. Everything that needs the list of providers and flows derives
//! from [`provider_table!`]'s one invocation: [`Provider::supports`], the status read and
//! cancel of a session, a callback's status, the facades' `*_session` getters and which
//! [`Outcome`](crate::Outcome) a session may complete with.
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

/// Declares the providers, their flows and the generated operations of each flow. One row per
/// (provider, flow): the facade's getter for a session by id, the status union the flow
/// answers with, the completed type it yields, and the operations that read and cancel it
/// (their ids are the operations' names).
macro_rules! provider_table {
    ($(
        $provider:ident {$(
            $(#[$doc:meta])*
            $flow:ident $getter:ident: $union:ident => $completed:ident, $read:ident, $cancel:ident;
        )*}
    )*) => {
        impl Provider {
            /// Whether the provider has sessions of this flow.
            pub fn supports(self, flow: Flow) -> bool {
                matches!((self, flow), $($((Provider::$provider, Flow::$flow))|*)|*)
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
            match (provider, flow) {
                $($((Provider::$provider, Flow::$flow) => {
                    read_tolerant(client, stringify!($read), raw.$read(&sid)).await
                })*)*
                (p, f) => Err(unsupported(p, f)),
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
            match (provider, flow) {
                $($((Provider::$provider, Flow::$flow) => {
                    client.call(stringify!($cancel), raw.$cancel(&sid)).await
                })*)*
                (p, f) => Err(unsupported(p, f)),
            }
        }

        /// A status object (a callback's body) read tolerantly as the status union of
        /// `provider` and `flow`; `None` when it is not a status object of theirs.
        pub(crate) fn snapshot_from_json(
            provider: Provider,
            flow: Flow,
            body: &serde_json::Value,
        ) -> Option<Snapshot> {
            fn read<U: StatusUnion + Into<Snapshot>>(body: &serde_json::Value) -> Option<Snapshot> {
                tolerant::read_status_json::<U>(body).ok().map(snapshot)
            }
            match (provider, flow) {
                $($((Provider::$provider, Flow::$flow) => read::<types::$union>(body),)*)*
                _ => None,
            }
        }

        /// The completed type of a (provider, flow), for [`Outcome`](crate::Outcome).
        pub(crate) fn completed_type(provider: Provider, flow: Flow) -> Option<std::any::TypeId> {
            match (provider, flow) {
                $($((Provider::$provider, Flow::$flow) => {
                    Some(std::any::TypeId::of::<types::$completed>())
                })*)*
                _ => None,
            }
        }

        $(impl crate::providers::$provider {$(
            $(#[$doc])*
            pub fn $getter(
                &self,
                id: impl Into<String>,
            ) -> Result<crate::Session<types::$completed>, Error> {
                self.client.resume(SessionHandle::new(Provider::$provider, Flow::$flow, id))
            }
        )*})*
    };
}

provider_table! {
    BankIdSe {
        /// The authentication (or phone authentication) with this id.
        Auth auth_session: BankIdSeStatus => BankIdSeCompleted,
            bankid_se_get_auth_status, bankid_se_cancel_auth;
        /// The signature (or phone signature) with this id.
        Sign sign_session: BankIdSeStatus => BankIdSeCompleted,
            bankid_se_get_sign_status, bankid_se_cancel_sign;
        /// The age verification with this id.
        AgeVerification age_verification_session: AgeVerificationStatus => AgeVerificationCompleted,
            bankid_se_get_age_verification_status, bankid_se_cancel_age_verification;
    }
    Freja {
        /// The authentication (QR, same-device or backchannel) with this id.
        Auth auth_session: FrejaStatus => FrejaCompleted,
            freja_get_auth_status, freja_cancel_auth;
        /// The signature (QR, same-device or backchannel) with this id.
        Sign sign_session: FrejaStatus => FrejaCompleted,
            freja_get_sign_status, freja_cancel_sign;
        /// The age verification with this id.
        AgeVerification age_verification_session: AgeVerificationStatus => AgeVerificationCompleted,
            freja_get_age_verification_status, freja_cancel_age_verification;
    }
    BankIdNo {
        /// The authentication (redirect or backchannel) with this id.
        Auth auth_session: BankIdNoStatus => BankIdNoCompleted,
            bankid_no_get_auth_status, bankid_no_cancel_auth;
        /// The signature with this id.
        Sign sign_session: BankIdNoStatus => BankIdNoCompleted,
            bankid_no_get_sign_status, bankid_no_cancel_sign;
        /// The age verification with this id.
        AgeVerification age_verification_session: AgeVerificationStatus => AgeVerificationCompleted,
            bankid_no_get_age_verification_status, bankid_no_cancel_age_verification;
    }
    Vipps {
        /// The authentication (redirect or backchannel) with this id.
        Auth auth_session: VippsStatus => VippsCompleted,
            vipps_get_auth_status, vipps_cancel_auth;
    }
    MitId {
        /// The authentication (redirect or backchannel) with this id.
        Auth auth_session: MitIdStatus => MitIdCompleted,
            mitid_get_auth_status, mitid_cancel_auth;
        /// The signature with this id.
        Sign sign_session: MitIdStatus => MitIdCompleted,
            mitid_get_sign_status, mitid_cancel_sign;
        /// The age verification with this id.
        AgeVerification age_verification_session: AgeVerificationStatus => AgeVerificationCompleted,
            mitid_get_age_verification_status, mitid_cancel_age_verification;
    }
    Ftn {
        /// The authentication with this id.
        Auth auth_session: FtnStatus => FtnCompleted,
            ftn_get_auth_status, ftn_cancel_auth;
        /// The age verification with this id.
        AgeVerification age_verification_session: AgeVerificationStatus => AgeVerificationCompleted,
            ftn_get_age_verification_status, ftn_cancel_age_verification;
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
    U: StatusUnion + Into<Snapshot>,
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
