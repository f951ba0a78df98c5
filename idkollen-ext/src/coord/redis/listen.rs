//! The fleet's announcements of final statuses: one subscription per instance, taken up again
//! when Redis comes back, and the watch over Redis's health.

use std::sync::Weak;
use std::time::Duration;

use futures::StreamExt as _;
use redis::aio::PubSub;
use serde::Deserialize;
use tokio::sync::watch;

use super::{Fleet, within};

/// How often a disconnected instance checks whether Redis is back.
const PROBE: Duration = Duration::from_millis(250);

/// How many kept final statuses one catch-up command reads.
const CATCH_UP_BATCH: usize = 500;

/// An announcement on the fleet's channel.
#[derive(Deserialize)]
struct Announcement {
    from: String,
    id: String,
    /// The status object, as JSON text.
    body: String,
}

/// A subscription to `channel`, confirmed by Redis.
pub(super) async fn subscribe(
    client: &redis::Client,
    channel: &str,
) -> Result<PubSub, redis::RedisError> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub)
}

/// Delivers the fleet's announcements to the waiters in this process until the fleet is
/// dropped. While Redis is away it tries to subscribe again, and once it can, catches up on
/// what was announced meanwhile.
pub(super) async fn listen(fleet: Weak<Fleet>, pubsub: PubSub, mut stop: watch::Receiver<()>) {
    let mut pubsub = Some(pubsub);
    let mut pause = PROBE;
    loop {
        let current = match pubsub.take() {
            Some(current) => current,
            None => {
                let Some(f) = fleet.upgrade() else { return };
                let attempt = within(f.timeout, subscribe(&f.client, &f.channel)).await;
                match attempt {
                    Ok(current) => {
                        pause = PROBE;
                        f.rejoin().await;
                        current
                    }
                    Err(err) => {
                        f.lost(&err);
                        drop(f);
                        tokio::select! {
                            _ = tokio::time::sleep(pause) => {}
                            _ = stop.changed() => return,
                        }
                        pause = (pause * 2).min(Duration::from_secs(2));
                        continue;
                    }
                }
            }
        };
        let mut messages = current.into_on_message();
        let mut probe = tokio::time::interval(PROBE);
        loop {
            tokio::select! {
                message = messages.next() => {
                    let Some(message) = message else { break };
                    let Some(f) = fleet.upgrade() else { return };
                    f.on_announcement(message.get_payload_bytes());
                }
                _ = probe.tick() => {
                    let Some(f) = fleet.upgrade() else { return };
                    // A command timed out or failed while the subscription stayed up: see
                    // whether Redis answers again.
                    if !f.is_connected() {
                        f.rejoin().await;
                    }
                }
                _ = stop.changed() => return,
            }
        }
        if let Some(f) = fleet.upgrade() {
            f.lost(&"the subscription to the fleet's announcements ended");
        }
    }
}

impl Fleet {
    fn on_announcement(&self, payload: &[u8]) {
        match serde_json::from_slice::<Announcement>(payload) {
            Ok(a) if a.from == self.instance => {}
            Ok(a) => self.deliver(&a.id, a.body.as_bytes()),
            Err(err) => {
                tracing::warn!(error = %err, "ignored an announcement on the fleet's channel that is not one");
            }
        }
    }

    /// Coordination resumes once commands are answered again; the final statuses announced
    /// while this instance was away are read from where they are kept.
    async fn rejoin(&self) {
        let ping = within(self.timeout, async {
            redis::cmd("PING")
                .query_async::<String>(&mut self.commands.clone())
                .await
        })
        .await;
        if ping.is_err() {
            return;
        }
        self.found();
        let ids = self.hub.waiting_ids();
        for batch in ids.chunks(CATCH_UP_BATCH) {
            let keys: Vec<String> = batch.iter().map(|id| self.key(id, "final")).collect();
            let kept = self
                .call("catching up on final statuses", |mut con| async move {
                    redis::cmd("MGET")
                        .arg(keys)
                        .query_async::<Vec<Option<Vec<u8>>>>(&mut con)
                        .await
                })
                .await;
            let Ok(kept) = kept else {
                return;
            };
            for (id, body) in batch.iter().zip(kept) {
                if let Some(body) = body {
                    self.deliver(id, &body);
                }
            }
        }
    }
}
