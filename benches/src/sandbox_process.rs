//! The sandbox binary in a process of its own, for runs whose figures must be the client's
//! alone (its RSS, its allocations, its instructions).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The account the sandbox process accepts.
pub const ACCOUNT: &str = "bench";
/// The account's secret key.
pub const SECRET: &str = "bench-secret";
/// The secret the sandbox process signs callbacks with.
pub const CALLBACK_SECRET: &str = "bench-callback-secret";

/// The status reads the sandbox at `base_url` has answered so far, from its stats endpoint
/// (with this account's credentials).
pub async fn status_reads(
    http: &reqwest::Client,
    base_url: &str,
) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
    let stats: serde_json::Value = http
        .get(format!("{base_url}/_sandbox/stats"))
        .basic_auth(ACCOUNT, Some(SECRET))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    stats["statusReads"]
        .as_u64()
        .ok_or_else(|| "the sandbox's stats have no statusReads".into())
}

/// The sandbox process, on a free loopback port; killed when dropped.
#[derive(Debug)]
pub struct SandboxProcess {
    child: Child,
    base_url: String,
}

impl SandboxProcess {
    /// Starts `idkollen-sandbox` from beside the running executable (so both come from the
    /// same `cargo build --release`) and waits until it accepts connections.
    pub fn start() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let exe = std::env::current_exe()?;
        let bin = exe.with_file_name("idkollen-sandbox");
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(&bin)
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .args(["--account-id", ACCOUNT, "--secret-key", SECRET])
            .args(["--callback-secret", CALLBACK_SECRET])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "{} (build it: cargo build --release -p idkollen-sandbox): {e}",
                    bin.display()
                )
            })?;
        let process = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(process);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err("the sandbox did not start".into())
    }

    /// Where it serves.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
