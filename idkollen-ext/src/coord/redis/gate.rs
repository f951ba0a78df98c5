//! The fleet's gate of one session: a lease per session in Redis, the status last read, and
//! the account's read budget, each turn in one script (one round trip).
//!
//! The lease is sticky: the instance that reads a session keeps reading it, renewing its
//! lease with each answer, so a read costs it one round trip to Redis (to share what it read
//! and renew) and no other; the fleet's other waiters on the session ask once an interval
//! whether the lease is free (its holder stopped waiting), and learn the session's end from
//! the announcement of its final status.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::Script;
use tokio::time::Instant;

use super::{Fleet, KEEP, Missed};
use crate::poll::{BoxFuture, Lease, MIN_INTERVAL, SharedGate, SharedRead, Turn};

/// How long a lease outlives the interval after its holder's last answer: long enough for a
/// slow read (no other instance reads meanwhile and lands two reads in one second), short
/// enough that the others take over soon from an instance that died. An instance that stops
/// waiting gives its lease back at once. Its holder reads without asking only while at least
/// half of it is left, so every read it sends has that long to arrive.
const READ_HOLD: Duration = Duration::from_secs(8);

/// How soon to ask again after a slow answer: the usual cadence, not sooner, so that an
/// overloaded instance (or Redis) does not answer its own slowness with more requests.
const SLOW_RETRY: Duration = MIN_INTERVAL;

/// A foreign value under one of our keys (another type than a string) is removed rather than
/// failing every turn: the keys are ours by their prefix.
const GET_OR_CLEAR: &str = r"
local function get(key)
  local ok, value = pcall(redis.call, 'GET', key)
  if ok then return value end
  redis.call('DEL', key)
  return false
end
";

/// KEYS: lease, status, account budget. ARGV: token, hold (ms), accept shared (1/0), the
/// budget's spacing of reads (µs, 0 for none). Answers {0, ''} (read now: the lease is this
/// instance's for the hold from now), {1, status} (another instance's fresh read; never to the
/// lease's holder, whose own last read it is), or {2, ms} (ask again after ms).
const TURN: &str = r"
local holder = get(KEYS[1])
if ARGV[3] == '1' and holder ~= ARGV[1] then
  local shared = get(KEYS[2])
  if shared then return {1, shared} end
end
if holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  if holder or not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    local ttl = redis.call('PTTL', KEYS[1])
    if ttl < 0 then
      -- A lease without expiry is not one of ours: let it expire like one.
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      ttl = tonumber(ARGV[2])
    end
    return {2, string.format('%d', ttl)}
  end
end
local every = tonumber(ARGV[4])
if every > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local next_free = tonumber(get(KEYS[3])) or now
  if next_free > now then
    return {2, string.format('%d', math.ceil((next_free - now) / 1000))}
  end
  redis.call('SET', KEYS[3], string.format('%d', now + every), 'PX', math.ceil(every / 1000) + 1000)
end
return {0, ''}
";

/// KEYS: lease, status, final. ARGV: token, lease (ms), status ('' for none), freshness
/// (ms), final (1/0), keep (s), channel, announcement. Renews the lease if it is still this
/// instance's (or free); answers 1 if so.
const DONE: &str = r"
local holder = get(KEYS[1])
local held = 0
if holder == ARGV[1] or not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  held = 1
end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  if ARGV[5] == '1' then
    redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[6])
    redis.call('PUBLISH', ARGV[7], ARGV[8])
  end
end
return held
";

/// KEYS: lease. ARGV: token, when the next read may go out (ms from now, 0 for now). Gives
/// the lease back, if it is still this instance's, for that moment.
const RELEASE: &str = r"
if get(KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  else
    redis.call('DEL', KEYS[1])
  end
end
return 1
";

/// The two scripts, sent by their hash (and loaded again after a Redis restart).
pub(super) struct Scripts {
    turn: Script,
    done: Script,
    release: Script,
}

impl Default for Scripts {
    fn default() -> Self {
        Self {
            turn: Script::new(&format!("{GET_OR_CLEAR}{TURN}")),
            done: Script::new(&format!("{GET_OR_CLEAR}{DONE}")),
            release: Script::new(&format!("{GET_OR_CLEAR}{RELEASE}")),
        }
    }
}

impl Scripts {
    /// Loads both, which proves Redis runs them.
    pub(super) async fn load(
        &self,
        con: &mut redis::aio::ConnectionManager,
    ) -> Result<(), redis::RedisError> {
        self.turn.load_async(con).await?;
        self.done.load_async(con).await?;
        self.release.load_async(con).await?;
        Ok(())
    }
}

/// The fleet's gate of one session.
pub(crate) struct RedisGate {
    fleet: Arc<Fleet>,
    id: String,
    lease: String,
    status: String,
    budget: String,
    /// This gate's token, in the lease while it holds it.
    token: String,
    /// Until when this gate surely holds the lease (by this process's clock, well within the
    /// lease's expiry), so its reads need not ask Redis first.
    held_until: Mutex<Option<Instant>>,
    /// When the next read may go out after this gate's last one (its answer plus the
    /// interval), which is when a lease given back frees the session for the others.
    free_at: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RedisGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisGate").field("id", &self.id).finish()
    }
}

