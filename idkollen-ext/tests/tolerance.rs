//! The tolerant reader against a scripted server that answers as a proxy or a newer service
//! may: bodies that do not fit the spec, error answers of any shape, transport failures that
//! cannot heal. A completed login is never lost, and every failure is typed.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::Method;
use idkollen_ext::types::{BankIdSeCompleted, MitIdCompleted};
use idkollen_ext::{Client, Error, Flow, Poller, Provider, SessionHandle};
use serde_json::json;
use support::*;

const BANKID_START: &str = "/v3/bankid-se/auth";
const BANKID_STATUS: &str = "/v3/bankid-se/auth/s1";
const MITID_START: &str = "/v3/mitid/auth";
const MITID_STATUS: &str = "/v3/mitid/auth/s1";

const HTML: &str =
    "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";

/// A MitID COMPLETED answer without `ssn` (the newest official client has it optional) is a
/// completed login, not a decode error retried until the budget runs out.
#[tokio::test(start_paused = true)]
async fn a_mitid_completion_without_ssn_arrives() {
    let mock = Mock::start().await;
    mock.on(Method::POST, MITID_START, [json(201, pending("s1"))]);
    mock.on(
        Method::GET,
        MITID_STATUS,
        [json(
            200,
            json!({"id": "s1", "status": "COMPLETED", "name": "Mette Hansen", "givenName": "Mette",
                   "surname": "Hansen", "authenticatedAt": "2026-12-03T10:00:00+01:00"}),
        )],
    );
    let session = mock.client().mitid().auth().send().await.unwrap();
    let user = session.wait().await.expect("the login arrives");
    assert_eq!(user.name, "Mette Hansen");
    assert_eq!(mock.count(&Method::GET, MITID_STATUS), 1);
}

/// A completion missing a field the spec requires, with a field of another type, still ends
/// the session: the result says what it could not read and keeps the body.
#[tokio::test(start_paused = true)]
async fn a_completion_that_does_not_fit_is_read_for_what_it_holds() {
    let mock = Mock::start().await;
    let body = json!({"id": "s1", "status": "COMPLETED", "ssn": "198112289874",
                      "givenName": "Anna", "surname": ["Andersson"], "certStartDate": "2020-01-01T00:00:00Z",
                      "newField": {"x": 1}});
    mock.on(
        Method::POST,
        BANKID_START,
        [json(201, bankid_pending("s1", None))],
    );
    mock.on(Method::GET, BANKID_STATUS, [json(200, body.clone())]);
    let session = mock.client().bankid_se().auth().send().await.unwrap();
    let user = session.wait().await.expect("the login arrives");
    assert_eq!(
        (user.ssn.as_str(), user.given_name.as_str()),
        ("198112289874", "Anna")
    );
    assert!(!user.is_whole());
    let mut unread = user.unread_fields().to_vec();
    unread.sort();
    assert_eq!(unread, ["name", "surname"]);
    assert_eq!(user.raw(), Some(&body));
    assert_eq!(mock.count(&Method::GET, BANKID_STATUS), 1);
}

/// A start answer that does not fit (a token of another type, extra members) still starts
/// the session: the start is sent once and the session is not lost.
#[tokio::test(start_paused = true)]
async fn a_start_answer_that_does_not_fit_still_gives_the_session() {
    let mock = Mock::start().await;
    mock.on(
        Method::POST,
        BANKID_START,
        [json(
            201,
            json!({"id": "s1", "status": "PENDING", "autoStartToken": 17, "qrStartToken": "q",
                   "qrStartSecret": "k", "extra": [1, 2, 3]}),
        )],
    );
    mock.on(
        Method::GET,
        BANKID_STATUS,
        [json(200, bankid_completed("s1"))],
    );
    let session = mock.client().bankid_se().auth().send().await.unwrap();
    assert_eq!(session.id(), "s1");
    assert_eq!(session.handle().auto_start_token(), Some("17"));
    session.wait().await.unwrap();
    assert_eq!(mock.count(&Method::POST, BANKID_START), 1);
}

/// A status read of an unknown session answered 404 with an empty body ends the wait as
/// `Expired` at once: one read, no retries.
#[tokio::test(start_paused = true)]
async fn an_empty_404_ends_the_wait_as_expired_at_once() {
    let mock = Mock::start().await;
    mock.on(Method::GET, BANKID_STATUS, [bare(404, "", &[])]);
    let handle = SessionHandle::new(Provider::BankIdSe, Flow::Auth, "s1");
    let session = mock.client().resume::<BankIdSeCompleted>(handle).unwrap();
    let err = session.wait().await.unwrap_err();
    assert!(
        matches!(err, Error::Expired { ref id } if id == "s1"),
        "{err:?}"
    );
    assert_eq!(mock.count(&Method::GET, BANKID_STATUS), 1);
}

