//! The process's memory, CPU time and open sockets, read from `/proc` (Linux only).

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Clock ticks per second of the times in `/proc/*/stat`: the kernel's USER_HZ, which is 100 on
/// every architecture Linux exposes to user space (`getconf CLK_TCK`).
const TICKS_PER_SECOND: u64 = 100;

/// Resident memory of this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now (`VmRSS`), in KiB.
    pub rss_kib: u64,
    /// The largest resident set size so far (`VmHWM`), in KiB.
    pub peak_rss_kib: u64,
}

/// This process's resident memory, from `/proc/self/status`.
pub fn memory() -> io::Result<Memory> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .ok_or_else(|| io::Error::other(format!("no {name} in /proc/self/status")))
    };
    Ok(Memory {
        rss_kib: field("VmRSS")?,
        peak_rss_kib: field("VmHWM")?,
    })
}

/// CPU time (user + system) consumed by this process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CpuTimes {
    /// All threads, those that have exited included.
    pub total: Duration,
    /// Live threads grouped by name (tokio names its runtimes' threads), so the clients' time
    /// and the sandbox's can be told apart.
    pub by_thread_name: BTreeMap<String, Duration>,
}

impl CpuTimes {
    /// The time consumed since `earlier`.
    pub fn since(&self, earlier: &CpuTimes) -> CpuTimes {
        let by_thread_name = self
            .by_thread_name
            .iter()
            .map(|(name, t)| {
                let before = earlier
                    .by_thread_name
                    .get(name)
                    .copied()
                    .unwrap_or_default();
                (name.clone(), t.saturating_sub(before))
            })
            .collect();
        CpuTimes {
            total: self.total.saturating_sub(earlier.total),
            by_thread_name,
        }
    }

    /// The time of the threads called `name`.
    pub fn of_threads(&self, name: &str) -> Duration {
        self.by_thread_name.get(name).copied().unwrap_or_default()
    }
}

/// This process's CPU time so far, from `/proc/self/stat` and `/proc/self/task/*/stat`.
pub fn cpu_times() -> io::Result<CpuTimes> {
    let total = stat_cpu_time(&std::fs::read_to_string("/proc/self/stat")?)?;
    let mut by_thread_name = BTreeMap::<String, Duration>::new();
    for task in std::fs::read_dir("/proc/self/task")? {
        let dir = task?.path();
        // A thread may end between listing and reading: skip it rather than fail.
        let (Ok(comm), Ok(stat)) = (
            std::fs::read_to_string(dir.join("comm")),
            std::fs::read_to_string(dir.join("stat")),
        ) else {
            continue;
        };
        *by_thread_name.entry(comm.trim().to_owned()).or_default() += stat_cpu_time(&stat)?;
    }
    Ok(CpuTimes {
        total,
        by_thread_name,
    })
}

/// How many sockets this process has open: the entries of `/proc/self/fd` that link to
/// `socket:[…]`. A loopback connection between a client and a server in the same process
/// counts twice, once for each end.
pub fn open_sockets() -> io::Result<usize> {
    let mut sockets = 0;
    for entry in std::fs::read_dir("/proc/self/fd")? {
        // A descriptor closed between the listing and the read is simply not counted.
        if let Ok(target) = std::fs::read_link(entry?.path())
            && target
                .as_os_str()
                .as_encoded_bytes()
                .starts_with(b"socket:")
        {
            sockets += 1;
        }
    }
    Ok(sockets)
}

/// A thread that counts this process's open sockets every [`SocketSampler::EVERY`] and keeps
/// the largest count, because connections come and go within a run and only the peak tells
/// what the run held at once.
#[derive(Debug)]
pub struct SocketSampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<usize>,
}

impl SocketSampler {
    /// How often the sockets are counted.
    pub const EVERY: Duration = Duration::from_millis(20);

    /// Starts counting.
    pub fn start() -> io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sockets".into())
            .spawn(move || {
                let mut peak = 0;
                while !flag.load(Ordering::Relaxed) {
                    peak = peak.max(open_sockets().unwrap_or(0));
                    std::thread::sleep(Self::EVERY);
                }
                peak.max(open_sockets().unwrap_or(0))
            })?;
        Ok(Self { stop, thread })
    }

    /// Stops counting; the largest count seen.
    pub fn peak(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or(0)
    }
}

/// `utime + stime` of a `stat` line. The command name in parentheses may hold spaces, so the
/// fields are counted from the last `)`: state is field 3, utime 14, stime 15.
fn stat_cpu_time(stat: &str) -> io::Result<Duration> {
    let bad = || io::Error::other(format!("unexpected stat line: {stat}"));
    let rest = &stat[stat.rfind(')').ok_or_else(bad)? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(bad)
    };
    let ticks = tick(14 - 3)? + tick(15 - 3)?;
    Ok(Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_spaces_in_the_name() {
        let line = "42 (a (b) c) S 1 42 42 0 -1 4194304 100 0 0 0 250 31 0 0 20 0 1 0 5 0 0";
        assert_eq!(stat_cpu_time(line).unwrap(), Duration::from_millis(2810));
    }

    #[test]
    fn this_process_has_memory_and_cpu_figures() {
        let m = memory().unwrap();
        assert!(m.rss_kib > 0 && m.peak_rss_kib >= m.rss_kib);
        let cpu = cpu_times().unwrap();
        assert!(!cpu.by_thread_name.is_empty());
    }

    #[test]
    fn sockets_are_counted_while_open() {
        let sampler = SocketSampler::start().unwrap();
        let before = open_sockets().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        // Other tests of this binary may open sockets meanwhile, never close these three.
        assert!(open_sockets().unwrap() >= before + 3);
        std::thread::sleep(SocketSampler::EVERY * 3);
        drop((client, server, listener));
        assert!(sampler.peak() >= before + 3);
    }
}
