//! The web kit over HTTP, as a browser's script uses it: a start answers what the page shows
//! and binds the session to the browser's cookie; the event stream follows the sandbox's hints
//! with a valid BankID frame each second, then the application's reply; the identity reaches
//! only the completion hook; another browser, a forged token and bad input get a 4xx with a
//! JSON error and start nothing.

mod web_app;

use std::collections::HashMap;

use futures::StreamExt as _;
use idkollen_ext::Provider;
use idkollen_ext::qr::qr_auth_code;
use idkollen_sandbox::Timings;
use serde_json::{Value, json};
use web_app::{App, visible_hints};

const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

/// One browser: its cookies, its user agent and its languages.
struct Browser {
    http: reqwest::Client,
    origin: String,
    cookies: HashMap<String, String>,
    user_agent: &'static str,
    languages: &'static str,
}

/// One server-sent event.
#[derive(Debug, Clone)]
struct Event {
    name: String,
    data: Value,
}

impl Browser {
    fn new(app: &App) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            origin: app.origin.clone(),
            cookies: HashMap::new(),
            user_agent: DESKTOP,
            languages: "en-GB,en;q=0.9",
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.origin))
            .header("user-agent", self.user_agent)
            .header("accept-language", self.languages)
            .header("origin", &self.origin)
            .header("cookie", self.cookie_header())
    }

    /// `POST /login/sessions` with this JSON body: the status and the answer.
    async fn start(&mut self, body: Value) -> (u16, Value) {
        let response = self
            .request(reqwest::Method::POST, "/login/sessions")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        for cookie in response.headers().get_all("set-cookie") {
            let cookie = cookie.to_str().unwrap();
            assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
            let (pair, _) = cookie.split_once(';').unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.insert(k.to_owned(), v.to_owned());
        }
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn start_login(&mut self, provider: &str, extra: Value) -> Value {
        let mut body = json!({
            "provider": provider,
            "returnUrl": format!("{}/login?from=test", self.origin),
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (status, started) = self.start(body).await;
        assert_eq!(status, 201, "{started}");
        started
    }

    /// Every event of session `id`'s stream, until it ends.
    async fn events(&self, id: &str) -> Result<Vec<Event>, (u16, Value)> {
        let response = self
            .request(
                reqwest::Method::GET,
                &format!("/login/sessions/{id}/events"),
            )
            .send()
            .await
            .unwrap();
        if !response.status().is_success() {
            let status = response.status().as_u16();
            return Err((status, response.json().await.unwrap()));
        }
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut body = response.bytes_stream();
        let mut buffer = String::new();
        let mut events = Vec::new();
        while let Some(chunk) = body.next().await {
            buffer.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if !data.is_empty() {
                    events.push(Event {
                        name,
                        data: serde_json::from_str(&data).unwrap(),
                    });
                }
            }
        }
        Ok(events)
    }

    async fn cancel(&self, id: &str) -> (u16, Value) {
        let response = self
            .request(reqwest::Method::DELETE, &format!("/login/sessions/{id}"))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

fn statuses(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| e.name == "status")
        .map(|e| e.data.clone())
        .collect()
}

/// The sandbox's record of the only session it holds.
async fn only_session(app: &App) -> Value {
    let list: Value = reqwest::Client::new()
        .get(format!("{}/_sandbox/sessions", app.sandbox.base_url()))
        .basic_auth(app.sandbox.account_id(), Some(app.sandbox.secret_key()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    list[0].clone()
}

#[tokio::test(start_paused = true)]
async fn a_bankid_login_streams_its_frames_and_hints_and_the_identity_stays_on_the_server() {
    let app = web_app::start(visible_hints(), |k| k).await;
    let mut browser = Browser::new(&app);
    let started = browser.start_login("bankid-se", json!({})).await;
    let id = started["id"].as_str().unwrap();
    assert!(started["qr"].as_str().unwrap().contains("<svg"));
    assert_eq!(started["launch"]["autostart"], false);
    assert!(
        started["launch"]["href"]
            .as_str()
            .unwrap()
            .starts_with("bankid:///?autostarttoken=")
    );
    assert_eq!(started["status"]["message"]["qr"], "Start your BankID app.");
    let sandbox_session = only_session(&app).await;
    let secret = sandbox_session["state"]["qrStartSecret"].as_str().unwrap();
    assert!(!started.to_string().contains(secret));

    let events = browser.events(id).await.unwrap();
    // A new, valid frame of this order each second.
    let frames: Vec<u64> = events
        .iter()
        .filter(|e| e.name == "qr")
        .map(|e| e.data["t"].as_u64().unwrap())
        .collect();
    assert!(frames.len() >= 5, "{frames:?}");
    assert!(frames.windows(2).all(|w| w[1] == w[0] + 1), "{frames:?}");
    // The messages follow the hints, then the application's reply.
    let messages: Vec<String> = statuses(&events)
        .iter()
        .map(|s| match s["state"].as_str().unwrap() {
            "pending" => s["message"]["qr"].as_str().unwrap().to_owned(),
            _ => s["message"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert_eq!(messages[0], "Start your BankID app.");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Searching for BankID")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Enter your security code")),
        "{messages:?}"
    );
    assert_eq!(messages.last().unwrap(), "Welcome, Anna Andersson");
    let hints: Vec<String> = statuses(&events)
        .iter()
        .filter_map(|s| s["hint"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(hints, ["outstandingTransaction", "started", "userSign"]);
    // The identity went to the hook, and nowhere near the page.
    let seen = app.completed();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].name, "Anna Andersson");
    assert_eq!(seen[0].ssn.as_deref(), Some("198112289874"));
    let everything = format!("{events:?}");
    assert!(!everything.contains("198112289874"));
    // A second look at the ended session gets its final status at once.
    let again = browser.events(id).await.unwrap();
    assert_eq!(statuses(&again).len(), 1);
    assert_eq!(statuses(&again)[0]["state"], "done");
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn each_frame_on_the_stream_is_the_one_bankid_expects_that_second() {
    let app = web_app::start(visible_hints(), |k| k).await;
    let mut browser = Browser::new(&app);
    let started = browser.start_login("bankid-se", json!({})).await;
    let session = only_session(&app).await;
    let secret = session["state"]["qrStartSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = session["state"]["qrStartToken"]
        .as_str()
        .unwrap()
        .to_owned();
    // The SVG is a rendering of the frame's content: render the expected content the same way.
    let events = browser
        .events(started["id"].as_str().unwrap())
        .await
        .unwrap();
    for event in events.iter().filter(|e| e.name == "qr") {
        let t = event.data["t"].as_u64().unwrap();
        let expected = format!("bankid.{token}.{t}.{}", qr_auth_code(&secret, t));
        let svg = idkollen_ext::qr::QrImage::new(&expected).unwrap().to_svg();
        assert_eq!(event.data["svg"].as_str().unwrap(), svg, "frame {t}");
    }
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn another_browser_or_a_forged_token_gets_nothing() {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let mut owner = Browser::new(&app);
    let started = owner
        .start_login("bankid-se", json!({"context": "manual"}))
        .await;
    let id = started["id"].as_str().unwrap();
    let unknown =
        json!({"error": "unknown_session", "message": "no such login session for this browser"});

    // Another browser that learned the id: no cookie, a forged one, another session's.
    let mut other = Browser::new(&app);
    assert_eq!(other.events(id).await.unwrap_err(), (404, unknown.clone()));
    assert_eq!(other.cancel(id).await, (404, unknown.clone()));
    other
        .cookies
        .insert(format!("idkollen-{id}"), "forged-token".into());
    assert_eq!(other.events(id).await.unwrap_err(), (404, unknown.clone()));
    let theirs = other
        .start_login("bankid-se", json!({"context": "manual"}))
        .await;
    let their_token =
        other.cookies[&format!("idkollen-{}", theirs["id"].as_str().unwrap())].clone();
    other.cookies.insert(format!("idkollen-{id}"), their_token);
    assert_eq!(other.events(id).await.unwrap_err(), (404, unknown.clone()));
    // Ids that never existed, or are not ids at all, read the same.
    assert_eq!(
        owner.events("AAAAAAAAAAAAAAAAAAAAAA").await.unwrap_err(),
        (404, unknown.clone())
    );
    assert_eq!(owner.cancel("..%2F..%2Fetc").await.0, 404);
    // The owner's session went on untouched, and the owner can still cancel it.
    assert_eq!(owner.cancel(id).await.0, 204);
    let events = owner.events(id).await.unwrap();
    let last = statuses(&events).pop().unwrap();
    assert_eq!(last["state"], "failed");
    assert_eq!(last["code"], "CANCELLED");
    assert_eq!(last["message"], "Action cancelled. Please try again.");
    assert!(app.completed().is_empty());
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_page_session_expires_with_its_cookie() {
    let app = web_app::start(Timings::fast(), |k| {
        k.session_lifetime(std::time::Duration::from_secs(60))
    })
    .await;
    let mut browser = Browser::new(&app);
    let started = browser
        .start_login("bankid-se", json!({"context": "manual"}))
        .await;
    let cookie = browser.cookies.values().next().unwrap().clone();
    assert!(!cookie.is_empty());
    tokio::time::sleep(std::time::Duration::from_secs(61)).await;
    assert_eq!(
        browser
            .events(started["id"].as_str().unwrap())
            .await
            .unwrap_err()
            .0,
        404
    );
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn bad_input_is_a_clear_4xx_and_starts_nothing() {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let mut browser = Browser::new(&app);
    let page = format!("{}/login", app.origin);
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"provider": "bankid-dk", "returnUrl": page}),
            400,
            "unknown_provider",
        ),
        (
            json!({"provider": "bankid-se", "flow": "teleport", "returnUrl": page}),
            400,
            "unknown_flow",
        ),
        (
            json!({"provider": "ftn", "flow": "sign", "returnUrl": page}),
            400,
            "not_offered",
        ),
        (
            json!({"provider": "bankid-se", "returnUrl": "https://evil.example/login"}),
            400,
            "bad_return_url",
        ),
        (
            json!({"provider": "bankid-se", "returnUrl": "javascript:alert(1)"}),
            400,
            "bad_return_url",
        ),
        (json!({"provider": "bankid-se"}), 400, "malformed_body"),
        (
            json!({"provider": "bankid-se", "returnUrl": page, "admin": true}),
            400,
            "malformed_body",
        ),
        (
            json!({"provider": 7, "returnUrl": page}),
            400,
            "malformed_body",
        ),
        (
            json!({"provider": "bankid-no", "flow": "backchannel-auth", "returnUrl": page}),
            400,
            "bad_identity",
        ),
        (
            json!({"provider": "bankid-no", "flow": "backchannel-auth", "identity": "12345678901", "returnUrl": page}),
            400,
            "invalid_request",
        ),
        (
            json!({"provider": "bankid-se", "returnUrl": page, "context": "x".repeat(300)}),
            400,
            "bad_context",
        ),
        (
            json!({"provider": "bankid-se", "returnUrl": page, "identity": "198112289874"}),
            400,
            "bad_identity",
        ),
        (
            json!({"provider": "bankid-se", "returnUrl": page, "context": "refuse"}),
            403,
            "refused",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = browser.start(body.clone()).await;
        assert_eq!(
            (got, answer["error"].as_str()),
            (status, Some(code)),
            "{body}: {answer}"
        );
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // Not JSON, not even a body the router reads.
    let raw = |content_type: &'static str, body: String| {
        browser
            .request(reqwest::Method::POST, "/login/sessions")
            .header("content-type", content_type)
            .body(body)
    };
    let answer = raw("application/json", "{\"provider\": ".into())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let answer = raw(
        "application/x-www-form-urlencoded",
        "provider=bankid-se".into(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(answer.status(), 415);
    assert_eq!(
        answer.json::<Value>().await.unwrap()["error"],
        "unsupported_media_type"
    );
    let answer = raw(
        "application/json",
        format!("{{\"pad\": \"{}\"}}", "x".repeat(20_000)),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(answer.status(), 413);
    assert_eq!(answer.json::<Value>().await.unwrap()["error"], "too_large");
    let answer = browser
        .request(reqwest::Method::GET, "/login/nothing-here")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    assert_eq!(answer.json::<Value>().await.unwrap()["error"], "not_found");
    // Nothing reached IDkollen, no cookie was set.
    assert!(browser.cookies.is_empty());
    assert!(
        app.sandbox.starts().values().all(|c| c.received == 0),
        "{:?}",
        app.sandbox.starts()
    );
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn the_launch_link_follows_the_browser() {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let mut iphone = Browser::new(&app);
    iphone.user_agent = IPHONE;
    let started = iphone
        .start_login("bankid-se", json!({"context": "manual"}))
        .await;
    let id = started["id"].as_str().unwrap();
    let back = format!("{}/login?from=test&idkollen={id}", app.origin);
    let encoded: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    let href = started["launch"]["href"].as_str().unwrap();
    assert!(
        href.starts_with("https://app.bankid.com/?autostarttoken="),
        "{href}"
    );
    assert!(href.ends_with(&format!("&redirect={encoded}")), "{href}");
    assert_eq!(started["launch"]["autostart"], true);
    assert_eq!(started["mobile"], true);
    // The app was started on this phone: BankID's message for that.
    assert_eq!(
        started["status"]["message"]["app"],
        "Trying to start your BankID app."
    );

    let mut android = Browser::new(&app);
    android.user_agent = ANDROID;
    let started = android
        .start_login("bankid-se", json!({"context": "manual"}))
        .await;
    let href = started["launch"]["href"].as_str().unwrap();
    assert!(href.starts_with("https://app.bankid.com/?autostarttoken="));
    assert!(href.ends_with("&redirect=null"), "{href}");
    assert_eq!(started["launch"]["autostart"], false);

    // Freja: its QR code everywhere, its app link only on a phone.
    let mut desktop = Browser::new(&app);
    let freja = desktop
        .start_login("freja", json!({"context": "manual"}))
        .await;
    assert!(freja["qr"].as_str().unwrap().contains("<svg"));
    assert!(freja["launch"].is_null());
    let freja = android
        .start_login("freja", json!({"context": "manual"}))
        .await;
    assert!(
        freja["launch"]["href"]
            .as_str()
            .unwrap()
            .starts_with("frejaeid://bindUserToTransaction?transactionReference=")
    );
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_redirect_flow_returns_to_the_page_in_the_providers_language() {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let mut browser = Browser::new(&app);
    browser.languages = "nb-NO,nb;q=0.9,en;q=0.5";
    let started = browser.start_login("bankid-no", json!({})).await;
    let id = started["id"].as_str().unwrap();
    assert_eq!(started["language"], "nb");
    assert_eq!(
        started["status"]["message"]["qr"],
        "Venter på BankID (Norge) …"
    );
    assert_eq!(
        started["labels"]["continueTo"],
        "Fortsett til BankID (Norge)"
    );
    let provider_page = started["redirect"].as_str().unwrap();
    assert!(provider_page.starts_with(&app.sandbox.base_url()));
    // The user approves as the second test person; the provider sends the browser back.
    let answer = browser
        .http
        .post(provider_page)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=approve&persona=1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(
        answer.headers()["location"],
        format!("{}/login?from=test&idkollen={id}", app.origin).as_str()
    );
    let events = browser.events(id).await.unwrap();
    let last = statuses(&events).pop().unwrap();
    assert_eq!(last["state"], "done");
    assert_eq!(last["message"], "Welcome, Ola Nordmann");
    let seen = app.completed();
    assert_eq!(seen[0].provider, Provider::BankIdNo);
    assert_eq!(seen[0].ssn.as_deref(), Some("17059040170"));
    assert_eq!(seen[0].ref_id.as_deref(), Some("sandbox:manual"));

    // A cancel at the provider fails the session, in Danish for MitID.
    browser.languages = "da";
    let started = browser.start_login("mitid", json!({})).await;
    browser
        .http
        .post(started["redirect"].as_str().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=cancel")
        .send()
        .await
        .unwrap();
    let events = browser
        .events(started["id"].as_str().unwrap())
        .await
        .unwrap();
    let last = statuses(&events).pop().unwrap();
    assert_eq!(last["code"], "CANCELLED");
    assert_eq!(last["message"], "Handlingen blev afbrudt. Prøv igen.");
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_backchannel_login_shows_the_binding_message_and_a_signing_takes_the_apps_text() {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let mut browser = Browser::new(&app);
    let started = browser
        .start_login(
            "mitid",
            json!({"flow": "backchannel-auth", "identity": "0101901001"}),
        )
        .await;
    let binding = started["bindingMessage"].as_str().unwrap();
    assert_eq!(binding.len(), 4);
    assert_eq!(
        started["status"]["message"]["qr"],
        "Open the MitID app on your phone and approve."
    );
    let events = browser
        .events(started["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(statuses(&events).pop().unwrap()["state"], "done");

    let started = browser
        .start_login("bankid-se", json!({"flow": "sign"}))
        .await;
    assert_eq!(started["labels"]["title"], "Sign");
    let events = browser
        .events(started["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(
        statuses(&events).pop().unwrap()["message"],
        "Welcome, Anna Andersson"
    );
    app.stop().await;
}

#[tokio::test(start_paused = true)]
async fn the_page_and_its_script_come_from_the_router() {
    let app = web_app::start(Timings::fast(), |k| k.max_sessions(1)).await;
    let browser = Browser::new(&app);
    let page = browser
        .request(reqwest::Method::GET, "/login")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("src=\"/login/login.js\"") && html.contains("data-base=\"/login\""));
    let script = browser
        .request(reqwest::Method::GET, "/login/login.js")
        .send()
        .await
        .unwrap();
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let setup: Value = browser
        .request(reqwest::Method::GET, "/login/setup?lang=fi")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(setup["language"], "fi");
    assert_eq!(setup["labels"]["title"], "Kirjaudu sisään");
    assert_eq!(setup["providers"].as_array().unwrap().len(), 6);
    // Past the most sessions held at once, a start waits its turn.
    let mut browser = browser;
    browser
        .start_login("bankid-se", json!({"context": "manual"}))
        .await;
    let (status, answer) = browser
        .start(json!({"provider": "bankid-se", "returnUrl": format!("{}/login", app.origin)}))
        .await;
    assert_eq!((status, answer["error"].as_str()), (503, Some("busy")));
    app.stop().await;
}
