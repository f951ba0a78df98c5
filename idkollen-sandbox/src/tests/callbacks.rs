//! Signed callbacks to a receiver on the loopback interface, with retries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::common::post as start;
use crate::{SIGNATURE_HEADER, Sandbox, sign_callback};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// A callback receiver that answers 500 to its first `failures` requests.
async fn receiver(failures: usize) -> (String, Received) {
    let received: Received = Arc::default();
    let log = received.clone();
    let app = Router::new().route(
        "/callback",
        post(move |headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            async move {
                let mut log = log.lock().expect("lock");
                log.push((headers, body));
                if log.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/callback"), received)
}

#[tokio::test(start_paused = true)]
async fn a_signed_callback_is_retried_until_it_is_accepted() {
    let sb = Sandbox::builder()
        .callback_secret("s3cret")
        .start()
        .await
        .expect("start");
    let (url, received) = receiver(2).await;
    let (status, started) = start(
        &sb,
        "/v3/bankid-se/auth",
        &json!({"callbackUrl": url, "refId": "cb-1"}),
    )
    .await;
    assert_eq!(status, 201, "{started}");
    tokio::time::sleep(Duration::from_secs(5)).await;
    let received = received.lock().expect("lock").clone();
    assert_eq!(received.len(), 3, "two failures, then accepted");
    for (headers, body) in &received {
        let signature = headers[SIGNATURE_HEADER].to_str().expect("ascii");
        assert_eq!(signature, sign_callback("s3cret", body));
        assert_eq!(headers["content-type"], "application/json");
    }
    let body: Value = serde_json::from_slice(&received[0].1).expect("json");
    assert_eq!(body["status"], "COMPLETED");
    assert_eq!(body["id"], started["id"]);
    assert_eq!(body["refId"], "cb-1");
    super::common::assert_conforms("get", "/v3/bankid-se/auth/{id}", 200, &body);
    let deliveries = sb.callbacks();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].attempts, 3);
    assert!(deliveries[0].delivered);
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded_and_cancels_call_back_too() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (url, received) = receiver(usize::MAX).await;
    let (_, started) = start(
        &sb,
        "/v3/freja/auth",
        &json!({"callbackUrl": url, "refId": "sandbox:manual"}),
    )
    .await;
    let id = started["id"].as_str().expect("id");
    assert_eq!(
        super::common::delete(&sb, &format!("/v3/freja/auth/{id}")).await,
        204
    );
    tokio::time::sleep(Duration::from_secs(60)).await;
    let received = received.lock().expect("lock").clone();
    assert_eq!(received.len() as u32, sb.timings().callback_attempts);
    let body: Value = serde_json::from_slice(&received[0].1).expect("json");
    assert_eq!(body["error"], "CANCELLED");
    assert!(!sb.callbacks()[0].delivered);
}

#[tokio::test(start_paused = true)]
async fn callback_urls_must_be_loopback_unless_allowed() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (status, body) = start(
        &sb,
        "/v3/bankid-se/auth",
        &json!({"callbackUrl": "https://example.com/cb"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("callbackUrl:"))
    );
    let open = Sandbox::builder()
        .allow_external_callbacks(true)
        .start()
        .await
        .expect("start");
    // Accepted, and the session scripted never to end calls nobody.
    let (status, _) = start(
        &open,
        "/v3/bankid-se/auth",
        &json!({"callbackUrl": "https://example.com/cb", "refId": "sandbox:manual"}),
    )
    .await;
    assert_eq!(status, 201);
}
