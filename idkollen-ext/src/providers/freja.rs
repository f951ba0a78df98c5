//! Freja eID.

use idkollen_api::types::{self, FrejaCompleted, FrejaCountry, FrejaRegistrationLevel};

use super::age::AgeVerificationBuilder;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::Error;
use crate::identity::{Cpr, Fodselsnummer, Hetu, Organisationsnummer, Personnummer};
use crate::provider::{Flow, Provider};
use crate::session::Session;
use crate::validate;

/// Freja eID operations. From [`Client::freja`].
#[derive(Clone, Debug)]
pub struct Freja {
    pub(crate) client: Client,
}

impl Freja {
    /// An authentication by QR code or on the same device.
    pub fn auth(&self) -> FrejaStart {
        FrejaStart::new(self.client.clone(), None, None, None)
    }

    /// An authentication pushed to the app of the user with this personal number.
    pub fn backchannel_auth(&self, ssn: impl Into<String>, country: FrejaCountry) -> FrejaStart {
        FrejaStart::new(self.client.clone(), Some(ssn.into()), Some(country), None)
    }

    /// A signature of `text` by QR code or on the same device.
    pub fn sign(&self, text: impl Into<String>) -> FrejaStart {
        FrejaStart::new(self.client.clone(), None, None, Some(text.into()))
    }

    /// A signature of `text` pushed to the app of the user with this personal number.
    pub fn backchannel_sign(
        &self,
        ssn: impl Into<String>,
        country: FrejaCountry,
        text: impl Into<String>,
    ) -> FrejaStart {
        FrejaStart::new(
            self.client.clone(),
            Some(ssn.into()),
            Some(country),
            Some(text.into()),
        )
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerificationBuilder {
        AgeVerificationBuilder::new(self.client.clone(), Provider::Freja)
    }
}

/// Builds a Freja start request: `auth`, `backchannel/auth`, `sign` or `backchannel/sign`,
/// depending on how it was made (see [`Freja`]).
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct FrejaStart {
    client: Client,
    backchannel: Option<(String, FrejaCountry)>,
    text: Option<String>,
    ssn: Option<String>,
    callback_url: Option<String>,
    min_registration_level: Option<FrejaRegistrationLevel>,
    org_number: Option<String>,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

impl FrejaStart {
    fn new(
        client: Client,
        ssn: Option<String>,
        country: Option<FrejaCountry>,
        text: Option<String>,
    ) -> Self {
        Self {
            client,
            backchannel: ssn.zip(country),
            text,
            ssn: None,
            callback_url: None,
            min_registration_level: None,
            org_number: None,
            ref_id: None,
            request_address: None,
        }
    }

    setters! {
        /// QR and same-device flows: only this personal number may complete the session.
        ssn: text,
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Check that the user may sign for this Swedish organisation.
        org_number: text,
        /// Ask for the user's registered address.
        request_address: flag,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// The lowest registration level accepted.
    pub fn min_registration_level(mut self, level: FrejaRegistrationLevel) -> Self {
        self.min_registration_level = Some(level);
        self
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<FrejaCompleted>, Error> {
        let client = &self.client;
        let callback_url = validate::url("callbackUrl", self.callback_url)?;
        if let Some(text) = &self.text {
            validate::required("text", text)?;
        }
        match (self.backchannel, self.text) {
            (None, None) => {
                let body = types::FrejaAuthRequest {
                    callback_url,
                    min_registration_level: self.min_registration_level,
                    org_number: validate::identity_opt::<Organisationsnummer>(
                        "orgNumber",
                        self.org_number,
                    )?,
                    ref_id: self.ref_id,
                    request_address: self.request_address,
                    ssn: non_empty_ssn(self.ssn)?,
                };
                start!(client, freja_start_auth, Provider::Freja, Flow::Auth, &body)
            }
            (Some((ssn, country)), None) => {
                validate::required("ssn", &ssn)?;
                let ssn = freja_ssn(ssn, country)?;
                let body = types::FrejaBackchannelAuthRequest {
                    callback_url,
                    country,
                    min_registration_level: self.min_registration_level,
                    org_number: validate::identity_opt::<Organisationsnummer>(
                        "orgNumber",
                        self.org_number,
                    )?,
                    ref_id: self.ref_id,
                    request_address: self.request_address,
                    ssn: validate::convert("ssn", ssn)?,
                };
                start!(
                    client,
                    freja_start_backchannel_auth,
                    Provider::Freja,
                    Flow::Auth,
                    &body
                )
            }
            (None, Some(text)) => {
                let body = types::FrejaSignRequest {
                    callback_url,
                    min_registration_level: self.min_registration_level,
                    org_number: validate::identity_opt::<Organisationsnummer>(
                        "orgNumber",
                        self.org_number,
                    )?,
                    ref_id: self.ref_id,
                    request_address: self.request_address,
                    ssn: non_empty_ssn(self.ssn)?,
                    text: validate::convert("text", text)?,
                };
                start!(client, freja_start_sign, Provider::Freja, Flow::Sign, &body)
            }
            (Some((ssn, country)), Some(text)) => {
                validate::required("ssn", &ssn)?;
                let ssn = freja_ssn(ssn, country)?;
                let body = types::FrejaBackchannelSignRequest {
                    callback_url,
                    country,
                    min_registration_level: self.min_registration_level,
                    org_number: validate::identity_opt::<Organisationsnummer>(
                        "orgNumber",
                        self.org_number,
                    )?,
                    ref_id: self.ref_id,
                    request_address: self.request_address,
                    ssn: validate::convert("ssn", ssn)?,
                    text: validate::convert("text", text)?,
                };
                start!(
                    client,
                    freja_start_backchannel_sign,
                    Provider::Freja,
                    Flow::Sign,
                    &body
                )
            }
        }
    }
}

/// The personal number of a backchannel request, checked as the number of `country` (the
/// country of the user's Freja identity document) and sent in the form IDkollen expects.
fn freja_ssn(ssn: String, country: types::FrejaCountry) -> Result<String, Error> {
    use types::FrejaCountry::*;
    Ok(match country {
        Sweden => validate::identity::<Personnummer>("ssn", &ssn)?,
        Norway => validate::identity::<Fodselsnummer>("ssn", &ssn)?,
        Denmark => validate::identity::<Cpr>("ssn", &ssn)?,
        Finland => validate::identity::<Hetu>("ssn", &ssn)?,
    })
}

fn non_empty_ssn<T, E>(ssn: Option<String>) -> Result<Option<T>, Error>
where
    T: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    if let Some(ssn) = &ssn {
        validate::required("ssn", ssn)?;
    }
    Ok(validate::convert_opt("ssn", ssn)?)
}
