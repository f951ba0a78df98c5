//! The provider table: which providers exist, which flows each has, which generated
//! operations read and cancel each flow, which status union it answers with and which
//! completed type it yields. Everything that needs the list of providers and flows derives
//! from [`provider_table!`]'s one invocation: [`Provider::supports`], the status read,
//! callback reading and cancel of a session (one [`Outcome`] impl per completed type), and the
//! facades' `*_session` getters.
//!
//! It sits above the providers' request builders and the sessions: it implements their
//! traits ([`Outcome`], `StartRequest`) for the generated types.
//!
//! Adding a flow to a provider touches:
//! 1. the spec (`openapi/idkollen-v3.json`) and `cargo xtask regen`, which generate its
//!    operations and request type;
//! 2. one row here: the flow, its `*_session` getter, its read and cancel operations, and the
//!    request types that start it with their operations (a new status union is also one row
//!    in `unions.rs`; a new flow kind one variant of [`Flow`]);
//! 3. its request builder in the provider's module (`providers/`): fields, setters, checks and
//!    the body, and a facade method that makes it; `send` is the one start path;
//! 4. in the sandbox, its route and persona (`idkollen-sandbox/src/flows.rs`, `personas.rs`),
//!    and one row in the end-to-end tests' table of kinds (`idkollen-ext/tests/kinds`).

use idkollen_api::types;

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::handle::SessionHandle;
use crate::outcome::{Completed, Outcome, PreparedRead};
use crate::poll::SessionStatus;
use crate::provider::{Flow, Provider};
use crate::providers::start::{AgeVerificationStart, StartRequest, send_start};
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

