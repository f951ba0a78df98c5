//! Norwegian BankID.

use idkollen_api::types::{self, BankIdNoCompleted};

use super::age::AgeVerification;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::identity::Fodselsnummer;
use crate::provider::Provider;
use crate::session::Session;
use crate::validate;

/// BankID NO signs texts of at most this many characters.
pub const MAX_TEXT: usize = 118;

/// Norwegian BankID operations. From [`Client::bankid_no`].
#[derive(Clone, Debug)]
pub struct BankIdNo {
    pub(crate) client: Client,
}

impl BankIdNo {
    /// An authentication through a browser redirect.
    pub fn auth(&self) -> Auth {
        Auth::new(self.client.clone())
    }

    /// An authentication pushed to the app of the user with this fødselsnummer.
    pub fn backchannel_auth(&self, ssn: impl Into<String>) -> BackchannelAuth {
        BackchannelAuth::new(self.client.clone(), ssn.into())
    }

    /// A signature: give either [`text`](Sign::text) or
    /// [`documents`](Sign::documents), not both.
    pub fn sign(&self) -> Sign {
        Sign {
            client: self.client.clone(),
            text: None,
            documents: Vec::new(),
            redirect_url: None,
            ref_id: None,
            request_address: None,
            request_email: None,
            request_phone: None,
            request_ssn: None,
        }
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerification {
        AgeVerification::new(self.client.clone(), Provider::BankIdNo)
    }
}

super::redirect_auth!(
    /// Builds `POST /v3/bankid-no/auth`. From [`BankIdNo::auth`].
    Auth,
    BankIdNoAuthRequest,
    BankIdNoCompleted,
    "Ask for the user's fødselsnummer."
);

/// Builds `POST /v3/bankid-no/backchannel/auth`. From [`BankIdNo::backchannel_auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BackchannelAuth {
    client: Client,
    ssn: String,
    callback_url: Option<String>,
    ref_id: Option<String>,
}

impl BackchannelAuth {
    fn new(client: Client, ssn: String) -> Self {
        Self {
            client,
            ssn,
            callback_url: None,
            ref_id: None,
        }
    }

    setters! {
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<BankIdNoCompleted>, Error> {
        validate::required("ssn", &self.ssn)?;
        let body = types::BankIdNoBackchannelAuthRequest {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            ref_id: self.ref_id,
            ssn: validate::convert(
                "ssn",
                validate::identity::<Fodselsnummer>("ssn", &self.ssn)?,
            )?,
        };
        let client = &self.client;
        start(client, &body).await
    }
}

/// Builds `POST /v3/bankid-no/sign`. From [`BankIdNo::sign`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Sign {
    client: Client,
    text: Option<String>,
    documents: Vec<String>,
    redirect_url: Option<String>,
    ref_id: Option<String>,
    request_address: Option<bool>,
    request_email: Option<bool>,
    request_phone: Option<bool>,
    request_ssn: Option<bool>,
}

impl Sign {
    setters! {
        /// A plain text to sign, at most 118 characters.
        text: text,
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
        /// Ask for the user's fødselsnummer.
        request_ssn: flag,
    }

    /// PDF documents to sign, by the ids [`Documents::upload`](crate::documents::Documents::upload)
    /// (or `upload_file`, `upload_reader`) returned. Once the signing completes,
    /// [`Documents::check_signed`](crate::documents::Documents::check_signed) checks that exactly these
    /// were signed, and [`Documents::download_signed`](crate::documents::Documents::download_signed)
    /// downloads each, verified against the completion's hash.
    pub fn documents<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.documents.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<BankIdNoCompleted>, Error> {
        match (&self.text, self.documents.is_empty()) {
            (Some(_), false) => {
                return Err(ValidationError::new(
                    "text",
                    "give either text or documents, not both",
                )
                .into());
            }
            (None, true) => {
                return Err(ValidationError::new("text", "give either text or documents").into());
            }
            (Some(text), true) => validate::length("text", text, 1, MAX_TEXT)?,
            (None, false) => {}
        }
        let documents = self
            .documents
            .into_iter()
            .map(|id| {
                validate::required("documents", &id)?;
                Ok(validate::convert("documents", id)?)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let body = types::BankIdNoSignRequest {
            documents,
            redirect_url: validate::url("redirectUrl", self.redirect_url)?,
            ref_id: self.ref_id,
            request_address: self.request_address,
            request_email: self.request_email,
            request_phone: self.request_phone,
            request_ssn: self.request_ssn,
            text: validate::convert_opt("text", self.text)?,
        };
        let client = &self.client;
        start(client, &body).await
    }
}
