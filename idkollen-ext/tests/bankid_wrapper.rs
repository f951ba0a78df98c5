//! The BankID wrapper API against a scripted local server of its shape, under Tokio's
//! paused clock: orders are waited on through the crate's one polling engine.

use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::StreamExt as _;
use idkollen_ext::bankid_wrapper::{Completion, WrapperClient, WrapperOrder};
use idkollen_ext::identity::Personnummer;
use idkollen_ext::{Error, FailureCode, HintCode, Poller, SessionStatus};
use serde_json::{Value, json};
use tokio::time::Instant;
use url::Url;

const API_KEY: &str = "wrapper-Key-17";
const ORDER: &str = "order-1";
// BankID's published QR test vector: token, secret and the codes of seconds 0, 1 and 2.
const QR_TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
const QR_SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";
const QR_CODES: [&str; 3] = [
    "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
    "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2",
    "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3",
];

/// One scripted collect answer: status, body, `Retry-After`.
#[derive(Clone)]
struct Reply(u16, Value, Option<u64>);

#[derive(Clone, Debug)]
struct Logged {
    path: &'static str,
    at: Instant,
    headers: HeaderMap,
    body: Value,
}

#[derive(Default)]
struct Script {
    /// Collect answers in order; the last one repeats.
    collect: VecDeque<Reply>,
    log: Vec<Logged>,
}

type Shared = Arc<Mutex<Script>>;

/// The wrapper's four operations on 127.0.0.1, checking `x-api-key` on each.
struct Server {
    script: Shared,
    base_url: Url,
}

impl Server {
    async fn start(collect: impl IntoIterator<Item = Reply>) -> Server {
        let script: Shared = Arc::new(Mutex::new(Script {
            collect: collect.into_iter().collect(),
            log: Vec::new(),
        }));
        let app = axum::Router::new()
            .route(
                "/auth",
                post(|s: State<Shared>, h: HeaderMap, b: Json<Value>| {
                    handle("/auth", s, h, b, |_| start("bankIdAuth"))
                }),
            )
            .route(
                "/sign",
                post(|s: State<Shared>, h: HeaderMap, b: Json<Value>| {
                    handle("/sign", s, h, b, |_| start("bankIdSign"))
                }),
            )
            .route(
                "/collect",
                post(|s: State<Shared>, h: HeaderMap, b: Json<Value>| {
                    handle("/collect", s, h, b, next_collect)
                }),
            )
            .route(
                "/cancel",
                post(|s: State<Shared>, h: HeaderMap, b: Json<Value>| {
                    handle("/cancel", s, h, b, |_| Reply(200, json!({}), None))
                }),
            )
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server {
            script,
            base_url: Url::parse(&format!("http://{addr}/")).unwrap(),
        }
    }

    fn client(&self) -> WrapperClient {
        WrapperClient::new(self.base_url.clone(), API_KEY).unwrap()
    }

    fn log(&self, path: &str) -> Vec<Logged> {
        let script = self.script.lock().unwrap();
        script
            .log
            .iter()
            .filter(|l| l.path == path)
            .cloned()
            .collect()
    }

    fn count(&self, path: &str) -> usize {
        self.log(path).len()
    }

    fn times(&self, path: &str) -> Vec<Instant> {
        self.log(path).iter().map(|l| l.at).collect()
    }
}

async fn handle(
    path: &'static str,
    State(script): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
    answer: impl FnOnce(&mut Script) -> Reply,
) -> Response {
    let mut script = script.lock().unwrap();
    script.log.push(Logged {
        path,
        at: Instant::now(),
        headers: headers.clone(),
        body,
    });
    let Reply(status, body, retry_after) =
        if headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(API_KEY) {
            answer(&mut script)
        } else {
            Reply(401, json!({"message": "invalid api key"}), None)
        };
    let mut response = (StatusCode::from_u16(status).unwrap(), Json(body)).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", secs.to_string().parse().unwrap());
    }
    response
}

fn next_collect(script: &mut Script) -> Reply {
    if script.collect.len() > 1 {
        script.collect.pop_front().unwrap()
    } else {
        script.collect.front().cloned().unwrap_or(Reply(
            500,
            json!({"message": "nothing scripted"}),
            None,
        ))
    }
}

fn start(kind: &str) -> Reply {
    Reply(
        200,
        json!({
            "jsonapi": {"version": "1.0"},
            "data": {"type": kind, "attributes": {
                "orderRef": ORDER,
                "autoStartToken": "auto-start-token",
                "qrStartToken": QR_TOKEN,
                "qrStartSecret": QR_SECRET,
            }}
        }),
        None,
    )
}

fn pending(hint: &str) -> Reply {
    Reply(
        200,
        json!({
            "jsonapi": {"version": "1.0"},
            "data": {"type": "bankIdCollect", "attributes": {
                "orderRef": ORDER, "status": "pending", "hintCode": hint,
            }}
        }),
        None,
    )
}

