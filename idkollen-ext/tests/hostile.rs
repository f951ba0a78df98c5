//! "Never lose a login": every flow of every provider against idkollen-sandbox's hostile
//! profile, where every session meets a 502 with an HTML body, an empty 429 with an HTTP-date
//! `Retry-After`, an unknown status, unknown fields in every answer, a completion without its
//! optional fields (dates with a time and an offset), and unknown sessions answer an empty
//! 404. Each login must still arrive, each failure must be typed, no start may be sent twice.

use idkollen_ext::types::{
    AgeVerificationCompleted, BankIdNoCompleted, BankIdSeCompleted, CallInitiator, FrejaCompleted,
    FrejaCountry, FtnCompleted, MitIdCompleted, VippsCompleted,
};
use idkollen_ext::{Client, Error, FailureCode, Flow, Poller, Provider, SessionHandle};
use idkollen_sandbox::{Sandbox, Timings};

/// Every flow of every provider.
#[derive(Clone, Copy, Debug)]
enum Kind {
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

use Kind::*;

/// Each flow, its start operation, and the name of the persona it completes with (`None`:
/// age verification, which reports `ageVerified` only).
const FLOWS: [(Kind, &str, Option<&str>); 22] = [
    (SeAuth, "/v3/bankid-se/auth", Some(SWEDE)),
    (SePhoneAuth, "/v3/bankid-se/phone/auth", Some(SWEDE)),
    (SeSign, "/v3/bankid-se/sign", Some(SWEDE)),
    (SePhoneSign, "/v3/bankid-se/phone/sign", Some(SWEDE)),
    (SeAge, "/v3/bankid-se/age-verification", None),
    (FrejaAuth, "/v3/freja/auth", Some(SWEDE)),
    (
        FrejaBackchannelAuth,
        "/v3/freja/backchannel/auth",
        Some(SWEDE),
    ),
    (FrejaSign, "/v3/freja/sign", Some(SWEDE)),
    (
        FrejaBackchannelSign,
        "/v3/freja/backchannel/sign",
        Some(SWEDE),
    ),
    (FrejaAge, "/v3/freja/age-verification", None),
    (NoAuth, "/v3/bankid-no/auth", Some(NORWEGIAN)),
    (
        NoBackchannelAuth,
        "/v3/bankid-no/backchannel/auth",
        Some(NORWEGIAN),
    ),
    (NoSign, "/v3/bankid-no/sign", Some(NORWEGIAN)),
    (NoAge, "/v3/bankid-no/age-verification", None),
    (VippsAuth, "/v3/vipps/auth", Some(NORWEGIAN)),
    (
        VippsBackchannelAuth,
        "/v3/vipps/backchannel/auth",
        Some(NORWEGIAN),
    ),
    (MitIdAuth, "/v3/mitid/auth", Some(DANE)),
    (
        MitIdBackchannelAuth,
        "/v3/mitid/backchannel/auth",
        Some(DANE),
    ),
    (MitIdSign, "/v3/mitid/sign", Some(DANE)),
    (MitIdAge, "/v3/mitid/age-verification", None),
    (FtnAuth, "/v3/ftn/auth", Some(FINN)),
    (FtnAge, "/v3/ftn/age-verification", None),
];

// The default personas of the sandbox (its README).
const SWEDE: &str = "Anna Andersson";
const NORWEGIAN: &str = "Kari Nordmann";
const DANE: &str = "Mette Hansen";
const FINN: &str = "Matti Meikäläinen";

/// How a session is scripted to end: the row of the sandbox's test identities (for flows
/// started for an identity) or its `refId` script (for the others).
#[derive(Clone, Copy, Debug)]
enum Script {
    Complete,
    Cancel,
    Fail(&'static str),
}

impl Script {
    /// The test identity's row: 0 completes, 1 cancels, 3 AUTH_FAILED, 8 FUTURE_ERROR_CODE.
    fn row(self) -> usize {
        match self {
            Script::Complete => 0,
            Script::Cancel => 1,
            Script::Fail("AUTH_FAILED") => 3,
            Script::Fail("FUTURE_ERROR_CODE") => 8,
            Script::Fail(code) => panic!("no test identity fails with {code}"),
        }
    }

