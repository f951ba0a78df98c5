//! The JSON every start builder sends, with every option set, pinned as a snapshot: a change
//! in a builder or in the spec shows up as a reviewable diff.

mod support;

use axum::http::Method;
use idkollen_ext::types::{CallInitiator, FrejaCountry, FrejaRegistrationLevel};
use support::*;

#[tokio::test(start_paused = true)]
async fn start_request_bodies() {
    let mock = Mock::start().await;
    let c = mock.client();
    let paths = [
        "/v3/bankid-se/auth",
        "/v3/bankid-se/phone/auth",
        "/v3/bankid-se/sign",
        "/v3/bankid-se/phone/sign",
        "/v3/bankid-se/age-verification",
        "/v3/freja/auth",
        "/v3/freja/backchannel/auth",
        "/v3/freja/sign",
        "/v3/freja/backchannel/sign",
        "/v3/bankid-no/auth",
        "/v3/bankid-no/backchannel/auth",
        "/v3/bankid-no/sign",
        "/v3/vipps/auth",
        "/v3/vipps/backchannel/auth",
        "/v3/mitid/auth",
        "/v3/mitid/backchannel/auth",
        "/v3/mitid/sign",
        "/v3/ftn/auth",
    ];
    for path in paths {
        // FTN's pending answer always carries the redirect URL.
        let mut answer = pending("p1");
        answer["url"] = "https://ftn.example/login".into();
        mock.on(Method::POST, path, [json(201, answer)]);
    }
    let cb = "https://rp.example/callback";
    let back = "https://rp.example/done";
    let ssn = "199001012310";

    c.bankid_se()
        .auth()
        .ssn(ssn)
        .ip_address("192.0.2.7")
        .callback_url(cb)
        .pin_required(true)
        .intent("Log in to Example Bank")
        .org_number("556677-8899")
        .request_address(true)
        .ref_id("r1")
        .send()
        .await
        .unwrap();
    c.bankid_se()
        .phone_auth(ssn, CallInitiator::Rp)
        .callback_url(cb)
        .intent("Phone support")
        .ref_id("r2")
        .send()
        .await
        .unwrap();
    c.bankid_se()
        .sign("I approve")
        .digest("c2lnbg==")
        .ssn(ssn)
        .ref_id("r3")
        .send()
        .await
        .unwrap();
    c.bankid_se()
        .phone_sign(ssn, "I approve", CallInitiator::User)
        .ref_id("r4")
        .send()
        .await
        .unwrap();
    mock.on(
        Method::POST,
        "/v3/bankid-se/age-verification",
        [json(201, pending("a1"))],
    );
    c.bankid_se()
        .age_verification()
        .min_age(18)
        .max_age(67)
        .callback_url(cb)
        .redirect_url(back)
        .ref_id("r5")
        .send()
        .await
        .unwrap();
    c.freja()
        .auth()
        .ssn(ssn)
        .min_registration_level(FrejaRegistrationLevel::Extended)
        .request_address(true)
        .ref_id("r6")
        .send()
        .await
        .unwrap();
    c.freja()
        .backchannel_auth(ssn, FrejaCountry::Sweden)
        .callback_url(cb)
        .ref_id("r7")
        .send()
        .await
        .unwrap();
    c.freja()
        .sign("Freja text")
        .ref_id("r8")
        .send()
        .await
        .unwrap();
    c.freja()
        .backchannel_sign("01019010046", FrejaCountry::Norway, "Freja text")
        .ref_id("r9")
        .send()
        .await
        .unwrap();
    c.bankid_no()
        .auth()
        .redirect_url(back)
        .app_callback_uri("myapp://back")
        .request_ssn(true)
        .request_email(true)
        .ref_id("r10")
        .send()
        .await
        .unwrap();
    c.bankid_no()
        .backchannel_auth("01019010046")
        .callback_url(cb)
        .ref_id("r11")
        .send()
        .await
        .unwrap();
    c.bankid_no()
        .sign()
        .documents(["doc-1", "doc-2"])
        .redirect_url(back)
        .ref_id("r12")
        .send()
        .await
        .unwrap();
    c.vipps()
        .auth()
        .redirect_url(back)
        .request_phone(true)
        .ref_id("r13")
        .send()
        .await
        .unwrap();
    c.vipps()
        .backchannel_auth("+4740000001")
        .request_ssn(true)
        .ref_id("r14")
        .send()
        .await
        .unwrap();
    c.mitid()
        .auth()
        .reference_text("Log in to Example Bank")
        .redirect_url(back)
        .ref_id("r15")
        .send()
        .await
        .unwrap();
    c.mitid()
        .backchannel_auth("0101901001", "Example Bank 4711")
        .ref_id("r16")
        .send()
        .await
        .unwrap();
    c.mitid()
        .sign("Jeg godkender")
        .redirect_url(back)
        .ref_id("r17")
        .send()
        .await
        .unwrap();
    c.ftn()
        .auth()
        .redirect_url(back)
        .request_address(true)
        .ref_id("r18")
        .send()
        .await
        .unwrap();

    // progenitor's `api-version` header is documented nowhere; the generated client removes it.
    for logged in mock.log() {
        assert!(
            !logged.headers.contains_key("api-version"),
            "{} sent an api-version header",
            logged.path
        );
    }
    let bodies: serde_json::Map<String, serde_json::Value> = mock
        .log()
        .into_iter()
        .map(|l| (l.path, serde_json::from_str(&l.body).unwrap()))
        .collect();
    assert_eq!(bodies.len(), 18);
    insta::assert_json_snapshot!("start_request_bodies", bodies);
}
