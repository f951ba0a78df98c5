//! The provider table: which providers exist, which flows each has, which generated
//! operations read and cancel each flow, which status union it answers with and which
//! completed type it yields. Everything that needs the list of providers and flows derives
//! from [`provider_table!`]'s one invocation: [`Provider::supports`], the status read,
//! callback reading and cancel of a session (one [`Outcome`] impl per completed type), and the
//! facades' `*_session` getters.
//!
//! It sits above the polling engine: [`SessionSource`] is the engine's status source for an
//! IDkollen session.

use std::marker::PhantomData;

use idkollen_api::types;

use crate::callback::hub::Subscription;
use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::handle::SessionHandle;
use crate::outcome::{Completed, Outcome};
use crate::poll::{Pushed, SessionStatus, StatusSource};
use crate::provider::{Flow, Provider};
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

/// An IDkollen session completing with `C`, as the engine's status source.
#[derive(Debug)]
pub struct SessionSource<C> {
    pub(crate) client: Client,
    pub(crate) handle: SessionHandle,
    pub(crate) _outcome: PhantomData<fn() -> C>,
}

impl<C: Outcome> StatusSource for SessionSource<C> {
    type Completed = Completed<C>;
    type Pushed = CallbackStatus<C>;

    fn id(&self) -> &str {
        self.handle.id()
    }

    fn read(&self) -> impl Future<Output = Result<SessionStatus<Completed<C>>, Error>> + Send {
        let h = &self.handle;
        C::read_status(&self.client, h.provider(), h.flow(), h.id())
    }

    fn pushed(&self) -> CallbackStatus<C> {
        CallbackStatus {
            callbacks: self.client.callbacks().subscribe(self.handle.id()),
            handle: self.handle.clone(),
            _outcome: PhantomData,
        }
    }
}

/// The final status a callback for the session brings.
#[derive(Debug)]
pub struct CallbackStatus<C> {
    callbacks: Subscription,
    handle: SessionHandle,
    _outcome: PhantomData<fn() -> C>,
}

impl<C: Outcome> Pushed<Completed<C>> for CallbackStatus<C> {
    /// Resolves with the final status of the first callback for this session that reads as
    /// one; never resolves if none arrives.
    async fn next(&mut self) -> SessionStatus<Completed<C>> {
        let h = &self.handle;
        loop {
            // The read guard must not live across an await: take a clone and let it go.
            let callback = match self.callbacks.wait_for(Option::is_some).await {
                Ok(current) => current.clone(),
                // The client was dropped: no callback will come.
                Err(_) => None,
            };
            let Some(callback) = callback else {
                return std::future::pending().await;
            };
            match C::status_from_json(h.provider(), h.flow(), callback.body()) {
                Some(status) if status.is_final() => return status,
                // A callback that is not a final status of this session's kind changes
                // nothing: polling goes on.
                _ => tracing::debug!(id = %h.id(), "ignored a callback that is not a final status"),
            }
            if self.callbacks.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    }
}

/// Declares the providers, their flows and the generated operations of each flow, grouped by
/// the status union the flows answer with (and so by the completed type they yield). One row
/// per (provider, flow): the facade's getter for a session by id, and the operations that
/// read and cancel it (their ids are the operations' names).
macro_rules! provider_table {
    ($(
        $union:ident => $completed:ident {$(
            $(#[$doc:meta])*
            $provider:ident $flow:ident $getter:ident: $read:ident, $cancel:ident;
        )*}
    )*) => {
        impl Provider {
            /// Whether the provider has sessions of this flow.
            pub fn supports(self, flow: Flow) -> bool {
                matches!((self, flow), $($((Provider::$provider, Flow::$flow))|*)|*)
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
                            read_tolerant(client, stringify!($read), raw.$read(&sid)).await
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
        /// The signature (or phone signature) with this id.
        BankIdSe Sign sign_session: bankid_se_get_sign_status, bankid_se_cancel_sign;
    }
    FrejaStatus => FrejaCompleted {
        /// The authentication (QR, same-device or backchannel) with this id.
        Freja Auth auth_session: freja_get_auth_status, freja_cancel_auth;
        /// The signature (QR, same-device or backchannel) with this id.
        Freja Sign sign_session: freja_get_sign_status, freja_cancel_sign;
    }
    BankIdNoStatus => BankIdNoCompleted {
        /// The authentication (redirect or backchannel) with this id.
        BankIdNo Auth auth_session: bankid_no_get_auth_status, bankid_no_cancel_auth;
        /// The signature with this id.
        BankIdNo Sign sign_session: bankid_no_get_sign_status, bankid_no_cancel_sign;
    }
    VippsStatus => VippsCompleted {
        /// The authentication (redirect or backchannel) with this id.
        Vipps Auth auth_session: vipps_get_auth_status, vipps_cancel_auth;
    }
    MitIdStatus => MitIdCompleted {
        /// The authentication (redirect or backchannel) with this id.
        MitId Auth auth_session: mitid_get_auth_status, mitid_cancel_auth;
        /// The signature with this id.
        MitId Sign sign_session: mitid_get_sign_status, mitid_cancel_sign;
    }
    FtnStatus => FtnCompleted {
        /// The authentication with this id.
        Ftn Auth auth_session: ftn_get_auth_status, ftn_cancel_auth;
    }
    AgeVerificationStatus => AgeVerificationCompleted {
        /// The age verification with this id.
        BankIdSe AgeVerification age_verification_session:
            bankid_se_get_age_verification_status, bankid_se_cancel_age_verification;
        /// The age verification with this id.
        Freja AgeVerification age_verification_session:
            freja_get_age_verification_status, freja_cancel_age_verification;
        /// The age verification with this id.
        BankIdNo AgeVerification age_verification_session:
            bankid_no_get_age_verification_status, bankid_no_cancel_age_verification;
        /// The age verification with this id.
        MitId AgeVerification age_verification_session:
            mitid_get_age_verification_status, mitid_cancel_age_verification;
        /// The age verification with this id.
        Ftn AgeVerification age_verification_session:
            ftn_get_age_verification_status, ftn_cancel_age_verification;
    }
}

/// One status read through the tolerant reader: the generated type when the answer fits it,
/// else what [`tolerant::read_status`] makes of the body.
async fn read_tolerant<U, F>(
    client: &Client,
    operation: &'static str,
    fut: F,
) -> Result<SessionStatus<Completed<U::Completed>>, Error>
where
    U: StatusUnion,
    F: std::future::Future<
            Output = Result<idkollen_api::ResponseValue<U>, progenitor_client::Error>,
        >,
{
    let read = client
        .call_tolerant(operation, fut, Repaired::whole, |body| {
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
