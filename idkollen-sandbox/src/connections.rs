//! How many HTTP connections the sandbox has accepted and holds open, for load tests: a client
//! that opens a connection per request in flight shows up here long before it shows up as
//! memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The sandbox's connection counts at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionStats {
    /// Connections accepted since the sandbox started.
    pub accepted: u64,
    /// Connections open now.
    pub open: usize,
    /// The most connections open at once since the sandbox started, or since
    /// [`Sandbox::reset_peak_connections`](crate::Sandbox::reset_peak_connections).
    pub peak: usize,
}

/// The live counters behind [`ConnectionStats`].
#[derive(Debug, Default)]
pub(crate) struct Connections {
    accepted: AtomicU64,
    open: AtomicUsize,
    peak: AtomicUsize,
}

impl Connections {
    /// Counts a newly accepted connection; it counts as open until the guard is dropped.
    pub(crate) fn opened(self: &Arc<Self>) -> OpenConnection {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        let open = self.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(open, Ordering::Relaxed);
        OpenConnection(self.clone())
    }

    pub(crate) fn stats(&self) -> ConnectionStats {
        ConnectionStats {
            accepted: self.accepted.load(Ordering::Relaxed),
            open: self.open.load(Ordering::Relaxed),
            peak: self.peak.load(Ordering::Relaxed),
        }
    }

    /// Starts the peak over from the connections open now.
    pub(crate) fn reset_peak(&self) {
        self.peak
            .store(self.open.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// One open connection; dropping it (when the connection ends) counts it as closed.
#[derive(Debug)]
pub(crate) struct OpenConnection(Arc<Connections>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_open_peak_and_accepted() {
        let c = Arc::new(Connections::default());
        let a = c.opened();
        let b = c.opened();
        drop(a);
        assert_eq!(
            c.stats(),
            ConnectionStats {
                accepted: 2,
                open: 1,
                peak: 2
            }
        );
        c.reset_peak();
        assert_eq!(c.stats().peak, 1);
        drop(b);
        assert_eq!(c.stats().open, 0);
    }
}
