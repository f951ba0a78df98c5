//! The hostile profile, read with a plain HTTP client: what each hostile answer looks like.

use std::time::{Duration, SystemTime};

use super::common::{get, http, post};
use crate::{HOSTILE_EXTRA_FIELD, HOSTILE_UNKNOWN_STATUS, Profile, Sandbox, StartCount, Timings};
use serde_json::{Value, json};

async fn hostile() -> Sandbox {
    Sandbox::builder()
        .timings(Timings::fast())
        .hostile()
        .start()
        .await
        .expect("start")
}

/// Status, content type, `Retry-After` and raw body of a GET.
async fn raw_get(sb: &Sandbox, path: &str) -> (u16, Option<String>, Option<String>, String) {
    let r = http(sb)
        .get(format!("{}{path}", sb.base_url()))
        .send()
        .await
        .expect("request");
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (ct, retry) = (header("content-type"), header("retry-after"));
    (
        r.status().as_u16(),
        ct,
        retry,
        r.text().await.expect("body"),
    )
}

/// Reads `path` three seconds apart until it answers something other than PENDING or the unknown
/// status; returns every 200 body read on the way (the hostile 502 and 429 are skipped).
async fn read_to_end(sb: &Sandbox, path: &str) -> Vec<Value> {
    let mut bodies = Vec::new();
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (status, body) = get(sb, path).await;
        if matches!(status, 502 | 429) {
            continue;
        }
        assert_eq!(status, 200, "{body}");
        bodies.push(body.clone());
        if !matches!(
            body["status"].as_str(),
            Some("PENDING" | HOSTILE_UNKNOWN_STATUS)
        ) {
            break;
        }
    }
    bodies
}

