//! Freja eID.

use idkollen_api::types::{self, FrejaCompleted, FrejaCountry, FrejaRegistrationLevel};

use super::age::AgeVerification;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::Error;
use crate::identity::{Cpr, Fodselsnummer, Hetu, Organisationsnummer, Personnummer};
use crate::provider::Provider;
use crate::session::Session;
use crate::validate;

/// Freja eID operations. From [`Client::freja`].
#[derive(Clone, Debug)]
pub struct Freja {
    pub(crate) client: Client,
}

impl Freja {
    /// An authentication by QR code or on the same device.
    pub fn auth(&self) -> Auth {
        Start::new(self.client.clone(), flow::Auth { ssn: None })
    }

    /// An authentication pushed to the app of the user with this personal number.
    pub fn backchannel_auth(
        &self,
        ssn: impl Into<String>,
        country: FrejaCountry,
    ) -> BackchannelAuth {
        let flow = flow::BackchannelAuth {
            ssn: ssn.into(),
            country,
        };
        Start::new(self.client.clone(), flow)
    }

    /// A signature of `text` by QR code or on the same device.
    pub fn sign(&self, text: impl Into<String>) -> Sign {
        let flow = flow::Sign {
            ssn: None,
            text: text.into(),
        };
        Start::new(self.client.clone(), flow)
    }

    /// A signature of `text` pushed to the app of the user with this personal number.
    pub fn backchannel_sign(
        &self,
        ssn: impl Into<String>,
        country: FrejaCountry,
        text: impl Into<String>,
    ) -> BackchannelSign {
        let flow = flow::BackchannelSign {
            ssn: ssn.into(),
            country,
            text: text.into(),
        };
        Start::new(self.client.clone(), flow)
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerification {
        AgeVerification::new(self.client.clone(), Provider::Freja)
    }
}

/// Builds `POST /v3/freja/auth`. From [`Freja::auth`].
pub type Auth = Start<flow::Auth>;
/// Builds `POST /v3/freja/backchannel/auth`. From [`Freja::backchannel_auth`].
pub type BackchannelAuth = Start<flow::BackchannelAuth>;
/// Builds `POST /v3/freja/sign`. From [`Freja::sign`].
pub type Sign = Start<flow::Sign>;
/// Builds `POST /v3/freja/backchannel/sign`. From [`Freja::backchannel_sign`].
pub type BackchannelSign = Start<flow::BackchannelSign>;

/// The four Freja flows, as the type parameter of [`Start`]: what each one takes beyond
/// the options they share. Only the QR and same-device flows have an `ssn` setter; a
/// backchannel flow is given the user's number when it is made:
///
/// ```compile_fail
/// # fn f(client: idkollen_ext::Client) {
/// use idkollen_ext::types::FrejaCountry;
/// // A backchannel request has no `ssn` setter to be silently ignored.
/// let _ = client.freja().backchannel_auth("198112289874", FrejaCountry::Sweden).ssn("x");
/// # }
/// ```
pub mod flow {
    use idkollen_api::types::FrejaCountry;

    /// An authentication by QR code or on the same device.
    #[derive(Debug)]
    pub struct Auth {
        pub(super) ssn: Option<String>,
    }

    /// An authentication pushed to the user's app.
    #[derive(Debug)]
    pub struct BackchannelAuth {
        pub(super) ssn: String,
        pub(super) country: FrejaCountry,
    }

    /// A signature by QR code or on the same device.
    #[derive(Debug)]
    pub struct Sign {
        pub(super) ssn: Option<String>,
        pub(super) text: String,
    }

    /// A signature pushed to the user's app.
    #[derive(Debug)]
    pub struct BackchannelSign {
        pub(super) ssn: String,
        pub(super) country: FrejaCountry,
        pub(super) text: String,
    }
}

/// Builds a Freja start request of the flow `F` (see [`Freja`] and [`flow`]): the
/// options every Freja flow shares, and what the flow itself takes.
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Start<F> {
    client: Client,
    flow: F,
    callback_url: Option<String>,
    min_registration_level: Option<FrejaRegistrationLevel>,
    org_number: Option<String>,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

/// The shared options, checked.
struct Checked {
    callback_url: Option<String>,
    min_registration_level: Option<FrejaRegistrationLevel>,
    org_number: Option<String>,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

impl<F> Start<F> {
    fn new(client: Client, flow: F) -> Self {
        Self {
            client,
            flow,
            callback_url: None,
            min_registration_level: None,
            org_number: None,
            ref_id: None,
            request_address: None,
        }
    }

    setters! {
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

    /// The shared options checked, and the flow's own part.
    fn check(self) -> Result<(Client, Checked, F), Error> {
        let checked = Checked {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            min_registration_level: self.min_registration_level,
            org_number: validate::identity_opt::<Organisationsnummer>(
                "orgNumber",
                self.org_number,
            )?,
            ref_id: self.ref_id,
            request_address: self.request_address,
        };
        Ok((self.client, checked, self.flow))
    }
}

/// The request body `$body` with the shared options, checked (`$c`), and the flow's own
/// fields: the one place that lists what every Freja request shares.
macro_rules! body {
    ($body:ident, $c:ident { $($fields:tt)* }) => {
        super::request_body!($body { callback_url, min_registration_level, org_number, ref_id, request_address } from $c { $($fields)* })
    };
}

impl Start<flow::Auth> {
    /// Only the user with this personal number may complete the session.
    pub fn ssn(mut self, ssn: impl Into<String>) -> Self {
        self.flow.ssn = Some(ssn.into());
        self
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<FrejaCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        let body = body!(
            FrejaAuthRequest,
            c {
                ssn: non_empty_ssn(flow.ssn)?,
            }
        );
        start(&client, &body).await
    }
}

impl Start<flow::BackchannelAuth> {
    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<FrejaCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        let body = body!(
            FrejaBackchannelAuthRequest,
            c {
                country: flow.country,
                ssn: freja_ssn(flow.ssn, flow.country)?,
            }
        );
        start(&client, &body).await
    }
}

impl Start<flow::Sign> {
    /// Only the user with this personal number may complete the session.
    pub fn ssn(mut self, ssn: impl Into<String>) -> Self {
        self.flow.ssn = Some(ssn.into());
        self
    }

    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<FrejaCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        validate::required("text", &flow.text)?;
        let body = body!(
            FrejaSignRequest,
            c {
                ssn: non_empty_ssn(flow.ssn)?,
                text: validate::convert("text", flow.text)?,
            }
        );
        start(&client, &body).await
    }
}

impl Start<flow::BackchannelSign> {
    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<FrejaCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        validate::required("text", &flow.text)?;
        let body = body!(
            FrejaBackchannelSignRequest,
            c {
                country: flow.country,
                ssn: freja_ssn(flow.ssn, flow.country)?,
                text: validate::convert("text", flow.text)?,
            }
        );
        start(&client, &body).await
    }
}

/// The personal number of a backchannel request, checked as the number of `country` (the
/// country of the user's Freja identity document) and sent in the form IDkollen expects.
fn freja_ssn<T, E>(ssn: String, country: types::FrejaCountry) -> Result<T, Error>
where
    T: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    use types::FrejaCountry::*;
    validate::required("ssn", &ssn)?;
    let ssn = match country {
        Sweden => validate::identity::<Personnummer>("ssn", &ssn)?,
        Norway => validate::identity::<Fodselsnummer>("ssn", &ssn)?,
        Denmark => validate::identity::<Cpr>("ssn", &ssn)?,
        Finland => validate::identity::<Hetu>("ssn", &ssn)?,
    };
    Ok(validate::convert("ssn", ssn)?)
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
