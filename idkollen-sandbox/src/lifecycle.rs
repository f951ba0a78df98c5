//! The task that accompanies each session: at its end it publishes signed documents and sends
//! the callback; after its retention it forgets the session.

use std::sync::Arc;

use tokio::time::{Instant, sleep_until};

use crate::callbacks;
use crate::state::{Shared, lock};
use crate::store::{Outcome, Phase};

/// Starts the driver of session `id`.
pub(crate) fn spawn(shared: Arc<Shared>, id: String) {
    tokio::spawn(drive(shared, id));
}

async fn drive(shared: Arc<Shared>, id: String) {
    let t = shared.config.timings;
    let mut shutdown = shared.shutdown.clone();
    if *shutdown.borrow() {
        return;
    }
    // Wait for the end, following it when a cancel or the control API moves it.
    let end = loop {
        let (end_at, notify) = {
            let store = lock(&shared.store);
            match store.sessions.get(&id) {
                Some(s) => (s.end(&t).0, s.notify.clone()),
                None => return,
            }
        };
        if Instant::now() >= end_at {
            break end_at;
        }
        tokio::select! {
            _ = sleep_until(end_at) => {}
            _ = notify.notified() => {}
            _ = shutdown.changed() => return,
        }
    };
    settle(&shared, &id);
    tokio::select! {
        _ = sleep_until(crate::store::later(end, t.retention)) => {}
        _ = shutdown.changed() => return,
    }
    let mut store = lock(&shared.store);
    if store
        .sessions
        .get(&id)
        .is_some_and(|s| s.expired(Instant::now(), &t))
    {
        store.sessions.remove(&id);
    }
}

/// Does what a session's end entails, once: publishes the signed documents of a completed PDF
/// signing and sends the callback.
fn settle(shared: &Arc<Shared>, id: &str) {
    let t = shared.config.timings;
    let now = Instant::now();
    let (callback, signed) = {
        let store = lock(&shared.store);
        let Some(session) = store.sessions.get(id) else {
            return;
        };
        let Phase::Ended(outcome) = session.phase(now, &t) else {
            return;
        };
        let signed = if outcome == Outcome::Completed {
            session.signed_documents.clone()
        } else {
            Vec::new()
        };
        let callback = session.callback_url.clone().map(|url| {
            let mut body = crate::status::render(session, now, &t);
            if session.hostile.on {
                crate::profile::add_extras(&mut body);
            }
            (url, serde_json::to_vec(&body).unwrap_or_default())
        });
        (callback, signed)
    };
    if !signed.is_empty() {
        let mut documents = lock(&shared.documents);
        for doc in signed {
            if let Some(stored) = documents.get_mut(&doc.id) {
                stored.signed.get_or_insert(doc.bytes);
            }
        }
    }
    if let Some((url, body)) = callback {
        tokio::spawn(callbacks::deliver(
            shared.http.clone(),
            shared.callbacks.clone(),
            shared.config.callback_secret.clone(),
            t,
            id.to_owned(),
            url,
            body,
        ));
    }
}

/// Publishes the signed documents of any completed signing that references `document_id`;
/// a download may come in the instant a signing ends, before its task has run.
pub(crate) fn publish_signed(shared: &Arc<Shared>, document_id: &str) {
    let t = shared.config.timings;
    let now = Instant::now();
    let found = {
        let store = lock(&shared.store);
        store.sessions.values().find_map(|s| {
            let doc = s.signed_documents.iter().find(|d| d.id == document_id)?;
            (s.phase(now, &t) == Phase::Ended(Outcome::Completed)).then(|| doc.bytes.clone())
        })
    };
    if let Some(bytes) = found
        && let Some(stored) = lock(&shared.documents).get_mut(document_id)
    {
        stored.signed.get_or_insert(bytes);
    }
}
