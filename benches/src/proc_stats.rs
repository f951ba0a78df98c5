//! The process's memory and CPU time, read from `/proc` (Linux only).

use std::collections::BTreeMap;
use std::io;
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
    memory_at("self")
}

/// The resident memory of process `pid` (another process of the run), from
/// `/proc/<pid>/status`.
pub fn memory_of(pid: u32) -> io::Result<Memory> {
    memory_at(&pid.to_string())
}

fn memory_at(process: &str) -> io::Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status"))?;
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
            .ok_or_else(|| io::Error::other(format!("no {name} in /proc/{process}/status")))
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
    pub by_thread_name: BTreeMap<String, ThreadTimes>,
}

/// What a group of threads spent: CPU time in user space and in the kernel, and how often the
/// threads were switched out. Timed CPU includes the kernel's share and the switches, which a
/// count of instructions (`readcost`) does not see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadTimes {
    /// Time in user space (`utime`).
    pub user: Duration,
    /// Time in the kernel on the threads' behalf (`stime`).
    pub system: Duration,
    /// Context switches: the threads gave up the CPU (parked, waited on a lock or a syscall)
    /// or were preempted (`voluntary_ctxt_switches` + `nonvoluntary_ctxt_switches`).
    pub switches: u64,
}

impl ThreadTimes {
    /// User and system time together.
    pub fn total(&self) -> Duration {
        self.user + self.system
    }

    fn saturating_sub(self, earlier: ThreadTimes) -> ThreadTimes {
        ThreadTimes {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
            switches: self.switches.saturating_sub(earlier.switches),
        }
    }

    fn add(&mut self, other: ThreadTimes) {
        self.user += other.user;
        self.system += other.system;
        self.switches += other.switches;
    }
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
        self.threads(name).total()
    }

    /// The user and system time and the switches of the threads called `name`.
    pub fn threads(&self, name: &str) -> ThreadTimes {
        self.by_thread_name.get(name).copied().unwrap_or_default()
    }
}

/// This process's CPU time so far, from `/proc/self/stat` and `/proc/self/task/*/stat`.
pub fn cpu_times() -> io::Result<CpuTimes> {
    let total = stat_cpu_time(&std::fs::read_to_string("/proc/self/stat")?)?;
    let mut by_thread_name = BTreeMap::<String, ThreadTimes>::new();
    for task in std::fs::read_dir("/proc/self/task")? {
        let dir = task?.path();
        // A thread may end between listing and reading: skip it rather than fail.
        let (Ok(comm), Ok(stat), Ok(status)) = (
            std::fs::read_to_string(dir.join("comm")),
            std::fs::read_to_string(dir.join("stat")),
            std::fs::read_to_string(dir.join("status")),
        ) else {
            continue;
        };
        let (user, system) = stat_user_system(&stat)?;
        let switches = ["voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"]
            .iter()
            .filter_map(|name| status_field(&status, name))
            .sum();
        by_thread_name
            .entry(comm.trim().to_owned())
            .or_default()
            .add(ThreadTimes {
                user,
                system,
                switches,
            });
    }
    Ok(CpuTimes {
        total,
        by_thread_name,
    })
}

/// The CPU time (user + system) process `pid` has consumed so far, from `/proc/<pid>/stat`.
pub fn cpu_of(pid: u32) -> io::Result<Duration> {
    stat_cpu_time(&std::fs::read_to_string(format!("/proc/{pid}/stat"))?)
}

/// `utime + stime` of a `stat` line.
fn stat_cpu_time(stat: &str) -> io::Result<Duration> {
    let (user, system) = stat_user_system(stat)?;
    Ok(user + system)
}

/// `utime` and `stime` of a `stat` line. The command name in parentheses may hold spaces, so
/// the fields are counted from the last `)`: state is field 3, utime 14, stime 15.
fn stat_user_system(stat: &str) -> io::Result<(Duration, Duration)> {
    let bad = || io::Error::other(format!("unexpected stat line: {stat}"));
    let rest = &stat[stat.rfind(')').ok_or_else(bad)? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(bad)
    };
    let time = |ticks: u64| Duration::from_millis(ticks * 1000 / TICKS_PER_SECOND);
    Ok((time(tick(14 - 3)?), time(tick(15 - 3)?)))
}

/// A number field of a `/proc/*/status` file (`name:\tvalue`).
fn status_field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_spaces_in_the_name() {
        let line = "42 (a (b) c) S 1 42 42 0 -1 4194304 100 0 0 0 250 31 0 0 20 0 1 0 5 0 0";
        assert_eq!(stat_cpu_time(line).unwrap(), Duration::from_millis(2810));
        assert_eq!(
            stat_user_system(line).unwrap(),
            (Duration::from_millis(2500), Duration::from_millis(310))
        );
    }

    #[test]
    fn status_fields_by_name() {
        let status =
            "Name:\tclient\nvoluntary_ctxt_switches:\t120\nnonvoluntary_ctxt_switches:\t7\n";
        assert_eq!(status_field(status, "voluntary_ctxt_switches"), Some(120));
        assert_eq!(status_field(status, "nonvoluntary_ctxt_switches"), Some(7));
        assert_eq!(status_field(status, "missing"), None);
    }

    #[test]
    fn this_process_has_memory_and_cpu_figures() {
        let m = memory().unwrap();
        assert!(m.rss_kib > 0 && m.peak_rss_kib >= m.rss_kib);
        let cpu = cpu_times().unwrap();
        assert!(!cpu.by_thread_name.is_empty());
    }
}
