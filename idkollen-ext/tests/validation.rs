//! Request builders refuse what the API would refuse, naming the field, before anything is
//! sent; and credentials never reach the logs.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use idkollen_ext::types::{CallInitiator, FrejaCountry};
use idkollen_ext::{Client, Error, Poller};
use support::*;

fn field(result: Result<impl std::fmt::Debug, Error>) -> &'static str {
    match result {
        Err(Error::Validation(v)) => v.field(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn limits_are_checked_before_sending() {
    let mock = Mock::start().await;
    let c: Client = mock.client();
    let long = |n: usize| "ä".repeat(n);

    // BankID SE.
    assert_eq!(field(c.bankid_se().sign(long(50_001)).send().await), "text");
    assert_eq!(field(c.bankid_se().sign("").send().await), "text");
    assert_eq!(
        field(c.bankid_se().sign("ok").digest("").send().await),
        "digest"
    );
    assert_eq!(
        field(c.bankid_se().auth().intent("").send().await),
        "intent"
    );
    assert_eq!(
        field(c.bankid_se().auth().intent(long(2_001)).send().await),
        "intent"
    );
    // The guide's limit: 1,500 characters after base64, i.e. 1,125 bytes of UTF-8 (stricter than
    // the reference's 2,000 characters).
    assert_eq!(
        field(c.bankid_se().auth().intent("a".repeat(1_126)).send().await),
        "intent"
    );
    assert_eq!(
        field(
            c.bankid_se()
                .phone_auth("199001012310", CallInitiator::Rp)
                .intent(long(563))
                .send()
                .await
        ),
        "intent"
    );
    assert_eq!(field(c.bankid_se().auth().ssn(" ").send().await), "ssn");
    assert_eq!(
        field(c.bankid_se().auth().callback_url("not a url").send().await),
        "callbackUrl"
    );
    assert_eq!(
        field(c.bankid_se().phone_auth("", CallInitiator::Rp).send().await),
        "ssn"
    );
    assert_eq!(
        field(
            c.bankid_se()
                .phone_sign("199001012310", long(50_001), CallInitiator::User)
                .send()
                .await
        ),
        "text"
    );
    assert_eq!(field(c.bankid_se().verify("").await), "qrCode");
    assert_eq!(
        field(c.bankid_se().auth().ip_address("10.0.0.300").send().await),
        "ipAddress"
    );
    assert_eq!(
        field(
            c.bankid_se()
                .sign("ok")
                .ip_address("localhost")
                .send()
                .await
        ),
        "ipAddress"
    );

    // Freja.
    assert_eq!(field(c.freja().sign("").send().await), "text");
    assert_eq!(
        field(
            c.freja()
                .backchannel_auth("", FrejaCountry::Sweden)
                .send()
                .await
        ),
        "ssn"
    );
    assert_eq!(
        field(
            c.freja()
                .backchannel_sign("199001012310", FrejaCountry::Norway, "")
                .send()
                .await
        ),
        "text"
    );

    // BankID NO.
    assert_eq!(
        field(c.bankid_no().sign().text(long(119)).send().await),
        "text"
    );
    assert_eq!(field(c.bankid_no().sign().send().await), "text");
    assert_eq!(
        field(
            c.bankid_no()
                .sign()
                .text("a")
                .documents(["doc-1"])
                .send()
                .await
        ),
        "text"
    );
    assert_eq!(
        field(c.bankid_no().sign().documents([""]).send().await),
        "documents"
    );
    assert_eq!(
        field(c.bankid_no().backchannel_auth("").send().await),
        "ssn"
    );
    assert_eq!(
        field(c.bankid_no().auth().redirect_url("/relative").send().await),
        "redirectUrl"
    );

    // Vipps.
    assert_eq!(field(c.vipps().backchannel_auth("").send().await), "phone");
    assert_eq!(
        field(c.vipps().auth().app_callback_uri("::").send().await),
        "appCallbackUri"
    );

    // MitID.
    assert_eq!(field(c.mitid().sign("").send().await), "text");
    assert_eq!(field(c.mitid().sign(long(601)).send().await), "text");
    assert_eq!(
        field(c.mitid().auth().reference_text(long(131)).send().await),
        "referenceText"
    );
    assert_eq!(
        field(c.mitid().auth().reference_text("100% sure").send().await),
        "referenceText"
    );
    assert_eq!(
        field(c.mitid().auth().reference_text("a <b>").send().await),
        "referenceText"
    );
    assert_eq!(
        field(c.mitid().backchannel_auth("0101901001", "").send().await),
        "bindingMessage"
    );
    assert_eq!(
        field(c.mitid().backchannel_auth("", "hi").send().await),
        "ssn"
    );

    // Age verification, every provider.
    assert_eq!(
        field(c.ftn().age_verification().min_age(0).send().await),
        "minAge"
    );
    assert_eq!(
        field(c.mitid().age_verification().max_age(0).send().await),
        "maxAge"
    );
    assert_eq!(
        field(
            c.freja()
                .age_verification()
                .min_age(30)
                .max_age(18)
                .send()
                .await
        ),
        "minAge"
    );
    assert_eq!(
        field(
            c.bankid_no()
                .age_verification()
                .callback_url("x")
                .send()
                .await
        ),
        "callbackUrl"
    );

    // Documents.
    assert_eq!(
        field(c.documents().upload("a.pdf", Vec::<u8>::new()).await),
        "file"
    );
    assert_eq!(field(c.documents().download("").await), "documentId");

    assert!(mock.log().is_empty(), "sent: {:?}", mock.log());
}

#[tokio::test(start_paused = true)]
async fn values_at_the_limits_are_sent() {
    let mock = Mock::start().await;
    let c = mock.client();
    let pending = json(201, pending("s1"));
    for path in [
        "/v3/bankid-se/sign",
        "/v3/bankid-no/sign",
        "/v3/mitid/sign",
        "/v3/mitid/auth",
    ] {
        mock.on(Method::POST, path, [pending.clone()]);
    }
    c.bankid_se().sign("å".repeat(50_000)).send().await.unwrap();
    c.bankid_no()
        .sign()
        .text("å".repeat(118))
        .send()
        .await
        .unwrap();
    c.mitid().sign("å".repeat(600)).send().await.unwrap();
    c.mitid()
        .auth()
        .reference_text("å".repeat(130))
        .send()
        .await
        .unwrap();
    assert_eq!(mock.log().len(), 4);
    let body: serde_json::Value = serde_json::from_str(&mock.log()[1].body).unwrap();
    assert_eq!(body["text"].as_str().unwrap().chars().count(), 118);
}

/// A `MakeWriter` that keeps everything written.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test(start_paused = true)]
async fn credentials_never_reach_the_logs() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = Mock::start().await;
    mock.on(
        Method::POST,
        "/v3/bankid-se/auth",
        [json(201, bankid_pending("s1", None))],
    );
    mock.on(
        Method::GET,
        "/v3/bankid-se/auth/s1",
        [raw(503, ""), json(200, failed("s1", "AUTH_FAILED"))],
    );
    let c = mock.client();
    tracing::info!(client = ?c, "configured");
    let err = c
        .bankid_se()
        .auth()
        .send()
        .await
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    tracing::info!(error = ?err, "done");

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let encoded = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("acct-1:{SECRET}"),
    );
    assert!(!logs.contains(SECRET), "{logs}");
    assert!(!logs.contains(&encoded), "{logs}");
    // The request spans are there, with operation, status and duration.
    assert!(logs.contains("idkollen.request"), "{logs}");
    assert!(
        logs.contains("operation=\"bankid_se_start_auth\""),
        "{logs}"
    );
    assert!(
        logs.contains("operation=\"bankid_se_get_auth_status\""),
        "{logs}"
    );
    assert!(logs.contains("status=503"), "{logs}");
    assert!(logs.contains("duration_ms="), "{logs}");
}
