//! The polling engine against a scripted server, under Tokio's paused clock.

mod support;

use std::time::Duration;

use axum::http::Method;
use futures::StreamExt as _;
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{
    Error, FailureCode, HintCode, PollPolicy, Poller, Session, SessionHandle, SessionStatus,
};
use support::*;

const START: &str = "/v3/bankid-se/auth";
const STATUS: &str = "/v3/bankid-se/auth/s1";

async fn started(mock: &Mock) -> Session<BankIdSeCompleted> {
    mock.on(Method::POST, START, [json(201, bankid_pending("s1", None))]);
    mock.client().bankid_se().auth().send().await.unwrap()
}

fn gaps(times: &[tokio::time::Instant]) -> Vec<f64> {
    times.windows(2).map(|w| secs(w[1] - w[0])).collect()
}

#[tokio::test(start_paused = true)]
async fn completes_at_one_read_per_second() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            json(200, bankid_pending("s1", Some("outstandingTransaction"))),
            json(200, bankid_pending("s1", Some("userSign"))),
            json(200, bankid_completed("s1")),
        ],
    );
    let session = started(&mock).await;
    assert_eq!(session.handle().qr_start_token(), Some("qst-1"));
    assert_eq!(session.handle().auto_start_token(), Some("ast-1"));
    assert_eq!(session.ref_id(), Some("order-17"));
    let identity = session.wait().await.unwrap();
    assert_eq!(identity.name, "Anna Andersson");

    let start = mock.times(&Method::POST, START)[0];
    let reads = mock.times(&Method::GET, STATUS);
    assert_eq!(reads.len(), 3);
    let first = secs(reads[0] - start);
    assert!((1.0..1.1).contains(&first), "first read after {first}s");
    for gap in gaps(&reads) {
        assert!((1.0..1.1).contains(&gap), "gap {gap}s");
    }
}

#[tokio::test(start_paused = true)]
async fn a_slower_policy_reads_every_two_seconds() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            json(200, bankid_pending("s1", None)),
            json(200, bankid_completed("s1")),
        ],
    );
    let session = started(&mock).await;
    session
        .wait_with(&PollPolicy::new().interval(Duration::from_secs(2)))
        .await
        .unwrap();
    for gap in gaps(&mock.times(&Method::GET, STATUS)) {
        assert!((2.0..2.1).contains(&gap), "gap {gap}s");
    }
    // Under a second is raised to the service's limit.
    assert_eq!(
        PollPolicy::new()
            .interval(Duration::from_millis(100))
            .get_interval(),
        Duration::from_secs(1)
    );
}

