//! The sandbox on a tokio runtime of its own, so that its threads (and their CPU time) are told
//! apart from the clients' and a busy client runtime cannot slow the server down unnoticed.

use std::sync::Arc;

use idkollen_sandbox::{Sandbox, Timings};
use tokio::runtime::{Handle, Runtime};

/// The name of the sandbox runtime's threads, as `/proc/self/task/*/comm` shows it.
pub const SANDBOX_THREAD: &str = "sandbox";

/// A sandbox serving on loopback from its own multi-thread runtime. Dropping it stops both.
#[derive(Debug)]
pub struct SandboxServer {
    sandbox: Arc<Sandbox>,
    runtime: Option<Runtime>,
}

impl SandboxServer {
    /// Starts a sandbox with `timings` on a new runtime with `workers` worker threads.
    pub fn start(timings: Timings, workers: usize) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name(SANDBOX_THREAD)
            .enable_all()
            .build()?;
        let sandbox = runtime.block_on(Sandbox::builder().timings(timings).start())?;
        Ok(Self {
            sandbox: Arc::new(sandbox),
            runtime: Some(runtime),
        })
    }

    /// The sandbox, to point clients at and to drive through its control API.
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// The sandbox's runtime, to run tasks that act on the service's side.
    pub fn handle(&self) -> &Handle {
        self.runtime
            .as_ref()
            .expect("the runtime lives until drop")
            .handle()
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        // Without blocking: this may run where blocking on a runtime is not allowed. The
        // sandbox's own drop tells its server task to stop.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
