//! The fleet run's other processes: a `redis-server` of its own, and the instances (this
//! program again, as `fleet instance`). Each is killed when its handle is dropped.

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use idkollen_sandbox::Sandbox;

use super::RunError;

/// The run's Redis: a `redis-server` started here (without persistence, on a free loopback
/// port), or one given by URL.
pub(super) struct RedisProcess {
    child: Option<Child>,
    pub(super) url: String,
}

impl RedisProcess {
    pub(super) fn external(url: &str) -> Self {
        Self {
            child: None,
            url: url.to_owned(),
        }
    }

    pub(super) fn start() -> Result<Self, RunError> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("redis-server could not be started (is it installed?): {e}"))?;
        let redis = Self {
            child: Some(child),
            url: format!("redis://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        let client = redis::Client::open(redis.url.as_str())?;
        while client.get_connection().is_err() {
            if Instant::now() > deadline {
                return Err("redis-server did not answer within 5 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(redis)
    }

    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// Redis's count of the commands it has processed (`INFO stats`), which counts this
    /// query too.
    pub(super) async fn commands_processed(&self) -> Result<u64, RunError> {
        let client = redis::Client::open(self.url.as_str())?;
        let mut con = client.get_multiplexed_async_connection().await?;
        let info: String = redis::cmd("INFO")
            .arg("stats")
            .query_async(&mut con)
            .await?;
        info.lines()
            .find_map(|l| l.strip_prefix("total_commands_processed:"))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| "no total_commands_processed in INFO stats".into())
    }
}

impl Drop for RedisProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One instance: this program as `fleet instance`, and the URL it serves on.
pub(super) struct Instance {
    child: Child,
    url: String,
}

impl Instance {
    pub(super) fn spawn(
        sb: &Sandbox,
        redis: &str,
        prefix: &str,
        http2: bool,
    ) -> Result<Self, RunError> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .arg("instance")
            .args(["--sandbox", &sb.base_url()])
            .args(["--account-id", sb.account_id()])
            .args(["--secret-key", sb.secret_key()])
            .args(["--callback-secret", sb.callback_secret()])
            .args(["--redis", redis, "--prefix", prefix])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if !http2 {
            command.arg("--http1");
        }
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(url) = line.trim().strip_prefix("listening ") else {
            let _ = child.kill();
            return Err(format!("an instance did not start: {line:?}").into());
        };
        Ok(Self {
            url: url.to_owned(),
            child,
        })
    }

    pub(super) fn url(&self) -> &str {
        &self.url
    }

    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
