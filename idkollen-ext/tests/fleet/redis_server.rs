//! A real `redis-server` on a loopback port for one test: started, killed and started again on
//! the same port, stopped when dropped. Without `redis-server` on the PATH the tests print that
//! they were skipped, except under CI (`CI=true`), where that is a failure.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The variable `.ci/run` sets to the Redis it started, which the tests that do not kill
/// Redis share (each under a prefix of its own).
const SHARED_URL: &str = "IDKOLLEN_TEST_REDIS_URL";

#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
    url: String,
}

impl RedisServer {
    /// The Redis `.ci/run` started, or a new one. `None` (after saying why) when there is
    /// none to be had outside CI.
    pub fn shared() -> Option<RedisServer> {
        match std::env::var(SHARED_URL) {
            Ok(url) if !url.is_empty() => Some(RedisServer {
                port: 0,
                child: None,
                url,
            }),
            _ => Self::own(),
        }
    }

    /// A Redis of this test's own, which it may kill and start again.
    pub fn own() -> Option<RedisServer> {
        if !available() {
            let under_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !under_ci,
                "redis-server is not on the PATH, and under CI the Redis tests must run"
            );
            let why = "skipped: redis-server is not on the PATH (install Redis or Valkey to run the fleet tests)";
            // Past the test harness's capture (which takes `eprintln!` and `io::stderr()`
            // alike), so that a passing run still says it.
            match std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
                Ok(mut terminal) => {
                    let _ = writeln!(terminal, "{why}");
                }
                Err(_) => eprintln!("{why}"),
            }
            return None;
        }
        for _ in 0..20 {
            let port = free_port();
            let mut server = RedisServer {
                port,
                child: None,
                url: format!("redis://127.0.0.1:{port}/"),
            };
            if server.start().is_ok() {
                return Some(server);
            }
        }
        panic!("redis-server did not start on any of 20 free ports");
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Kills the server at once (SIGKILL): no goodbye to its clients.
    pub fn kill(&mut self) {
        let mut child = self
            .child
            .take()
            .expect("a server of this test's own, running");
        child.kill().expect("kill redis-server");
        child.wait().expect("reap redis-server");
    }

    /// Starts the server (again) on its port, empty.
    pub fn start(&mut self) -> Result<(), String> {
        assert!(self.child.is_none(), "already running");
        let mut child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("redis-server exited: {status}"));
            }
            if ping(self.port) {
                self.child = Some(child);
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err("redis-server did not answer within 5 s".into())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn available() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut answer = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}
