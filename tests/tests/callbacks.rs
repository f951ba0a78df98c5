//! Callbacks end to end: a signed callback wakes the session waiting for it at once, through
//! `Client::deliver_callback` or the axum endpoint; a wrong or missing signature is rejected
//! and wakes nothing; polling stays the fallback.

use std::time::Duration;

use idkollen_ext::callback::{self, CallbackError, SIGNATURE_HEADER, SignatureError, sign};
use idkollen_ext::{Client, Error, FailureCode, Poller};
use idkollen_sandbox::Sandbox;
use idkollen_tests::sandbox;
use tokio::time::Instant;

/// Serves `callback::router` on loopback; returns its URL.
async fn receiver(client: Client) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, callback::router(client)).await });
    format!("http://{addr}/")
}

fn status_reads(sb: &Sandbox, id: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(id))
        .count()
}

fn completed_body(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","status":"COMPLETED","ssn":"198112289874","name":"Anna Andersson","givenName":"Anna","surname":"Andersson"}}"#
    )
}

#[tokio::test(start_paused = true)]
async fn a_signed_callback_wakes_a_waiting_session_before_its_first_status_read() {
    let (sb, client) = sandbox::start().await;
    let session = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let waiter = tokio::spawn({
        let session = session.clone();
        async move { (session.wait().await, Instant::now()) }
    });

    tokio::time::sleep(Duration::from_millis(300)).await;
    let body = completed_body(session.id());
    let delivered_at = Instant::now();
    let callback = client
        .deliver_callback(
            body.as_bytes(),
            Some(&sign(body.as_bytes(), sb.callback_secret().as_bytes())),
        )
        .unwrap();
    assert_eq!(callback.id(), session.id());

    let (identity, returned_at) = waiter.await.unwrap();
    assert_eq!(identity.unwrap().name, "Anna Andersson");
    assert!(
        returned_at - delivered_at <= Duration::from_millis(50),
        "woken {:?} after the callback",
        returned_at - delivered_at
    );
    assert_eq!(
        status_reads(&sb, session.id()),
        0,
        "the callback, not a status read, ended the wait"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wrong_or_missing_signature_is_rejected_and_polling_goes_on() {
    let (sb, client) = sandbox::start().await;
    let session = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let body = completed_body(session.id());

    let wrong = sign(body.as_bytes(), b"not-the-callback-secret");
    assert!(matches!(
        client.deliver_callback(body.as_bytes(), Some(&wrong)),
        Err(CallbackError::Signature(SignatureError::Mismatch))
    ));
    assert!(matches!(
        client.deliver_callback(body.as_bytes(), None),
        Err(CallbackError::Signature(SignatureError::Missing))
    ));
    let unsigned_client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .build()
        .unwrap();
    assert!(matches!(
        unsigned_client.deliver_callback(body.as_bytes(), Some(&wrong)),
        Err(CallbackError::NoSecret)
    ));

    // Nothing woke the session: it is still waiting two seconds later.
    let still_waiting = tokio::time::timeout(Duration::from_secs(2), session.wait()).await;
    assert!(
        still_waiting.is_err(),
        "a rejected callback must not end the wait"
    );

    // Polling is the fallback: complete it on the server and the next read sees it.
    sb.complete(session.id()).unwrap();
    assert_eq!(session.wait().await.unwrap().name, "Anna Andersson");
}

#[tokio::test(start_paused = true)]
async fn the_sandbox_callback_through_the_axum_endpoint_ends_the_wait() {
    let (sb, client) = sandbox::start().await;
    let url = receiver(client.clone()).await;
    let session = client
        .bankid_se()
        .auth()
        .callback_url(url)
        .send()
        .await
        .unwrap();
    let started = Instant::now();
    let identity = session.wait().await.unwrap();
    assert_eq!(identity.ssn, "198112289874");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "ended at {:?}, before the first status read",
        started.elapsed()
    );
    assert_eq!(status_reads(&sb, session.id()), 0);
    // The session woke while the sandbox was still reading our 204; let it record the delivery.
    let delivered = || {
        sb.callbacks()
            .iter()
            .any(|c| c.session_id == session.id() && c.delivered)
    };
    for _ in 0..100 {
        if delivered() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        delivered(),
        "the sandbox recorded the callback as delivered"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_callback_with_an_unknown_code_ends_the_wait_with_that_code() {
    let (sb, client) = sandbox::start().await;
    let url = receiver(client.clone()).await;
    let session = client
        .freja()
        .auth()
        .ref_id("sandbox:fail:FUTURE_ERROR_CODE")
        .callback_url(url)
        .send()
        .await
        .unwrap();
    match session.wait().await {
        Err(Error::Failed { code, .. }) => {
            assert_eq!(code.as_str(), "FUTURE_ERROR_CODE");
            assert!(matches!(code, FailureCode::Unknown(_)));
        }
        other => panic!("expected a typed failure, got {other:?}"),
    }
    assert_eq!(status_reads(&sb, session.id()), 0);
}

#[tokio::test(start_paused = true)]
async fn the_endpoint_answers_401_to_bad_signatures_and_400_to_bad_bodies() {
    let (sb, client) = sandbox::start().await;
    let url = receiver(client).await;
    let http = reqwest::Client::new();
    let body = completed_body("s1");
    let post = |body: String, signature: Option<String>| {
        let mut request = http.post(&url).body(body);
        if let Some(signature) = signature {
            request = request.header(SIGNATURE_HEADER, signature);
        }
        request.send()
    };
    let secret = sb.callback_secret().as_bytes();
    assert_eq!(post(body.clone(), None).await.unwrap().status(), 401);
    assert_eq!(
        post(body.clone(), Some(sign(body.as_bytes(), b"wrong")))
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        post("[]".into(), Some(sign(b"[]", secret)))
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        post(body.clone(), Some(sign(body.as_bytes(), secret)))
            .await
            .unwrap()
            .status(),
        204
    );
}
