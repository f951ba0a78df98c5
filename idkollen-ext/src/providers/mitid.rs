//! Danish MitID.

use idkollen_api::types::{self, MitIdCompleted};

use super::age::AgeVerification;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::identity::Cpr;
use crate::provider::Provider;
use crate::session::Session;
use crate::validate;

/// MitID signs texts of at most this many characters.
pub const MAX_TEXT: usize = 600;
/// The longest `referenceText`.
pub const MAX_REFERENCE_TEXT: usize = 130;

/// MitID operations. From [`Client::mitid`].
#[derive(Clone, Debug)]
pub struct MitId {
    pub(crate) client: Client,
}

impl MitId {
    /// An authentication through a browser redirect.
    pub fn auth(&self) -> Auth {
        Auth {
            client: self.client.clone(),
            redirect_url: None,
            ref_id: None,
            reference_text: None,
            request_address: None,
            request_email: None,
            request_phone: None,
        }
    }

    /// An authentication pushed to the app of the user with this CPR number, showing
    /// `binding_message`.
    pub fn backchannel_auth(
        &self,
        ssn: impl Into<String>,
        binding_message: impl Into<String>,
    ) -> BackchannelAuth {
        BackchannelAuth {
            client: self.client.clone(),
            ssn: ssn.into(),
            binding_message: binding_message.into(),
            callback_url: None,
            ref_id: None,
        }
    }

    /// A signature of `text` (1 to 600 characters).
    pub fn sign(&self, text: impl Into<String>) -> Sign {
        Sign {
            client: self.client.clone(),
            text: text.into(),
            redirect_url: None,
            ref_id: None,
        }
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerification {
        AgeVerification::new(self.client.clone(), Provider::MitId)
    }
}

/// Builds `POST /v3/mitid/auth`. From [`MitId::auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Auth {
    client: Client,
    redirect_url: Option<String>,
    ref_id: Option<String>,
    reference_text: Option<String>,
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
        /// Text shown in MitID: at most 130 characters, no `%` or `<`.
        reference_text: text,
        /// Ask for the user's address.
        request_address: flag,
        /// Ask for the user's email address.
        request_email: flag,
        /// Ask for the user's phone number.
        request_phone: flag,
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<MitIdCompleted>, Error> {
        if let Some(text) = &self.reference_text {
            validate::length("referenceText", text, 0, MAX_REFERENCE_TEXT)?;
            if let Some(c) = text.chars().find(|c| matches!(c, '%' | '<')) {
                return Err(ValidationError::new(
                    "referenceText",
                    format!("must not contain `{c}`"),
                )
                .into());
            }
        }
        let body = types::MitIdAuthRequest {
            redirect_url: validate::url("redirectUrl", self.redirect_url)?,
            ref_id: self.ref_id,
            reference_text: validate::convert_opt("referenceText", self.reference_text)?,
            request_address: self.request_address,
            request_email: self.request_email,
            request_phone: self.request_phone,
        };
        let client = &self.client;
        start(client, &body).await
    }
}

/// Builds `POST /v3/mitid/backchannel/auth`. From [`MitId::backchannel_auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BackchannelAuth {
    client: Client,
    ssn: String,
    binding_message: String,
    callback_url: Option<String>,
    ref_id: Option<String>,
}

impl BackchannelAuth {
    setters! {
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<MitIdCompleted>, Error> {
        validate::required("ssn", &self.ssn)?;
        validate::required("bindingMessage", &self.binding_message)?;
        let body = types::MitIdBackchannelAuthRequest {
            binding_message: validate::convert("bindingMessage", self.binding_message)?,
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            ref_id: self.ref_id,
            ssn: validate::convert("ssn", validate::identity::<Cpr>("ssn", &self.ssn)?)?,
        };
        let client = &self.client;
        start(client, &body).await
    }
}

/// Builds `POST /v3/mitid/sign`. From [`MitId::sign`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Sign {
    client: Client,
    text: String,
    redirect_url: Option<String>,
    ref_id: Option<String>,
}

impl Sign {
    setters! {
        /// Where the user's browser goes afterwards.
        redirect_url: text,
        /// Your reference, echoed in the result.
        ref_id: text,
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<MitIdCompleted>, Error> {
        validate::length("text", &self.text, 1, MAX_TEXT)?;
        let body = types::MitIdSignRequest {
            redirect_url: validate::url("redirectUrl", self.redirect_url)?,
            ref_id: self.ref_id,
            text: validate::convert("text", self.text)?,
        };
        let client = &self.client;
        start(client, &body).await
    }
}
