//! The state one sandbox shares between its handlers, its tasks and its handle.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

use crate::callbacks::CallbackDelivery;
use crate::connections::Connections;
use crate::documents::Document;
use crate::faults::Faults;
use crate::profile::{Counters, Profile};
use crate::requests::RecordedRequest;
use crate::store::Store;
use crate::timings::Timings;

/// Fixed settings of a running sandbox.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub account_id: String,
    pub secret_key: String,
    pub callback_secret: String,
    pub timings: Timings,
    pub allow_external_callbacks: bool,
    pub max_document_size: usize,
    /// `http://host:port`, no trailing slash.
    pub base_url: String,
    /// How faithfully it answers.
    pub profile: Profile,
}

impl Config {
    /// Whether the hostile profile is on.
    pub fn hostile(&self) -> bool {
        self.profile == Profile::Hostile
    }
}

/// Everything a sandbox shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: Config,
    pub store: Mutex<Store>,
    pub documents: Mutex<HashMap<String, Document>>,
    pub faults: Mutex<Faults>,
    pub requests: Mutex<Vec<RecordedRequest>>,
    pub callbacks: Arc<Mutex<Vec<CallbackDelivery>>>,
    /// API answers sent with status 429, whatever their cause (the per-session read limit, the
    /// `throttle` script, an injected fault): load tests count them without the request log.
    pub rate_limited: AtomicU64,
    /// Start requests per start operation, and what the hostile profile served.
    pub counters: Mutex<Counters>,
    /// Connections accepted, open and at their peak.
    pub connections: Arc<Connections>,
    pub http: reqwest::Client,
    /// Turns true when the sandbox shuts down; session tasks end with it.
    pub shutdown: watch::Receiver<bool>,
}

/// Locks a mutex even if a thread panicked while holding it: the data is plain bookkeeping
/// that stays consistent between statements, so a poisoned lock is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
