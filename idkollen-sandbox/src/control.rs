//! Control operations shared by the `/_sandbox/...` API and the Rust handle.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::error::SandboxError;
use crate::qr;
use crate::state::{Shared, lock};
use crate::store::Outcome;

/// Ends a pending session now with `outcome`.
pub(crate) fn end_session(
    shared: &Arc<Shared>,
    id: &str,
    outcome: Outcome,
) -> Result<(), SandboxError> {
    let t = shared.config.timings;
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let session = store
        .live(id, now, &t)
        .ok_or_else(|| SandboxError::UnknownSession(id.to_owned()))?;
    if session.force_end(now, outcome, &t) {
        Ok(())
    } else {
        Err(SandboxError::AlreadyEnded(id.to_owned()))
    }
}

/// The QR content a BankID app would show for session `id` at this second.
pub(crate) fn current_qr(shared: &Arc<Shared>, id: &str) -> Result<String, SandboxError> {
    let t = shared.config.timings;
    let now = Instant::now();
    let mut store = lock(&shared.store);
    let session = store
        .live(id, now, &t)
        .ok_or_else(|| SandboxError::UnknownSession(id.to_owned()))?;
    let (token, secret) = session
        .qr
        .as_ref()
        .ok_or_else(|| SandboxError::NoQrCode(id.to_owned()))?;
    let qr_time = now.saturating_duration_since(session.created).as_secs();
    Ok(qr::qr_code(token, secret, qr_time))
}

/// Every live session: its id, the path to read it, and its status object.
pub(crate) fn sessions(shared: &Arc<Shared>) -> Value {
    let t = shared.config.timings;
    let now = Instant::now();
    let store = lock(&shared.store);
    let mut list: Vec<(&Instant, Value)> = store
        .sessions
        .values()
        .filter(|s| !s.expired(now, &t))
        .map(|s| {
            let path = s.flow.status_path().replace("{id}", &s.id);
            let value = json!({
                "id": s.id,
                "startPath": s.flow.start_path(),
                "path": path,
                "script": s.script.to_string(),
                "state": crate::status::render(s, now, &t),
            });
            (&s.created, value)
        })
        .collect();
    list.sort_by_key(|(created, _)| **created);
    Value::Array(list.into_iter().map(|(_, v)| v).collect())
}
