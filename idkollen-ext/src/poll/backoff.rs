//! Exponential backoff with jitter.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::policy::MIN_INTERVAL;

/// The pause before retry number `attempt` (1-based): 1 s, 2 s, 4 s ... capped at `max`,
/// plus up to a quarter of that at random so many clients hit by the same outage do not
/// come back in lockstep. Never under one second, the service's rate limit.
pub(crate) fn backoff(attempt: u32, max: Duration) -> Duration {
    let exp = MIN_INTERVAL.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let base = exp.min(max).max(MIN_INTERVAL);
    let jitter_ms = (base.as_millis() as u64 / 4).max(1);
    base + Duration::from_millis(random() % jitter_ms)
}

/// A random number without a dependency: `RandomState` is seeded per instance.
pub(crate) fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_and_never_goes_under_a_second() {
        let max = Duration::from_secs(16);
        for attempt in 0..40 {
            let d = backoff(attempt, max);
            assert!(d >= MIN_INTERVAL, "{d:?}");
            assert!(d <= max + max / 4, "{d:?}");
        }
        assert!(backoff(1, max) < Duration::from_millis(1250));
        assert!(backoff(3, max) >= Duration::from_secs(4));
    }
}
