//! When each session completes, and the driver that completes them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use idkollen_sandbox::Sandbox;

use crate::rng::SplitMix64;

/// How a run's sessions start and complete: the same for the load run and the fleet run.
#[derive(Debug, Clone)]
pub struct Pace {
    /// How many start requests are in flight at once.
    pub start_concurrency: usize,
    /// How long after the last session started the first completion may come.
    pub first_completion: Duration,
    /// Completions fall uniformly within this long after `first_completion`.
    pub spread: Duration,
    /// How long after the last scheduled completion a wait may take before it counts as lost.
    pub grace: Duration,
    /// The seed of the completion schedule.
    pub seed: u64,
}

impl Default for Pace {
    /// 64 starts in flight; completions between 1 s and 6 s after all have started; 60 s of
    /// grace; seed 1.
    fn default() -> Self {
        Self {
            start_concurrency: 64,
            first_completion: Duration::from_secs(1),
            spread: Duration::from_secs(5),
            grace: Duration::from_secs(60),
            seed: 1,
        }
    }
}

impl Pace {
    /// When each of `n` sessions, all started by `all_started`, completes.
    pub(crate) fn schedule(&self, n: usize, all_started: Instant) -> Schedule {
        Schedule::random(
            n,
            all_started + self.first_completion,
            self.spread,
            self.seed,
        )
    }
}

/// The completion instant of every session, by index.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    at: Vec<Instant>,
}

impl Schedule {
    /// `n` instants spread uniformly over `[first, first + spread)`.
    pub(crate) fn random(n: usize, first: Instant, spread: Duration, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let at = (0..n)
            .map(|_| first + spread.mul_f64(rng.next_f64()))
            .collect();
        Self { at }
    }

    /// The last completion (`now` for an empty schedule).
    pub(crate) fn last(&self) -> Instant {
        self.at.iter().copied().max().unwrap_or_else(Instant::now)
    }
}

/// Completes session `ids[i]` at `schedule.at[i]` through the sandbox's control API. Returns,
/// by index, the instant taken just before each completion (so a latency measured from it
/// never counts the completion as earlier than it was), or why it could not complete.
pub(crate) async fn complete_on_schedule(
    sb: Arc<Sandbox>,
    ids: Vec<String>,
    schedule: Schedule,
) -> Vec<Result<Instant, String>> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| schedule.at[i]);
    let mut done: Vec<Result<Instant, String>> = vec![Err("not completed".into()); ids.len()];
    for i in order {
        tokio::time::sleep_until(tokio::time::Instant::from_std(schedule.at[i])).await;
        let now = Instant::now();
        done[i] = sb
            .complete(&ids[i])
            .map(|()| now)
            .map_err(|e| e.to_string());
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_fall_within_the_spread() {
        let first = Instant::now();
        let spread = Duration::from_secs(5);
        let s = Schedule::random(1000, first, spread, 3);
        assert!(s.at.iter().all(|&t| t >= first && t < first + spread));
        assert!(
            s.last() > first + Duration::from_secs(4),
            "spread out, not bunched"
        );
    }
}
