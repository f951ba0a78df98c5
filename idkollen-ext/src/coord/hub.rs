//! Where callbacks meet the sessions waiting for them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::callback::Callback;

/// How long a delivered callback is kept for a waiter that has not subscribed yet (the callback
/// can arrive before the code that started the session calls `wait`).
const KEEP: Duration = Duration::from_secs(600);

/// One channel per session id. A waiter subscribes before it polls; a delivery publishes to
/// the channel, creating it if no one waits yet, so the order of the two does not matter.
///
/// A channel lives while someone waits on it, and an unclaimed callback for [`KEEP`]: the
/// last [`Subscription`] of a session removes its channel, so an application that only polls
/// keeps no entry past its sessions.
#[derive(Debug, Default)]
pub(crate) struct CallbackHub {
    channels: Arc<Mutex<HashMap<String, Channel>>>,
}

/// A waiter's hold on its session's channel: the receiver, and the removal of the channel
/// when the last waiter of the session stops waiting.
#[derive(Debug)]
pub(crate) struct Subscription {
    channels: Arc<Mutex<HashMap<String, Channel>>>,
    id: String,
    receiver: watch::Receiver<Option<Arc<Callback>>>,
}

impl std::ops::Deref for Subscription {
    type Target = watch::Receiver<Option<Arc<Callback>>>;
    fn deref(&self) -> &Self::Target {
        &self.receiver
    }
}

impl std::ops::DerefMut for Subscription {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.receiver
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        // This receiver still counts: it is the last one when the count is one. Once the last
        // waiter of a session stops, nobody needs its callback (a callback that arrives later,
        // with no waiter, makes a new channel kept for `KEEP`).
        if let Some(channel) = channels.get(&self.id)
            && channel.sender.receiver_count() <= 1
        {
            channels.remove(&self.id);
        }
    }
}

#[derive(Debug)]
struct Channel {
    sender: watch::Sender<Option<Arc<Callback>>>,
    touched: Instant,
}

impl CallbackHub {
    /// A receiver that holds the session's callback once one arrives (or already holds it).
    pub(crate) fn subscribe(&self, id: &str) -> Subscription {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let channel = channels.entry(id.to_owned()).or_insert_with(|| Channel {
            sender: watch::channel(None).0,
            touched: Instant::now(),
        });
        channel.touched = Instant::now();
        Subscription {
            channels: self.channels.clone(),
            id: id.to_owned(),
            receiver: channel.sender.subscribe(),
        }
    }

    /// How many sessions have a channel.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.channels.lock().unwrap().len()
    }

    /// Hands a callback to the waiters of its session in this process, if there are any; one
    /// nobody here waits for is not kept (the fleet keeps it).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn publish_if_waiting(&self, callback: Callback) {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(channel) = channels.get(callback.id())
            && channel.sender.receiver_count() > 0
        {
            channel.sender.send_replace(Some(Arc::new(callback)));
        }
    }

    /// The sessions someone in this process waits for.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn waiting_ids(&self) -> Vec<String> {
        let channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels
            .iter()
            .filter(|(_, c)| c.sender.receiver_count() > 0)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Publishes a callback to whoever waits for its session, now or within [`KEEP`].
    pub(crate) fn publish(&self, callback: Callback) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        // Sessions nobody waited for would otherwise stay forever.
        channels
            .retain(|_, c| c.sender.receiver_count() > 0 || now.duration_since(c.touched) < KEEP);
        let channel = channels
            .entry(callback.id().to_owned())
            .or_insert_with(|| Channel {
                sender: watch::channel(None).0,
                touched: now,
            });
        channel.touched = now;
        channel.sender.send_replace(Some(Arc::new(callback)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::parse_callback;

    fn callback(id: &str) -> Callback {
        parse_callback(
            format!(r#"{{"id":"{id}","status":"FAILED","error":"CANCELLED"}}"#).as_bytes(),
        )
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_callback_reaches_a_waiter_subscribed_before_or_after_it() {
        let hub = CallbackHub::default();
        let mut early = hub.subscribe("a");
        hub.publish(callback("a"));
        assert_eq!(
            early
                .wait_for(Option::is_some)
                .await
                .unwrap()
                .as_ref()
                .unwrap()
                .id(),
            "a"
        );
        let late = hub.subscribe("a");
        assert!(late.borrow().is_some());
        assert!(hub.subscribe("b").borrow().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn unclaimed_callbacks_are_dropped_after_a_while() {
        let hub = CallbackHub::default();
        hub.publish(callback("old"));
        tokio::time::advance(KEEP + Duration::from_secs(1)).await;
        hub.publish(callback("new"));
        assert_eq!(hub.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn sessions_waited_on_without_callbacks_leave_nothing_behind() {
        let hub = CallbackHub::default();
        for i in 0..100_000 {
            let id = format!("session-{i}");
            // `wait()` and `updates()` of two copies of one session, as an application that
            // only polls holds them.
            let first = hub.subscribe(&id);
            let second = hub.subscribe(&id);
            drop(first);
            assert_eq!(hub.len(), 1);
            drop(second);
        }
        assert_eq!(hub.len(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_callback_goes_with_its_last_waiter_and_an_unclaimed_one_stays() {
        let hub = CallbackHub::default();
        let waiter = hub.subscribe("a");
        hub.publish(callback("a"));
        drop(waiter);
        // Delivered while the waiter was still there: it saw it.
        assert_eq!(hub.len(), 0);
        hub.publish(callback("b"));
        drop(hub.subscribe("c"));
        assert_eq!(hub.len(), 1);
        assert!(hub.subscribe("b").borrow().is_some());
    }
}
