//! A scripted stand-in server: each route answers from a queue of canned responses (the
//! last one repeats), and every request is logged with the (virtual) time it arrived.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use idkollen_ext::{Client, ClientBuilder};
use tokio::time::Instant;

/// One canned answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status, body, `Retry-After`.
    Http(u16, String, Option<u64>),
    /// Close the connection without answering.
    Drop,
    /// Status, body, and exactly these headers (no content type unless given): what a proxy
    /// in front of the service may send.
    Raw(u16, String, Vec<(&'static str, String)>),
}

/// An answer with exactly the given headers.
pub fn bare(status: u16, body: &str, headers: &[(&'static str, &str)]) -> Reply {
    Reply::Raw(
        status,
        body.to_owned(),
        headers.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
    )
}

pub fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply::Http(status, body.to_string(), None)
}

pub fn raw(status: u16, body: &str) -> Reply {
    Reply::Http(status, body.to_owned(), None)
}

pub fn rate_limited(retry_after: Option<u64>) -> Reply {
    Reply::Http(
        429,
        r#"{"message":"Too many requests"}"#.into(),
        retry_after,
    )
}

#[derive(Clone, Debug)]
pub struct Logged {
    pub method: Method,
    pub path: String,
    pub at: Instant,
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Default)]
struct State {
    routes: HashMap<(Method, String), VecDeque<Reply>>,
    log: Vec<Logged>,
    /// How long every answer takes.
    delay: Duration,
    in_flight: usize,
    max_in_flight: usize,
}

#[derive(Clone)]
pub struct Mock {
    state: Arc<Mutex<State>>,
    pub base_url: String,
    pub started: Instant,
}

pub const SECRET: &str = "sandbox-Secret-Key-42";

impl Mock {
    pub async fn start() -> Mock {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let state = shared.clone();
            async move { answer(state, req).await }
        });
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Mock {
            state,
            base_url: format!("http://{addr}"),
            started: Instant::now(),
        }
    }

    /// Queues answers for `method path`.
    pub fn on(&self, method: Method, path: &str, replies: impl IntoIterator<Item = Reply>) {
        let mut st = self.state.lock().unwrap();
        st.routes
            .entry((method, path.to_owned()))
            .or_default()
            .extend(replies);
    }

    /// Every answer takes `delay` from now on.
    pub fn slow(&self, delay: Duration) {
        self.state.lock().unwrap().delay = delay;
    }

    /// The most requests that were being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.lock().unwrap().max_in_flight
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn count(&self, method: &Method, path: &str) -> usize {
        self.log()
            .iter()
            .filter(|l| l.method == *method && l.path == path)
            .count()
    }

    pub fn times(&self, method: &Method, path: &str) -> Vec<Instant> {
        self.log()
            .iter()
            .filter(|l| l.method == *method && l.path == path)
            .map(|l| l.at)
            .collect()
    }

    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(&self.base_url)
            .credentials("acct-1", SECRET)
    }
}

async fn answer(state: Arc<Mutex<State>>, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let reply = {
        let mut st = state.lock().unwrap();
        st.log.push(Logged {
            method: parts.method.clone(),
            path: parts.uri.path().to_owned(),
            at: Instant::now(),
            headers: parts.headers.clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
        });
        let key = (parts.method.clone(), parts.uri.path().to_owned());
        st.in_flight += 1;
        st.max_in_flight = st.max_in_flight.max(st.in_flight);
        let reply = match st.routes.get_mut(&key) {
            Some(q) if q.len() > 1 => q.pop_front(),
            Some(q) => q.front().cloned(),
            None => None,
        };
        (reply, st.delay)
    };
    let (reply, delay) = reply;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    state.lock().unwrap().in_flight -= 1;
    match reply {
        Some(Reply::Http(status, body, retry_after)) => {
            let mut resp = Response::builder()
                .status(StatusCode::from_u16(status).unwrap())
                .header("content-type", "application/json");
            if let Some(s) = retry_after {
                resp = resp.header("retry-after", s.to_string());
            }
            resp.body(Body::from(body)).unwrap()
        }
        Some(Reply::Raw(status, body, headers)) => {
            let mut resp = Response::builder().status(StatusCode::from_u16(status).unwrap());
            for (name, value) in headers {
                resp = resp.header(name, value);
            }
            resp.body(Body::from(body)).unwrap()
        }
        Some(Reply::Drop) => {
            // An error mid-body makes hyper abort the connection.
            let stream = futures::stream::once(async {
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("dropped"))
            });
            Response::builder()
                .status(200)
                .header("content-length", "100")
                .body(Body::from_stream(stream))
                .unwrap()
        }
        // Like octocrab's catch-all: a test hitting the wrong path says so.
        None => Response::builder()
            .status(500)
            .body(Body::from(format!(
                "{{\"message\":\"no route scripted for {} {}\"}}",
                parts.method,
                parts.uri.path()
            )))
            .unwrap(),
    }
}

pub fn pending(id: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "status": "PENDING"})
}

pub fn bankid_pending(id: &str, hint: Option<&str>) -> serde_json::Value {
    let mut v = serde_json::json!({
        "id": id,
        "status": "PENDING",
        "refId": "order-17",
        "autoStartToken": "ast-1",
        "qrStartToken": "qst-1",
        "qrStartSecret": "qss-1",
    });
    if let Some(h) = hint {
        v["hintCode"] = h.into();
    }
    v
}

pub fn bankid_completed(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "status": "COMPLETED",
        "refId": "order-17",
        "ssn": "198112289874",
        "name": "Anna Andersson",
        "givenName": "Anna",
        "surname": "Andersson",
    })
}

pub fn failed(id: &str, code: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "status": "FAILED", "error": code})
}

pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// A sandbox with fast timings and a client for it (callback secret included).
pub async fn sandbox_client() -> (idkollen_sandbox::Sandbox, Client) {
    let sb = idkollen_sandbox::Sandbox::builder()
        .timings(idkollen_sandbox::Timings::fast())
        .start()
        .await
        .expect("the sandbox starts on loopback");
    let client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .callback_secret(sb.callback_secret().to_owned())
        .build()
        .expect("a client for the sandbox");
    (sb, client)
}
