//! Swedish BankID.

use idkollen_api::types::{self, BankIdSeCompleted, CallInitiator};

use super::age::AgeVerification;
use super::setters;
use super::start::start;
use crate::client::Client;
use crate::error::Error;
use crate::identity::{Organisationsnummer, Personnummer};
use crate::provider::Provider;
use crate::session::Session;
use crate::validate;

/// BankID SE signs texts of at most this many characters.
pub const MAX_TEXT: usize = 50_000;
/// The longest `intent` once base64-encoded, in characters: the BankID SE guide's "max 1500
/// characters after base64". The API reference says 2,000 characters; the stricter limit wins.
/// The SDK sends the text as it is and the service encodes it, so the limit is checked on the
/// length of the base64 encoding of its UTF-8 bytes: at most 1,125 bytes.
pub const MAX_INTENT_BASE64: usize = 1_500;
/// The longest `intent` in UTF-8 bytes (1,125: the bytes whose base64 encoding is 1,500
/// characters).
pub const MAX_INTENT: usize = MAX_INTENT_BASE64 / 4 * 3;
/// The longest `digest`, in characters (the API reference).
pub const MAX_DIGEST: usize = 2_000;

/// Swedish BankID operations. From [`Client::bankid_se`].
#[derive(Clone, Debug)]
pub struct BankIdSe {
    pub(crate) client: Client,
}

impl BankIdSe {
    /// An authentication by QR code or on the same device.
    pub fn auth(&self) -> Auth {
        let flow = flow::Auth {
            device: flow::Device::default(),
            intent: None,
        };
        Start::new(self.client.clone(), flow)
    }

    /// An authentication while the user is on the phone with you.
    pub fn phone_auth(&self, ssn: impl Into<String>, call_initiator: CallInitiator) -> PhoneAuth {
        let flow = flow::PhoneAuth {
            phone: flow::Phone::new(ssn.into(), call_initiator),
            intent: None,
        };
        Start::new(self.client.clone(), flow)
    }

    /// A signature of `text` (at most 50,000 characters) by QR code or on the same device.
    pub fn sign(&self, text: impl Into<String>) -> Sign {
        let flow = flow::Sign {
            text: text.into(),
            device: flow::Device::default(),
            digest: None,
        };
        Start::new(self.client.clone(), flow)
    }

    /// A signature while the user is on the phone with you.
    pub fn phone_sign(
        &self,
        ssn: impl Into<String>,
        text: impl Into<String>,
        call_initiator: CallInitiator,
    ) -> PhoneSign {
        let flow = flow::PhoneSign {
            text: text.into(),
            phone: flow::Phone::new(ssn.into(), call_initiator),
            digest: None,
        };
        Start::new(self.client.clone(), flow)
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
        let raw = self.client.raw();
        self.client
            .call("bankid_se_verify_qr", raw.bankid_se_verify_qr(&body))
            .await
    }

    /// An age verification.
    pub fn age_verification(&self) -> AgeVerification {
        AgeVerification::new(self.client.clone(), Provider::BankIdSe)
    }
}

/// Builds `POST /v3/bankid-se/auth`. From [`BankIdSe::auth`].
pub type Auth = Start<flow::Auth>;
/// Builds `POST /v3/bankid-se/phone/auth`. From [`BankIdSe::phone_auth`].
pub type PhoneAuth = Start<flow::PhoneAuth>;
/// Builds `POST /v3/bankid-se/sign`. From [`BankIdSe::sign`].
pub type Sign = Start<flow::Sign>;
/// Builds `POST /v3/bankid-se/phone/sign`. From [`BankIdSe::phone_sign`].
pub type PhoneSign = Start<flow::PhoneSign>;

/// The four BankID SE flows, as the type parameter of [`Start`]: what each one takes beyond
/// the options they share. Only the QR and same-device flows have `ssn` and `ip_address`
/// setters (a phone flow is given the number when it is made), only authentications an
/// `intent`, only signatures a `digest`:
///
/// ```compile_fail
/// # fn f(client: idkollen_ext::Client) {
/// // An authentication has no digest to be silently ignored.
/// let _ = client.bankid_se().auth().digest("x");
/// # }
/// ```
pub mod flow {
    use idkollen_api::types::CallInitiator;

    /// An authentication by QR code or on the same device.
    #[derive(Debug)]
    pub struct Auth {
        pub(super) device: Device,
        pub(super) intent: Option<String>,
    }