#[tokio::test(start_paused = true)]
async fn unknown_failure_code_is_a_typed_failure() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [json(200, failed("s1", "QUOTA_EXCEEDED_v2"))],
    );
    let err = started(&mock).await.wait().await.unwrap_err();
    match &err {
        Error::Failed { id, code } => {
            assert_eq!(id, "s1");
            assert!(code.is_unknown());
            assert_eq!(code.as_str(), "QUOTA_EXCEEDED_v2");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn every_known_failure_code() {
    for code in FailureCode::KNOWN {
        let mock = Mock::start().await;
        mock.on(Method::GET, STATUS, [json(200, failed("s1", code))]);
        let err = started(&mock).await.wait().await.unwrap_err();
        assert_eq!(err.code().unwrap().as_str(), *code);
        if *code == "CANCELLED" {
            assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
        } else {
            assert!(matches!(err, Error::Failed { .. }), "{err:?}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_status_and_hint_keep_polling() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            json(200, serde_json::json!({"id": "s1", "status": "QUEUED"})),
            json(200, bankid_pending("s1", Some("userFaceScan"))),
            json(200, bankid_completed("s1")),
        ],
    );
    let session = started(&mock).await;
    let updates: Vec<_> = session.updates().collect().await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    match &updates[0] {
        Ok(SessionStatus::Pending { hint: Some(h) }) => {
            assert!(h.is_unknown());
            assert_eq!(h.as_str(), "userFaceScan");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(updates[1], Ok(SessionStatus::Completed(_))));
}

#[tokio::test(start_paused = true)]
async fn updates_report_hint_changes_only() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            json(200, bankid_pending("s1", Some("outstandingTransaction"))),
            json(200, bankid_pending("s1", Some("outstandingTransaction"))),
            json(200, bankid_pending("s1", Some("started"))),
            json(200, bankid_pending("s1", Some("userSign"))),
            json(200, bankid_pending("s1", Some("userSign"))),
            json(200, failed("s1", "AUTH_FAILED")),
        ],
    );
    let session = started(&mock).await;
    let updates: Vec<_> = session.updates().collect().await;
    let hints: Vec<_> = updates
        .iter()
        .filter_map(|u| match u {
            Ok(SessionStatus::Pending { hint }) => hint.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(
        hints,
        [
            HintCode::OutstandingTransaction,
            HintCode::Started,
            HintCode::UserSign
        ]
    );
    assert!(matches!(
        updates.last(),
        Some(Err(Error::Failed {
            code: FailureCode::AuthFailed,
            ..
        }))
    ));
}

#[tokio::test(start_paused = true)]
async fn expiry_is_its_own_error() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            json(200, bankid_pending("s1", None)),
            json(404, serde_json::json!({"message": "Not found"})),
        ],
    );
    let err = started(&mock).await.wait().await.unwrap_err();
    assert!(
        matches!(err, Error::Expired { ref id } if id == "s1"),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test(start_paused = true)]
async fn rate_limiting_is_waited_out_honouring_retry_after() {
    let mock = Mock::start().await;
    let mut replies = vec![rate_limited(Some(3)); 5];
    replies.push(rate_limited(None));
    replies.push(rate_limited(None));
    replies.push(json(200, bankid_completed("s1")));
    mock.on(Method::GET, STATUS, replies);
    let session = started(&mock).await;
    session.wait().await.unwrap();
    let reads = mock.times(&Method::GET, STATUS);
    assert_eq!(reads.len(), 8);
    let gaps = gaps(&reads);
    for gap in &gaps[..5] {
        assert!(
            (3.0..3.1).contains(gap),
            "Retry-After not honoured: {gaps:?}"
        );
    }
    for gap in &gaps[5..] {
        assert!(*gap >= 1.0, "{gaps:?}");
    }
    assert_eq!(mock.count(&Method::POST, START), 1);
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_server_errors_is_retried_with_backoff() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            json(500, serde_json::json!({"message": "boom"})),
            raw(502, "<html>bad gateway</html>"),
            raw(503, ""),
            raw(504, ""),
            json(200, bankid_completed("s1")),
        ],
    );
    let session = started(&mock).await;
    session.wait().await.unwrap();
    let gaps = gaps(&mock.times(&Method::GET, STATUS));
    assert!(
        gaps.windows(2).all(|w| w[1] >= w[0]),
        "backoff should grow: {gaps:?}"
    );
    assert!(gaps.iter().all(|g| *g >= 1.0), "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn retries_stop_when_the_budget_is_spent() {
    let mock = Mock::start().await;
    mock.on(Method::GET, STATUS, [raw(503, "")]);
    let session = started(&mock).await;
    let err = session
        .wait_with(&PollPolicy::new().retry_budget(3).no_deadline())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable());
    assert_eq!(mock.count(&Method::GET, STATUS), 4);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_connection_and_a_malformed_body_are_retried() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [
            Reply::Drop,
            raw(200, "{\"id\": \"s1\", \"status\": "),
            raw(200, "not json at all"),
            json(200, bankid_completed("s1")),
        ],
    );
    let session = started(&mock).await;
    session.wait().await.unwrap();
    assert_eq!(mock.count(&Method::GET, STATUS), 4);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_reports_elapsed_time_and_reads() {
    let mock = Mock::start().await;
    mock.on(Method::GET, STATUS, [json(200, bankid_pending("s1", None))]);
    let session = started(&mock).await;
    let err = session
        .wait_with(&PollPolicy::new().max_wait(Duration::from_secs(10)))
        .await
        .unwrap_err();
    match err {
        Error::DeadlineExceeded { elapsed, polls, .. } => {
            assert_eq!(polls, 10);
            assert!(elapsed <= Duration::from_secs(10), "{elapsed:?}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_start_is_never_retried() {
    for reply in [
        raw(500, "{\"message\":\"boom\"}"),
        raw(503, ""),
        rate_limited(Some(1)),
        Reply::Drop,
    ] {
        let mock = Mock::start().await;
        mock.on(Method::POST, START, [reply.clone()]);
        let err = mock.client().bankid_se().auth().send().await.unwrap_err();
        assert_eq!(mock.count(&Method::POST, START), 1, "{reply:?} -> {err:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_start_answered_with_failed_is_an_error() {
    let mock = Mock::start().await;
    mock.on(Method::POST, START, [json(201, failed("s9", "INVALID_ID"))]);
    let err = mock.client().bankid_se().auth().send().await.unwrap_err();
    assert_eq!(err.code(), Some(FailureCode::InvalidId));
}

#[tokio::test(start_paused = true)]
async fn resume_from_a_stored_handle() {
    let mock = Mock::start().await;
    mock.on(Method::GET, STATUS, [json(200, bankid_completed("s1"))]);
    let stored = serde_json::to_string(started(&mock).await.handle()).unwrap();
    assert!(stored.contains("\"provider\":\"bankid-se\""), "{stored}");

    // Another instance, another client.
    let handle: SessionHandle = serde_json::from_str(&stored).unwrap();
    assert_eq!(handle.qr_start_secret(), Some("qss-1"));
    let age = std::time::SystemTime::now()
        .duration_since(handle.started_at().unwrap())
        .unwrap();
    assert!(age < Duration::from_secs(60), "{age:?}");
    assert!(!format!("{handle:?}").contains("qss-1"));
    let session = mock
        .client()
        .resume::<BankIdSeCompleted>(handle.clone())
        .unwrap();
    assert_eq!(session.wait().await.unwrap().ssn, "198112289874");

    // The wrong result type is refused before anything is sent.
    let err = mock
        .client()
        .resume::<idkollen_ext::types::FrejaCompleted>(handle)
        .unwrap_err();
    assert_eq!(err.field(), Some("handle"));
}

#[tokio::test(start_paused = true)]
async fn cancel_and_cancel_on_drop() {
    let mock = Mock::start().await;
    mock.on(Method::DELETE, STATUS, [raw(204, "")]);
    let session = started(&mock).await;
    session.cancel().await.unwrap();
    assert_eq!(mock.count(&Method::DELETE, STATUS), 1);
    mock.on(
        Method::DELETE,
        "/v3/bankid-se/auth/gone",
        [json(404, serde_json::json!({"message": "Not found"}))],
    );
    let gone = mock
        .client()
        .bankid_se()
        .auth_session("gone")
        .unwrap()
        .cancel()
        .await
        .unwrap_err();
    assert!(matches!(gone, Error::Expired { .. }), "{gone:?}");

    let guard = started(&mock).await.cancel_on_drop();
    drop(guard);
    for _ in 0..50 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(mock.count(&Method::DELETE, STATUS), 2);

    // A session that completed is not cancelled.
    mock.on(Method::GET, STATUS, [json(200, bankid_completed("s1"))]);
    let guard = started(&mock).await.cancel_on_drop();
    guard.wait().await.unwrap();
    drop(guard);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mock.count(&Method::DELETE, STATUS), 2);
}

#[tokio::test(start_paused = true)]
async fn poll_once_respects_the_rate_limit() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [json(200, bankid_pending("s1", Some("started")))],
    );
    let session = started(&mock).await;
    for _ in 0..3 {
        let status = session.poll_once().await.unwrap();
        assert!(matches!(
            status,
            idkollen_ext::SessionStatus::Pending {
                hint: Some(HintCode::Started)
            }
        ));
    }
    for gap in gaps(&mock.times(&Method::GET, STATUS)) {
        assert!(gap >= 1.0, "{gap}");
    }
}

#[tokio::test(start_paused = true)]
async fn requests_carry_basic_auth_and_user_agent() {
    let mock = Mock::start().await;
    started(&mock).await;
    let log = mock.log();
    let headers = &log[0].headers;
    let expected = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("acct-1:{SECRET}")
        )
    );
    assert_eq!(headers["authorization"], expected.as_str());
    assert_eq!(
        headers["user-agent"],
        concat!("idkollen-rs/", env!("CARGO_PKG_VERSION"))
    );

    let with_app = idkollen_ext::Client::builder()
        .base_url(&mock.base_url)
        .credentials("acct-1", SECRET)
        .application("my-bank/2.1")
        .build()
        .unwrap();
    mock.on(Method::POST, "/v3/ftn/auth", [json(201, pending("f1"))]);
    with_app.ftn().auth().send().await.ok();
    let log = mock.log();
    assert_eq!(
        log.last().unwrap().headers["user-agent"],
        concat!("idkollen-rs/", env!("CARGO_PKG_VERSION"), " my-bank/2.1")
    );
}

