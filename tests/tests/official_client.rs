//! IDkollen's official Rust client (`identisure-client`), pointed at idkollen-sandbox, runs every
//! operation it has successfully: the sandbox speaks the wire format of the real service as the
//! official client understands it, not only as our own spec does.

use std::collections::BTreeSet;
use std::time::Duration;

use identisure_client::models::*;
use identisure_client::{IdentisureClient, IdentisureClientBuilder, PollOptions};
use idkollen_ext::qr::qr_auth_code;
use idkollen_sandbox::{Sandbox, Timings};
use idkollen_tests::spec;

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn poll() -> PollOptions {
    PollOptions {
        interval: Duration::from_secs(1),
        timeout: Duration::from_secs(60),
    }
}

async fn client(sb: &Sandbox) -> IdentisureClient {
    IdentisureClientBuilder::new(sb.account_id(), sb.secret_key())
        .base_url(sb.base_url())
        .build()
        .expect("the official client builds")
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// The spec's operations as `METHOD /path/{param}` strings.
fn spec_operations() -> BTreeSet<String> {
    let spec = spec::load();
    spec::operations(&spec)
        .iter()
        .map(|op| format!("{} {}", op.method, op.path))
        .collect()
}

/// A request path mapped back to the spec's template (`/v3/x/auth/abc` -> `/v3/x/auth/{id}`).
fn template(method: &str, path: &str, templates: &BTreeSet<String>) -> Option<String> {
    templates
        .iter()
        .find(|t| {
            let (m, p) = t.split_once(' ').unwrap();
            let (ts, ps): (Vec<_>, Vec<_>) = (p.split('/').collect(), path.split('/').collect());
            m == method
                && ts.len() == ps.len()
                && ts
                    .iter()
                    .zip(&ps)
                    .all(|(t, p)| t.starts_with('{') || t == p)
        })
        .cloned()
}

#[tokio::test(start_paused = true)]
async fn the_official_client_runs_every_operation_against_the_sandbox() {
    let sb = Sandbox::builder()
        .timings(Timings::fast())
        .start()
        .await
        .unwrap();
    let c = client(&sb).await;
    let pno = Pno::parse("198112289874").unwrap();
    let manual = || "sandbox:manual".to_string();

    // BankID SE: every start, verify, every status read, every cancel.
    let se = c.bankid_se();
    let BankIdSeStatus::Pending(p) = se
        .auth(BankIdSeAuthRequest::new().ref_id("o-1"))
        .await
        .unwrap()
    else {
        panic!()
    };
    let qr = format!(
        "bankid.{}.0.{}",
        p.qr_start_token.clone().unwrap(),
        qr_auth_code(p.qr_start_secret.as_deref().unwrap(), 0)
    );
    let verified = se.verify(BankIdSeVerifyRequest::new(qr)).await.unwrap();
    assert_eq!(verified.name, "Anna Andersson");
    let done = se.wait_for_auth(&p.id, poll()).await.unwrap();
    assert!(
        matches!(done, BankIdSeStatus::Completed(ref c) if c.ref_id.as_deref() == Some("o-1")),
        "{done:?}"
    );
    let BankIdSeStatus::Pending(p) = se
        .phone_auth(BankIdSePhoneAuthRequest::new(
            pno.clone(),
            CallInitiator::User,
        ))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        se.auth_status(&p.id).await.unwrap(),
        BankIdSeStatus::Pending(_)
    ));
    se.cancel_auth(&p.id).await.unwrap();
    let BankIdSeStatus::Pending(p) = se
        .sign(BankIdSeSignRequest::new("I agree").ref_id(manual()))
        .await
        .unwrap()
    else {
        panic!()
    };
    se.cancel_sign(&p.id).await.unwrap();
    let BankIdSeStatus::Pending(p) = se
        .phone_sign(BankIdSePhoneSignRequest::new(
            pno.clone(),
            CallInitiator::Rp,
            "I agree",
        ))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        se.wait_for_sign(&p.id, poll()).await.unwrap(),
        BankIdSeStatus::Completed(_)
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(matches!(
        se.sign_status(&p.id).await.unwrap(),
        BankIdSeStatus::Completed(_)
    ));

    // Freja.
    let fr = c.freja();
    let FrejaStatus::Pending(p) = fr.auth(FrejaAuthRequest::new()).await.unwrap() else {
        panic!()
    };
    assert!(matches!(
        fr.wait_for_auth(&p.id, poll()).await.unwrap(),
        FrejaStatus::Completed(_)
    ));
    let FrejaStatus::Pending(p) = fr
        .backchannel_auth(
            FrejaBackchannelAuthRequest::new(
                "198112289874",
                Country::Sweden,
                FrejaRegistrationLevel::Extended,
            )
            .ref_id(manual()),
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        fr.auth_status(&p.id).await.unwrap(),
        FrejaStatus::Pending(_)
    ));
    fr.cancel_auth(&p.id).await.unwrap();
    let FrejaStatus::Pending(p) = fr
        .sign(FrejaSignRequest::new("I agree").ref_id(manual()))
        .await
        .unwrap()
    else {
        panic!()
    };
    fr.cancel_sign(&p.id).await.unwrap();
    let FrejaStatus::Pending(p) = fr
        .backchannel_sign(FrejaBackchannelSignRequest::new(
            "198112289874",
            Country::Sweden,
            "I agree",
        ))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        fr.wait_for_sign(&p.id, poll()).await.unwrap(),
        FrejaStatus::Completed(_)
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(matches!(
        fr.sign_status(&p.id).await.unwrap(),
        FrejaStatus::Completed(_)
    ));

    // BankID NO, with a PDF uploaded, signed and downloaded.
    let no = c.bankid_no();
    let NoPending(p) = NoPending::of(
        no.auth(BankIdNoAuthRequest::new().request_ssn(true))
            .await
            .unwrap(),
    );
    assert!(matches!(
        no.wait_for_auth(&p, poll()).await.unwrap(),
        BankIdNoStatus::Completed(_)
    ));
    let NoPending(p) = NoPending::of(
        no.backchannel_auth(
            BankIdNoBackchannelAuthRequest::new(Nnin::parse("15108695088").unwrap())
                .ref_id(manual()),
        )
        .await
        .unwrap(),
    );
    assert!(matches!(
        no.auth_status(&p).await.unwrap(),
        BankIdNoStatus::Pending(_)
    ));
    no.cancel_auth(&p).await.unwrap();
    let doc = c
        .document()
        .upload(PDF.to_vec(), "contract.pdf", "application/pdf")
        .await
        .unwrap();
    let NoPending(p) = NoPending::of(
        no.sign(BankIdNoSignRequest::new().documents(vec![doc.id.clone()]))
            .await
            .unwrap(),
    );
    let BankIdNoStatus::Completed(signed) = no.wait_for_sign(&p, poll()).await.unwrap() else {
        panic!()
    };
    assert_eq!(signed.signed_documents.unwrap()[0].id, doc.id);
    let pdf = c.document().download(&doc.id).await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(matches!(
        no.sign_status(&p).await.unwrap(),
        BankIdNoStatus::Completed(_)
    ));
    let NoPending(p) = NoPending::of(
        no.sign(BankIdNoSignRequest::new().text("I agree").ref_id(manual()))
            .await
            .unwrap(),
    );
    no.cancel_sign(&p).await.unwrap();

    // Vipps.
    let vi = c.vipps();
    let VippsStatus::Pending(p) = vi
        .auth(VippsAuthRequest::new().redirect_url(url("https://rp.example/back")))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        vi.wait_for_auth(&p.id, poll()).await.unwrap(),
        VippsStatus::Completed(_)
    ));
    let VippsStatus::Pending(p) = vi
        .backchannel_auth(VippsBackchannelAuthRequest::new("+4740000013"))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        vi.auth_status(&p.id).await.unwrap(),
        VippsStatus::Pending(_)
    ));
    vi.cancel_auth(&p.id).await.unwrap();

    // MitID.
    let mi = c.mitid();
    let MitIdStatus::Pending(p) = mi
        .auth(MitIdAuthRequest::new().reference_text("Log in"))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        mi.wait_for_auth(&p.id, poll()).await.unwrap(),
        MitIdStatus::Completed(_)
    ));
    let MitIdStatus::Pending(p) = mi
        .backchannel_auth(MitIdBackchannelAuthRequest::new(
            Cpr::parse("0101901013").unwrap(),
            "ABC-123",
        ))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        mi.auth_status(&p.id).await.unwrap(),
        MitIdStatus::Pending(_)
    ));
    mi.cancel_auth(&p.id).await.unwrap();
    let MitIdStatus::Pending(p) = mi.sign(MitIdSignRequest::new("I agree")).await.unwrap() else {
        panic!()
    };
    assert!(matches!(
        mi.wait_for_sign(&p.id, poll()).await.unwrap(),
        MitIdStatus::Completed(_)
    ));
    let MitIdStatus::Pending(p) = mi
        .sign(MitIdSignRequest::new("I agree").ref_id(manual()))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        mi.sign_status(&p.id).await.unwrap(),
        MitIdStatus::Pending(_)
    ));
    mi.cancel_sign(&p.id).await.unwrap();

    // FTN.
    let ft = c.ftn();
    let FtnStatus::Pending(p) = ft
        .auth(FtnAuthRequest::new().request_email(true))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        ft.wait_for_auth(&p.id, poll()).await.unwrap(),
        FtnStatus::Completed(_)
    ));
    let FtnStatus::Pending(p) = ft
        .auth(FtnAuthRequest::new().ref_id(manual()))
        .await
        .unwrap()
    else {
        panic!()
    };
    assert!(matches!(
        ft.auth_status(&p.id).await.unwrap(),
        FtnStatus::Pending(_)
    ));
    ft.cancel_auth(&p.id).await.unwrap();

    // Age verification on the five providers that have it: one completes, one is cancelled.
    let age = || AgeVerificationRequest::new().min_age(18);
    let pending = |s: AgeVerificationStatus| match s {
        AgeVerificationStatus::Pending(p) => p.id,
        other => panic!("{other:?}"),
    };
    macro_rules! age_flow {
        ($endpoint:expr) => {{
            let e = $endpoint;
            let id = pending(e.age_verification(age()).await.unwrap());
            let AgeVerificationStatus::Completed(done) =
                e.wait_for_age_verification(&id, poll()).await.unwrap()
            else {
                panic!()
            };
            assert!(done.age_verified);
            let id = pending(e.age_verification(age().ref_id(manual())).await.unwrap());
            assert!(matches!(
                e.age_verification_status(&id).await.unwrap(),
                AgeVerificationStatus::Pending(_)
            ));
            e.cancel_age_verification(&id).await.unwrap();
        }};
    }
    age_flow!(c.bankid_se());
    age_flow!(c.freja());
    age_flow!(c.bankid_no());
    age_flow!(c.mitid());
    age_flow!(c.ftn());

    // Every operation of the spec was called, and nothing else.
    let templates = spec_operations();
    let called: BTreeSet<String> = sb
        .requests()
        .iter()
        .map(|r| {
            template(&r.method, &r.path, &templates)
                .unwrap_or_else(|| panic!("{} {} is not in the spec", r.method, r.path))
        })
        .collect();
    let missing: Vec<_> = templates.difference(&called).collect();
    assert!(
        missing.is_empty(),
        "operations the official client did not run: {missing:?}"
    );
    sb.shutdown().await;
}

/// The id of a pending BankID NO status (its start answers are matched on in several places).
struct NoPending(String);

impl NoPending {
    fn of(status: BankIdNoStatus) -> Self {
        match status {
            BankIdNoStatus::Pending(p) => Self(p.id),
            other => panic!("expected PENDING, got {other:?}"),
        }
    }
}
