//! Injected faults and the request log, through the Rust handle and the control API.

use std::time::Duration;

use super::common::{get, http, post};
use crate::{Fault, RecordedRequest, Sandbox};
use serde_json::{Value, json};

const SE_AUTH: &str = "/v3/bankid-se/auth";

#[tokio::test(start_paused = true)]
async fn status_faults_answer_json_errors_then_stop() {
    let sb = Sandbox::builder().start().await.expect("start");
    sb.inject(Fault::unavailable().times(2).path_prefix("/v3/bankid-se/"));
    sb.inject(Fault::too_many_requests());
    // Another provider is not hit by the prefixed fault, but by the next one.
    let response = http(&sb)
        .post(format!("{}/v3/freja/auth", sb.base_url()))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    for _ in 0..2 {
        let (status, body) = post(&sb, SE_AUTH, &json!({})).await;
        assert_eq!(status, 503);
        assert!(body["message"].is_string());
    }
    assert_eq!(post(&sb, SE_AUTH, &json!({})).await.0, 201);
    // Faulted requests were not handled: only one session exists.
    let (_, sessions) = get(&sb, "/_sandbox/sessions").await;
    assert_eq!(sessions.as_array().map(Vec::len), Some(1));
    sb.inject(Fault::internal_error());
    assert_eq!(get(&sb, "/v3/ftn/auth/x").await.0, 500);
}

#[tokio::test(start_paused = true)]
async fn dropped_connections_and_malformed_bodies() {
    let sb = Sandbox::builder().start().await.expect("start");
    sb.inject(Fault::drop_connection());
    let error = http(&sb)
        .post(format!("{}{SE_AUTH}", sb.base_url()))
        .json(&json!({}))
        .send()
        .await
        .expect_err("the connection is dropped");
    assert!(!error.is_status(), "{error}");

    sb.inject(Fault::malformed_json());
    let response = http(&sb)
        .post(format!("{}{SE_AUTH}", sb.base_url()))
        .json(&json!({}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let text = response.text().await.expect("text");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    // The request log proves what the client sent, including the faulted requests.
    let log = sb.requests();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|r| r.method == "POST" && r.path == SE_AUTH));
    let (_, listed) = get(&sb, "/_sandbox/requests").await;
    assert_eq!(
        listed,
        json!([{"method": "POST", "path": SE_AUTH}, {"method": "POST", "path": SE_AUTH}])
    );
    sb.clear_requests();
    assert_eq!(sb.requests(), Vec::<RecordedRequest>::new());
}

#[tokio::test(start_paused = true)]
async fn delays_run_on_tokios_clock() {
    let sb = Sandbox::builder().start().await.expect("start");
    sb.inject(Fault::delay(Duration::from_secs(30)));
    let began = tokio::time::Instant::now();
    assert_eq!(post(&sb, SE_AUTH, &json!({})).await.0, 201);
    assert!(began.elapsed() >= Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn control_api_manages_faults() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (status, echo) = post(
        &sb,
        "/_sandbox/faults",
        &json!({"kind": "status", "status": 502, "times": 3, "pathPrefix": "/v3/mitid/"}),
    )
    .await;
    assert_eq!(status, 201, "{echo}");
    let (_, listed) = get(&sb, "/_sandbox/faults").await;
    assert_eq!(listed[0]["times"], 3);
    assert_eq!(post(&sb, "/v3/mitid/auth", &json!({})).await.0, 502);
    assert_eq!(super::common::delete(&sb, "/_sandbox/faults").await, 204);
    assert_eq!(post(&sb, "/v3/mitid/auth", &json!({})).await.0, 201);
    let (status, body) = post(&sb, "/_sandbox/faults", &json!({"kind": "explode"})).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("kind:"))
    );
    // The control API never shows up in the request log, and needs the credentials too.
    assert!(
        sb.requests()
            .iter()
            .all(|r| !r.path.starts_with("/_sandbox"))
    );
    let response = reqwest::Client::new()
        .get(format!("{}/_sandbox/requests", sb.base_url()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 401);
}

#[tokio::test(start_paused = true)]
async fn throttled_sessions_answer_429_on_every_other_read() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (_, started) = post(&sb, SE_AUTH, &json!({"ssn": "199001012427"})).await;
    let path = format!("{SE_AUTH}/{}", started["id"].as_str().expect("id"));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        statuses.push(get(&sb, &path).await.0);
    }
    assert_eq!(statuses, [200, 429, 200, 429]);
}

#[tokio::test(start_paused = true)]
async fn status_reads_are_limited_to_one_per_second() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (_, started) = post(&sb, SE_AUTH, &json!({"refId": "sandbox:manual"})).await;
    let path = format!("{SE_AUTH}/{}", started["id"].as_str().expect("id"));
    assert_eq!(get(&sb, &path).await.0, 200);
    let response = http(&sb)
        .get(format!("{}{path}", sb.base_url()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    tokio::time::sleep(Duration::from_millis(999)).await;
    assert_eq!(get(&sb, &path).await.0, 429);
    tokio::time::sleep(Duration::from_millis(1)).await;
    assert_eq!(get(&sb, &path).await.0, 200);
}

#[tokio::test(start_paused = true)]
async fn every_429_answer_is_counted() {
    let sb = Sandbox::builder().start().await.expect("start");
    assert_eq!(sb.rate_limited_count(), 0);
    let (status, started) = post(&sb, SE_AUTH, &json!({ "refId": "sandbox:manual" })).await;
    assert_eq!(status, 201);
    let path = format!("{SE_AUTH}/{}", started["id"].as_str().expect("id"));
    // The second read within a second is over the per-session limit.
    assert_eq!(get(&sb, &path).await.0, 200);
    assert_eq!(get(&sb, &path).await.0, 429);
    assert_eq!(sb.rate_limited_count(), 1);
    // An injected 429 counts too; answers that are not 429 do not.
    sb.inject(Fault::too_many_requests());
    assert_eq!(post(&sb, SE_AUTH, &json!({})).await.0, 429);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(get(&sb, &path).await.0, 200);
    assert_eq!(sb.rate_limited_count(), 2);
}
