//! Every kind of session the API can start, for the end-to-end tests against the sandbox:
//! how each starts through its facade, and how a stored handle of it is waited on.

#![allow(dead_code)]

use idkollen_ext::types::{
    AgeVerificationCompleted, BankIdNoCompleted, BankIdSeCompleted, CallInitiator, FrejaCompleted,
    FrejaCountry, FtnCompleted, MitIdCompleted, VippsCompleted,
};
use idkollen_ext::{Client, Error, Flow, Poller, Provider, SessionHandle};

/// Every kind of session the API can start.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    SeAuth,
    SePhoneAuth,
    SeSign,
    SePhoneSign,
    SeAge,
    FrejaAuth,
    FrejaBackchannelAuth,
    FrejaSign,
    FrejaBackchannelSign,
    FrejaAge,
    NoAuth,
    NoBackchannelAuth,
    NoSign,
    NoAge,
    VippsAuth,
    VippsBackchannelAuth,
    MitIdAuth,
    MitIdBackchannelAuth,
    MitIdSign,
    MitIdAge,
    FtnAuth,
    FtnAge,
}

pub const ALL: [Kind; 22] = [
    Kind::SeAuth,
    Kind::SePhoneAuth,
    Kind::SeSign,
    Kind::SePhoneSign,
    Kind::SeAge,
    Kind::FrejaAuth,
    Kind::FrejaBackchannelAuth,
    Kind::FrejaSign,
    Kind::FrejaBackchannelSign,
    Kind::FrejaAge,
    Kind::NoAuth,
    Kind::NoBackchannelAuth,
    Kind::NoSign,
    Kind::NoAge,
    Kind::VippsAuth,
    Kind::VippsBackchannelAuth,
    Kind::MitIdAuth,
    Kind::MitIdBackchannelAuth,
    Kind::MitIdSign,
    Kind::MitIdAge,
    Kind::FtnAuth,
    Kind::FtnAge,
];

// The default personas of the sandbox (its README).
pub const SWEDE: &str = "Anna Andersson";
pub const NORWEGIAN: &str = "Kari Nordmann";
pub const DANE: &str = "Mette Hansen";
pub const FINN: &str = "Matti Meikäläinen";

/// The sandbox's test identities by row: 0 completes, 1 cancels, 3 fails with
/// `AUTH_FAILED`, 8 with `FUTURE_ERROR_CODE`.
pub const SE: [&str; 9] = [
    "199001012310",
    "199001012328",
    "",
    "199001012344",
    "",
    "",
    "",
    "",
    "199001012393",
];
pub const NO: [&str; 9] = [
    "01019010046",
    "01019010127",
    "",
    "01019010399",
    "",
    "",
    "",
    "",
    "01019011182",
];
pub const DK: [&str; 9] = [
    "0101901001",
    "0101901002",
    "",
    "0101901004",
    "",
    "",
    "",
    "",
    "0101901009",
];
pub const PHONE: [&str; 9] = [
    "+4740000001",
    "+4740000002",
    "",
    "+4740000004",
    "",
    "",
    "",
    "",
    "+4740000009",
];

