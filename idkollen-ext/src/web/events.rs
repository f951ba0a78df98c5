//! A page session's event stream (Server-Sent Events): `status` at once and at each change
//! (the message for the current hint, then the result or the failure), and, while a BankID
//! order is pending, `qr` with the new frame as SVG each second. The stream ends after the
//! final `status`; a browser that reconnects gets the current one first.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt as _};
use serde_json::json;
use tokio::sync::watch;

use crate::qr::{QrFrame, QrImage};

use super::error::WebError;
use super::kit::Inner;
use super::state::PageState;

type Frames = Pin<Box<dyn Stream<Item = QrFrame> + Send>>;

struct Follow {
    state: watch::Receiver<PageState>,
    frames: Option<Frames>,
    started: bool,
    done: bool,
}

fn status_event(state: &PageState) -> Event {
    Event::default()
        .event("status")
        .json_data(state)
        .unwrap_or_else(|_| Event::default().event("status").data("{}"))
}

fn qr_event(frame: &QrFrame) -> Option<Event> {
    let svg = QrImage::new(&frame.content).ok()?.to_svg();
    Event::default()
        .event("qr")
        .json_data(json!({ "svg": svg, "t": frame.elapsed }))
        .ok()
}

async fn next_frame(frames: &mut Option<Frames>) -> QrFrame {
    match frames {
        Some(frames) => match frames.next().await {
            Some(frame) => frame,
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

/// The next event of the stream, or `None` once the final status has been sent.
async fn next(mut f: Follow) -> Option<(Event, Follow)> {
    if f.done {
        return None;
    }
    if !f.started {
        f.started = true;
        let state = f.state.borrow_and_update().clone();
        f.done = state.is_final();
        return Some((status_event(&state), f));
    }
    loop {
        tokio::select! {
            changed = f.state.changed() => {
                // The follower is gone: the state it left is the last one.
                let state = f.state.borrow_and_update().clone();
                f.done = changed.is_err() || state.is_final();
                return Some((status_event(&state), f));
            }
            frame = next_frame(&mut f.frames) => {
                if let Some(event) = qr_event(&frame) {
                    return Some((event, f));
                }
            }
        }
    }
}

/// `GET /sessions/{id}/events`.
pub(crate) async fn stream(
    State(kit): State<Arc<Inner>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let entry = kit.store.get(&id, &headers)?;
    let follow = Follow {
        state: entry.state.clone(),
        frames: entry
            .bankid_qr
            .as_ref()
            .map(|qr| Box::pin(qr.frames()) as Frames),
        started: false,
        done: false,
    };
    let events = futures::stream::unfold(follow, next).map(Ok::<_, Infallible>);
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
