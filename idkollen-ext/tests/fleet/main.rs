//! Several instances of a backend (several `Client`s, each with its own connection to one real
//! Redis) behave as one: a callback delivered to any instance ends the waits on every
//! instance, the fleet reads a session at most once a second (the sandbox answers no 429), a
//! status one instance read answers the others, Redis may die and come back without a session
//! lost, and bad data under the fleet's keys is ignored, never a panic.
//!
//! Real time, real Redis I/O: tokio's paused clock cannot drive a server in another process.

mod redis_server;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;
use futures::StreamExt as _;
use idkollen_ext::callback::SIGNATURE_HEADER;
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Client, Error, Poller, RedisCoordination, Session, SessionStatus};
use idkollen_sandbox::{Sandbox, Timings};
use redis_server::RedisServer;

/// The personnummer of the sandbox's default persona.
const PERSONA_SSN: &str = "198112289874";

/// A prefix no other test (or earlier run) shares in one Redis.
fn prefix(test: &str) -> String {
    static RUN: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "test-{test}-{nanos}-{}",
        RUN.fetch_add(1, Ordering::Relaxed)
    )
}

async fn sandbox(timings: Timings) -> Sandbox {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
    Sandbox::builder()
        .timings(timings)
        .start()
        .await
        .expect("sandbox starts")
}

/// One instance of the backend: its client, connected to the fleet's Redis on its own, and
/// the URL of its callback endpoint.
struct Instance {
    client: Client,
    coordination: RedisCoordination,
    callback_url: String,
    /// When each session's callback reached this instance.
    callbacks: Arc<Mutex<HashMap<String, Instant>>>,
}

async fn instance(sb: &Sandbox, redis: &RedisServer, prefix: &str) -> Instance {
    let coordination = RedisCoordination::builder(redis.url())
        .prefix(prefix)
        // A debug build of three instances and thousands of waits on a small, shared machine
        // can keep Redis's answers waiting past the default second; what these tests prove is
        // the coordination, not how soon a slow Redis is given up on.
        .timeout(Duration::from_secs(5))
        .connect()
        .await
        .expect("Redis is reachable");
    let client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .callback_secret(sb.callback_secret().to_owned())
        .coordination(coordination.clone())
        .build()
        .expect("client");
    let callbacks = Arc::new(Mutex::new(HashMap::new()));
    let endpoint = {
        let client = client.clone();
        let callbacks = callbacks.clone();
        axum::routing::post(move |headers: HeaderMap, body: Bytes| async move {
            let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
            let at = Instant::now();
            match client.deliver_callback(&body, signature) {
                Ok(callback) => {
                    callbacks
                        .lock()
                        .unwrap()
                        .insert(callback.id().to_owned(), at);
                    axum::http::StatusCode::NO_CONTENT
                }
                Err(_) => axum::http::StatusCode::UNAUTHORIZED,
            }
        })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback_url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, axum::Router::new().route("/", endpoint))
            .await
            .unwrap();
    });
    Instance {
        client,
        coordination,
        callback_url,
        callbacks,
    }
}

async fn fleet(sb: &Sandbox, redis: &RedisServer, prefix: &str, n: usize) -> Vec<Instance> {
    let mut instances = Vec::new();
    for _ in 0..n {
        instances.push(instance(sb, redis, prefix).await);
    }
    instances
}

/// The status reads the sandbox received for session `id`.
fn reads(sb: &Sandbox, id: &str) -> usize {
    sb.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(id))
        .count()
}

/// A BankID SE login started on `instance` with refId `script`, its callback going to
/// `callback_to` if given.
async fn start(
    instance: &Instance,
    script: &str,
    callback_to: Option<&Instance>,
) -> Session<BankIdSeCompleted> {
    let mut auth = instance.client.bankid_se().auth().ref_id(script);
    if let Some(receiver) = callback_to {
        auth = auth.callback_url(&receiver.callback_url);
    }
    auth.send().await.expect("the session starts")
}

fn resume(instance: &Instance, session: &Session<BankIdSeCompleted>) -> Session<BankIdSeCompleted> {
    instance
        .client
        .resume(session.handle().clone())
        .expect("a BankID SE handle")
}