impl Kind {
    /// The path of the operation that starts it.
    pub fn start_path(self) -> &'static str {
        match self {
            Kind::SeAuth => "/v3/bankid-se/auth",
            Kind::SePhoneAuth => "/v3/bankid-se/phone/auth",
            Kind::SeSign => "/v3/bankid-se/sign",
            Kind::SePhoneSign => "/v3/bankid-se/phone/sign",
            Kind::SeAge => "/v3/bankid-se/age-verification",
            Kind::FrejaAuth => "/v3/freja/auth",
            Kind::FrejaBackchannelAuth => "/v3/freja/backchannel/auth",
            Kind::FrejaSign => "/v3/freja/sign",
            Kind::FrejaBackchannelSign => "/v3/freja/backchannel/sign",
            Kind::FrejaAge => "/v3/freja/age-verification",
            Kind::NoAuth => "/v3/bankid-no/auth",
            Kind::NoBackchannelAuth => "/v3/bankid-no/backchannel/auth",
            Kind::NoSign => "/v3/bankid-no/sign",
            Kind::NoAge => "/v3/bankid-no/age-verification",
            Kind::VippsAuth => "/v3/vipps/auth",
            Kind::VippsBackchannelAuth => "/v3/vipps/backchannel/auth",
            Kind::MitIdAuth => "/v3/mitid/auth",
            Kind::MitIdBackchannelAuth => "/v3/mitid/backchannel/auth",
            Kind::MitIdSign => "/v3/mitid/sign",
            Kind::MitIdAge => "/v3/mitid/age-verification",
            Kind::FtnAuth => "/v3/ftn/auth",
            Kind::FtnAge => "/v3/ftn/age-verification",
        }
    }

    /// Whether the flow starts for a given user (its identity decides the end).
    pub fn for_identity(self) -> bool {
        matches!(
            self,
            Kind::SePhoneAuth
                | Kind::SePhoneSign
                | Kind::FrejaBackchannelAuth
                | Kind::FrejaBackchannelSign
                | Kind::NoBackchannelAuth
                | Kind::VippsBackchannelAuth
                | Kind::MitIdBackchannelAuth
        )
    }

    /// The name of the persona it completes with; `None` for age verification, which
    /// reports `ageVerified` only.
    pub fn persona_name(self) -> Option<&'static str> {
        match self {
            Kind::SeAge | Kind::FrejaAge | Kind::NoAge | Kind::MitIdAge | Kind::FtnAge => None,
            Kind::SeAuth
            | Kind::SePhoneAuth
            | Kind::SeSign
            | Kind::SePhoneSign
            | Kind::FrejaAuth
            | Kind::FrejaBackchannelAuth
            | Kind::FrejaSign
            | Kind::FrejaBackchannelSign => Some(SWEDE),
            Kind::NoAuth | Kind::NoBackchannelAuth | Kind::NoSign => Some(NORWEGIAN),
            Kind::VippsAuth | Kind::VippsBackchannelAuth => Some(NORWEGIAN),
            Kind::MitIdAuth | Kind::MitIdBackchannelAuth | Kind::MitIdSign => Some(DANE),
            Kind::FtnAuth => Some(FINN),
        }
    }

    /// Starts a session of this kind through the facade: flows started for an identity get
    /// the test identity of `row` (0 completes; the sandbox's README lists the others), and
    /// every flow gets `ref_id` (a refId script overrides the identity's).
    pub async fn start(self, c: &Client, row: usize, ref_id: &str) -> Result<SessionHandle, Error> {
        let r = ref_id;
        let text = "I approve the transfer";
        Ok(match self {
            Kind::SeAuth => c.bankid_se().auth().ref_id(r).send().await?.into_handle(),
            Kind::SePhoneAuth => c
                .bankid_se()
                .phone_auth(SE[row], CallInitiator::Rp)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::SeSign => c
                .bankid_se()
                .sign(text)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::SePhoneSign => c
                .bankid_se()
                .phone_sign(SE[row], text, CallInitiator::User)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::SeAge => age(c.bankid_se().age_verification(), r).await?,
            Kind::FrejaAuth => c.freja().auth().ref_id(r).send().await?.into_handle(),
            Kind::FrejaBackchannelAuth => c
                .freja()
                .backchannel_auth(SE[row], FrejaCountry::Sweden)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::FrejaSign => c.freja().sign(text).ref_id(r).send().await?.into_handle(),
            Kind::FrejaBackchannelSign => c
                .freja()
                .backchannel_sign(SE[row], FrejaCountry::Sweden, text)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::FrejaAge => age(c.freja().age_verification(), r).await?,
            Kind::NoAuth => c
                .bankid_no()
                .auth()
                .request_ssn(true)
                .request_phone(true)
                .request_email(true)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::NoBackchannelAuth => c
                .bankid_no()
                .backchannel_auth(NO[row])
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::NoSign => c
                .bankid_no()
                .sign()
                .text("Avtale 17")
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::NoAge => age(c.bankid_no().age_verification(), r).await?,
            Kind::VippsAuth => c.vipps().auth().ref_id(r).send().await?.into_handle(),
            Kind::VippsBackchannelAuth => c
                .vipps()
                .backchannel_auth(PHONE[row])
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::MitIdAuth => c.mitid().auth().ref_id(r).send().await?.into_handle(),
            Kind::MitIdBackchannelAuth => c
                .mitid()
                .backchannel_auth(DK[row], "Login to Sandbox Bank")
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            Kind::MitIdSign => c.mitid().sign(text).ref_id(r).send().await?.into_handle(),
            Kind::MitIdAge => age(c.mitid().age_verification(), r).await?,
            Kind::FtnAuth => c.ftn().auth().ref_id(r).send().await?.into_handle(),
            Kind::FtnAge => age(c.ftn().age_verification(), r).await?,
        })
    }
}

pub async fn age(b: idkollen_ext::AgeVerification, r: &str) -> Result<SessionHandle, Error> {
    Ok(b.min_age(18).ref_id(r).send().await?.into_handle())
}

/// What a completed session delivered.
#[derive(Debug)]
pub struct Done {
    pub id: String,
    /// The person's name; `None` for age verification.
    pub name: Option<String>,
    /// `ageVerified` of an age verification.
    pub age_verified: Option<bool>,
}

/// Waits for `handle` with the result type of its provider and flow.
pub async fn wait(c: &Client, handle: SessionHandle) -> Result<Done, Error> {
    macro_rules! person {
        ($completed:ty) => {{
            let user = c.resume::<$completed>(handle)?.wait().await?;
            Done {
                id: user.id.clone(),
                name: Some(user.name.clone()),
                age_verified: None,
            }
        }};
    }
    Ok(match (handle.provider(), handle.flow()) {
        (_, Flow::AgeVerification) => {
            let v = c.resume::<AgeVerificationCompleted>(handle)?.wait().await?;
            Done {
                id: v.id.clone(),
                name: None,
                age_verified: Some(v.age_verified),
            }
        }
        (Provider::BankIdSe, _) => person!(BankIdSeCompleted),
        (Provider::Freja, _) => person!(FrejaCompleted),
        (Provider::BankIdNo, _) => person!(BankIdNoCompleted),
        (Provider::Vipps, _) => person!(VippsCompleted),
        (Provider::MitId, _) => person!(MitIdCompleted),
        (Provider::Ftn, _) => person!(FtnCompleted),
        (p, f) => panic!("no such session kind: {p:?} {f:?}"),
    })
}

pub async fn cancel(c: &Client, h: SessionHandle) -> Result<(), Error> {
    match (h.provider(), h.flow()) {
        (_, Flow::AgeVerification) => c.resume::<AgeVerificationCompleted>(h)?.cancel().await,
        (Provider::BankIdSe, _) => c.resume::<BankIdSeCompleted>(h)?.cancel().await,
        (Provider::Freja, _) => c.resume::<FrejaCompleted>(h)?.cancel().await,
        (Provider::BankIdNo, _) => c.resume::<BankIdNoCompleted>(h)?.cancel().await,
        (Provider::Vipps, _) => c.resume::<VippsCompleted>(h)?.cancel().await,
        (Provider::MitId, _) => c.resume::<MitIdCompleted>(h)?.cancel().await,
        (Provider::Ftn, _) => c.resume::<FtnCompleted>(h)?.cancel().await,
        (p, f) => panic!("no such session kind: {p:?} {f:?}"),
    }
}
