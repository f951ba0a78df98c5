//! Finnish Trust Network.

use idkollen_api::types::{self, FtnCompleted};

use super::age::AgeVerification;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::Error;
use crate::provider::Provider;
use crate::session::Session;
use crate::validate;

/// FTN operations. From [`Client::ftn`].
#[derive(Clone, Debug)]
pub struct Ftn {
    pub(crate) client: Client,
}

impl Ftn {
    /// An authentication through a browser redirect.
    pub fn auth(&self) -> Auth {
        Auth {
            client: self.client.clone(),
            redirect_url: None,
            ref_id: None,
            request_address: None,
            request_email: None,
            request_phone: None,
        }
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerification {
        AgeVerification::new(self.client.clone(), Provider::Ftn)
    }
}

/// Builds `POST /v3/ftn/auth`. From [`Ftn::auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Auth {
    client: Client,
    redirect_url: Option<String>,
    ref_id: Option<String>,
    request_address: Option<bool>,
    request_email: Option<bool>,
    request_phone: Option<bool>,
}

impl Auth {
    setters! {
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
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<FtnCompleted>, Error> {
        let body = types::FtnAuthRequest {
            redirect_url: validate::url("redirectUrl", self.redirect_url)?,
            ref_id: self.ref_id,
            request_address: self.request_address,
            request_email: self.request_email,
            request_phone: self.request_phone,
        };
        let client = &self.client;
        start(client, &body).await
    }
}
