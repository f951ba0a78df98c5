//! Swedish BankID.

use idkollen_api::types::{self, BankIdSeCompleted, CallInitiator};

use super::age::AgeVerificationBuilder;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::Error;
use crate::identity::{Organisationsnummer, Personnummer};
use crate::provider::{Flow, Provider};
use crate::session::Session;
use crate::validate;

/// BankID SE signs texts of at most this many characters.
pub const BANKID_SE_MAX_TEXT: usize = 50_000;
/// The longest `intent` once base64-encoded, in characters: the BankID SE guide's "max 1500
/// characters after base64". The API reference says 2,000 characters; the stricter limit wins.
/// The SDK sends the text as it is and the service encodes it, so the limit is checked on the
/// length of the base64 encoding of its UTF-8 bytes: at most 1,125 bytes.
pub const BANKID_SE_MAX_INTENT_BASE64: usize = 1_500;
/// The longest `intent` in UTF-8 bytes (1,125: the bytes whose base64 encoding is 1,500
/// characters).
pub const BANKID_SE_MAX_INTENT: usize = BANKID_SE_MAX_INTENT_BASE64 / 4 * 3;
/// The longest `digest`, in characters (the API reference).
pub const BANKID_SE_MAX_DIGEST: usize = 2_000;

/// Swedish BankID operations. From [`Client::bankid_se`].
#[derive(Clone, Debug)]
pub struct BankIdSe {
    pub(crate) client: Client,
}

impl BankIdSe {
    /// An authentication by QR code or on the same device.
    pub fn auth(&self) -> BankIdSeAuth {
        BankIdSeAuth {
            client: self.client.clone(),
            ssn: None,
            ip_address: None,
            callback_url: None,
            pin_required: false,
            intent: None,
            org_number: None,
            request_address: None,
            ref_id: None,
        }
    }

    /// An authentication while the user is on the phone with you.
    pub fn phone_auth(
        &self,
        ssn: impl Into<String>,
        call_initiator: CallInitiator,
    ) -> BankIdSePhoneAuth {
        BankIdSePhoneAuth {
            client: self.client.clone(),
            ssn: ssn.into(),
            call_initiator,
            callback_url: None,
            intent: None,
            org_number: None,
            pin_required: false,
            ref_id: None,
            request_address: None,
        }
    }

    /// A signature of `text` (at most 50,000 characters) by QR code or on the same device.
    pub fn sign(&self, text: impl Into<String>) -> BankIdSeSign {
        BankIdSeSign {
            client: self.client.clone(),
            text: text.into(),
            ssn: None,
            ip_address: None,
            callback_url: None,
            digest: None,
            org_number: None,
            pin_required: false,
            ref_id: None,
            request_address: None,
        }
    }

    /// A signature while the user is on the phone with you.
    pub fn phone_sign(
        &self,
        ssn: impl Into<String>,
        text: impl Into<String>,
        call_initiator: CallInitiator,
    ) -> BankIdSePhoneSign {
        BankIdSePhoneSign {
            client: self.client.clone(),
            ssn: ssn.into(),
            text: text.into(),
            call_initiator,
            callback_url: None,
            digest: None,
            org_number: None,
            pin_required: false,
            ref_id: None,
            request_address: None,
        }
    }

    /// Verifies the QR code of a BankID ID card shown in the user's app.
    pub async fn verify(
        &self,
        qr_code: impl Into<String>,
    ) -> Result<types::BankIdSeVerifyResponse, Error> {
        let qr_code = qr_code.into();
        validate::required("qrCode", &qr_code)?;
        let body = types::BankIdSeVerifyRequest {
            qr_code: validate::convert("qrCode", qr_code)?,
        };
        self.client
            .call(
                "bankid_se_verify_qr",
                self.client.raw().bankid_se_verify_qr(&body),
            )
            .await
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerificationBuilder {
        AgeVerificationBuilder::new(self.client.clone(), Provider::BankIdSe)
    }
}

/// Builds `POST /v3/bankid-se/auth`. From [`BankIdSe::auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BankIdSeAuth {
    client: Client,
    ssn: Option<String>,
    ip_address: Option<String>,
    callback_url: Option<String>,
    pin_required: bool,
    intent: Option<String>,
    org_number: Option<String>,
    request_address: Option<bool>,
    ref_id: Option<String>,
}

