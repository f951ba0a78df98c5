//! Vipps MobilePay.

use idkollen_api::types::{self, VippsCompleted};

use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::Error;
use crate::session::Session;
use crate::validate;

/// Vipps MobilePay operations. From [`Client::vipps`].
#[derive(Clone, Debug)]
pub struct Vipps {
    pub(crate) client: Client,
}

impl Vipps {
    /// An authentication through a browser redirect.
    pub fn auth(&self) -> Auth {
        Auth::new(self.client.clone())
    }

    /// An authentication pushed to the app of the user with this phone number.
    pub fn backchannel_auth(&self, phone: impl Into<String>) -> BackchannelAuth {
        BackchannelAuth::new(self.client.clone(), phone.into())
    }
}

super::redirect_auth!(
    /// Builds `POST /v3/vipps/auth`. From [`Vipps::auth`].
    Auth,
    VippsAuthRequest,
    VippsCompleted,
    "Ask for the user's national identity number."
);

/// Builds `POST /v3/vipps/backchannel/auth`. From [`Vipps::backchannel_auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BackchannelAuth {
    client: Client,
    phone: String,
    callback_url: Option<String>,
    ref_id: Option<String>,
    request_address: Option<bool>,
    request_email: Option<bool>,
    request_ssn: Option<bool>,
}

impl BackchannelAuth {
    fn new(client: Client, phone: String) -> Self {
        Self {
            client,
            phone,
            callback_url: None,
            ref_id: None,
            request_address: None,
            request_email: None,
            request_ssn: None,
        }
    }

    setters! {
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
        /// Ask for the user's address.
        request_address: flag,
        /// Ask for the user's email address.
        request_email: flag,
        /// Ask for the user's national identity number.
        request_ssn: flag,
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<VippsCompleted>, Error> {
        validate::required("phone", &self.phone)?;
        let body = types::VippsBackchannelAuthRequest {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            phone: self.phone,
            ref_id: self.ref_id,
            request_address: self.request_address,
            request_email: self.request_email,
            request_ssn: self.request_ssn,
        };
        let client = &self.client;
        start(client, &body).await
    }
}