fn failed(hint: &str) -> Reply {
    Reply(
        200,
        json!({
            "jsonapi": {"version": "1.0"},
            "data": {"type": "bankIdCollect", "attributes": {
                "orderRef": ORDER, "status": "failed", "hintCode": hint,
            }}
        }),
        None,
    )
}

/// The documented completed answer: no `attributes` level.
fn complete() -> Reply {
    Reply(
        200,
        json!({
            "jsonapi": {"version": "1.0"},
            "data": {
                "orderRef": ORDER,
                "status": "complete",
                "completionData": {
                    "user": {
                        "personalNumber": "198112289874",
                        "name": "Karl Karlsson",
                        "givenName": "Karl",
                        "surname": "Karlsson",
                    },
                    "device": {"ipAddress": "192.168.0.1"},
                    "cert": {"notBefore": "1502983274000", "notAfter": "1563549674000"},
                    "signature": "PHNpZ25hdHVyZS8+",
                    "ocspResponse": "b2NzcC1yZXNwb25zZQ==",
                    "bankIdIssueDate": "2023-01-01",
                },
            }
        }),
        None,
    )
}

fn ip() -> IpAddr {
    "203.0.113.7".parse().unwrap()
}

fn pnr() -> Personnummer {
    "811228-9874".parse().unwrap()
}

