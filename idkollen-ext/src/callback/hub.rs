//! Where callbacks meet the sessions waiting for them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::event::Callback;

/// How long a delivered callback is kept for a waiter that has not subscribed yet (the callback
/// can arrive before the code that started the session calls `wait`).
const KEEP: Duration = Duration::from_secs(600);

/// One channel per session id. A waiter subscribes before it polls; a delivery publishes to
/// the channel, creating it if no one waits yet, so the order of the two does not matter.
#[derive(Debug, Default)]
pub(crate) struct CallbackHub {
    channels: Mutex<HashMap<String, Channel>>,
}

#[derive(Debug)]
struct Channel {
    sender: watch::Sender<Option<Arc<Callback>>>,
    touched: Instant,
}

impl CallbackHub {
    /// A receiver that holds the session's callback once one arrives (or already holds it).
    pub(crate) fn subscribe(&self, id: &str) -> watch::Receiver<Option<Arc<Callback>>> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        let channel = channels.entry(id.to_owned()).or_insert_with(|| Channel {
            sender: watch::channel(None).0,
            touched: Instant::now(),
        });
        channel.touched = Instant::now();
        channel.sender.subscribe()
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
        assert_eq!(hub.channels.lock().unwrap().len(), 1);
    }
}
