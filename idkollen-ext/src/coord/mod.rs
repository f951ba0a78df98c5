//! What the waiters of a session share: its read gate and its callbacks. Within one process
//! that is a map of gates and a hub of callback channels; with the `redis` feature, a fleet of
//! instances shares them through Redis as well ([`RedisCoordination`]): a callback delivered to
//! any instance wakes the waiters on every instance, the fleet reads a session at most once a
//! second, and a status one instance read answers the others.
//!
//! The engine sees the fleet only through [`SharedGate`](crate::poll::SharedGate); sessions
//! see it only through [`Coordination`]: neither knows which one is in use.

mod hub;
#[cfg(feature = "redis")]
mod redis;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use crate::callback::Callback;
use crate::poll::Gate;
use crate::telemetry::Labels;
use hub::CallbackHub;

#[cfg(feature = "redis")]
pub use self::redis::{RedisCoordination, RedisCoordinationBuilder};

/// The coordination of one client: in-process, or through a fleet's Redis.
#[derive(Debug, Default)]
pub(crate) struct Coordination {
    /// One rate-limit gate per live session, so every `Session` of one id made from this
    /// client (resumed twice, say) shares one budget of a read per second.
    gates: Mutex<Gates>,
    /// Callbacks on their way to the sessions waiting for them in this process.
    callbacks: Arc<CallbackHub>,
    #[cfg(feature = "redis")]
    fleet: Option<(RedisCoordination, String)>,
}

impl Coordination {
    /// Coordination through `fleet`, for the client of `account_id` (whose read budget it
    /// shares).
    #[cfg(feature = "redis")]
    pub(crate) fn fleet(fleet: RedisCoordination, account_id: &str) -> Self {
        Self {
            gates: Mutex::default(),
            callbacks: fleet.hub(),
            fleet: Some((fleet, account_id.to_owned())),
        }
    }

    /// The gate of the session `id` (known to this process as `key`), shared with every other
    /// live `Session` of it in this process, and with the fleet's gate if there is one.
    ///
    /// A session `started_here` is first read a second after its start. In a fleet, one
    /// resumed from its handle may be read (or answered from the status another instance
    /// read) at once: the fleet's gate, not this process's, knows when it was last read.
    pub(crate) fn gate(
        &self,
        key: String,
        id: &str,
        labels: Labels,
        started_here: bool,
    ) -> Arc<Gate> {
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(gate) = gates.live.get(&key).and_then(Weak::upgrade) {
            return gate;
        }
        let gate = Gate::new(labels);
        #[cfg(feature = "redis")]
        let gate = match &self.fleet {
            Some((fleet, account)) => {
                gate.with_shared(Box::new(fleet.gate(id, account)), !started_here)
            }
            None => gate,
        };
        #[cfg(not(feature = "redis"))]
        let _ = (id, started_here);
        let gate = Arc::new(gate);
        gates.insert(key, Arc::downgrade(&gate));
        gate
    }

    /// Tells the fleet a session was just started here: the start counts as the first contact
    /// with the session, so no instance reads it within the interval after it.
    pub(crate) async fn started(&self, id: &str) {
        #[cfg(feature = "redis")]
        if let Some((fleet, _)) = &self.fleet {
            fleet.started(id).await;
        }
        #[cfg(not(feature = "redis"))]
        let _ = id;
    }

    /// A waiter's subscription to the callbacks of session `id`.
    pub(crate) fn subscribe(&self, id: &str) -> Subscription {
        Subscription {
            local: self.callbacks.subscribe(id),
            #[cfg(feature = "redis")]
            fleet: self.fleet.as_ref().map(|(fleet, _)| fleet.clone()),
            id: id.to_owned(),
        }
    }

    /// Wakes the waiters of the callback's session: in this process, and on every instance
    /// of the fleet.
    pub(crate) fn publish(&self, callback: Callback) {
        #[cfg(feature = "redis")]
        if let Some((fleet, _)) = &self.fleet {
            fleet.announce(&callback);
        }
        self.callbacks.publish(callback);
    }
}

/// The gates of the sessions alive in this process, by key.
#[derive(Debug, Default)]
struct Gates {
    live: HashMap<String, Weak<Gate>>,
    /// The size at which the map is next swept of gates whose sessions are gone: twice what
    /// was left after the last sweep, so that a sweep (which visits every entry) costs each
    /// insertion O(1) however many sessions wait.
    sweep_at: usize,
}

impl Gates {
    /// The least size worth a sweep.
    const MIN_SWEEP: usize = 64;

    fn insert(&mut self, key: String, gate: Weak<Gate>) {
        if self.live.len() >= self.sweep_at {
            self.live.retain(|_, g| g.strong_count() > 0);
            self.sweep_at = (self.live.len() * 2).max(Self::MIN_SWEEP);
        }
        self.live.insert(key, gate);
    }
}

/// A waiter's hold on its session's callbacks: the channel in this process, and what the fleet
/// kept for the session before the waiter came.
#[derive(Debug)]
pub(crate) struct Subscription {
    local: hub::Subscription,
    #[cfg(feature = "redis")]
    fleet: Option<RedisCoordination>,
    id: String,
}

impl Subscription {
    /// Brings in a final status the fleet kept for the session (a callback delivered to
    /// another instance, or a final status another instance read) before this waiter
    /// subscribed. Call once the waiter listens; later ones arrive on the channel.
    pub(crate) async fn catch_up(&mut self) {
        #[cfg(feature = "redis")]
        if let Some(fleet) = self.fleet.take() {
            // Boxed: it runs once per wait, and inline its Redis call would be stored in
            // every waiting session's future for as long as it waits.
            Box::pin(fleet.catch_up(&self.id)).await;
        }
        #[cfg(not(feature = "redis"))]
        let _ = &self.id;
    }
}

impl std::ops::Deref for Subscription {
    type Target = hub::Subscription;
    fn deref(&self) -> &Self::Target {
        &self.local
    }
}

impl std::ops::DerefMut for Subscription {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels {
            provider: "bankid_se",
            flow: "auth",
            started: None,
        }
    }

    #[test]
    fn a_live_session_shares_its_gate_and_gone_ones_are_swept() {
        let coordination = Coordination::default();
        let kept = coordination.gate("kept".into(), "kept", labels(), true);
        for i in 0..10_000 {
            let id = format!("gone-{i}");
            drop(coordination.gate(id.clone(), &id, labels(), true));
        }
        let again = coordination.gate("kept".into(), "kept", labels(), true);
        assert!(Arc::ptr_eq(&kept, &again), "a live session keeps its gate");
        let gates = coordination.gates.lock().unwrap();
        assert!(
            gates.live.len() <= Gates::MIN_SWEEP,
            "{} gates of dropped sessions are still held",
            gates.live.len()
        );
    }
}
