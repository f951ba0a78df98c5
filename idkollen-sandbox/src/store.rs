//! Sessions and their life cycle.
//!
//! A session's state is a pure function of tokio's clock: where it stands is computed from the
//! time since it started, its script and any end forced by a cancel or the control API. A
//! driver task per session only does what must happen at a moment nobody reads: sending the
//! callback when it ends, and forgetting it when its retention is over.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::flows::{Channel, Flow, Kind, Provider};
use crate::personas::Persona;
use crate::scenarios::{Script, UNKNOWN_HINT_CODE};
use crate::timings::Timings;

/// `at + d`, or a moment decades away when a custom timing is too large for the clock.
pub(crate) fn later(at: Instant, d: Duration) -> Instant {
    at.checked_add(d)
        .or_else(|| at.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(at)
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Completed,
    Failed(String),
}

/// Where a session stands at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    Pending { hint: Option<String> },
    Ended(Outcome),
}

/// A document signed by a BankID NO PDF signing, published when the signing completes.
#[derive(Debug, Clone)]
pub(crate) struct SignedDocument {
    pub id: String,
    pub bytes: bytes::Bytes,
    pub hash: String,
}

/// The hostile profile's plan for one session: the status reads it answers with faults, and
/// the session held pending until they have been served, so every session meets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hostile {
    /// Whether the session runs under the hostile profile.
    pub on: bool,
    /// How many steps of the plan have been served (see `routes::sessions::status`).
    pub step: u8,
    /// When the plan was through and the session let go; until then it stays pending.
    pub released: Option<Instant>,
    /// The moment (tokio's clock) the hostile 429 asked the client to come back at.
    pub retry_at: Option<Instant>,
}

/// One session.
#[derive(Debug)]
pub(crate) struct Session {
    pub id: String,
    pub flow: Flow,
    pub created: Instant,
    pub created_wall: DateTime<Utc>,
    /// The start request as received (already validated).
    pub request: Value,
    pub ref_id: Option<String>,
    pub callback_url: Option<String>,
    pub script: Script,
    pub persona: Persona,
    pub qr: Option<(String, String)>,
    pub auto_start_token: Option<String>,
    pub binding_message: Option<String>,
    pub url: Option<String>,
    pub signed_documents: Vec<SignedDocument>,
    /// An end set by a cancel or the control API, earlier than the scripted one.
    pub forced: Option<(Instant, Outcome)>,
    pub last_read: Option<Instant>,
    pub reads: u64,
    /// Wakes the driver task when the end moves.
    pub notify: Arc<Notify>,
    /// The hostile profile's plan (off in the default profile).
    pub hostile: Hostile,
}

impl Session {
    /// When and how the script ends the session if nobody intervenes.
    pub fn scripted_end(&self, t: &Timings) -> (Instant, Outcome) {
        let at = |d: Duration| later(self.created, d);
        match &self.script {
            Script::Complete
            | Script::UnknownHint
            | Script::UnknownStatus
            | Script::Throttle
            | Script::Age(_) => (at(t.complete_after), Outcome::Completed),
            Script::Slow => (at(t.slow_complete_after), Outcome::Completed),
            Script::Cancel => (at(t.complete_after), Outcome::Failed("CANCELLED".into())),
            Script::Fail(code) => (at(t.complete_after), Outcome::Failed(code.clone())),
            Script::Timeout => (
                at(t.timeout_after),
                Outcome::Failed("SESSION_TIMEOUT".into()),
            ),
            Script::Manual => (
                at(t.manual_timeout),
                Outcome::Failed("SESSION_TIMEOUT".into()),
            ),
        }
    }

