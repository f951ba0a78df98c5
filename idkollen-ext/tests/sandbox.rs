//! End to end against idkollen-sandbox, for every provider and every kind of session, under
//! Tokio's paused clock.

use std::time::Duration;

mod kinds;

use idkollen_ext::{Client, Error, FailureCode, HintCode, Poller, SessionHandle, SessionStatus};
use idkollen_sandbox::{Fault, Sandbox, Timings};
use kinds::{ALL, Kind, cancel, wait};

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .timings(Timings::fast())
        .start()
        .await
        .expect("sandbox starts")
}

fn client(sb: &Sandbox) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .application("idkollen-ext-tests")
        .build()
        .expect("client")
}

fn starts(sb: &Sandbox, path: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

#[tokio::test(start_paused = true)]
async fn every_kind_completes_and_reports_its_tokens() {
    let sb = sandbox().await;
    let c = client(&sb);
    for kind in ALL {
        let handle = kind
            .start(&c, 0, "order-1")
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        match kind {
            Kind::SeAuth | Kind::SeSign => {
                assert!(handle.qr_start_token().is_some(), "{kind:?}");
                assert!(handle.qr_start_secret().is_some(), "{kind:?}");
                assert!(handle.auto_start_token().is_some(), "{kind:?}");
            }
            Kind::FrejaAuth | Kind::FrejaSign => {
                assert!(handle.auto_start_token().is_some(), "{kind:?}");
            }
            Kind::NoAuth | Kind::VippsAuth | Kind::MitIdAuth | Kind::FtnAuth | Kind::SeAge => {
                assert!(handle.url().is_some(), "{kind:?}");
            }
            Kind::MitIdBackchannelAuth => {
                assert_eq!(handle.binding_message(), Some("Login to Sandbox Bank"));
            }
            _ => {}
        }
        let id = handle.id().to_owned();
        let done = wait(&c, handle)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        assert_eq!(done.id, id, "{kind:?}");
        assert_eq!(starts(&sb, kind.start_path()), 1, "{kind:?}");
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn every_failure_code_and_an_unknown_one_for_every_kind() {
    let sb = sandbox().await;
    let c = client(&sb);
    let codes = FailureCode::KNOWN
        .iter()
        .copied()
        .chain(["NEW_CODE_FROM_THE_FUTURE"]);
    for code in codes {
        for kind in ALL {
            let handle = kind.start(&c, 0, &format!("sandbox:fail:{code}")).await;
            // The service may refuse at once; otherwise the session fails while polled.
            let err = match handle {
                Ok(h) => wait(&c, h).await.unwrap_err(),
                Err(e) => e,
            };
            assert_eq!(
                err.code().map(|c| c.as_str().to_owned()).as_deref(),
                Some(code),
                "{kind:?} {code}: {err:?}"
            );
            if code == "CANCELLED" {
                assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
            }
            if code == "NEW_CODE_FROM_THE_FUTURE" {
                assert!(err.code().unwrap().is_unknown());
            }
        }
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn timeout_script_fails_with_session_timeout() {
    let sb = sandbox().await;
    let c = client(&sb);
    for kind in ALL {
        let h = kind.start(&c, 0, "sandbox:timeout").await.unwrap();
        let err = wait(&c, h).await.unwrap_err();
        assert_eq!(err.code(), Some(FailureCode::SessionTimeout), "{kind:?}");
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_unknown_hint_code_is_reported_and_polling_goes_on() {
    // Slow enough for the hint to be seen before the session completes.
    let sb = Sandbox::builder()
        .timings(Timings {
            complete_after: Duration::from_secs(4),
            ..Timings::fast()
        })
        .start()
        .await
        .unwrap();
    let c = client(&sb);
    let session = c
        .bankid_se()
        .auth()
        .ref_id("sandbox:unknown-hint")
        .send()
        .await
        .unwrap();
    let updates: Vec<_> = futures::StreamExt::collect(session.updates()).await;
    let unknown: Vec<&HintCode> = updates
        .iter()
        .filter_map(|u| match u {
            Ok(SessionStatus::Pending { hint: Some(h) }) if h.is_unknown() => Some(h),
            _ => None,
        })
        .collect();
    assert!(!unknown.is_empty(), "{updates:?}");
    assert_eq!(unknown[0].as_str(), "sandboxFutureHint");
    assert!(
        matches!(updates.last(), Some(Ok(SessionStatus::Completed(_)))),
        "{updates:?}"
    );

    // Every other kind completes through it too.
    for kind in ALL {
        let h = kind.start(&c, 0, "sandbox:unknown-hint").await.unwrap();
        wait(&c, h)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn cancel_every_kind() {
    let sb = sandbox().await;
    let c = client(&sb);
    for kind in ALL {
        let h = kind.start(&c, 0, "sandbox:manual").await.unwrap();
        cancel(&c, h.clone())
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        // A second cancel of an ended session is fine.
        cancel(&c, h.clone())
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        let err = wait(&c, h).await.unwrap_err();
        assert!(
            matches!(err, Error::Cancelled { .. } | Error::Expired { .. }),
            "{kind:?}: {err:?}"
        );
        let deletes = sb
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count();
        assert!(deletes >= 1);
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn expiry_is_reported_as_expired_for_every_kind() {
    let sb = Sandbox::builder()
        .timings(Timings {
            retention: Duration::from_secs(2),
            ..Timings::fast()
        })
        .start()
        .await
        .unwrap();
    let c = client(&sb);
    for kind in ALL {
        let h = kind.start(&c, 0, "sandbox:complete").await.unwrap();
        // A backend instance that comes back to the session too late.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let err = wait(&c, h).await.unwrap_err();
        assert!(matches!(err, Error::Expired { .. }), "{kind:?}: {err:?}");
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn faults_on_status_reads_are_ridden_out_for_every_kind() {
    let sb = sandbox().await;
    let c = client(&sb);
    for kind in ALL {
        let h = kind.start(&c, 0, "sandbox:slow").await.unwrap();
        let prefix = kind
            .start_path()
            .replace("/phone", "")
            .replace("/backchannel", "");
        // A storm of 429s, a burst of 5xx, a dropped connection, a garbled body.
        sb.inject(Fault::too_many_requests().times(6).path_prefix(&prefix));
        sb.inject(Fault::internal_error().times(2).path_prefix(&prefix));
        sb.inject(Fault::unavailable().times(2).path_prefix(&prefix));
        sb.inject(Fault::drop_connection().path_prefix(&prefix));
        sb.inject(Fault::malformed_json().path_prefix(&prefix));
        let id = h.id().to_owned();
        let done = wait(&c, h)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        assert_eq!(done.id, id);
        assert_eq!(starts(&sb, kind.start_path()), 1, "{kind:?}");
        // Every fault was met by a status read, and reading went on past them.
        let reads = sb
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with(&id))
            .count();
        assert!(reads > 12, "{kind:?}: only {reads} reads");
        sb.clear_faults();
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn throttled_sessions_complete() {
    let sb = sandbox().await;
    let c = client(&sb);
    for kind in ALL {
        let h = kind.start(&c, 0, "sandbox:throttle").await.unwrap();
        wait(&c, h)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn no_start_request_is_ever_sent_twice_under_faults() {
    let sb = sandbox().await;
    let c = client(&sb);
    let faults = [
        Fault::internal_error(),
        Fault::unavailable(),
        Fault::too_many_requests(),
        Fault::drop_connection(),
        Fault::malformed_json(),
        Fault::status(502),
    ];
    for kind in ALL {
        for fault in faults.clone() {
            sb.clear_requests();
            sb.inject(fault.clone().path_prefix(kind.start_path()));
            let result = kind.start(&c, 0, "order-2").await;
            assert_eq!(
                starts(&sb, kind.start_path()),
                1,
                "{kind:?} under {fault:?}: {result:?}"
            );
            sb.clear_faults();
        }
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn resume_from_a_stored_handle_on_another_client() {
    let sb = sandbox().await;
    for kind in ALL {
        let stored = {
            let first = client(&sb);
            let h = kind.start(&first, 0, "sandbox:slow").await.unwrap();
            serde_json::to_string(&h).unwrap()
        };
        let handle: SessionHandle = serde_json::from_str(&stored).unwrap();
        let other = client(&sb);
        wait(&other, handle)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
    }
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn status_reads_stay_within_one_per_second() {
    let sb = sandbox().await;
    let c = client(&sb);
    // The sandbox answers 429 to a read sooner than a second after the last one, so a
    // completed wait with no 429s seen proves the cadence.
    let session = c
        .bankid_se()
        .auth()
        .ref_id("sandbox:slow")
        .send()
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    session.wait().await.unwrap();
    let reads = sb
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v3/bankid-se/auth/"))
        .count();
    let elapsed = started.elapsed().as_secs_f64();
    assert!(reads as f64 <= elapsed + 1.0, "{reads} reads in {elapsed}s");
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn verify_and_documents() {
    let sb = sandbox().await;
    let c = client(&sb);
    let session = c
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let qr = sb.qr_code(session.id()).unwrap();
    let verified = c.bankid_se().verify(qr).await.unwrap();
    assert!(!verified.name.is_empty());
    let err = c.bankid_se().verify("bankid.nope.0.00").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let uploaded = c.documents().upload("contract.pdf", pdf).await.unwrap();
    assert!(!uploaded.id.is_empty());
    let signing = c
        .bankid_no()
        .sign()
        .documents([uploaded.id.clone()])
        .send()
        .await
        .unwrap();
    let done = signing.wait().await.unwrap();
    let downloaded = c
        .documents()
        .download(&done.signed_documents[0].id)
        .await
        .unwrap();
    assert!(downloaded.starts_with(b"%PDF"));
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn status_and_cancel_by_id_through_every_facade() {
    let sb = sandbox().await;
    let c = client(&sb);
    macro_rules! by_id {
        ($kind:expr, $facade:ident . $getter:ident) => {{
            let id = $kind
                .start(&c, 0, "sandbox:manual")
                .await
                .unwrap()
                .id()
                .to_owned();
            let session = c.$facade().$getter(id.clone()).unwrap();
            let status = session.poll_once().await.unwrap();
            assert!(
                matches!(status, idkollen_ext::SessionStatus::Pending { .. }),
                "{:?}: {status:?}",
                $kind
            );
            session.cancel().await.unwrap();
            let err = c.$facade().$getter(id).unwrap().wait().await.unwrap_err();
            assert!(
                matches!(err, Error::Cancelled { .. } | Error::Expired { .. }),
                "{:?}: {err:?}",
                $kind
            );
        }};
    }
    by_id!(Kind::SeAuth, bankid_se.auth_session);
    by_id!(Kind::SePhoneSign, bankid_se.sign_session);
    by_id!(Kind::SeAge, bankid_se.age_verification_session);
    by_id!(Kind::FrejaBackchannelAuth, freja.auth_session);
    by_id!(Kind::FrejaSign, freja.sign_session);
    by_id!(Kind::FrejaAge, freja.age_verification_session);
    by_id!(Kind::NoAuth, bankid_no.auth_session);
    by_id!(Kind::NoSign, bankid_no.sign_session);
    by_id!(Kind::NoAge, bankid_no.age_verification_session);
    by_id!(Kind::VippsBackchannelAuth, vipps.auth_session);
    by_id!(Kind::MitIdAuth, mitid.auth_session);
    by_id!(Kind::MitIdSign, mitid.sign_session);
    by_id!(Kind::MitIdAge, mitid.age_verification_session);
    by_id!(Kind::FtnAuth, ftn.auth_session);
    by_id!(Kind::FtnAge, ftn.age_verification_session);
    sb.shutdown().await;
}