async fn login(server: &Server) -> WrapperOrder {
    server.client().auth(Some(pnr()), ip()).await.unwrap()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Seconds from the start request to each collect, and between collects.
fn gaps(server: &Server) -> Vec<f64> {
    let mut times = server.times("/auth");
    times.extend(server.times("/collect"));
    times.windows(2).map(|w| secs(w[1] - w[0])).collect()
}

fn assert_completion(done: &Completion) {
    assert_eq!(done.user.personal_number, "198112289874");
    assert_eq!(done.user.personnummer(), Some(pnr()));
    assert_eq!(done.user.name, "Karl Karlsson");
    assert_eq!(done.user.given_name, "Karl");
    assert_eq!(done.user.surname, "Karlsson");
    assert_eq!(done.device.ip_address, "192.168.0.1");
    assert_eq!(done.cert.not_before, "1502983274000");
    assert_eq!(
        done.cert.not_after_time(),
        Some(std::time::UNIX_EPOCH + Duration::from_millis(1_563_549_674_000))
    );
    assert_eq!(done.signature, "PHNpZ25hdHVyZS8+");
    assert_eq!(done.ocsp_response, "b2NzcC1yZXNwb25zZQ==");
}

#[tokio::test(start_paused = true)]
async fn a_login_completes_through_the_engine_at_one_collect_a_second() {
    let server = Server::start([
        pending("outstandingTransaction"),
        pending("userSign"),
        complete(),
    ])
    .await;
    let order = login(&server).await;
    assert_eq!(order.order_ref(), ORDER);
    assert_eq!(order.auto_start_token(), "auto-start-token");

    let updates: Vec<_> = order.updates().collect().await;
    assert_eq!(updates.len(), 3, "{updates:?}");
    assert!(matches!(
        updates[0],
        Ok(SessionStatus::Pending {
            hint: Some(HintCode::OutstandingTransaction)
        })
    ));
    assert!(matches!(
        updates[1],
        Ok(SessionStatus::Pending {
            hint: Some(HintCode::UserSign)
        })
    ));
    match &updates[2] {
        Ok(SessionStatus::Completed(done)) => assert_completion(done),
        other => panic!("{other:?}"),
    }

    // The start is one request; each collect comes a second after the one before it.
    assert_eq!(server.count("/auth"), 1);
    assert_eq!(server.count("/collect"), 3);
    for gap in gaps(&server) {
        assert!((1.0..1.1).contains(&gap), "gap {gap}s");
    }

    let auth = &server.log("/auth")[0];
    assert_eq!(
        auth.body,
        json!({"personalNumber": "198112289874", "endUserIp": "203.0.113.7"})
    );
    let agent = auth.headers["user-agent"].to_str().unwrap();
    assert!(agent.starts_with("idkollen-rs/"), "{agent}");
    for collect in server.log("/collect") {
        assert_eq!(collect.body, json!({"orderRef": ORDER}));
        assert_eq!(collect.headers["x-api-key"], API_KEY);
    }
}

#[tokio::test(start_paused = true)]
async fn rate_limiting_and_a_server_error_on_collect_are_ridden_out() {
    let server = Server::start([
        pending("outstandingTransaction"),
        Reply(429, json!({"message": "slow down"}), Some(3)),
        Reply(500, json!({"message": "boom"}), None),
        pending("userSign"),
        complete(),
    ])
    .await;
    let done = login(&server).await.wait().await.unwrap();
    assert_completion(&done);

    assert_eq!(server.count("/auth"), 1, "a start is never repeated");
    assert_eq!(server.count("/collect"), 5);
    let gaps = gaps(&server);
    assert!(gaps.iter().all(|g| *g >= 1.0), "{gaps:?}");
    // The collect after the 429 waited the three seconds asked for.
    assert!(gaps[2] >= 3.0, "{gaps:?}");
}

#[tokio::test(start_paused = true)]
async fn a_start_that_fails_is_not_retried() {
    let server = Server::start([]).await;
    let client = WrapperClient::builder(server.base_url.clone(), "wrong-key")
        .build()
        .unwrap();
    let err = client.auth(None, ip()).await.unwrap_err();
    match &err {
        Error::Api {
            operation, status, ..
        } => {
            assert_eq!(*operation, "bankid_wrapper_auth");
            assert_eq!(status.as_u16(), 401);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.message(), Some("invalid api key"));
    assert!(!err.is_retryable());
    assert_eq!(server.count("/auth"), 1);
    assert_eq!(
        server.log("/auth")[0].body,
        json!({"endUserIp": "203.0.113.7"})
    );
    assert_eq!(server.count("/collect"), 0);
}

#[tokio::test(start_paused = true)]
async fn a_user_cancel_is_the_cancelled_error_and_other_hints_are_kept() {
    let server = Server::start([pending("started"), failed("userCancel")]).await;
    let order = login(&server).await;
    match order.poll_once().await.unwrap() {
        SessionStatus::Pending { hint } => assert_eq!(hint, Some(HintCode::Started)),
        other => panic!("{other:?}"),
    }
    let err = order.wait().await.unwrap_err();
    assert!(
        matches!(err, Error::Cancelled { ref id } if id == ORDER),
        "{err:?}"
    );
    assert_eq!(err.code(), Some(FailureCode::Cancelled));

    let server = Server::start([failed("expiredTransaction")]).await;
    let err = login(&server).await.wait().await.unwrap_err();
    match err {
        Error::Failed { id, code } => {
            assert_eq!(id, ORDER);
            assert_eq!(code.as_str(), "expiredTransaction");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_hints_and_statuses_keep_polling() {
    let server = Server::start([
        pending("userFaceScan"),
        Reply(
            200,
            json!({"data": {"attributes": {"orderRef": ORDER, "status": "queued", "hintCode": "x"}}}),
            None,
        ),
        complete(),
    ])
    .await;
    let updates: Vec<_> = login(&server).await.updates().collect().await;
    assert_eq!(updates.len(), 2, "{updates:?}");
    match &updates[0] {
        Ok(SessionStatus::Pending { hint: Some(hint) }) => {
            assert!(hint.is_unknown());
            assert_eq!(hint.as_str(), "userFaceScan");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(updates[1], Ok(SessionStatus::Completed(_))));
    assert_eq!(server.count("/collect"), 3);
}

#[tokio::test(start_paused = true)]
async fn the_qr_code_animates_from_the_start_answer() {
    let server = Server::start([pending("outstandingTransaction")]).await;
    let qr = login(&server).await.qr();
    assert_eq!(qr.token(), QR_TOKEN);
    assert!(!format!("{qr:?}").contains(QR_SECRET));
    let frames: Vec<_> = qr.frames().take(3).collect().await;
    for (t, frame) in frames.iter().enumerate() {
        assert_eq!(frame.elapsed, t as u64);
        assert_eq!(
            frame.content,
            format!("bankid.{QR_TOKEN}.{t}.{}", QR_CODES[t])
        );
    }
}

#[tokio::test(start_paused = true)]
async fn cancel_sends_cancel() {
    let server = Server::start([pending("outstandingTransaction")]).await;
    let order = login(&server).await;
    order.cancel().await.unwrap();
    assert_eq!(server.count("/cancel"), 1);
    assert_eq!(server.log("/cancel")[0].body, json!({"orderRef": ORDER}));
    assert_eq!(server.log("/cancel")[0].headers["x-api-key"], API_KEY);
}

#[tokio::test(start_paused = true)]
async fn sign_checks_its_text_before_sending() {
    let server = Server::start([complete()]).await;
    let client = server.client();
    let err = client.sign(pnr(), ip(), " \n").await.unwrap_err();
    assert_eq!(err.field(), Some("userVisibleData"));
    assert_eq!(server.count("/sign"), 0);

    let order = client.sign(pnr(), ip(), "Pay 100 SEK").await.unwrap();
    assert_eq!(
        server.log("/sign")[0].body,
        json!({"personalNumber": "198112289874", "endUserIp": "203.0.113.7",
               "userVisibleData": "Pay 100 SEK"})
    );
    assert_completion(&order.wait().await.unwrap());
    assert_eq!(server.count("/sign"), 1);
}