/// Declares the providers, their flows and the generated operations of each flow, grouped by
/// the status union the flows answer with (and so by the completed type they yield). One row
/// per (provider, flow): the facade's getter for a session by id, and the operations that
/// read and cancel it (their ids are the operations' names).
macro_rules! provider_table {
    (
        $(
            $union:ident => $completed:ident {$(
                $(#[$doc:meta])*
                $provider:ident $flow:ident $getter:ident: $read:ident, $cancel:ident;
                    start $($body:ident: $start:ident),*;
            )*}
        )*
        @age_verification started by {$( $age_provider:ident: $age_start:ident; )*}
    ) => {
        $($($(
            impl StartRequest for types::$body {
                type Union = types::$union;
                const OPERATION: &'static str = stringify!($start);
                const PROVIDER: Provider = Provider::$provider;
                const FLOW: Flow = Flow::$flow;
                fn send<'a>(&'a self, raw: &'a idkollen_api::Client) -> impl Future<
                    Output = Result<idkollen_api::ResponseValue<Self::Union>, progenitor_client::Error>,
                > + Send + 'a {
                    raw.$start(self)
                }
            }
        )*)*)*

        impl AgeVerificationStart for Provider {
            async fn start_age_verification(
                self,
                client: &Client,
                body: &types::AgeVerificationRequest,
            ) -> Result<crate::Session<types::AgeVerificationCompleted>, Error> {
                let flow = Flow::AgeVerification;
                let raw = client.raw();
                match self {
                    $(Provider::$age_provider => {
                        let op = raw.$age_start(body);
                        let callback = body.callback_url.is_some();
                        send_start(client, stringify!($age_start), self, flow, callback, op).await
                    })*
                    p => Err(unsupported(p, flow)),
                }
            }
        }

        /// The path template of every flow's status read, which a client prepares once.
        pub(crate) const READ_PATHS: &[&str] = &[$($(idkollen_api::paths::$read),*),*];

        impl Provider {
            /// Whether the provider has sessions of this flow.
            pub fn supports(self, flow: Flow) -> bool {
                matches!((self, flow), $($((Provider::$provider, Flow::$flow))|*)|*)
            }
        }

        $(
            impl crate::outcome::sealed::Sealed for types::$completed {}

            impl Outcome for types::$completed {
                fn accepts(provider: Provider, flow: Flow) -> bool {
                    matches!((provider, flow), $((Provider::$provider, Flow::$flow))|*)
                }

                async fn read_status(
                    client: &Client,
                    provider: Provider,
                    flow: Flow,
                    id: &str,
                ) -> Result<SessionStatus<Completed<Self>>, Error> {
                    let sid = session_id(id)?;
                    let raw = client.raw();
                    match (provider, flow) {
                        $((Provider::$provider, Flow::$flow) => {
                            let answer = raw.$read(&sid).await;
                            read_tolerant(client, stringify!($read), answer).await
                        })*
                        (p, f) => Err(unsupported(p, f)),
                    }
                }

                fn prepare_read(
                    client: &Client,
                    provider: Provider,
                    flow: Flow,
                    id: &str,
                ) -> Option<PreparedRead> {
                    // The generated client's check of the id, so that both reads accept the
                    // same ids.
                    session_id(id).ok()?;
                    let (operation, template) = match (provider, flow) {
                        $((Provider::$provider, Flow::$flow) => {
                            (stringify!($read), idkollen_api::paths::$read)
                        })*
                        _ => return None,
                    };
                    let url = client.read_url(template, id)?;
                    Some(PreparedRead { operation, url })
                }

                async fn read_prepared(
                    client: &Client,
                    read: &PreparedRead,
                ) -> Result<SessionStatus<Completed<Self>>, Error> {
                    let answer = client
                        .raw()
                        .get_prepared::<types::$union>(read.url.clone(), read.operation)
                        .await;
                    read_tolerant(client, read.operation, answer).await
                }

                async fn cancel(
                    client: &Client,
                    provider: Provider,
                    flow: Flow,
                    id: &str,
                ) -> Result<(), Error> {
                    let sid = session_id(id)?;
                    let raw = client.raw();
                    match (provider, flow) {
                        $((Provider::$provider, Flow::$flow) => {
                            client.call(stringify!($cancel), raw.$cancel(&sid)).await
                        })*
                        (p, f) => Err(unsupported(p, f)),
                    }
                }

                fn status_from_json(
                    provider: Provider,
                    flow: Flow,
                    body: &serde_json::Value,
                ) -> Option<SessionStatus<Completed<Self>>> {
                    if !Self::accepts(provider, flow) {
                        return None;
                    }
                    tolerant::read_status_json::<types::$union>(body).ok().map(status)
                }
            }

            $(impl crate::providers::$provider {
                $(#[$doc])*
                pub fn $getter(
                    &self,
                    id: impl Into<String>,
                ) -> Result<crate::Session<types::$completed>, Error> {
                    self.client.resume(SessionHandle::new(Provider::$provider, Flow::$flow, id))
                }
            })*
        )*
    };
}

provider_table! {
    BankIdSeStatus => BankIdSeCompleted {
        /// The authentication (or phone authentication) with this id.
        BankIdSe Auth auth_session: bankid_se_get_auth_status, bankid_se_cancel_auth;
            start BankIdSeAuthRequest: bankid_se_start_auth, BankIdSePhoneAuthRequest: bankid_se_start_phone_auth;
        /// The signature (or phone signature) with this id.
        BankIdSe Sign sign_session: bankid_se_get_sign_status, bankid_se_cancel_sign;
            start BankIdSeSignRequest: bankid_se_start_sign, BankIdSePhoneSignRequest: bankid_se_start_phone_sign;
    }
    FrejaStatus => FrejaCompleted {
        /// The authentication (QR, same-device or backchannel) with this id.
        Freja Auth auth_session: freja_get_auth_status, freja_cancel_auth;
            start FrejaAuthRequest: freja_start_auth, FrejaBackchannelAuthRequest: freja_start_backchannel_auth;
        /// The signature (QR, same-device or backchannel) with this id.
        Freja Sign sign_session: freja_get_sign_status, freja_cancel_sign;
            start FrejaSignRequest: freja_start_sign, FrejaBackchannelSignRequest: freja_start_backchannel_sign;
    }
    BankIdNoStatus => BankIdNoCompleted {
        /// The authentication (redirect or backchannel) with this id.
        BankIdNo Auth auth_session: bankid_no_get_auth_status, bankid_no_cancel_auth;
            start BankIdNoAuthRequest: bankid_no_start_auth, BankIdNoBackchannelAuthRequest: bankid_no_start_backchannel_auth;
        /// The signature with this id.
        BankIdNo Sign sign_session: bankid_no_get_sign_status, bankid_no_cancel_sign;
            start BankIdNoSignRequest: bankid_no_start_sign;
    }
    VippsStatus => VippsCompleted {
        /// The authentication (redirect or backchannel) with this id.
        Vipps Auth auth_session: vipps_get_auth_status, vipps_cancel_auth;
            start VippsAuthRequest: vipps_start_auth, VippsBackchannelAuthRequest: vipps_start_backchannel_auth;
    }
    MitIdStatus => MitIdCompleted {
        /// The authentication (redirect or backchannel) with this id.
        MitId Auth auth_session: mitid_get_auth_status, mitid_cancel_auth;
            start MitIdAuthRequest: mitid_start_auth, MitIdBackchannelAuthRequest: mitid_start_backchannel_auth;
        /// The signature with this id.
        MitId Sign sign_session: mitid_get_sign_status, mitid_cancel_sign;
            start MitIdSignRequest: mitid_start_sign;
    }
    FtnStatus => FtnCompleted {
        /// The authentication with this id.
        Ftn Auth auth_session: ftn_get_auth_status, ftn_cancel_auth;
            start FtnAuthRequest: ftn_start_auth;
    }
    AgeVerificationStatus => AgeVerificationCompleted {
        /// The age verification with this id.
        BankIdSe AgeVerification age_verification_session:
            bankid_se_get_age_verification_status, bankid_se_cancel_age_verification;
            start;
        /// The age verification with this id.
        Freja AgeVerification age_verification_session:
            freja_get_age_verification_status, freja_cancel_age_verification;
            start;
        /// The age verification with this id.
        BankIdNo AgeVerification age_verification_session:
            bankid_no_get_age_verification_status, bankid_no_cancel_age_verification;
            start;
        /// The age verification with this id.
        MitId AgeVerification age_verification_session:
            mitid_get_age_verification_status, mitid_cancel_age_verification;
            start;
        /// The age verification with this id.
        Ftn AgeVerification age_verification_session:
            ftn_get_age_verification_status, ftn_cancel_age_verification;
            start;
    }
    // One request type serves the age verification of every provider: the provider picks
    // the operation.
    @age_verification started by {
        BankIdSe: bankid_se_start_age_verification;
        Freja: freja_start_age_verification;
        BankIdNo: bankid_no_start_age_verification;
        MitId: mitid_start_age_verification;
        Ftn: ftn_start_age_verification;
    }
}

/// One status answer through the tolerant reader: the generated type when the answer fits
/// it, else what [`tolerant::read_status`] makes of the body.
async fn read_tolerant<U: StatusUnion>(
    client: &Client,
    operation: &'static str,
    answer: Result<idkollen_api::ResponseValue<U>, progenitor_client::Error>,
) -> Result<SessionStatus<Completed<U::Completed>>, Error> {
    let read = client
        .answer_tolerant(operation, answer, Repaired::whole, |body| {
            tolerant::read_status::<U>(body).ok()
        })
        .await?;
    Ok(status(read))
}

/// A status union read by the tolerant reader, as the status the caller sees: the one
/// conversion between the generated type and [`SessionStatus`]. A completed result keeps what
/// the reader noted.
pub(crate) fn status<U: StatusUnion>(read: Repaired<U>) -> SessionStatus<Completed<U::Completed>> {
    let Repaired { value, unread, raw } = read;
    if !unread.is_empty() {
        tracing::debug!(?unread, "a status answer had fields that could not be read");
    }
    value.into_status().map(|c| match raw {
        Some(raw) => Completed::repaired(c, unread, raw),
        None => Completed::whole(c),
    })
}
