//! The example of the README, compiled and run.

use std::time::Duration;

use idkollen_sandbox::{Fault, Sandbox};
use serde_json::{Value, json};

#[tokio::test(start_paused = true)]
async fn login_with_bankid() -> Result<(), Box<dyn std::error::Error>> {
    let sb = Sandbox::builder().start().await?;
    let http = reqwest::Client::new();
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(sb.account_id(), Some(sb.secret_key()));

    // Start an authentication for the test identity that completes.
    let started: Value = auth(http.post(format!("{}/v3/bankid-se/auth", sb.base_url())))
        .json(&json!({ "ssn": "199001012310", "refId": "order-1" }))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(started["status"], "PENDING");
    let id = started["id"].as_str().unwrap_or_default().to_owned();

    // Poll as a client would; the paused clock makes the waits instant.
    let status = loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let status: Value = auth(http.get(format!("{}/v3/bankid-se/auth/{id}", sb.base_url())))
            .send()
            .await?
            .json()
            .await?;
        if status["status"] != "PENDING" {
            break status;
        }
    };
    assert_eq!(status["status"], "COMPLETED");
    assert_eq!(status["ssn"], "199001012310");

    // The start was sent exactly once.
    let starts = sb.requests().iter().filter(|r| r.method == "POST").count();
    assert_eq!(starts, 1);

    // The next request fails with 503.
    sb.inject(Fault::unavailable());
    let response = auth(http.get(format!("{}/v3/bankid-se/auth/{id}", sb.base_url())))
        .send()
        .await?;
    assert_eq!(response.status(), 503);

    sb.shutdown().await;
    Ok(())
}