    /// When and how the session ends, as things stand. A hostile session is held pending
    /// until its plan has been served (at most `manual_timeout` if nobody reads it).
    pub fn end(&self, t: &Timings) -> (Instant, Outcome) {
        match &self.forced {
            Some(forced) => forced.clone(),
            None => {
                let (at, outcome) = self.scripted_end(t);
                if !self.hostile.on {
                    return (at, outcome);
                }
                let held = match self.hostile.released {
                    Some(released) => released,
                    None => later(self.created, t.manual_timeout),
                };
                (at.max(held), outcome)
            }
        }
    }

    /// Lets a hostile session end once its plan has been served.
    pub fn release(&mut self, now: Instant) {
        if self.hostile.released.is_none() {
            self.hostile.released = Some(now);
            self.notify.notify_one();
        }
    }

    /// Where the session stands at `now`.
    pub fn phase(&self, now: Instant, t: &Timings) -> Phase {
        let (at, outcome) = self.end(t);
        if now >= at {
            Phase::Ended(outcome)
        } else {
            Phase::Pending {
                hint: self.hint(now, t),
            }
        }
    }

    /// Whether the session is past its retention and must answer 404.
    pub fn expired(&self, now: Instant, t: &Timings) -> bool {
        now >= later(self.end(t).0, t.retention)
    }

    /// The wall-clock time of a moment of this session (timestamps in answers).
    pub fn wall(&self, at: Instant) -> DateTime<Utc> {
        let elapsed = at.saturating_duration_since(self.created);
        self.created_wall + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }

    /// BankID SE's hint code for a pending session; other providers have none.
    fn hint(&self, now: Instant, t: &Timings) -> Option<String> {
        if self.flow.provider != Provider::BankIdSe || self.flow.kind == Kind::AgeVerification {
            return None;
        }
        let elapsed = now.saturating_duration_since(self.created);
        // A user who never acts leaves the order outstanding until it times out.
        if matches!(self.script, Script::Timeout | Script::Manual) {
            return Some("outstandingTransaction".into());
        }
        let hint = if elapsed < t.started_after {
            "outstandingTransaction"
        } else if elapsed < t.user_sign_after {
            // Phone orders are confirmed in the app before the user signs.
            if self.flow.channel == Channel::Phone {
                "userCallConfirm"
            } else {
                "started"
            }
        } else if self.script == Script::UnknownHint {
            UNKNOWN_HINT_CODE
        } else {
            "userSign"
        };
        Some(hint.into())
    }

    /// Accounts for a status read at `now`: `Err(seconds)` when it must answer 429 with that
    /// `Retry-After`.
    pub fn register_read(&mut self, now: Instant, t: &Timings) -> Result<(), u64> {
        self.reads += 1;
        if self.script == Script::Throttle && self.reads.is_multiple_of(2) {
            return Err(1);
        }
        if let Some(last) = self.last_read {
            let since = now.saturating_duration_since(last);
            if since < t.status_read_interval {
                let wait = t.status_read_interval - since;
                return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
            }
        }
        self.last_read = Some(now);
        Ok(())
    }

    /// Ends a pending session now. `false` if it had already ended.
    pub fn force_end(&mut self, now: Instant, outcome: Outcome, t: &Timings) -> bool {
        if matches!(self.phase(now, t), Phase::Ended(_)) {
            return false;
        }
        self.forced = Some((now, outcome));
        self.notify.notify_one();
        true
    }
}

/// All live sessions by id.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub sessions: HashMap<String, Session>,
}

