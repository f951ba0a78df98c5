//! The page sessions a kit holds, each bound to one browser's token, until they expire.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::HeaderMap;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::qr::BankIdQr;

use super::bridge::Canceller;
use super::error::WebError;
use super::state::PageState;
use super::token;

/// One page session.
pub(crate) struct Entry {
    /// SHA-256 of the browser's token.
    pub token: [u8; 32],
    pub bankid_qr: Option<BankIdQr>,
    pub state: watch::Receiver<PageState>,
    pub cancel: Canceller,
    pub expires: Instant,
}

/// The page sessions by id.
pub(crate) struct Store {
    entries: Mutex<HashMap<String, Arc<Entry>>>,
    max: usize,
}

impl Store {
    pub fn new(max: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            max,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<Entry>>> {
        // The map stays consistent between statements: a panic elsewhere leaves it usable.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets expired sessions; whether there is room for one more.
    pub fn room(&self) -> bool {
        let now = Instant::now();
        let mut entries = self.lock();
        entries.retain(|_, e| e.expires > now);
        entries.len() < self.max
    }

    pub fn insert(&self, id: String, entry: Entry) {
        self.lock().insert(id, Arc::new(entry));
    }

    /// The session `id` if this request's browser holds its token. Whatever the reason it is
    /// not (no such id, expired, no cookie, another browser's), the answer is the same.
    pub fn get(&self, id: &str, headers: &HeaderMap) -> Result<Arc<Entry>, WebError> {
        if !token::well_formed_id(id) {
            return Err(WebError::unknown_session());
        }
        let entry = self
            .lock()
            .get(id)
            .filter(|e| e.expires > Instant::now())
            .cloned();
        let presented = token::cookie_token(headers, id).map(|t| token::digest(&t));
        match (entry, presented) {
            (Some(entry), Some(presented)) if token::same_digest(&entry.token, &presented) => {
                Ok(entry)
            }
            _ => Err(WebError::unknown_session()),
        }
    }
}