    /// An authentication while the user is on the phone with you.
    #[derive(Debug)]
    pub struct PhoneAuth {
        pub(super) phone: Phone,
        pub(super) intent: Option<String>,
    }

    /// A signature by QR code or on the same device.
    #[derive(Debug)]
    pub struct Sign {
        pub(super) text: String,
        pub(super) device: Device,
        pub(super) digest: Option<String>,
    }

    /// A signature while the user is on the phone with you.
    #[derive(Debug)]
    pub struct PhoneSign {
        pub(super) text: String,
        pub(super) phone: Phone,
        pub(super) digest: Option<String>,
    }

    /// What a QR or same-device flow may take: the only user allowed, and the user's IP.
    #[derive(Debug, Default)]
    pub struct Device {
        pub(super) ssn: Option<String>,
        pub(super) ip_address: Option<String>,
    }

    /// What a phone flow takes: the user on the phone, and who called whom.
    #[derive(Debug)]
    pub struct Phone {
        pub(super) ssn: String,
        pub(super) call_initiator: CallInitiator,
    }

    impl Phone {
        pub(super) fn new(ssn: String, call_initiator: CallInitiator) -> Self {
            Self {
                ssn,
                call_initiator,
            }
        }
    }

    /// The QR and same-device flows.
    pub trait OnDevice {
        #[doc(hidden)]
        fn device(&mut self) -> &mut Device;
    }

    /// The authentications, which may show an `intent`.
    pub trait WithIntent {
        #[doc(hidden)]
        fn intent(&mut self) -> &mut Option<String>;
    }

    /// The signatures, which may sign a hidden `digest`.
    pub trait WithDigest {
        #[doc(hidden)]
        fn digest(&mut self) -> &mut Option<String>;
    }

    macro_rules! part {
        ($trait:ident :: $method:ident -> $ty:ty; $($flow:ident)*) => {$(
            impl $trait for $flow {
                fn $method(&mut self) -> &mut $ty {
                    &mut self.$method
                }
            }
        )*};
    }
    part!(OnDevice::device -> Device; Auth Sign);
    part!(WithIntent::intent -> Option<String>; Auth PhoneAuth);
    part!(WithDigest::digest -> Option<String>; Sign PhoneSign);
}

/// Builds a BankID SE start request of the flow `F` (see [`BankIdSe`] and [`flow`]): the
/// options every BankID SE flow shares, and what the flow itself takes.
#[derive(Debug)]
#[must_use = "nothing is sent until `send` is awaited"]
pub struct Start<F> {
    client: Client,
    flow: F,
    callback_url: Option<String>,
    org_number: Option<String>,
    pin_required: bool,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

/// The shared options, checked.
struct Checked {
    callback_url: Option<String>,
    org_number: Option<String>,
    pin_required: bool,
    ref_id: Option<String>,
    request_address: Option<bool>,
}

impl<F> Start<F> {
    fn new(client: Client, flow: F) -> Self {
        Self {
            client,
            flow,
            callback_url: None,
            org_number: None,
            pin_required: false,
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

    /// Require the security code even if the user has biometrics enabled.
    pub fn pin_required(mut self, value: bool) -> Self {
        self.pin_required = value;
        self
    }

    /// The shared options checked, and the flow's own part.
    fn check(self) -> Result<(Client, Checked, F), Error> {
        let checked = Checked {
            callback_url: validate::url("callbackUrl", self.callback_url)?,
            org_number: validate::identity_opt::<Organisationsnummer>(
                "orgNumber",
                self.org_number,
            )?,
            pin_required: self.pin_required,
            ref_id: self.ref_id,
            request_address: self.request_address,
        };
        Ok((self.client, checked, self.flow))
    }
}

impl<F: flow::OnDevice> Start<F> {
    /// Only this personal number may complete the session.
    pub fn ssn(mut self, ssn: impl Into<String>) -> Self {
        self.flow.device().ssn = Some(ssn.into());
        self
    }

    /// The end user's IP address as seen by your backend.
    pub fn ip_address(mut self, ip: impl Into<String>) -> Self {
        self.flow.device().ip_address = Some(ip.into());
        self
    }
}

impl<F: flow::WithIntent> Start<F> {
    /// Text shown to the user about what they are logging in to (not empty, at most 1,500
    /// characters once base64-encoded: 1,125 bytes of UTF-8).
    pub fn intent(mut self, intent: impl Into<String>) -> Self {
        *self.flow.intent() = Some(intent.into());
        self
    }
}

impl<F: flow::WithDigest> Start<F> {
    /// Data signed but not shown to the user (1 to 2,000 characters).
    pub fn digest(mut self, digest: impl Into<String>) -> Self {
        *self.flow.digest() = Some(digest.into());
        self
    }
}

/// The request body `$body` with the shared options, checked (`$c`), and the flow's own
/// fields: the one place that lists what every BankID SE request shares.
macro_rules! body {
    ($body:ident, $c:ident { $($fields:tt)* }) => {
        super::request_body!($body { callback_url, org_number, pin_required, ref_id, request_address } from $c { $($fields)* })
    };
}

impl Start<flow::Auth> {
    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        let (ssn, ip_address) = device(flow.device)?;
        let body = body!(
            BankIdSeAuthRequest,
            c {
                intent: intent(flow.intent)?,
                ip_address,
                ssn,
            }
        );
        start(&client, &body).await
    }
}

impl Start<flow::PhoneAuth> {
    /// Checks the request and starts the session (sent once, never retried). Poll it as an
    /// authentication.
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        let body = body!(
            BankIdSePhoneAuthRequest,
            c {
                call_initiator: flow.phone.call_initiator,
                intent: intent(flow.intent)?,
                ssn: phone_ssn(flow.phone.ssn)?,
            }
        );
        start(&client, &body).await
    }
}

impl Start<flow::Sign> {
    /// Checks the request and starts the session (sent once, never retried).
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        let text = text(flow.text)?;
        let (ssn, ip_address) = device(flow.device)?;
        let body = body!(
            BankIdSeSignRequest,
            c {
                digest: digest(flow.digest)?,
                ip_address,
                ssn,
                text,
            }
        );
        start(&client, &body).await
    }
}