impl Store {
    /// The session with this id unless it is past its retention (then it is dropped).
    pub fn live(&mut self, id: &str, now: Instant, t: &Timings) -> Option<&mut Session> {
        let expired = self.sessions.get(id)?.expired(now, t);
        if expired {
            self.sessions.remove(id);
            return None;
        }
        self.sessions.get_mut(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::Channel;

    fn session(flow: Flow, script: Script) -> Session {
        Session {
            id: "s".into(),
            flow,
            created: Instant::now(),
            created_wall: Utc::now(),
            request: Value::Null,
            ref_id: None,
            callback_url: None,
            script,
            persona: Persona::sweden(),
            qr: None,
            auto_start_token: None,
            binding_message: None,
            url: None,
            signed_documents: Vec::new(),
            forced: None,
            last_read: None,
            reads: 0,
            notify: Arc::new(Notify::new()),
            hostile: Hostile::default(),
        }
    }

    const SE_AUTH: Flow = Flow::ALL[0];

    #[tokio::test(start_paused = true)]
    async fn bankid_se_moves_through_its_hint_codes() {
        let t = Timings::realistic();
        let s = session(SE_AUTH, Script::Complete);
        let at = |ms: u64| s.created + Duration::from_millis(ms);
        let hint = |p: Phase| match p {
            Phase::Pending { hint } => hint,
            Phase::Ended(o) => Some(format!("{o:?}")),
        };
        assert_eq!(
            hint(s.phase(at(0), &t)).as_deref(),
            Some("outstandingTransaction")
        );
        assert_eq!(hint(s.phase(at(3_500), &t)).as_deref(), Some("started"));
        assert_eq!(hint(s.phase(at(7_000), &t)).as_deref(), Some("userSign"));
        assert_eq!(s.phase(at(10_000), &t), Phase::Ended(Outcome::Completed));
        assert!(!s.expired(at(10_000), &t));
        assert!(s.expired(at(610_000), &t));
    }

    #[tokio::test(start_paused = true)]
    async fn phone_and_unknown_hint_and_scripts() {
        let t = Timings::realistic();
        let phone = Flow {
            channel: Channel::Phone,
            ..SE_AUTH
        };
        let s = session(phone, Script::UnknownHint);
        let p = s.phase(s.created + Duration::from_secs(4), &t);
        assert_eq!(
            p,
            Phase::Pending {
                hint: Some("userCallConfirm".into())
            }
        );
        let p = s.phase(s.created + Duration::from_secs(7), &t);
        assert_eq!(
            p,
            Phase::Pending {
                hint: Some(UNKNOWN_HINT_CODE.into())
            }
        );
        let s = session(SE_AUTH, Script::Timeout);
        let p = s.phase(s.created + t.timeout_after, &t);
        assert_eq!(p, Phase::Ended(Outcome::Failed("SESSION_TIMEOUT".into())));
        let s = session(Flow::ALL[5], Script::Fail("CONFLICT".into()));
        assert_eq!(s.phase(s.created, &t), Phase::Pending { hint: None });
        let p = s.phase(s.created + t.complete_after, &t);
        assert_eq!(p, Phase::Ended(Outcome::Failed("CONFLICT".into())));
    }

    #[tokio::test(start_paused = true)]
    async fn forced_end_wins_once() {
        let t = Timings::fast();
        let mut s = session(SE_AUTH, Script::Manual);
        let now = s.created + Duration::from_millis(5);
        assert!(s.force_end(now, Outcome::Failed("CANCELLED".into()), &t));
        assert!(!s.force_end(now, Outcome::Completed, &t));
        assert_eq!(
            s.phase(now, &t),
            Phase::Ended(Outcome::Failed("CANCELLED".into()))
        );
        assert!(s.expired(now + t.retention, &t));
    }

    #[tokio::test(start_paused = true)]
    async fn reads_are_limited_to_one_per_second() {
        let t = Timings::fast();
        let mut s = session(SE_AUTH, Script::Complete);
        let now = s.created;
        assert_eq!(s.register_read(now, &t), Ok(()));
        assert_eq!(
            s.register_read(now + Duration::from_millis(300), &t),
            Err(1)
        );
        assert_eq!(s.register_read(now + Duration::from_secs(1), &t), Ok(()));
        let mut s = session(SE_AUTH, Script::Throttle);
        let reads: Vec<bool> = (0..4)
            .map(|i| {
                s.register_read(now + Duration::from_secs(2 * i), &t)
                    .is_ok()
            })
            .collect();
        assert_eq!(reads, [true, false, true, false]);
    }
}