#[tokio::test(start_paused = true)]
async fn a_session_meets_every_hostile_answer_in_order() {
    let sb = hostile().await;
    assert_eq!(sb.profile(), Profile::Hostile);
    let (status, started) = post(&sb, "/v3/mitid/auth", &json!({"refId": "r1"})).await;
    // The start answer is valid, only with unknown fields added, top level and nested.
    assert_eq!(status, 201);
    assert_eq!(started["status"], "PENDING");
    assert!(
        started[HOSTILE_EXTRA_FIELD]["nested"].is_object(),
        "{started}"
    );
    let id = started["id"].as_str().expect("id").to_owned();
    let path = format!("/v3/mitid/auth/{id}");
    tokio::time::sleep(Duration::from_secs(1)).await;

    // 1. An empty 429 whose Retry-After is an IMF-fixdate 2 to 3 seconds ahead.
    let (status, _, retry, body) = raw_get(&sb, &path).await;
    assert_eq!(status, 429);
    assert_eq!(body, "");
    let retry = retry.expect("Retry-After");
    assert!(retry.parse::<u64>().is_err(), "{retry}");
    let at = httpdate::parse_http_date(&retry).expect("an HTTP date");
    let ahead = at.duration_since(SystemTime::now()).unwrap_or_default();
    assert!(
        ahead > Duration::from_millis(1500) && ahead <= Duration::from_secs(3),
        "{ahead:?}"
    );
    assert_eq!(httpdate::fmt_http_date(at), retry, "IMF-fixdate");

    tokio::time::sleep(Duration::from_secs(3)).await;
    // 2. A proxy's 502 with an HTML body.
    let (status, ct, _, body) = raw_get(&sb, &path).await;
    assert_eq!(status, 502);
    assert!(ct.unwrap_or_default().starts_with("text/html"));
    assert!(
        body.starts_with("<html>") && body.contains("Bad Gateway"),
        "{body}"
    );

    // 3. PENDING, 4. an unknown status with an unknown field, 5. the lean completion.
    let bodies = read_to_end(&sb, &path).await;
    let statuses: Vec<&str> = bodies.iter().filter_map(|b| b["status"].as_str()).collect();
    assert_eq!(
        statuses,
        ["PENDING", HOSTILE_UNKNOWN_STATUS, "COMPLETED"],
        "{bodies:?}"
    );
    assert_eq!(bodies[1]["newField"], 1);
    assert_eq!(bodies[1]["id"], id.as_str());
    let done = &bodies[2];
    // MitID without its optional ssn (and pid, ...); dates with a time and an offset.
    assert_eq!(done["name"], "Mette Hansen");
    assert!(
        done.get("ssn").is_none() && done.get("pid").is_none(),
        "{done}"
    );
    assert_eq!(done["birthDate"], "1988-03-12T00:00:00+02:00");
    assert!(
        done["authenticatedAt"]
            .as_str()
            .unwrap_or_default()
            .ends_with("+01:00"),
        "{done}"
    );
    assert!(done[HOSTILE_EXTRA_FIELD].is_object());

    let stats = sb.hostile_stats();
    assert_eq!(
        (
            stats.bad_gateway,
            stats.empty_rate_limited,
            stats.unknown_status
        ),
        (1, 1, 1)
    );
    assert_eq!(stats.lean_completions, 1);
    // The reads above came back 3 s after the 429 (tokio's clock): none early.
    assert_eq!(stats.early_reads, 0);
    assert_eq!(
        sb.starts().get("/v3/mitid/auth"),
        Some(&StartCount {
            received: 1,
            started: 1
        })
    );
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn unknown_fields_reach_nested_objects_and_completions_drop_optional_fields() {
    let sb = hostile().await;
    let request =
        json!({"ssn": "199001012310", "requestAddress": true, "orgNumber": "556016-0680"});
    let (_, started) = post(&sb, "/v3/bankid-se/auth", &request).await;
    assert!(started["qrStartToken"].is_string(), "{started}");
    assert!(started[HOSTILE_EXTRA_FIELD]["list"][0].is_object());
    let id = started["id"].as_str().expect("id");
    let path = format!("/v3/bankid-se/auth/{id}");
    let bodies = read_to_end(&sb, &path).await;
    let done = bodies.last().expect("a completion");
    assert_eq!(done["status"], "COMPLETED", "{bodies:?}");
    assert_eq!(done["ssn"], "199001012310");
    assert_eq!(done["name"], "Anna Andersson");
    for optional in [
        "address",
        "companySignatoryText",
        "device",
        "ocspResponse",
        "risk",
    ] {
        assert!(done.get(optional).is_none(), "{optional}: {done}");
    }
    assert_eq!(done["certStartDate"], "2008-01-01T00:00:00+02:00");

    // A signing keeps its result; unknown fields are added inside it too.
    let (_, started) = post(&sb, "/v3/bankid-no/sign", &json!({"text": "Avtale 17"})).await;
    let id = started["id"].as_str().expect("id");
    let bodies = read_to_end(&sb, &format!("/v3/bankid-no/sign/{id}")).await;
    let done = bodies.last().expect("a completion");
    assert_eq!(done["name"], "Kari Nordmann");
    assert!(done["signResult"]["hash"].is_string(), "{done}");
    assert!(
        done["signResult"][HOSTILE_EXTRA_FIELD].is_object(),
        "{done}"
    );
    assert!(
        done["signedAt"]
            .as_str()
            .unwrap_or_default()
            .ends_with("+01:00")
    );
    assert!(done.get("ssn").is_none() && done.get("phone").is_none());

    // Errors are JSON objects too, and get them.
    let (status, error) = post(&sb, "/v3/bankid-se/sign", &json!({})).await;
    assert_eq!(status, 400);
    assert!(error["message"].is_string() && error[HOSTILE_EXTRA_FIELD].is_object());
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn unknown_and_expired_sessions_answer_an_empty_404() {
    let sb = Sandbox::builder()
        .timings(Timings {
            retention: Duration::from_secs(5),
            ..Timings::fast()
        })
        .hostile()
        .start()
        .await
        .expect("start");
    let (status, ct, _, body) = raw_get(&sb, "/v3/freja/auth/no-such-session").await;
    assert_eq!((status, body.as_str()), (404, ""));
    assert!(
        ct.as_deref().is_none_or(|ct| ct.starts_with("text/plain")),
        "{ct:?}"
    );

    let (_, started) = post(&sb, "/v3/ftn/age-verification", &json!({"minAge": 18})).await;
    let id = started["id"].as_str().expect("id");
    let path = format!("/v3/ftn/age-verification/{id}");
    let bodies = read_to_end(&sb, &path).await;
    assert_eq!(
        bodies.last().expect("end")["ageVerified"],
        true,
        "{bodies:?}"
    );
    tokio::time::sleep(Duration::from_secs(10)).await;
    let (status, _, _, body) = raw_get(&sb, &path).await;
    assert_eq!((status, body.as_str()), (404, ""));
    assert_eq!(sb.hostile_stats().empty_not_found, 2);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn failures_meet_the_plan_too_and_starts_are_counted() {
    let sb = hostile().await;
    let (status, started) = post(
        &sb,
        "/v3/vipps/backchannel/auth",
        &json!({"phone": "+4740000004"}),
    )
    .await;
    assert_eq!(status, 201);
    let id = started["id"].as_str().expect("id");
    let path = format!("/v3/vipps/auth/{id}");
    assert_eq!(raw_get(&sb, &path).await.0, 429);
    assert_eq!(raw_get(&sb, &path).await.0, 502);
    let bodies = read_to_end(&sb, &path).await;
    let statuses: Vec<&str> = bodies.iter().filter_map(|b| b["status"].as_str()).collect();
    assert_eq!(statuses, ["PENDING", HOSTILE_UNKNOWN_STATUS, "FAILED"]);
    assert_eq!(bodies[2]["error"], "AUTH_FAILED");
    // A refused start is received but starts nothing.
    assert_eq!(
        post(&sb, "/v3/vipps/backchannel/auth", &json!({})).await.0,
        400
    );
    let starts = sb.starts();
    assert_eq!(
        starts["/v3/vipps/backchannel/auth"],
        StartCount {
            received: 2,
            started: 1
        }
    );
    let (_, stats) = get(&sb, "/_sandbox/stats").await;
    assert_eq!(stats["profile"], "hostile");
    assert_eq!(stats["starts"]["/v3/vipps/backchannel/auth"]["started"], 1);
    assert_eq!(stats["hostile"]["badGateway"], 1);
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_default_profile_serves_none_of_it() {
    let sb = Sandbox::builder().start().await.expect("start");
    assert_eq!(sb.profile(), Profile::Default);
    let (_, started) = post(&sb, "/v3/mitid/auth", &json!({})).await;
    assert!(started.get(HOSTILE_EXTRA_FIELD).is_none());
    let id = started["id"].as_str().expect("id");
    let bodies = read_to_end(&sb, &format!("/v3/mitid/auth/{id}")).await;
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["ssn"], "1203881234");
    assert_eq!(bodies[0]["birthDate"], "1988-03-12");
    let (status, body) = get(&sb, "/v3/mitid/auth/nope").await;
    assert_eq!(status, 404);
    assert!(body["message"].is_string());
    assert_eq!(sb.hostile_stats(), Default::default());
    assert_eq!(
        sb.starts()["/v3/mitid/auth"],
        StartCount {
            received: 1,
            started: 1
        }
    );
    sb.shutdown().await;
}