/// Error answers of every shape keep their status, `Retry-After` (both forms) and the message
/// when there is one.
#[tokio::test(start_paused = true)]
async fn error_answers_of_any_body_keep_status_and_retry_after() {
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    let cases: Vec<(Reply, u16, Option<&str>, bool)> = vec![
        (bare(400, "", &[]), 400, None, false),
        (
            bare(400, HTML, &[("content-type", "text/html")]),
            400,
            None,
            false,
        ),
        (
            bare(400, "ssn is not valid", &[("content-type", "text/plain")]),
            400,
            Some("ssn is not valid"),
            false,
        ),
        (
            bare(
                400,
                r#"{"error":"bad_request"}"#,
                &[("content-type", "application/json")],
            ),
            400,
            Some("bad_request"),
            false,
        ),
        (
            bare(401, "", &[("www-authenticate", "Basic")]),
            401,
            None,
            false,
        ),
        (
            bare(401, HTML, &[("content-type", "text/html")]),
            401,
            None,
            false,
        ),
        (bare(429, "", &[("retry-after", "7")]), 429, None, true),
        (bare(429, "", &[("retry-after", &soon)]), 429, None, true),
        (
            bare(
                429,
                HTML,
                &[("content-type", "text/html"), ("retry-after", "2")],
            ),
            429,
            None,
            true,
        ),
        (
            bare(502, HTML, &[("content-type", "text/html")]),
            502,
            None,
            false,
        ),
    ];
    for (reply, status, message, has_retry_after) in cases {
        let mock = Mock::start().await;
        mock.on(Method::POST, BANKID_START, [reply.clone()]);
        let err = mock.client().bankid_se().auth().send().await.unwrap_err();
        assert!(matches!(err, Error::Api { .. }), "{reply:?}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{reply:?}");
        assert_eq!(err.message(), message, "{reply:?}");
        assert_eq!(
            err.retry_after().is_some(),
            has_retry_after,
            "{reply:?}: {err:?}"
        );
        // A start is never sent twice, whatever the answer.
        assert_eq!(mock.count(&Method::POST, BANKID_START), 1);
    }
}

/// `Retry-After` as an HTTP date is honoured by the waiting loop.
#[tokio::test(start_paused = true)]
async fn an_http_date_retry_after_is_waited_out() {
    let mock = Mock::start().await;
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(5));
    mock.on(
        Method::GET,
        BANKID_STATUS,
        [
            bare(429, "", &[("retry-after", &later)]),
            json(200, bankid_completed("s1")),
        ],
    );
    let handle = SessionHandle::new(Provider::BankIdSe, Flow::Auth, "s1");
    let session = mock.client().resume::<BankIdSeCompleted>(handle).unwrap();
    session.wait().await.unwrap();
    let reads = mock.times(&Method::GET, BANKID_STATUS);
    assert_eq!(reads.len(), 2);
    // The date has a resolution of one second.
    let gap = (reads[1] - reads[0]).as_secs_f64();
    assert!(gap >= 3.9, "{gap}");
}

/// A proxy's 502 page and an unknown status in the middle of a session are ridden out; 401 and
/// 403 are not retried.
#[tokio::test(start_paused = true)]
async fn a_proxy_error_page_is_retried_but_401_and_403_are_not() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        BANKID_STATUS,
        [
            bare(502, HTML, &[("content-type", "text/html")]),
            json(
                200,
                json!({"id": "s1", "status": "VERIFYING", "extra": true}),
            ),
            bare(503, "", &[]),
            json(200, bankid_completed("s1")),
        ],
    );
    let handle = SessionHandle::new(Provider::BankIdSe, Flow::Auth, "s1");
    let session = mock.client().resume::<BankIdSeCompleted>(handle).unwrap();
    assert_eq!(session.wait().await.unwrap().name, "Anna Andersson");
    assert_eq!(mock.count(&Method::GET, BANKID_STATUS), 4);

    for status in [401, 403] {
        let mock = Mock::start().await;
        mock.on(Method::GET, BANKID_STATUS, [bare(status, "", &[])]);
        let handle = SessionHandle::new(Provider::BankIdSe, Flow::Auth, "s1");
        let session = mock.client().resume::<BankIdSeCompleted>(handle).unwrap();
        let err = session.wait().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(!err.is_retryable());
        assert_eq!(mock.count(&Method::GET, BANKID_STATUS), 1);
    }
}