#[tokio::test(start_paused = true)]
async fn copies_of_one_session_share_the_rate_limit() {
    let mock = Mock::start().await;
    mock.on(Method::GET, STATUS, [json(200, bankid_pending("s1", None))]);
    let client = mock.client();
    let handle = SessionHandle::new(
        idkollen_ext::Provider::BankIdSe,
        idkollen_ext::Flow::Auth,
        "s1",
    );
    let a = client.resume::<BankIdSeCompleted>(handle.clone()).unwrap();
    let b = client.resume::<BankIdSeCompleted>(handle).unwrap();
    for _ in 0..3 {
        a.poll_once().await.unwrap();
        b.poll_once().await.unwrap();
    }
    let reads = mock.times(&Method::GET, STATUS);
    assert_eq!(reads.len(), 6);
    for gap in gaps(&reads) {
        assert!(gap >= 1.0, "{gap}");
    }
}

#[tokio::test(start_paused = true)]
async fn poll_once_does_not_come_back_before_retry_after() {
    let mock = Mock::start().await;
    mock.on(
        Method::GET,
        STATUS,
        [rate_limited(Some(5)), json(200, bankid_completed("s1"))],
    );
    let session = started(&mock).await;
    let err = session.poll_once().await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
    assert!(matches!(
        session.poll_once().await.unwrap(),
        idkollen_ext::SessionStatus::Completed(_)
    ));
    let gaps = gaps(&mock.times(&Method::GET, STATUS));
    assert!((5.0..5.1).contains(&gaps[0]), "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn concurrent_waiters_on_one_session_stay_a_second_apart() {
    let mock = Mock::start().await;
    let mut replies = vec![json(200, bankid_pending("s1", None)); 6];
    replies.push(json(200, bankid_completed("s1")));
    mock.on(Method::GET, STATUS, replies);
    let session = started(&mock).await;
    let copy = session.clone();
    let (a, b, c) = tokio::join!(session.wait(), copy.wait(), async {
        let mut n = 0;
        while let Ok(idkollen_ext::SessionStatus::Pending { .. }) = session.poll_once().await {
            n += 1;
        }
        n
    });
    a.unwrap();
    b.unwrap();
    assert!(c > 0);
    for gap in gaps(&mock.times(&Method::GET, STATUS)) {
        assert!(gap >= 1.0, "{gap}");
    }
}

/// Starts `n` BankID SE sessions `s0`.. with `client`, each answering pending once, then
/// completed.
async fn many(
    mock: &Mock,
    client: &idkollen_ext::Client,
    n: usize,
) -> Vec<Session<BankIdSeCompleted>> {
    let ids: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
    mock.on(
        Method::POST,
        START,
        ids.iter().map(|id| json(201, bankid_pending(id, None))),
    );
    let mut sessions = Vec::new();
    for id in &ids {
        let path = format!("{START}/{id}");
        mock.on(
            Method::GET,
            &path,
            [
                json(200, bankid_pending(id, None)),
                json(200, bankid_completed(id)),
            ],
        );
        sessions.push(client.bankid_se().auth().send().await.unwrap());
    }
    sessions
}

#[tokio::test(start_paused = true)]
async fn status_reads_in_flight_are_bounded_per_client() {
    // A slow server: every answer takes 300 ms, so 20 sessions due at once would hold 20
    // connections.
    for (cap, bounded) in [(3, true), (64, false)] {
        let mock = Mock::start().await;
        let client = mock.builder().max_requests_in_flight(cap).build().unwrap();
        let sessions = many(&mock, &client, 20).await;
        mock.slow(Duration::from_millis(300));
        let results = futures::future::join_all(sessions.iter().map(|s| s.wait())).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        let most = mock.max_in_flight();
        if bounded {
            assert!(most <= cap, "{most} reads in flight with a cap of {cap}");
        } else {
            assert!(most > 3, "without a tight cap the reads overlap ({most})");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn starts_count_toward_the_bound_on_requests_in_flight() {
    // Twenty logins started at once against a slow server: with a bound of 3 the client never
    // holds more than 3 requests (and so connections) open, and every start is sent once.
    let mock = Mock::start().await;
    let ids: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
    mock.on(
        Method::POST,
        START,
        ids.iter().map(|id| json(201, bankid_pending(id, None))),
    );
    mock.slow(Duration::from_millis(300));
    let client = mock.builder().max_requests_in_flight(3).build().unwrap();
    let starts = ids.iter().map(|_| client.bankid_se().auth().send());
    let sessions = futures::future::join_all(starts).await;
    assert!(sessions.iter().all(Result::is_ok), "{sessions:?}");
    let most = mock.max_in_flight();
    assert!(most <= 3, "{most} starts in flight with a bound of 3");
    assert_eq!(
        mock.count(&Method::POST, START),
        20,
        "each start is sent once"
    );
}

#[tokio::test(start_paused = true)]
async fn with_a_callback_on_its_way_reads_are_a_slower_fallback() {
    let mock = Mock::start().await;
    let client = mock
        .builder()
        .callback_secret("callback-secret")
        .build()
        .unwrap();
    mock.on(Method::POST, START, [json(201, bankid_pending("s1", None))]);
    mock.on(
        Method::GET,
        STATUS,
        [
            json(200, bankid_pending("s1", Some("outstandingTransaction"))),
            json(200, bankid_pending("s1", Some("userSign"))),
            json(200, bankid_completed("s1")),
        ],
    );
    let session = client
        .bankid_se()
        .auth()
        .callback_url("http://127.0.0.1:9/idkollen-callback")
        .send()
        .await
        .unwrap();
    assert!(session.handle().expects_callback());
    // No callback comes: the fallback reads still complete the login.
    session.wait().await.unwrap();
    let start = mock.times(&Method::POST, START)[0];
    let reads = mock.times(&Method::GET, STATUS);
    assert_eq!(reads.len(), 3);
    let first = secs(reads[0] - start);
    assert!((1.0..1.1).contains(&first), "first read after {first}s");
    for gap in gaps(&reads) {
        assert!((5.0..5.1).contains(&gap), "fallback gap {gap}s");
    }
}