impl RedisGate {
    pub(super) fn new(fleet: Arc<Fleet>, id: &str, account: &str) -> Self {
        Self {
            lease: fleet.key(id, "lease"),
            status: fleet.key(id, "status"),
            budget: format!("{}:account:{account}:reads", fleet.prefix),
            id: id.to_owned(),
            token: fleet.token(),
            held_until: Mutex::new(None),
            free_at: Mutex::new(None),
            fleet,
        }
    }

    fn held_until(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.held_until.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn ask(&self, accept_shared: bool) -> Turn {
        let fleet = &self.fleet;
        if !fleet.is_connected() {
            return Turn::Alone;
        }
        // Each read of an account with a budget is counted in Redis; otherwise the holder of
        // the lease reads on.
        if fleet.account_every_us == 0
            && self
                .held_until()
                .is_some_and(|until| Instant::now() < until)
        {
            return Turn::Read(Lease {
                token: self.token.clone(),
            });
        }
        let answer = fleet
            .call("a turn to read", |mut con| async move {
                fleet
                    .scripts
                    .turn
                    .key(&self.lease)
                    .key(&self.status)
                    .key(&self.budget)
                    .arg(&self.token)
                    .arg(millis(MIN_INTERVAL + READ_HOLD))
                    .arg(if accept_shared { "1" } else { "0" })
                    .arg(fleet.account_every_us)
                    .invoke_async::<(i64, Vec<u8>)>(&mut con)
                    .await
            })
            .await;
        match answer {
            Ok((0, _)) => Turn::Read(Lease {
                token: self.token.clone(),
            }),
            Ok((1, shared)) => match String::from_utf8(shared) {
                Ok(json) => Turn::Shared(json),
                // Not text: not a status; read instead (the read replaces it).
                Err(_) => Box::pin(self.ask(false)).await,
            },
            Ok((2, ms)) => {
                let ms = std::str::from_utf8(&ms)
                    .ok()
                    .and_then(|ms| ms.parse::<u64>().ok())
                    .unwrap_or(0);
                // Another instance reads the session: ask again when its lease would end, or
                // in an interval, whichever is sooner, in case it gives the lease back.
                Turn::Wait(Duration::from_millis(ms.clamp(1, millis(MIN_INTERVAL))))
            }
            // A busy moment: the lease may or may not be ours now, so reading could land a
            // second read in the same second; ask again at the next slot.
            Err(Missed::Slow) => Turn::Wait(SLOW_RETRY),
            Ok(_) | Err(_) => Turn::Alone,
        }
    }

    async fn release(&self, lease: Lease, next_in: Duration, read: Option<SharedRead>) {
        *self.free_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + next_in);
        let fleet = &self.fleet;
        if !fleet.is_connected() {
            return;
        }
        let (json, is_final) = read.map_or((String::new(), false), |r| (r.json, r.is_final));
        // Redis counts the renewed lease from a moment after this one, however long its answer
        // takes to come back.
        let sent = Instant::now();
        let announcement = if is_final {
            fleet.message(&self.id, &json)
        } else {
            String::new()
        };
        let done = fleet
            .call("sharing a status read", |mut con| async move {
                fleet
                    .scripts
                    .done
                    .key(&self.lease)
                    .key(&self.status)
                    .key(fleet.key(&self.id, "final"))
                    .arg(&lease.token)
                    .arg(millis(next_in + READ_HOLD))
                    .arg(&json)
                    .arg(millis(fleet.freshness).max(1))
                    .arg(if is_final { "1" } else { "0" })
                    .arg(KEEP.as_secs())
                    .arg(&fleet.channel)
                    .arg(&announcement)
                    .invoke_async::<i64>(&mut con)
                    .await
            })
            .await;
        *self.held_until() = match done {
            Ok(1) => Some(sent + next_in + READ_HOLD / 2),
            _ => None,
        };
    }
}

impl Drop for RedisGate {
    /// The last waiter on the session in this process is gone: another instance still
    /// waiting takes over when this one's next read would have gone out, rather than when the
    /// lease would end (and not sooner, which could land two reads in one second).
    fn drop(&mut self) {
        if self.held_until().take().is_none() || !self.fleet.is_connected() {
            return;
        }
        let free_at = self
            .free_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let free_in = free_at.map_or(0, |at| millis(at.saturating_duration_since(Instant::now())));
        let (fleet, lease, token) = (self.fleet.clone(), self.lease.clone(), self.token.clone());
        self.fleet.runtime.spawn(async move {
            let _ = fleet
                .call("giving a lease back", |mut con| {
                    let (release, lease, token) = (&fleet.scripts.release, &lease, &token);
                    async move {
                        release
                            .key(lease)
                            .arg(token)
                            .arg(free_in)
                            .invoke_async::<i64>(&mut con)
                            .await
                    }
                })
                .await;
        });
    }
}

impl SharedGate for RedisGate {
    fn turn(&self, accept_shared: bool) -> BoxFuture<'_, Turn> {
        Box::pin(self.ask(accept_shared))
    }

    fn done(&self, lease: Lease, next_in: Duration, read: Option<SharedRead>) -> BoxFuture<'_, ()> {
        Box::pin(self.release(lease, next_in, read))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