/// A callback whose body does not fit the spec still ends the wait with the login.
#[tokio::test(start_paused = true)]
async fn a_callback_that_does_not_fit_still_ends_the_wait() {
    let mock = Mock::start().await;
    mock.on(Method::POST, MITID_START, [json(201, pending("s1"))]);
    mock.on(Method::GET, MITID_STATUS, [json(200, pending("s1"))]);
    let client = Client::builder()
        .base_url(&mock.base_url)
        .credentials("acct-1", SECRET)
        .callback_secret("cb-secret")
        .build()
        .unwrap();
    let session = client.mitid().auth().send().await.unwrap();
    let body = br#"{"id":"s1","status":"COMPLETED","name":"Mette Hansen","givenName":"Mette","birthDate":"1990-05-01T00:00:00+02:00"}"#;
    let signature = sign(b"cb-secret", body);
    let waiter = tokio::spawn(async move { session.wait().await });
    tokio::task::yield_now().await;
    client.deliver_callback(body, Some(&signature)).unwrap();
    let user = waiter.await.unwrap().expect("the login arrives");
    assert_eq!(user.name, "Mette Hansen");
    assert_eq!(user.birth_date, chrono::NaiveDate::from_ymd_opt(1990, 5, 1));
    assert!(user.unread_fields().contains(&"surname".to_owned()));
}

fn sign(secret: &[u8], body: &[u8]) -> String {
    use base64::Engine as _;
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// `Debug` of a result and of a callback shows the session, not the person.
#[tokio::test(start_paused = true)]
async fn debug_output_holds_no_personal_data() {
    let mock = Mock::start().await;
    mock.on(
        Method::POST,
        BANKID_START,
        [json(201, bankid_pending("s1", None))],
    );
    let mut completed = bankid_completed("s1");
    completed["ocspResponse"] = "MIIHkwoBAKCCB4wwggeIBgkrBgEFBQcwAQEEggd5".into();
    completed["address"] = "Storgatan 1, Stockholm".into();
    completed["certStartDate"] = "2020-01-01".into();
    completed["device"] = json!({"ipAddress": "192.0.2.7"});
    mock.on(Method::GET, BANKID_STATUS, [json(200, completed.clone())]);
    let session = mock.client().bankid_se().auth().send().await.unwrap();
    let user = session.wait().await.unwrap();
    let printed = format!("{user:?} {user:#?}");
    let personal = [
        "198112289874",
        "Anna",
        "Andersson",
        "MIIHkwoBAKCCB4wwggeIBgkrBgEFBQcwAQEEggd5",
        "Storgatan",
        "192.0.2.7",
    ];
    for value in personal {
        assert!(!printed.contains(value), "{value} in {printed}");
    }
    assert!(
        printed.contains("s1") && printed.contains("order-17"),
        "{printed}"
    );

    let mitid = json!({"id": "s2", "status": "COMPLETED", "ssn": "0101901234", "name": "Mette Hansen",
                       "givenName": "Mette", "surname": "Hansen", "birthDate": "1990-01-01",
                       "phone": "+4512345678", "email": "mette@example.dk"});
    let callback = idkollen_ext::callback::parse_callback(mitid.to_string().as_bytes()).unwrap();
    let printed = format!("{callback:?}");
    for value in [
        "0101901234",
        "Mette",
        "Hansen",
        "1990-01-01",
        "+4512345678",
        "mette@example.dk",
    ] {
        assert!(!printed.contains(value), "{value} in {printed}");
    }
    assert!(printed.contains("s2"), "{printed}");
    let typed: MitIdCompleted = callback.completed_as().unwrap().unwrap();
    assert_eq!(typed.name, "Mette Hansen");
}

/// A resolver that knows no name, counting how often it was asked.
#[derive(Default)]
struct NoNames(AtomicUsize);

impl reqwest::dns::Resolve for NoNames {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Err::<reqwest::dns::Addrs, _>(Box::new(std::io::Error::other("no such host")) as _)
        })
    }
}

/// A host name that does not resolve fails at once instead of spending the retry budget.
#[tokio::test]
async fn an_unresolvable_host_fails_at_once() {
    let resolver = Arc::new(NoNames::default());
    let client = Client::builder()
        .base_url("http://idkollen.invalid")
        .credentials("acct-1", SECRET)
        .http_client(reqwest::Client::builder().dns_resolver(resolver.clone()))
        .build()
        .unwrap();
    let handle = SessionHandle::new(Provider::BankIdSe, Flow::Auth, "s1");
    let err = client
        .resume::<BankIdSeCompleted>(handle)
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(resolver.0.load(Ordering::SeqCst), 1);
}

/// A server that does not speak TLS where TLS is expected (a refused handshake) fails at once.
#[tokio::test]
async fn a_failed_tls_handshake_fails_at_once() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 512];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let client = Client::builder()
        .base_url(format!("https://{addr}"))
        .credentials("acct-1", SECRET)
        .build()
        .unwrap();
    let handle = SessionHandle::new(Provider::BankIdSe, Flow::Auth, "s1");
    let err = client
        .resume::<BankIdSeCompleted>(handle)
        .unwrap()
        .wait()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(!err.is_retryable(), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}
