//! "Never lose a login": every flow of every provider against idkollen-sandbox's hostile
//! profile, where every session meets a 502 with an HTML body, an empty 429 with an HTTP-date
//! `Retry-After`, an unknown status, unknown fields in every answer, a completion without its
//! optional fields (dates with a time and an offset), and unknown sessions answer an empty
//! 404. Each login must still arrive, each failure must be typed, no start may be sent twice.

mod kinds;

use idkollen_ext::{Client, Error, FailureCode, Poller, SessionHandle};
use idkollen_sandbox::{Sandbox, Timings};
use kinds::{ALL, Kind, wait};

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

/// Starts a session of `kind` scripted by `script`: flows started for an identity by the
/// test identity of the script's row, the others by its refId.
async fn start(kind: Kind, c: &Client, script: Script) -> Result<SessionHandle, Error> {
    let ref_id = if kind.for_identity() {
        "order-17".to_owned()
    } else {
        script.ref_id()
    };
    kind.start(c, script.row(), &ref_id).await
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
    for path in ALL.map(Kind::start_path) {
        let count = starts.get(path).copied().unwrap_or_default();
        assert_eq!(count.received, count.started, "{path} retried: {count:?}");
        assert_eq!(count.started, sessions, "{path}: {count:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_flow_of_every_provider_completes_with_the_persona() {
    let (sb, c) = hostile().await;
    let mut failures = Vec::new();
    for kind in ALL {
        let name = kind.persona_name();
        // A start answer with unknown fields still starts the session.
        let handle = start(kind, &c, Script::Complete)
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
        for kind in ALL {
            let handle = start(kind, &c, script)
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
    for kind in ALL {
        let handle = start(kind, &c, Script::Complete).await.expect("start");
        // The outcome is the first test's business; here: what each session met on the way.
        let _ = wait(&c, handle).await;
    }
    let stats = sb.hostile_stats();
    let n = ALL.len() as u64;
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
