//! Age verification, shared by every provider that offers it.

use std::num::NonZeroU32;

use idkollen_api::types::{self, AgeVerificationCompleted};

use super::setters;
use super::start::AgeVerificationStart;
use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::provider::Provider;
use crate::session::Session;
use crate::validate;

/// Builds `POST /v3/<provider>/age-verification`. From the `age_verification()` of BankID
/// SE, Freja, BankID NO, MitID and FTN.
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct AgeVerification {
    client: Client,
    provider: Provider,
    min_age: Option<u32>,
    max_age: Option<u32>,
    callback_url: Option<String>,
    redirect_url: Option<String>,
    ref_id: Option<String>,
}

impl AgeVerification {
    pub(crate) fn new(client: Client, provider: Provider) -> Self {
        Self {
            client,
            provider,
            min_age: None,
            max_age: None,
            callback_url: None,
            redirect_url: None,
            ref_id: None,
        }
    }

    /// The user must be at least this old (1 or more).
    pub fn min_age(mut self, age: u32) -> Self {
        self.min_age = Some(age);
        self
    }

    /// The user must be at most this old (1 or more, not under `min_age`).
    pub fn max_age(mut self, age: u32) -> Self {
        self.max_age = Some(age);
        self
    }

    setters! {
        /// Where IDkollen posts the result.
        callback_url: text,
        /// Where the user's browser goes after a redirect flow.
        redirect_url: text,
        /// Your reference, echoed in the result and the callback.
        ref_id: text,
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<AgeVerificationCompleted>, Error> {
        let age = |field: &'static str, v: Option<u32>| -> Result<Option<NonZeroU32>, Error> {
            v.map(|v| {
                NonZeroU32::new(v)
                    .ok_or_else(|| ValidationError::new(field, "must be at least 1").into())
            })
            .transpose()
        };
        let min_age = age("minAge", self.min_age)?;
        let max_age = age("maxAge", self.max_age)?;
        if let (Some(min), Some(max)) = (min_age, max_age)
            && min > max
        {
            let reason = format!("{min} is above maxAge {max}");
            return Err(ValidationError::new("minAge", reason).into());
        }
        let body = types::AgeVerificationRequest {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            max_age,
            min_age,
            redirect_url: validate::url("redirectUrl", self.redirect_url)?,
            ref_id: self.ref_id,
        };
        let provider = self.provider;
        provider.start_age_verification(&self.client, &body).await
    }
}
