//! Provider facades over the generated client: one module per provider, plus documents
//! and the age verification every provider but Vipps offers.

mod age;
mod bankid_no;
mod bankid_se;
mod documents;
mod freja;
mod ftn;
mod mitid;
mod start;
mod vipps;

pub use age::AgeVerificationBuilder;
pub use bankid_no::*;
pub use bankid_se::*;
pub use documents::{DocumentDownload, Documents, UploadedDocument};
pub use freja::*;
pub use ftn::*;
pub use mitid::*;
pub use vipps::*;

use crate::client::Client;
use crate::error::Error;
use crate::outcome::Outcome;
use crate::provider::{Flow, Provider};
use crate::session::{Session, SessionHandle};

impl Client {
    /// Swedish BankID.
    pub fn bankid_se(&self) -> BankIdSe {
        BankIdSe {
            client: self.clone(),
        }
    }
    /// Freja eID.
    pub fn freja(&self) -> Freja {
        Freja {
            client: self.clone(),
        }
    }
    /// Norwegian BankID.
    pub fn bankid_no(&self) -> BankIdNo {
        BankIdNo {
            client: self.clone(),
        }
    }
    /// Vipps MobilePay.
    pub fn vipps(&self) -> Vipps {
        Vipps {
            client: self.clone(),
        }
    }
    /// Danish MitID.
    pub fn mitid(&self) -> MitId {
        MitId {
            client: self.clone(),
        }
    }
    /// Finnish Trust Network.
    pub fn ftn(&self) -> Ftn {
        Ftn {
            client: self.clone(),
        }
    }
    /// Documents to sign with Norwegian BankID (beta).
    pub fn documents(&self) -> Documents {
        Documents {
            client: self.clone(),
        }
    }
}

/// Setters for optional request fields: `text` fields take `impl Into<String>`, `flag`
/// fields a `bool`.
macro_rules! setters {
    ($( $(#[$m:meta])* $name:ident: $kind:ident ),* $(,)?) => {
        $( setters!(@one $(#[$m])* $name: $kind); )*
    };
    (@one $(#[$m:meta])* $name:ident: text) => {
        $(#[$m])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    };
    (@one $(#[$m:meta])* $name:ident: flag) => {
        $(#[$m])*
        pub fn $name(mut self, value: bool) -> Self {
            self.$name = Some(value);
            self
        }
    };
}
pub(crate) use setters;

/// A session known only by its id: for reading its status or cancelling it.
fn session_by_id<C: Outcome>(
    client: &Client,
    provider: Provider,
    flow: Flow,
    id: impl Into<String>,
) -> Result<Session<C>, Error> {
    client.resume(SessionHandle::new(provider, flow, id))
}

/// Methods that reach the status and cancel operations of a provider's sessions by id
/// (`GET`/`DELETE /v3/<provider>/<flow>/{id}`), for sessions started elsewhere.
macro_rules! sessions_by_id {
    ($facade:ident, $provider:ident, $completed:ident; $($(#[$m:meta])* $name:ident => $flow:ident),* $(,)?) => {
        impl $facade {
            $(
                $(#[$m])*
                pub fn $name(
                    &self,
                    id: impl Into<String>,
                ) -> Result<Session<idkollen_api::types::$completed>, Error> {
                    session_by_id(&self.client, Provider::$provider, Flow::$flow, id)
                }
            )*
        }
    };
}

sessions_by_id!(BankIdSe, BankIdSe, BankIdSeCompleted;
    /// The authentication (or phone authentication) with this id.
    auth_session => Auth,
    /// The signature (or phone signature) with this id.
    sign_session => Sign);
sessions_by_id!(BankIdSe, BankIdSe, AgeVerificationCompleted;
    /// The age verification with this id.
    age_verification_session => AgeVerification);
sessions_by_id!(Freja, Freja, FrejaCompleted;
    /// The authentication (QR, same-device or backchannel) with this id.
    auth_session => Auth,
    /// The signature (QR, same-device or backchannel) with this id.
    sign_session => Sign);
sessions_by_id!(Freja, Freja, AgeVerificationCompleted;
    /// The age verification with this id.
    age_verification_session => AgeVerification);
sessions_by_id!(BankIdNo, BankIdNo, BankIdNoCompleted;
    /// The authentication (redirect or backchannel) with this id.
    auth_session => Auth,
    /// The signature with this id.
    sign_session => Sign);
sessions_by_id!(BankIdNo, BankIdNo, AgeVerificationCompleted;
    /// The age verification with this id.
    age_verification_session => AgeVerification);
sessions_by_id!(Vipps, Vipps, VippsCompleted;
    /// The authentication (redirect or backchannel) with this id.
    auth_session => Auth);
sessions_by_id!(MitId, MitId, MitIdCompleted;
    /// The authentication (redirect or backchannel) with this id.
    auth_session => Auth,
    /// The signature with this id.
    sign_session => Sign);
sessions_by_id!(MitId, MitId, AgeVerificationCompleted;
    /// The age verification with this id.
    age_verification_session => AgeVerification);
sessions_by_id!(Ftn, Ftn, FtnCompleted;
    /// The authentication with this id.
    auth_session => Auth);
sessions_by_id!(Ftn, Ftn, AgeVerificationCompleted;
    /// The age verification with this id.
    age_verification_session => AgeVerification);