impl BankIdSeAuth {
    setters! {
        /// Only this personal number may complete the authentication.
        ssn: text,
        /// The end user's IP address as seen by your backend.
        ip_address: text,
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Text shown to the user about what they are logging in to (not empty, at most 1,500
        /// characters once base64-encoded: 1,125 bytes of UTF-8).
        intent: text,
        /// Check that the user may sign for this Swedish organisation.
        org_number: text,
        /// Ask for the user's registered address.
        request_address: flag,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Require the security code even if the user has biometrics enabled.
    pub fn pin_required(mut self, value: bool) -> Self {
        self.pin_required = value;
        self
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        let client = self.client;
        if let Some(intent) = &self.intent {
            validate::length("intent", intent, 1, usize::MAX)?;
            validate::base64_length("intent", intent, BANKID_SE_MAX_INTENT_BASE64)?;
        }
        if let Some(ssn) = &self.ssn {
            validate::required("ssn", ssn)?;
        }
        let body = types::BankIdSeAuthRequest {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            intent: validate::convert_opt("intent", self.intent)?,
            ip_address: validate::ip("ipAddress", self.ip_address)?,
            org_number: validate::identity_opt::<Organisationsnummer>(
                "orgNumber",
                self.org_number,
            )?,
            pin_required: self.pin_required,
            ref_id: self.ref_id,
            request_address: self.request_address,
            ssn: validate::convert_opt(
                "ssn",
                validate::identity_opt::<Personnummer>("ssn", self.ssn)?,
            )?,
        };
        start!(
            &client,
            bankid_se_start_auth,
            Provider::BankIdSe,
            Flow::Auth,
            &body
        )
    }
}

/// Builds `POST /v3/bankid-se/phone/auth`. From [`BankIdSe::phone_auth`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BankIdSePhoneAuth {
    client: Client,
    ssn: String,
    call_initiator: CallInitiator,
    callback_url: Option<String>,
    intent: Option<String>,
    org_number: Option<String>,
    pin_required: bool,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

impl BankIdSePhoneAuth {
    setters! {
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Text shown to the user (not empty, at most 1,500 characters once base64-encoded: 1,125
        /// bytes of UTF-8).
        intent: text,
        /// Check that the user may sign for this Swedish organisation.
        org_number: text,
        /// Ask for the user's registered address.
        request_address: flag,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Require the security code even if the user has biometrics enabled.
    pub fn pin_required(mut self, value: bool) -> Self {
        self.pin_required = value;
        self
    }

    /// Checks the request and starts the session (sent once, never retried). Poll it as an
    /// authentication.
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        validate::required("ssn", &self.ssn)?;
        if let Some(intent) = &self.intent {
            validate::length("intent", intent, 1, usize::MAX)?;
            validate::base64_length("intent", intent, BANKID_SE_MAX_INTENT_BASE64)?;
        }
        let body = types::BankIdSePhoneAuthRequest {
            call_initiator: self.call_initiator,
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            intent: validate::convert_opt("intent", self.intent)?,
            org_number: validate::identity_opt::<Organisationsnummer>(
                "orgNumber",
                self.org_number,
            )?,
            pin_required: self.pin_required,
            ref_id: self.ref_id,
            request_address: self.request_address,
            ssn: validate::convert("ssn", validate::identity::<Personnummer>("ssn", &self.ssn)?)?,
        };
        let client = &self.client;
        start!(
            client,
            bankid_se_start_phone_auth,
            Provider::BankIdSe,
            Flow::Auth,
            &body
        )
    }
}

/// Builds `POST /v3/bankid-se/sign`. From [`BankIdSe::sign`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BankIdSeSign {
    client: Client,
    text: String,
    ssn: Option<String>,
    ip_address: Option<String>,
    callback_url: Option<String>,
    digest: Option<String>,
    org_number: Option<String>,
    pin_required: bool,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

impl BankIdSeSign {
    setters! {
        /// Only this personal number may sign.
        ssn: text,
        /// The end user's IP address as seen by your backend.
        ip_address: text,
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Data signed but not shown to the user (1 to 2,000 characters).
        digest: text,
        /// Check that the user may sign for this Swedish organisation.
        org_number: text,
        /// Ask for the user's registered address.
        request_address: flag,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Require the security code even if the user has biometrics enabled.
    pub fn pin_required(mut self, value: bool) -> Self {
        self.pin_required = value;
        self
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        let client = self.client;
        validate::required("text", &self.text)?;
        validate::length("text", &self.text, 1, BANKID_SE_MAX_TEXT)?;
        if let Some(digest) = &self.digest {
            validate::length("digest", digest, 1, BANKID_SE_MAX_DIGEST)?;
        }
        if let Some(ssn) = &self.ssn {
            validate::required("ssn", ssn)?;
        }
        let body = types::BankIdSeSignRequest {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            digest: validate::convert_opt("digest", self.digest)?,
            ip_address: validate::ip("ipAddress", self.ip_address)?,
            org_number: validate::identity_opt::<Organisationsnummer>(
                "orgNumber",
                self.org_number,
            )?,
            pin_required: self.pin_required,
            ref_id: self.ref_id,
            request_address: self.request_address,
            ssn: validate::convert_opt(
                "ssn",
                validate::identity_opt::<Personnummer>("ssn", self.ssn)?,
            )?,
            text: validate::convert("text", self.text)?,
        };
        start!(
            &client,
            bankid_se_start_sign,
            Provider::BankIdSe,
            Flow::Sign,
            &body
        )
    }
}

/// Builds `POST /v3/bankid-se/phone/sign`. From [`BankIdSe::phone_sign`].
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct BankIdSePhoneSign {
    client: Client,
    ssn: String,
    text: String,
    call_initiator: CallInitiator,
    callback_url: Option<String>,
    digest: Option<String>,
    org_number: Option<String>,
    pin_required: bool,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

impl BankIdSePhoneSign {
    setters! {
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Data signed but not shown to the user (1 to 2,000 characters).
        digest: text,
        /// Check that the user may sign for this Swedish organisation.
        org_number: text,
        /// Ask for the user's registered address.
        request_address: flag,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Require the security code even if the user has biometrics enabled.
    pub fn pin_required(mut self, value: bool) -> Self {
        self.pin_required = value;
        self
    }

    /// Checks the request and starts the session (sent once, never retried). Poll it as a
    /// signature.
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        validate::required("ssn", &self.ssn)?;
        validate::required("text", &self.text)?;
        validate::length("text", &self.text, 1, BANKID_SE_MAX_TEXT)?;
        if let Some(digest) = &self.digest {
            validate::length("digest", digest, 1, BANKID_SE_MAX_DIGEST)?;
        }
        let body = types::BankIdSePhoneSignRequest {
            call_initiator: self.call_initiator,
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            digest: validate::convert_opt("digest", self.digest)?,
            org_number: validate::identity_opt::<Organisationsnummer>(
                "orgNumber",
                self.org_number,
            )?,
            pin_required: self.pin_required,
            ref_id: self.ref_id,
            request_address: self.request_address,
            ssn: validate::convert("ssn", validate::identity::<Personnummer>("ssn", &self.ssn)?)?,
            text: validate::convert("text", self.text)?,
        };
        let client = &self.client;
        start!(
            client,
            bankid_se_start_phone_sign,
            Provider::BankIdSe,
            Flow::Sign,
            &body
        )
    }
}
