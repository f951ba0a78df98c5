//! The fleet's gate of one session: a lease per session in Redis, the status last read, and
//! the account's read budget, each turn in one script (one round trip).

use std::sync::Arc;
use std::time::Duration;

use redis::Script;

use super::{Fleet, KEEP, Missed, within};
use crate::poll::{BoxFuture, Lease, MIN_INTERVAL, SharedGate, SharedRead, Turn};

/// How long a lease holds while its read is in flight: long enough for a slow answer (so no
/// other instance reads meanwhile and lands two reads in one second), short enough that an
/// instance that dies mid-read holds the session up only this long.
const READ_HOLD: Duration = Duration::from_secs(5);

/// How soon to ask again while another instance's read is in flight.
const IN_FLIGHT_RECHECK: Duration = Duration::from_millis(50);

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
/// budget's spacing of reads (µs, 0 for none). Answers {0, ''} (read now), {1, status}
/// (another instance's fresh read), or {2, ms} (ask again after ms).
const TURN: &str = r"
if ARGV[3] == '1' then
  local shared = get(KEYS[2])
  if shared then return {1, shared} end
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local every = tonumber(ARGV[4])
  if every > 0 then
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
    local next_free = tonumber(get(KEYS[3])) or now
    if next_free > now then
      redis.call('DEL', KEYS[1])
      return {2, string.format('%d', math.ceil((next_free - now) / 1000))}
    end
    redis.call('SET', KEYS[3], string.format('%d', now + every), 'PX', math.ceil(every / 1000) + 1000)
  end
  return {0, ''}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  -- A lease without expiry is not one of ours: let it expire like one.
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {2, string.format('%d', ttl)}
";

/// KEYS: lease, status, final. ARGV: token, next read in (ms), status ('' for none),
/// freshness (ms), final (1/0), keep (s), channel, announcement.
const DONE: &str = r"
if get(KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if ARGV[3] ~= '' then
  redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
  if ARGV[5] == '1' then
    redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[6])
    redis.call('PUBLISH', ARGV[7], ARGV[8])
  end
end
return 1
";

/// The two scripts, sent by their hash (and loaded again after a Redis restart).
pub(super) struct Scripts {
    turn: Script,
    done: Script,
}

impl Default for Scripts {
    fn default() -> Self {
        Self {
            turn: Script::new(&format!("{GET_OR_CLEAR}{TURN}")),
            done: Script::new(&format!("{GET_OR_CLEAR}{DONE}")),
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
            fleet,
        }
    }

    async fn ask(&self, accept_shared: bool) -> Turn {
        let fleet = &self.fleet;
        if !fleet.is_connected() {
            return Turn::Alone;
        }
        let token = fleet.token();
        let mut commands = fleet.commands.clone();
        let answer = within(
            fleet.timeout,
            fleet
                .scripts
                .turn
                .key(&self.lease)
                .key(&self.status)
                .key(&self.budget)
                .arg(&token)
                .arg(millis(READ_HOLD))
                .arg(if accept_shared { "1" } else { "0" })
                .arg(fleet.account_every_us)
                .invoke_async::<(i64, Vec<u8>)>(&mut commands),
        )
        .await;
        match fleet.outcome(answer, "a turn to read") {
            Ok((0, _)) => Turn::Read(Lease { token }),
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
                // A lease longer than the interval has its read in flight: the holder shortens
                // it to the interval from the answer, which usually comes within milliseconds,
                // so look again soon rather than when the longer lease would end.
                let ms = if ms > millis(MIN_INTERVAL) {
                    millis(IN_FLIGHT_RECHECK)
                } else {
                    ms.max(1)
                };
                Turn::Wait(Duration::from_millis(ms))
            }
            // A busy moment: the lease may or may not be ours now, so reading could land a
            // second read in the same second; ask again shortly.
            Err(Missed::Slow) => Turn::Wait(Duration::from_millis(50)),
            Ok(_) | Err(_) => Turn::Alone,
        }
    }

    async fn release(&self, lease: Lease, next_in: Duration, read: Option<SharedRead>) {
        let fleet = &self.fleet;
        if !fleet.is_connected() {
            return;
        }
        let (json, is_final) = read.map_or((String::new(), false), |r| (r.json, r.is_final));
        let announcement = if is_final {
            fleet.message(&self.id, &json)
        } else {
            String::new()
        };
        let mut commands = fleet.commands.clone();
        let done = within(
            fleet.timeout,
            fleet
                .scripts
                .done
                .key(&self.lease)
                .key(&self.status)
                .key(fleet.key(&self.id, "final"))
                .arg(&lease.token)
                .arg(millis(next_in).max(1))
                .arg(&json)
                .arg(millis(fleet.freshness).max(1))
                .arg(if is_final { "1" } else { "0" })
                .arg(KEEP.as_secs())
                .arg(&fleet.channel)
                .arg(&announcement)
                .invoke_async::<i64>(&mut commands),
        )
        .await;
        let _ = fleet.outcome(done, "sharing a status read");
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
