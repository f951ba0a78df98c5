//! Session life cycles over HTTP: start, poll, scripted outcomes, cancel, retention.

use std::time::Duration;

use super::common::{assert_conforms, delete, get, post};
use crate::{Sandbox, Timings};
use serde_json::{Value, json};

const SE_AUTH: &str = "/v3/bankid-se/auth";

/// Polls `path` once a second (the rate limit) until the session has ended.
async fn wait(sb: &Sandbox, path: &str) -> Value {
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (status, body) = get(sb, path).await;
        assert_eq!(status, 200, "{body}");
        if body["status"] != "PENDING" {
            return body;
        }
    }
    panic!("{path} never ended");
}

#[tokio::test(start_paused = true)]
async fn bankid_se_auth_completes_with_the_default_persona() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (status, started) = post(&sb, SE_AUTH, &json!({"refId": "order-1"})).await;
    assert_eq!(status, 201, "{started}");
    assert_conforms("post", SE_AUTH, 201, &started);
    assert_eq!(started["status"], "PENDING");
    assert_eq!(started["refId"], "order-1");
    assert_eq!(started["hintCode"], "outstandingTransaction");
    for field in ["autoStartToken", "qrStartToken", "qrStartSecret"] {
        assert!(
            started[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }
    let id = started["id"].as_str().expect("id");
    let path = format!("{SE_AUTH}/{id}");
    let done = wait(&sb, &path).await;
    assert_conforms("get", "/v3/bankid-se/auth/{id}", 200, &done);
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["ssn"], "198112289874");
    assert_eq!(done["refId"], "order-1");
    assert!(crate::ids::valid_personnummer(
        done["ssn"].as_str().expect("ssn")
    ));
    // Readable for the retention period, then gone.
    tokio::time::sleep(sb.timings().retention - Duration::from_secs(5)).await;
    assert_eq!(get(&sb, &path).await.0, 200);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (status, body) = get(&sb, &path).await;
    assert_eq!(status, 404);
    assert_conforms("get", "/v3/bankid-se/auth/{id}", 404, &body);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn test_identities_script_every_outcome() {
    let sb = Sandbox::builder().start().await.expect("start");
    let cases = [
        ("199001012310", json!("COMPLETED")),
        ("199001012328", json!("CANCELLED")),
        ("199001012336", json!("SESSION_TIMEOUT")),
        ("199001012344", json!("AUTH_FAILED")),
        ("199001012351", json!("INVALID_ID")),
        ("199001012369", json!("CONFLICT")),
        ("199001012377", json!("INTERNAL_ERROR")),
        ("199001012385", json!("UNSUPPORTED_CLIENT")),
        ("199001012393", json!("FUTURE_ERROR_CODE")),
    ];
    for (ssn, expected) in cases {
        let (status, started) = post(&sb, SE_AUTH, &json!({"ssn": ssn})).await;
        assert_eq!(status, 201, "{started}");
        let path = format!("{SE_AUTH}/{}", started["id"].as_str().expect("id"));
        let done = wait(&sb, &path).await;
        assert_conforms("get", "/v3/bankid-se/auth/{id}", 200, &done);
        if expected == "COMPLETED" {
            assert_eq!(done["status"], "COMPLETED", "{ssn}: {done}");
            assert_eq!(done["ssn"], ssn);
        } else {
            assert_eq!(done["status"], "FAILED", "{ssn}: {done}");
            assert_eq!(done["error"], expected, "{ssn}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn other_providers_use_their_own_test_identities() {
    let sb = Sandbox::builder().start().await.expect("start");
    let cases = [
        (
            "/v3/bankid-no/backchannel/auth",
            "/v3/bankid-no/auth",
            json!({"ssn": "01019010550"}),
            "INVALID_ID",
        ),
        (
            "/v3/mitid/backchannel/auth",
            "/v3/mitid/auth",
            json!({"ssn": "0101901004", "bindingMessage": "Log in"}),
            "AUTH_FAILED",
        ),
        (
            "/v3/vipps/backchannel/auth",
            "/v3/vipps/auth",
            json!({"phone": "+4740000006"}),
            "CONFLICT",
        ),
        (
            "/v3/freja/backchannel/auth",
            "/v3/freja/auth",
            json!({"ssn": "199001012385", "country": "SWEDEN"}),
            "UNSUPPORTED_CLIENT",
        ),
        (
            "/v3/ftn/auth",
            "/v3/ftn/auth",
            json!({"refId": "sandbox:fail:INTERNAL_ERROR"}),
            "INTERNAL_ERROR",
        ),
    ];
    for (start, read, body, code) in cases {
        let (status, started) = post(&sb, start, &body).await;
        assert_eq!(status, 201, "{start}: {started}");
        assert_conforms("post", start, 201, &started);
        let template = format!("{read}/{{id}}");
        let path = format!("{read}/{}", started["id"].as_str().expect("id"));
        let done = wait(&sb, &path).await;
        assert_conforms("get", &template, 200, &done);
        assert_eq!(done["error"], code, "{start}");
    }
}

#[tokio::test(start_paused = true)]
async fn ref_id_scripts_drive_flows_without_an_identity() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (_, started) = post(
        &sb,
        "/v3/bankid-no/auth",
        &json!({"refId": "sandbox:cancel"}),
    )
    .await;
    assert!(
        started["url"]
            .as_str()
            .is_some_and(|u| u.starts_with(&sb.base_url()))
    );
    let path = format!("/v3/bankid-no/auth/{}", started["id"].as_str().expect("id"));
    assert_eq!(wait(&sb, &path).await["error"], "CANCELLED");

    // An unknown hint code shows up while pending, then the session completes.
    let (_, started) = post(&sb, SE_AUTH, &json!({"refId": "sandbox:unknown-hint"})).await;
    let path = format!("{SE_AUTH}/{}", started["id"].as_str().expect("id"));
    tokio::time::sleep(sb.timings().user_sign_after).await;
    let (_, pending) = get(&sb, &path).await;
    assert_eq!(pending["hintCode"], crate::scenarios::UNKNOWN_HINT_CODE);
    assert_conforms("get", "/v3/bankid-se/auth/{id}", 200, &pending);
    assert_eq!(wait(&sb, &path).await["status"], "COMPLETED");

    // A status from the future while pending, then COMPLETED.
    let (_, started) = post(
        &sb,
        "/v3/vipps/auth",
        &json!({"refId": "sandbox:unknown-status"}),
    )
    .await;
    assert_eq!(started["status"], "PENDING");
    let path = format!("/v3/vipps/auth/{}", started["id"].as_str().expect("id"));
    tokio::time::sleep(sb.timings().started_after).await;
    let (_, odd) = get(&sb, &path).await;
    assert_eq!(
        odd,
        json!({"status": "SANDBOX_FUTURE_STATUS", "id": started["id"]})
    );
    assert_conforms("get", "/v3/vipps/auth/{id}", 200, &odd);
    let done = loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (_, body) = get(&sb, &path).await;
        if body["status"] != "SANDBOX_FUTURE_STATUS" {
            break body;
        }
    };
    assert_eq!(done["status"], "COMPLETED");

    // Age verification: a 17-year-old is outside 18..
    let (status, started) = post(
        &sb,
        "/v3/mitid/age-verification",
        &json!({"minAge": 18, "refId": "sandbox:age:17"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(started["minAge"], 18);
    assert_conforms("post", "/v3/mitid/age-verification", 201, &started);
    let path = format!(
        "/v3/mitid/age-verification/{}",
        started["id"].as_str().expect("id")
    );
    let done = wait(&sb, &path).await;
    assert_conforms("get", "/v3/mitid/age-verification/{id}", 200, &done);
    assert_eq!(done["ageVerified"], false);

    let (status, body) = post(&sb, SE_AUTH, &json!({"refId": "sandbox:nonsense"})).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("refId:"))
    );
}

#[tokio::test(start_paused = true)]
async fn slow_sessions_take_long_and_timeouts_time_out() {
    let t = Timings::fast();
    let sb = Sandbox::builder().timings(t).start().await.expect("start");
    let (_, started) = post(&sb, "/v3/freja/auth", &json!({"refId": "sandbox:slow"})).await;
    let path = format!("/v3/freja/auth/{}", started["id"].as_str().expect("id"));
    let began = tokio::time::Instant::now();
    assert_eq!(wait(&sb, &path).await["status"], "COMPLETED");
    assert!(began.elapsed() >= t.slow_complete_after);
    let (_, started) = post(
        &sb,
        "/v3/freja/sign",
        &json!({"text": "ok", "refId": "sandbox:timeout"}),
    )
    .await;
    let path = format!("/v3/freja/sign/{}", started["id"].as_str().expect("id"));
    assert_eq!(wait(&sb, &path).await["error"], "SESSION_TIMEOUT");
}

#[tokio::test(start_paused = true)]
async fn cancel_fails_the_session_then_it_expires() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (_, started) = post(
        &sb,
        "/v3/bankid-se/sign",
        &json!({"text": "Pay 10 SEK", "refId": "sandbox:manual"}),
    )
    .await;
    let id = started["id"].as_str().expect("id");
    let path = format!("/v3/bankid-se/sign/{id}");
    // Sign sessions are not readable as auth sessions.
    assert_eq!(get(&sb, &format!("{SE_AUTH}/{id}")).await.0, 404);
    assert_eq!(delete(&sb, &path).await, 204);
    let (status, body) = get(&sb, &path).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"status": "FAILED", "id": id, "refId": "sandbox:manual", "error": "CANCELLED"})
    );
    tokio::time::sleep(sb.timings().retention + Duration::from_secs(1)).await;
    assert_eq!(get(&sb, &path).await.0, 404);
    assert_eq!(delete(&sb, &path).await, 404);
}

