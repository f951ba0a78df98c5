//! When each session completes, and the driver that completes them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use idkollen_sandbox::Sandbox;

use crate::rng::SplitMix64;

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