    fn ref_id(self) -> String {
        match self {
            Script::Complete => "order-17".into(),
            Script::Cancel => "sandbox:cancel".into(),
            Script::Fail(code) => format!("sandbox:fail:{code}"),
        }
    }
}

const SE: [&str; 9] = [
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
const NO: [&str; 9] = [
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
const DK: [&str; 9] = [
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
const PHONE: [&str; 9] = [
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
    /// Starts a session of this kind scripted by `script`.
    async fn start(self, c: &Client, script: Script) -> Result<SessionHandle, Error> {
        let (row, r) = (script.row(), script.ref_id());
        let r = r.as_str();
        let text = "I approve the transfer";
        // Flows started for an identity use the test identity; the others the refId script.
        let plain = "order-17";
        Ok(match self {
            SeAuth => c.bankid_se().auth().ref_id(r).send().await?.into_handle(),
            SePhoneAuth => c
                .bankid_se()
                .phone_auth(SE[row], CallInitiator::Rp)
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            SeSign => c
                .bankid_se()
                .sign(text)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            SePhoneSign => c
                .bankid_se()
                .phone_sign(SE[row], text, CallInitiator::User)
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            SeAge => age(c.bankid_se().age_verification(), r).await?,
            FrejaAuth => c.freja().auth().ref_id(r).send().await?.into_handle(),
            FrejaBackchannelAuth => c
                .freja()
                .backchannel_auth(SE[row], FrejaCountry::Sweden)
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            FrejaSign => c.freja().sign(text).ref_id(r).send().await?.into_handle(),
            FrejaBackchannelSign => c
                .freja()
                .backchannel_sign(SE[row], FrejaCountry::Sweden, text)
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            FrejaAge => age(c.freja().age_verification(), r).await?,
            NoAuth => c
                .bankid_no()
                .auth()
                .request_ssn(true)
                .request_phone(true)
                .request_email(true)
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            NoBackchannelAuth => c
                .bankid_no()
                .backchannel_auth(NO[row])
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            NoSign => c
                .bankid_no()
                .sign()
                .text("Avtale 17")
                .ref_id(r)
                .send()
                .await?
                .into_handle(),
            NoAge => age(c.bankid_no().age_verification(), r).await?,
            VippsAuth => c.vipps().auth().ref_id(r).send().await?.into_handle(),
            VippsBackchannelAuth => c
                .vipps()
                .backchannel_auth(PHONE[row])
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            MitIdAuth => c.mitid().auth().ref_id(r).send().await?.into_handle(),
            MitIdBackchannelAuth => c
                .mitid()
                .backchannel_auth(DK[row], "Login to Sandbox Bank")
                .ref_id(plain)
                .send()
                .await?
                .into_handle(),
            MitIdSign => c.mitid().sign(text).ref_id(r).send().await?.into_handle(),
            MitIdAge => age(c.mitid().age_verification(), r).await?,
            FtnAuth => c.ftn().auth().ref_id(r).send().await?.into_handle(),
            FtnAge => age(c.ftn().age_verification(), r).await?,
        })
    }
}

async fn age(b: idkollen_ext::AgeVerification, r: &str) -> Result<SessionHandle, Error> {
    Ok(b.min_age(18).ref_id(r).send().await?.into_handle())
}

/// What a completed session delivered.
#[derive(Debug)]
struct Done {
    id: String,
    /// The person's name; `None` for age verification.
    name: Option<String>,
    /// `ageVerified` of an age verification.
    age_verified: Option<bool>,
}

/// Waits for `handle` with the result type of its provider and flow.
async fn wait(c: &Client, handle: SessionHandle) -> Result<Done, Error> {
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

async fn hostile() -> (Sandbox, Client) {
    let sb = Sandbox::builder()
        .timings(Timings::fast())
        .hostile()
        .start()
        .await
        .expect("the sandbox starts on loopback");
    let client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .application("idkollen-ext-hostile-tests")
        .build()
        .expect("a client for the sandbox");
    (sb, client)
}

/// Every start operation was received exactly once per session it started, and `sessions`
/// sessions were started of each.
fn assert_no_start_retried(sb: &Sandbox, sessions: u64) {
    let starts = sb.starts();
    for (_, path, _) in FLOWS {
        let count = starts.get(path).copied().unwrap_or_default();
        assert_eq!(count.received, count.started, "{path} retried: {count:?}");
        assert_eq!(count.started, sessions, "{path}: {count:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_flow_of_every_provider_completes_with_the_persona() {
    let (sb, c) = hostile().await;
    let mut failures = Vec::new();
    for (kind, _, name) in FLOWS {
        // A start answer with unknown fields still starts the session.
        let handle = kind
            .start(&c, Script::Complete)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: the start failed: {e:?}"));
        let id = handle.id().to_owned();
        match wait(&c, handle).await {
            Ok(done) => {
                assert_eq!(done.id, id, "{kind:?}");
                assert_eq!(done.name.as_deref(), name, "{kind:?}");
                if name.is_none() {
                    assert_eq!(done.age_verified, Some(true), "{kind:?}");
                }
            }
            // Collected so one run names every flow that loses its login.
            Err(e) => failures.push(format!("{kind:?}: {e:?}")),
        }
    }
    assert!(failures.is_empty(), "logins lost:\n{}", failures.join("\n"));
    assert_no_start_retried(&sb, 1);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn every_failure_persona_gives_a_typed_error() {
    let (sb, c) = hostile().await;
    let scripts = [
        Script::Cancel,
        Script::Fail("AUTH_FAILED"),
        Script::Fail("FUTURE_ERROR_CODE"),
    ];
    let mut wrong = Vec::new();
    for script in scripts {
        for (kind, _, _) in FLOWS {
            let handle = kind
                .start(&c, script)
                .await
                .unwrap_or_else(|e| panic!("{kind:?} {script:?}: the start failed: {e:?}"));
            let result = wait(&c, handle).await;
            let typed = match (script, &result) {
                (Script::Cancel, Err(Error::Cancelled { .. })) => true,
                (Script::Fail(code), Err(Error::Failed { code: got, .. })) => {
                    got.as_str() == code
                        && (code != "AUTH_FAILED" || *got == FailureCode::AuthFailed)
                        && (code != "FUTURE_ERROR_CODE" || got.is_unknown())
                }
                _ => false,
            };
            if !typed {
                wrong.push(format!("{kind:?} {script:?}: {result:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "untyped outcomes:\n{}", wrong.join("\n"));
    assert_no_start_retried(&sb, scripts.len() as u64);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn every_session_meets_every_hostile_answer_and_the_http_date_is_honoured() {
    let (sb, c) = hostile().await;
    for (kind, _, _) in FLOWS {
        let handle = kind.start(&c, Script::Complete).await.expect("start");
        // The outcome is the first test's business; here: what each session met on the way.
        let _ = wait(&c, handle).await;
    }
    let stats = sb.hostile_stats();
    let n = FLOWS.len() as u64;
    assert_eq!(stats.bad_gateway, n, "{stats:?}");
    assert_eq!(stats.empty_rate_limited, n, "{stats:?}");
    assert_eq!(stats.unknown_status, n, "{stats:?}");
    // The client came back no earlier than the HTTP date it was given.
    assert_eq!(stats.early_reads, 0, "{stats:?}");
    assert_no_start_retried(&sb, 1);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_unknown_session_is_expired_at_once_through_every_facade() {
    let (sb, c) = hostile().await;
    let id = "00000000-0000-4000-8000-000000000000";
    let mut results = Vec::new();
    macro_rules! read {
        ($($facade:ident . $getter:ident),* $(,)?) => {$(
            let session = c.$facade().$getter(id).expect("a session handle");
            results.push((stringify!($facade.$getter), session.wait().await.map(|_| ())));
        )*};
    }
    read!(
        bankid_se.auth_session,
        bankid_se.sign_session,
        bankid_se.age_verification_session,
        freja.auth_session,
        freja.sign_session,
        freja.age_verification_session,
        bankid_no.auth_session,
        bankid_no.sign_session,
        bankid_no.age_verification_session,
        vipps.auth_session,
        mitid.auth_session,
        mitid.sign_session,
        mitid.age_verification_session,
        ftn.auth_session,
        ftn.age_verification_session,
    );
    let wrong: Vec<String> = results
        .iter()
        .filter(|(_, r)| !matches!(r, Err(Error::Expired { id: got }) if got == id))
        .map(|(facade, r)| format!("{facade}: {r:?}"))
        .collect();
    assert!(wrong.is_empty(), "not Expired:\n{}", wrong.join("\n"));
    // At once: one read each, no retries. (A resumed session still waits its first second:
    // the instance that started it may have just read it.)
    let reads = sb.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(reads, results.len());
    assert_eq!(sb.hostile_stats().empty_not_found, results.len() as u64);
    sb.shutdown().await;
}