#[tokio::test(start_paused = true)]
async fn control_api_completes_and_fails_sessions() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (_, a) = post(
        &sb,
        "/v3/bankid-se/phone/auth",
        &json!({"ssn": "199001012435", "callInitiator": "RP"}),
    )
    .await;
    let (_, b) = post(&sb, SE_AUTH, &json!({"refId": "sandbox:manual"})).await;
    let a = a["id"].as_str().expect("id").to_owned();
    let b = b["id"].as_str().expect("id").to_owned();
    sb.complete(&a).expect("complete");
    assert_eq!(
        sb.complete(&a),
        Err(crate::SandboxError::AlreadyEnded(a.clone()))
    );
    let (status, body) = post(
        &sb,
        &format!("/_sandbox/sessions/{b}/fail"),
        &json!({"error": "INVALID_ID"}),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    let (_, done) = get(&sb, &format!("{SE_AUTH}/{a}")).await;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["ssn"], "199001012435");
    let (_, done) = get(&sb, &format!("{SE_AUTH}/{b}")).await;
    assert_eq!(done["error"], "INVALID_ID");
    let (status, _) = post(&sb, "/_sandbox/sessions/nope/complete", &json!({})).await;
    assert_eq!(status, 404);
    assert!(matches!(
        sb.fail("nope", "X"),
        Err(crate::SandboxError::UnknownSession(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn the_redirect_url_is_a_provider_page_where_the_user_approves_or_cancels() {
    let sb = Sandbox::builder().start().await.expect("start");
    let (_, started) = post(
        &sb,
        "/v3/ftn/auth",
        &json!({"refId": "sandbox:manual", "redirectUrl": "https://shop.example/done"}),
    )
    .await;
    let url = started["url"].as_str().expect("url").to_owned();
    // A browser, without credentials, that does not follow the redirect.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    // Opening the page shows the choice and changes nothing.
    let response = browser.get(&url).send().await.expect("provider page");
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("page");
    assert!(page.contains("Matti Meikäläinen") && page.contains("Maija Virtanen"));
    let path = format!("/v3/ftn/auth/{}", started["id"].as_str().expect("id"));
    let (_, pending) = get(&sb, &path).await;
    assert_eq!(pending["status"], "PENDING");
    // A form that is not the page's answers 4xx, and ends nothing.
    let bad = browser
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=explode")
        .send()
        .await
        .expect("bad form");
    assert!(bad.status().is_client_error(), "{}", bad.status());
    let bad = browser
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=approve&persona=7")
        .send()
        .await
        .expect("bad persona");
    assert_eq!(bad.status(), 400);
    // Approving as the second person completes the session as them and returns the browser.
    let response = browser
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=approve&persona=1")
        .send()
        .await
        .expect("approve");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "https://shop.example/done");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (_, done) = get(&sb, &path).await;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["name"], "Maija Virtanen");
    assert!(crate::ids::valid_hetu(done["ssn"].as_str().expect("ssn")));
    // Once ended, the page says so.
    let ended = browser.get(&url).send().await.expect("page").text().await;
    assert!(ended.expect("page").contains("already ended"));

    // Cancelling fails the session with CANCELLED; without a redirectUrl the page says so.
    let (_, started) = post(
        &sb,
        "/v3/mitid/age-verification",
        &json!({"refId": "sandbox:manual"}),
    )
    .await;
    let response = browser
        .post(started["url"].as_str().expect("url"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=cancel")
        .send()
        .await
        .expect("cancel");
    assert_eq!(response.status(), 200);
    let path = format!(
        "/v3/mitid/age-verification/{}",
        started["id"].as_str().expect("id")
    );
    let (_, cancelled) = get(&sb, &path).await;
    assert_eq!(cancelled["status"], "FAILED");
    assert_eq!(cancelled["error"], "CANCELLED");
    let missing = format!("{}/_sandbox/login/nope", sb.base_url());
    assert_eq!(
        browser.get(&missing).send().await.expect("page").status(),
        404
    );
    assert_eq!(
        browser
            .post(&missing)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("action=approve")
            .send()
            .await
            .expect("page")
            .status(),
        404
    );
}