async fn completes(session: Session<BankIdSeCompleted>) -> Result<(), String> {
    match session.wait().await {
        Ok(user) if user.ssn == PERSONA_SSN => Ok(()),
        Ok(user) => Err(format!("completed as {}", user.ssn)),
        Err(e) => Err(format!("{}: {e}", session.id())),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_delivered_to_one_instance_ends_the_wait_on_another_at_once() {
    let Some(redis) = RedisServer::shared() else {
        return;
    };
    let sb = sandbox(Timings::fast()).await;
    let instances = fleet(&sb, &redis, &prefix("callback"), 3).await;
    let (first, second) = (&instances[0], &instances[1]);

    // Started on instance 1 with its callback going to instance 2, as a load balancer may.
    let session = start(first, "sandbox:manual", Some(second)).await;
    let id = session.id().to_owned();
    let waiting = tokio::spawn({
        let session = session.clone();
        async move {
            let result = session.wait().await;
            (result, Instant::now())
        }
    });
    // Past the first status read (one second after the start), so the wait is polling.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(reads(&sb, &id) >= 1, "the wait polls until the callback");
    let reads_before = reads(&sb, &id);

    sb.complete(&id).unwrap();
    let (result, returned) = waiting.await.unwrap();
    let user = result.expect("completed");
    assert_eq!(user.ssn, PERSONA_SSN);
    let delivered = second.callbacks.lock().unwrap()[&id];
    let took = returned.saturating_duration_since(delivered);
    assert!(
        took <= Duration::from_millis(50),
        "the wait on instance 1 ended {took:?} after the callback reached instance 2"
    );

    // Nothing read the session after the callback.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        reads(&sb, &id),
        reads_before,
        "no status read after the callback"
    );

    // A wait that starts after the callback (on instance 3) ends on it at once, unread.
    let late = resume(&instances[2], &session);
    let started = Instant::now();
    tokio::time::timeout(Duration::from_millis(500), completes(late))
        .await
        .expect("the kept callback ends a late wait")
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(reads(&sb, &id), reads_before);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_waiting_on_the_same_sessions_read_each_at_most_once_a_second() {
    let Some(redis) = RedisServer::shared() else {
        return;
    };
    const SESSIONS: usize = 1_000;
    let timings = Timings {
        slow_complete_after: Duration::from_millis(2500),
        ..Timings::fast()
    };
    let sb = sandbox(timings).await;
    let instances = Arc::new(fleet(&sb, &redis, &prefix("limit"), 3).await);

    // Started round-robin, each waited on by all three instances.
    let began = Instant::now();
    let started: Vec<Session<BankIdSeCompleted>> = futures::stream::iter(0..SESSIONS)
        .map(|i| {
            let instances = instances.clone();
            async move { start(&instances[i % 3], "sandbox:slow", None).await }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let mut waits = Vec::new();
    for session in &started {
        for instance in instances.iter() {
            waits.push(tokio::spawn(completes(resume(instance, session))));
        }
    }
    for wait in waits {
        wait.await.unwrap().unwrap();
    }
    let elapsed = began.elapsed();

    assert_eq!(sb.rate_limited_count(), 0, "no answer 429");
    let mut per_session: HashMap<&str, usize> = HashMap::new();
    let requests = sb.requests();
    for r in requests.iter().filter(|r| r.method == "GET") {
        let id = r.path.rsplit('/').next().unwrap();
        *per_session.entry(id).or_default() += 1;
    }
    // Each session lives 2.5 s and is read from a second after its start, once a second at
    // most: three reads (four if a read lands just before the end) for the fleet, where three
    // instances on their own would read each about nine times.
    let most = per_session.values().copied().max().unwrap_or(0);
    let total: usize = per_session.values().sum();
    eprintln!(
        "{SESSIONS} sessions x 3 instances in {elapsed:?}: {total} status reads, at most {most} for a session"
    );
    assert!(most <= 4, "a session was read {most} times in its 2.5 s");
    assert!(total <= SESSIONS * 4);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_one_instance_read_answers_another_without_a_read() {
    let Some(redis) = RedisServer::shared() else {
        return;
    };
    let sb = sandbox(Timings::fast()).await;
    let instances = fleet(&sb, &redis, &prefix("shared"), 2).await;
    let session = start(&instances[0], "sandbox:manual", None).await;
    let id = session.id().to_owned();
    // Instance 1 reads (its first read is due a second after the start).
    let first = session.poll_once().await.unwrap();
    assert!(matches!(first, SessionStatus::Pending { .. }));
    assert_eq!(reads(&sb, &id), 1);
    // The browser asks instance 2, which has never seen the session, a moment later.
    let elsewhere = resume(&instances[1], &session);
    let answer = elsewhere.poll_once().await.unwrap();
    assert!(
        matches!(answer, SessionStatus::Pending { .. }),
        "{answer:?}"
    );
    assert_eq!(reads(&sb, &id), 1, "answered from the shared status");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_that_does_not_read_sees_the_hints_of_the_one_that_does() {
    let Some(redis) = RedisServer::shared() else {
        return;
    };
    // Pending with outstandingTransaction, then started, then userSign, completed at 5 s.
    // userSign lasts 2.5 s: the other instance asks for the shared status once a second, at
    // its own moments, so a hint that lasted only one of the reader's intervals could fall
    // between two of its asks.
    let sb = sandbox(Timings {
        started_after: Duration::from_millis(1500),
        user_sign_after: Duration::from_millis(2500),
        complete_after: Duration::from_secs(5),
        ..Timings::fast()
    })
    .await;
    let instances = fleet(&sb, &redis, &prefix("hints"), 2).await;
    let session = start(&instances[0], "sandbox:complete", None).await;
    let id = session.id().to_owned();
    let reader = tokio::spawn(completes(session.clone()));
    let elsewhere = resume(&instances[1], &session);
    let seen: Vec<_> = elsewhere.updates().collect().await;
    reader.await.unwrap().unwrap();
    let hints: Vec<String> = seen
        .iter()
        .filter_map(|item| match item {
            Ok(SessionStatus::Pending { hint: Some(hint) }) => Some(hint.as_str().to_owned()),
            _ => None,
        })
        .collect();
    assert!(hints.iter().any(|h| h == "userSign"), "{hints:?}");
    assert!(
        matches!(seen.last(), Some(Ok(SessionStatus::Completed(_)))),
        "{seen:?}"
    );
    // One instance read, once a second: not two instances each once a second.
    let reads = reads(&sb, &id);
    assert!(reads <= 7, "{reads} reads in about 6 s");
    assert_eq!(sb.rate_limited_count(), 0);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_and_started_again_loses_no_session() {
    let Some(mut redis) = RedisServer::own() else {
        return;
    };
    const SESSIONS: usize = 300;
    let sb = Arc::new(sandbox(Timings::fast()).await);
    let instances = Arc::new(fleet(&sb, &redis, &prefix("restart"), 3).await);

    // Half with callbacks (to the next instance), half polling only; each waited on by its
    // own instance and the next.
    let mut sessions = Vec::new();
    for i in 0..SESSIONS {
        let callback_to = (i % 2 == 0).then(|| &instances[(i + 1) % 3]);
        sessions.push(start(&instances[i % 3], "sandbox:manual", callback_to).await);
    }
    let mut waits = Vec::new();
    for (i, session) in sessions.iter().enumerate() {
        for instance in [&instances[i % 3], &instances[(i + 1) % 3]] {
            waits.push(tokio::spawn(completes(resume(instance, session))));
        }
    }
    let ids: Vec<String> = sessions.iter().map(|s| s.id().to_owned()).collect();

    // A third of the sessions complete with Redis up, a third with Redis down, a third after
    // it came back.
    let complete = |part: &[String]| {
        for id in part {
            sb.complete(id).unwrap();
        }
    };
    let thirds: Vec<&[String]> = ids.chunks(SESSIONS / 3).collect();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    complete(thirds[0]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    redis.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    complete(thirds[1]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        instances.iter().all(|i| !i.coordination.is_connected()),
        "every instance noticed"
    );
    redis.start().expect("Redis starts again");
    complete(thirds[2]);

    let mut lost = Vec::new();
    for wait in waits {
        if let Err(e) = tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .expect("no wait hangs")
            .unwrap()
        {
            lost.push(e);
        }
    }
    assert!(lost.is_empty(), "lost: {lost:?}");

    // Coordination resumes: every instance reconnects, and a callback crosses instances again.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !instances.iter().all(|i| i.coordination.is_connected()) {
        assert!(Instant::now() < deadline, "coordination did not resume");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let session = start(&instances[0], "sandbox:manual", Some(&instances[1])).await;
    let waiting = tokio::spawn(completes(session.clone()));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let completed = Instant::now();
    sb.complete(session.id()).unwrap();
    waiting.await.unwrap().unwrap();
    assert!(
        completed.elapsed() < Duration::from_millis(500),
        "the callback crossed instances again ({:?})",
        completed.elapsed()
    );
    assert_eq!(reads(&sb, session.id()), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_data_under_the_fleets_keys_is_ignored() {
    let Some(redis) = RedisServer::shared() else {
        return;
    };
    let prefix = prefix("bad-data");
    let sb = sandbox(Timings {
        slow_complete_after: Duration::from_millis(2500),
        ..Timings::fast()
    })
    .await;
    let instances = fleet(&sb, &redis, &prefix, 2).await;
    let raw = redis::Client::open(redis.url()).unwrap();
    let mut raw = raw.get_multiplexed_async_connection().await.unwrap();
    let key = |id: &str, what: &str| format!("{prefix}:{{{id}}}:{what}");

    let mut sessions = Vec::new();
    for script in [
        "sandbox:slow",
        "sandbox:slow",
        "sandbox:slow",
        "sandbox:cancel",
    ] {
        sessions.push(
            instances[0]
                .client
                .bankid_se()
                .auth()
                .ref_id(script)
                .send()
                .await
                .unwrap(),
        );
    }
    // A lease of another type and without expiry, a status that is not JSON, one of another
    // session, a final status that is not a status, an account budget that is a list.
    let ids: Vec<String> = sessions.iter().map(|s| s.id().to_owned()).collect();
    let cmd = |args: &[&str]| {
        let mut c = redis::cmd(args[0]);
        for a in &args[1..] {
            c.arg(*a);
        }
        c
    };
    let foreign: Vec<redis::Cmd> = vec![
        cmd(&["DEL", &key(&ids[0], "lease")]),
        cmd(&["HSET", &key(&ids[0], "lease"), "a", "b"]),
        cmd(&["SET", &key(&ids[0], "status"), "{not json"]),
        cmd(&[
            "SET",
            &key(&ids[1], "status"),
            r#"{"id":"another","status":"COMPLETED"}"#,
        ]),
        cmd(&["SET", &key(&ids[1], "final"), "\u{0}\u{1} garbage"]),
        cmd(&["LPUSH", &key(&ids[2], "status"), "x"]),
        cmd(&["SET", &key(&ids[2], "lease"), "someone-else"]),
        cmd(&[
            "SET",
            &key(&ids[3], "final"),
            r#"{"id":"x","status":"COMPLETED"}"#,
        ]),
        cmd(&[
            "LPUSH",
            &format!("{prefix}:account:{}:reads", sb.account_id()),
            "x",
        ]),
        cmd(&[
            "PUBLISH",
            &format!("{prefix}:events"),
            "not an announcement",
        ]),
        cmd(&[
            "PUBLISH",
            &format!("{prefix}:events"),
            &serde_json::json!({"from": "elsewhere", "id": ids[0], "body": "{\"status\":3}"})
                .to_string(),
        ]),
    ];
    for c in foreign {
        let _: redis::Value = c.query_async(&mut raw).await.unwrap();
    }

    let mut waits = Vec::new();
    for session in &sessions {
        for instance in &instances {
            let session = resume(instance, session);
            waits.push(tokio::spawn(
                async move { session.wait().await.map(|_| ()) },
            ));
        }
    }
    let results: Vec<Result<(), Error>> = futures::future::join_all(waits)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for result in &results[..6] {
        assert!(result.is_ok(), "{result:?}");
    }
    for result in &results[6..] {
        assert!(matches!(result, Err(Error::Cancelled { .. })), "{result:?}");
    }
    assert!(instances.iter().all(|i| i.coordination.is_connected()));

    // A Redis that is not there, or a URL that is not one, is a clear error when the client
    // is built.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let err = RedisCoordination::connect(format!("redis://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Coordination { .. }), "{err:?}");
    assert!(err.to_string().contains("could not be reached"), "{err}");
    let err = RedisCoordination::connect("http://not-redis")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Coordination { .. }), "{err:?}");
    sb.shutdown().await;
}