impl Start<flow::PhoneSign> {
    /// Checks the request and starts the session (sent once, never retried). Poll it as a
    /// signature.
    pub async fn send(self) -> Result<Session<BankIdSeCompleted>, Error> {
        let (client, c, flow) = self.check()?;
        let ssn = phone_ssn(flow.phone.ssn)?;
        let body = body!(
            BankIdSePhoneSignRequest,
            c {
                call_initiator: flow.phone.call_initiator,
                digest: digest(flow.digest)?,
                ssn,
                text: text(flow.text)?,
            }
        );
        start(&client, &body).await
    }
}

/// The QR and same-device flows' options, checked: a personal number if one is given (not
/// empty), and an IP address.
fn device<S, E>(device: flow::Device) -> Result<(Option<S>, Option<String>), Error>
where
    S: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    if let Some(ssn) = &device.ssn {
        validate::required("ssn", ssn)?;
    }
    let ssn = validate::identity_opt::<Personnummer>("ssn", device.ssn)?;
    Ok((
        validate::convert_opt("ssn", ssn)?,
        validate::ip("ipAddress", device.ip_address)?,
    ))
}

/// A phone flow's personal number, which it cannot do without.
fn phone_ssn<S, E>(ssn: String) -> Result<S, Error>
where
    S: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    validate::required("ssn", &ssn)?;
    Ok(validate::convert(
        "ssn",
        validate::identity::<Personnummer>("ssn", &ssn)?,
    )?)
}

/// The intent: not empty, and within BankID's limit once base64-encoded.
fn intent<S, E>(intent: Option<String>) -> Result<Option<S>, Error>
where
    S: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    if let Some(intent) = &intent {
        validate::length("intent", intent, 1, usize::MAX)?;
        validate::base64_length("intent", intent, MAX_INTENT_BASE64)?;
    }
    Ok(validate::convert_opt("intent", intent)?)
}

/// The text to sign: 1 to 50,000 characters.
fn text<S, E>(text: String) -> Result<S, Error>
where
    S: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    validate::required("text", &text)?;
    validate::length("text", &text, 1, MAX_TEXT)?;
    Ok(validate::convert("text", text)?)
}

/// The digest: 1 to 2,000 characters.
fn digest<S, E>(digest: Option<String>) -> Result<Option<S>, Error>
where
    S: TryFrom<String, Error = E>,
    E: std::fmt::Display,
{
    if let Some(digest) = &digest {
        validate::length("digest", digest, 1, MAX_DIGEST)?;
    }
    Ok(validate::convert_opt("digest", digest)?)
}
