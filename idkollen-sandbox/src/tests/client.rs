//! The generated client against the sandbox, and the handle's life cycle.

use std::time::Duration;

use crate::{Sandbox, Timings};
use idkollen_api::types;
use serde_json::json;

#[tokio::test(start_paused = true)]
async fn the_generated_client_runs_a_bankid_se_flow() {
    let sb = Sandbox::builder()
        .account_id("acme")
        .secret_key("hunter2")
        .timings(Timings::realistic())
        .start()
        .await
        .expect("start");
    assert!(sb.base_url().starts_with("http://127.0.0.1:"));
    assert!(!sb.base_url().ends_with('/'));
    let client = super::common::api(&sb);
    let body: types::BankIdSeAuthRequest =
        serde_json::from_value(json!({"refId": "order-9"})).expect("request");
    let started = client.bankid_se_start_auth(&body).await.expect("start");
    assert_eq!(started.status().as_u16(), 201);
    let types::BankIdSeStatus::BankIdSePending(pending) = started.into_inner() else {
        panic!("not pending");
    };
    let id: types::SessionId = pending.id.parse().expect("id");
    let mut hints = Vec::new();
    let completed = loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        match client
            .bankid_se_get_auth_status(&id)
            .await
            .expect("status")
            .into_inner()
        {
            types::BankIdSeStatus::BankIdSePending(p) => {
                let hint = p.hint_code.map(|h| h.0).unwrap_or_default();
                if hints.last() != Some(&hint) {
                    hints.push(hint);
                }
            }
            types::BankIdSeStatus::BankIdSeCompleted(c) => break c,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(hints, ["outstandingTransaction", "started", "userSign"]);
    assert_eq!(completed.ssn, "198112289874");
    assert_eq!(completed.ref_id.as_deref(), Some("order-9"));
    let error = client
        .bankid_se_get_auth_status(&"nope".parse().expect("id"))
        .await;
    assert_eq!(
        error.err().and_then(|e| e.status()).map(|s| s.as_u16()),
        Some(404)
    );
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_and_drop_stop_the_server() {
    let sb = Sandbox::builder().start().await.expect("start");
    let url = format!("{}/v3/ftn/auth/x", sb.base_url());
    assert_eq!(reqwest::get(&url).await.expect("up").status(), 401);
    sb.shutdown().await;
    assert!(
        reqwest::get(&url).await.is_err(),
        "still answering after shutdown"
    );

    let sb = Sandbox::builder().start().await.expect("start");
    let url = format!("{}/v3/ftn/auth/x", sb.base_url());
    drop(sb);
    let mut stopped = false;
    for _ in 0..50 {
        if reqwest::get(&url).await.is_err() {
            stopped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(stopped, "still answering after drop");
}

#[tokio::test]
async fn bind_to_a_chosen_address() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
    let addr = probe.local_addr().expect("addr");
    drop(probe);
    let sb = Sandbox::builder().bind(addr).start().await.expect("start");
    assert_eq!(sb.base_url(), format!("http://{addr}"));
    assert_eq!(sb.addr(), addr);
    assert_eq!(sb.account_id(), crate::DEFAULT_ACCOUNT_ID);
    assert_eq!(sb.secret_key(), "sandbox-secret");
    assert_eq!(sb.callback_secret(), "sandbox-callback-secret");
}

#[test]
fn the_handle_can_be_shared_across_tasks() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Sandbox>();
    assert_send_sync::<crate::Fault>();
    assert_send_sync::<crate::SandboxError>();
}

#[tokio::test]
async fn connections_are_counted_while_open() {
    let sb = Sandbox::builder().start().await.expect("start");
    assert_eq!(sb.connections(), Default::default());
    // Three clients, each with its own connection, the requests in flight at once.
    let clients: Vec<reqwest::Client> = (0..3).map(|_| super::common::http(&sb)).collect();
    let reads = clients.iter().map(|http| {
        http.get(format!(
            "{}/v3/bankid-se/auth/no-such-session",
            sb.base_url()
        ))
        .send()
    });
    for answer in futures::future::join_all(reads).await {
        assert_eq!(answer.expect("an answer").status().as_u16(), 404);
    }
    let stats = sb.connections();
    assert_eq!((stats.accepted, stats.open, stats.peak), (3, 3, 3));

    // A connection that ends is no longer open; the peak stays until it is reset.
    drop(clients);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while sb.connections().open > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            sb.connections()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sb.connections().peak, 3);
    sb.reset_peak_connections();
    assert_eq!(sb.connections().peak, 0);
    assert_eq!(sb.connections().accepted, 3);
}
