//! Provider facades over the generated client: one module per provider, plus documents
//! and the age verification every provider but Vipps offers.

mod age;
pub mod bankid_no;
pub mod bankid_se;
pub mod documents;
pub mod freja;
pub mod ftn;
pub mod mitid;
pub(crate) mod start;
pub mod vipps;

pub use age::AgeVerification;
pub(crate) use bankid_no::BankIdNo;
pub(crate) use bankid_se::BankIdSe;
pub(crate) use documents::Documents;
pub(crate) use freja::Freja;
pub(crate) use ftn::Ftn;
pub(crate) use mitid::MitId;
pub(crate) use vipps::Vipps;

use crate::client::Client;

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

/// A request body of the generated client: the options a provider's flows share, taken from
/// their checked form `$c` (listed once, by the provider), and the flow's own fields.
macro_rules! request_body {
    ($body:ident { $($shared:ident),* } from $c:ident { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        idkollen_api::types::$body { $($shared: $c.$shared,)* $($field $(: $value)?,)* }
    };
}
pub(crate) use request_body;

/// A redirect authentication, where the user's browser goes to the provider's page and comes
/// back to `redirectUrl`: BankID NO and Vipps take the same request. One definition of the
/// builder serves both.
macro_rules! redirect_auth {
    ($(#[$doc:meta])* $name:ident, $request:ident, $completed:ident, $ssn:literal) => {
        $(#[$doc])*
        #[derive(Debug)]
        #[must_use = "nothing is sent until `send` is awaited"]
        pub struct $name {
            client: crate::client::Client,
            app_callback_uri: Option<String>,
            redirect_url: Option<String>,
            ref_id: Option<String>,
            request_address: Option<bool>,
            request_email: Option<bool>,
            request_phone: Option<bool>,
            request_ssn: Option<bool>,
        }

        impl $name {
            fn new(client: crate::client::Client) -> Self {
                Self {
                    client,
                    app_callback_uri: None,
                    redirect_url: None,
                    ref_id: None,
                    request_address: None,
                    request_email: None,
                    request_phone: None,
                    request_ssn: None,
                }
            }

            crate::providers::setters! {
                /// The app to return to on mobile.
                app_callback_uri: text,
                /// Where the user's browser goes afterwards.
                redirect_url: text,
                /// Your reference, echoed in the result.
                ref_id: text,
                /// Ask for the user's address.
                request_address: flag,
                /// Ask for the user's email address.
                request_email: flag,
                /// Ask for the user's phone number.
                request_phone: flag,
                #[doc = $ssn]
                request_ssn: flag,
            }

            /// Checks the request and starts the session (sent once, never retried).
            pub async fn send(
                self,
            ) -> Result<crate::session::Session<idkollen_api::types::$completed>, crate::error::Error> {
                let body = idkollen_api::types::$request {
                    app_callback_uri: crate::validate::url("appCallbackUri", self.app_callback_uri)?,
                    redirect_url: crate::validate::url("redirectUrl", self.redirect_url)?,
                    ref_id: self.ref_id,
                    request_address: self.request_address,
                    request_email: self.request_email,
                    request_phone: self.request_phone,
                    request_ssn: self.request_ssn,
                };
                crate::providers::start::start(&self.client, &body).await
            }
        }
    };
}
pub(crate) use redirect_auth;
