//! What one status read, or one start, costs the client, counted rather than timed:
//! instructions (valgrind's callgrind) and heap allocations (valgrind's DHAT), side by side for
//! idkollen-ext, the generated client alone, hand-written reqwest + serde_json and the official
//! client. A count does not move with the machine's load, so it ranks the clients on a busy
//! machine too.
//!
//! `readcost compare` starts the sandbox in a process of its own, then runs this binary under
//! valgrind twice per client. For reads (`--op read`, the default): once starting N sessions
//! (with the same plain reqwest client for every client) and reading each once, once starting
//! them only. The difference over N is the cost of a read: the client's own code, reqwest,
//! hyper and the kernel interface, but neither the starts nor the process's set-up. For starts
//! (`--op start`): once building the client and starting N BankID SE logins with it, once
//! building the client only; the difference over N is a start, the `Session` it returns (for
//! idkollen-ext) included. For waits (`--op wait`): N started sessions, each waited on at once
//! with the client's own waiting loop for 3.5 s (a read a second from 1 s on, so three or four
//! reads each), against the same sessions not waited on; the difference over the reads the
//! sandbox counted is a read in a waiting loop: the read, its timer and its share of setting
//! up and ending the wait. The generated client has no waiting loop, so it is left out there.
//!
//! ```text
//! cargo build --release -p idkollen-sandbox -p idkollen-bench
//! target/release/readcost compare --reads 2000
//! target/release/readcost compare --op start --reads 1000
//! target/release/readcost compare --op wait --reads 300
//! ```

use std::process::{Command, ExitCode};
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use idkollen_api::types;
use idkollen_bench::raw_http::{self, MANUAL};
use idkollen_bench::sandbox_process::{ACCOUNT, SECRET, SandboxProcess, status_reads};
use idkollen_ext::types::BankIdSeCompleted;
use idkollen_ext::{Flow, Poller, Provider, Session, SessionHandle, SessionStatus};

type RunError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Parser)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Counts every client's reads under valgrind and prints them side by side.
    Compare {
        /// What is counted.
        #[arg(long, value_enum, default_value_t = Op::Read)]
        op: Op,
        /// Sessions started and read once each (or, with `--op start`, started), per client.
        #[arg(long, default_value_t = 2000)]
        reads: usize,
        /// Where callgrind's profiles go (one per client, for `callgrind_annotate`).
        #[arg(long, default_value = "target/tmp/readcost")]
        out_dir: String,
    },
    /// One client's run (what `compare` runs under valgrind).
    Run {
        #[arg(long, value_enum)]
        client: Reader,
        #[arg(long, value_enum, default_value_t = Op::Read)]
        op: Op,
        /// Sessions to start.
        #[arg(long)]
        sessions: usize,
        /// Do what is counted: read each session once after starting them all (`--op read`),
        /// or start the sessions with `client` (`--op start`).
        #[arg(long)]
        read: bool,
        #[arg(long)]
        base_url: String,
    },
}

/// What a run counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Op {
    /// A status read of a pending session.
    Read,
    /// A start of a BankID SE login.
    Start,
    /// A status read within the client's waiting loop.
    Wait,
}

impl Op {
    fn arg(self) -> &'static str {
        match self {
            Op::Read => "read",
            Op::Start => "start",
            Op::Wait => "wait",
        }
    }
}

/// The clients compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Reader {
    /// idkollen-ext's `Poller::poll_once`.
    Ext,
    /// The generated client (`idkollen-api`) alone.
    Generated,
    /// reqwest + serde_json into the generated status union, by hand.
    Raw,
    /// IDkollen's official client, `auth_status`.
    Official,
}

impl Reader {
    const ALL: [Reader; 4] = [
        Reader::Ext,
        Reader::Generated,
        Reader::Raw,
        Reader::Official,
    ];

    fn name(self, op: Op) -> &'static str {
        match (self, op) {
            (Reader::Ext, Op::Read) => "idkollen-ext poll_once",
            (Reader::Ext, Op::Start) => "idkollen-ext send",
            (Reader::Ext, Op::Wait) => "idkollen-ext wait",
            (Reader::Generated, _) => "idkollen-api generated client",
            (Reader::Raw, _) => "reqwest + serde_json",
            (Reader::Official, Op::Read) => "identisure-client auth_status",
            (Reader::Official, Op::Start) => "identisure-client auth",
            (Reader::Official, Op::Wait) => "identisure-client wait_for_auth",
        }
    }

    fn arg(self) -> &'static str {
        match self {
            Reader::Ext => "ext",
            Reader::Generated => "generated",
            Reader::Raw => "raw",
            Reader::Official => "official",
        }
    }
}

fn main() -> ExitCode {
    let result = match Args::parse().command {
        Cmd::Compare { op, reads, out_dir } => compare(op, reads, &out_dir),
        Cmd::Run {
            client,
            op: Op::Read,
            sessions,
            read,
            base_url,
        } => run(client, sessions, read, &base_url),
        Cmd::Run {
            client,
            op: Op::Start,
            sessions,
            read,
            base_url,
        } => run_starts(client, sessions, read, &base_url),
        Cmd::Run {
            client,
            op: Op::Wait,
            sessions,
            read,
            base_url,
        } => run_waits(client, sessions, read, &base_url),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("readcost failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Instructions and allocations of one valgrind run, and the status reads it made (counted
/// by the sandbox, for waits only).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    instructions: u64,
    allocations: u64,
    bytes: u64,
    reads: u64,
}

fn compare(op: Op, reads: usize, out_dir: &str) -> Result<(), RunError> {
    if reads == 0 {
        return Err("--reads must be at least 1".into());
    }
    std::fs::create_dir_all(out_dir)?;
    let sandbox = SandboxProcess::start()?;
    let mut rows = Vec::new();
    for reader in Reader::ALL {
        if op == Op::Wait && reader == Reader::Generated {
            continue;
        }
        let base = counted(reader, op, reads, false, sandbox.base_url(), out_dir)?;
        let with_reads = counted(reader, op, reads, true, sandbox.base_url(), out_dir)?;
        // A wait reads as often as its loop and the clock let it: count what the sandbox saw.
        let done = match op {
            Op::Wait => with_reads.reads.max(1) as f64,
            Op::Read | Op::Start => reads as f64,
        };
        let per_read =
            |f: fn(&Counts) -> u64| f(&with_reads).saturating_sub(f(&base)) as f64 / done;
        rows.push((
            reader,
            per_read(|c| c.instructions),
            per_read(|c| c.allocations),
            per_read(|c| c.bytes),
            with_reads.reads,
        ));
    }
    let ours = rows[0].1;
    let reads_seen: Vec<String> = rows
        .iter()
        .filter(|row| row.4 > 0)
        .map(|row| format!("{} {}", row.0.arg(), row.4))
        .collect();
    if !reads_seen.is_empty() {
        println!("reads the sandbox counted: {}", reads_seen.join(", "));
    }
    let raw = rows
        .iter()
        .find(|row| row.0 == Reader::Raw)
        .map_or(f64::NAN, |row| row.1);
    let what = match op {
        Op::Read | Op::Wait => "read",
        Op::Start => "start",
    };
    match op {
        Op::Wait => println!(
            "{reads} sessions waited on per client (instructions and allocations per read):"
        ),
        Op::Read | Op::Start => {
            println!("{reads} {what}s per client (instructions and allocations per {what}):");
        }
    }
    println!(
        "{:<32} {:>14} {:>9} {:>9} {:>12} {:>12}",
        "client", "instructions", ": ours", ": raw", "allocations", "bytes"
    );
    for (reader, instructions, allocations, bytes, _) in rows {
        println!(
            "{:<32} {:>14.0} {:>9.2} {:>9.2} {:>12.1} {:>12.0}",
            reader.name(op),
            instructions,
            instructions / ours,
            instructions / raw,
            allocations,
            bytes
        );
    }
    Ok(())
}

/// Runs this binary's `run` for `reader` under callgrind and then DHAT.
fn counted(
    reader: Reader,
    op: Op,
    sessions: usize,
    read: bool,
    base_url: &str,
    out_dir: &str,
) -> Result<Counts, RunError> {
    let exe = std::env::current_exe()?;
    let mut args = vec![
        exe.display().to_string(),
        "run".into(),
        "--client".into(),
        reader.arg().into(),
        "--op".into(),
        op.arg().into(),
        "--sessions".into(),
        sessions.to_string(),
        "--base-url".into(),
        base_url.into(),
    ];
    if read {
        args.push("--read".into());
    }
    let profile = format!(
        "{out_dir}/callgrind.{}.{}.{}",
        op.arg(),
        reader.arg(),
        if read { "counted" } else { "base" }
    );
    let callgrind = valgrind(
        &[
            "--tool=callgrind".into(),
            format!("--callgrind-out-file={profile}"),
        ],
        &args,
    )?;
    let dhat = valgrind(
        &[
            "--tool=dhat".into(),
            format!(
                "--dhat-out-file={out_dir}/dhat.{}.{}.{}.json",
                op.arg(),
                reader.arg(),
                if read { "counted" } else { "base" }
            ),
        ],
        &args,
    )?;
    Ok(Counts {
        reads: after(&callgrind, "status reads:").unwrap_or(0),
        instructions: after(&callgrind, "Collected :")
            .ok_or("callgrind printed no instruction count")?,
        allocations: dhat_total(&dhat, "blocks").ok_or("DHAT printed no total")?,
        bytes: dhat_total(&dhat, "bytes").ok_or("DHAT printed no total")?,
    })
}

/// Runs `args` under valgrind with `tool_args`; its report (stderr).
fn valgrind(tool_args: &[String], args: &[String]) -> Result<String, RunError> {
    let out = Command::new("valgrind")
        .args(tool_args)
        .args(args)
        .output()
        .map_err(|e| format!("valgrind (apt-get install valgrind): {e}"))?;
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(format!("valgrind {}: {report}", args.join(" ")).into());
    }
    Ok(report)
}

/// The number after `label` on valgrind's report line that holds it.
fn after(report: &str, label: &str) -> Option<u64> {
    let line = report.lines().find(|l| l.contains(label))?;
    let rest = &line[line.find(label)? + label.len()..];
    rest.split_whitespace()
        .next()?
        .replace(',', "")
        .parse()
        .ok()
}

/// From DHAT's `Total:     1,234 bytes in 56 blocks`, the bytes or the blocks.
fn dhat_total(report: &str, unit: &str) -> Option<u64> {
    let line = report.lines().find(|l| l.contains("Total:"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words.iter().position(|w| *w == unit)?;
    words.get(at.checked_sub(1)?)?.replace(',', "").parse().ok()
}

/// Starts `sessions` BankID SE logins with a plain reqwest client (the same for every
/// reader), then, with `read`, reads each once with `reader` on this thread.
fn run(reader: Reader, sessions: usize, read: bool, base_url: &str) -> Result<(), RunError> {
    let rt = one_thread()?;
    rt.block_on(async {
        let http = http_client()?;
        let ids = start_plain(&http, base_url, sessions).await?;
        // The service allows a read a second after the start.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let reads = Reads::new(reader, base_url, &ids)?;
        if read {
            reads.read_all().await?;
        }
        Ok(())
    })
}

/// Builds `reader`'s client and, with `start`, starts `sessions` BankID SE logins with it on
/// this thread, each of which must answer pending.
fn run_starts(
    reader: Reader,
    sessions: usize,
    start: bool,
    base_url: &str,
) -> Result<(), RunError> {
    let rt = one_thread()?;
    rt.block_on(async {
        let starts = Starts::new(reader, base_url)?;
        if start {
            starts.start_all(sessions).await?;
        }
        Ok(())
    })
}

/// Starts `sessions` logins with a plain reqwest client, builds `reader`'s client and, with
/// `wait`, waits on every session at once for 3.5 s with the client's own waiting loop (the
/// first read 1 s in, as idkollen-ext's gate allows, then one a second). Prints to stderr
/// (beside valgrind's report) the status reads the sandbox answered meanwhile.
fn run_waits(reader: Reader, sessions: usize, wait: bool, base_url: &str) -> Result<(), RunError> {
    const WAIT: Duration = Duration::from_millis(3500);
    const INTERVAL: Duration = Duration::from_secs(1);
    let rt = one_thread()?;
    rt.block_on(async {
        let http = http_client()?;
        let ids = start_plain(&http, base_url, sessions).await?;
        let reads = Reads::new(reader, base_url, &ids)?;
        let before = status_reads(&http, base_url).await?;
        if wait {
            let waits = futures::future::join_all((0..ids.len()).map(|i| {
                let reads = &reads;
                async move {
                    match reads {
                        Reads::Ext(sessions) => {
                            let policy = idkollen_ext::PollPolicy::new().max_wait(WAIT);
                            // Ends in DeadlineExceeded: the sessions never complete.
                            let _ = sessions[i].wait_with(&policy).await;
                        }
                        Reads::Official(client, ids) => {
                            tokio::time::sleep(INTERVAL).await;
                            let options = identisure_client::PollOptions {
                                interval: INTERVAL,
                                timeout: WAIT - INTERVAL,
                            };
                            let _ = client.bankid_se().wait_for_auth(&ids[i], options).await;
                        }
                        Reads::Raw(http, urls) => {
                            let began = tokio::time::Instant::now();
                            loop {
                                tokio::time::sleep(INTERVAL).await;
                                if began.elapsed() >= WAIT {
                                    break;
                                }
                                if !matches!(raw_pending(http.get(&urls[i])).await, Ok(true)) {
                                    break;
                                }
                            }
                        }
                        Reads::Generated(..) => {}
                    }
                }
            }));
            waits.await;
        }
        let after = status_reads(&http, base_url).await?;
        eprintln!("status reads: {}", after - before);
        Ok(())
    })
}

/// Starts `sessions` BankID SE logins with `http`; their ids.
async fn start_plain(
    http: &reqwest::Client,
    base_url: &str,
    sessions: usize,
) -> Result<Vec<String>, RunError> {
    let mut ids = Vec::with_capacity(sessions);
    for _ in 0..sessions {
        ids.push(raw_http::start_pending(http, base_url).await?);
    }
    Ok(ids)
}

/// One client, built before any start so that only the starts differ between its two runs.
enum Starts {
    Ext(idkollen_ext::Client),
    Generated(idkollen_api::Client, types::BankIdSeAuthRequest),
    Raw(reqwest::Client, String, serde_json::Value),
    Official(identisure_client::IdentisureClient),
}

impl Starts {
    fn new(reader: Reader, base_url: &str) -> Result<Self, RunError> {
        let body = serde_json::json!({ "refId": MANUAL });
        Ok(match reader {
            Reader::Ext => Starts::Ext(
                idkollen_ext::Client::builder()
                    .base_url(base_url)
                    .credentials(ACCOUNT, SECRET)
                    .build()?,
            ),
            Reader::Generated => Starts::Generated(
                idkollen_api::Client::new_with_client(base_url, http_client()?),
                serde_json::from_value(body)?,
            ),
            Reader::Raw => Starts::Raw(
                http_client()?,
                format!("{base_url}/v3/bankid-se/auth"),
                body,
            ),
            Reader::Official => Starts::Official(
                identisure_client::IdentisureClientBuilder::new(ACCOUNT, SECRET)
                    .base_url(base_url)
                    .build()?,
            ),
        })
    }

    /// Starts `n` logins, one after the other, and keeps what each start returned until the
    /// end (a session's handle is part of what a start costs).
    async fn start_all(&self, n: usize) -> Result<(), RunError> {
        match self {
            Starts::Ext(client) => {
                let mut sessions = Vec::with_capacity(n);
                for _ in 0..n {
                    sessions.push(client.bankid_se().auth().ref_id(MANUAL).send().await?);
                }
                Ok(())
            }
            Starts::Generated(client, body) => {
                each_pending("start", n, |_| async move {
                    let status = client.bankid_se_start_auth(body).await?.into_inner();
                    Ok(matches!(status, types::BankIdSeStatus::BankIdSePending(_)))
                })
                .await
            }
            Starts::Raw(http, url, body) => {
                each_pending("start", n, |_| raw_pending(http.post(url).json(body))).await
            }
            Starts::Official(client) => {
                each_pending("start", n, |_| async move {
                    let request = identisure_client::models::BankIdSeAuthRequest::new()
                        .ref_id(MANUAL.to_owned());
                    let status = client.bankid_se().auth(request).await?;
                    Ok(matches!(
                        status,
                        identisure_client::models::BankIdSeStatus::Pending(_)
                    ))
                })
                .await
            }
        }
    }
}

/// Runs `each` for `0..n`, one after the other: an error unless every answer was pending.
async fn each_pending<F, Fut>(what: &str, n: usize, mut each: F) -> Result<(), RunError>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<bool, RunError>>,
{
    let mut all = true;
    for i in 0..n {
        all &= each(i).await?;
    }
    if all {
        Ok(())
    } else {
        Err(format!("a {what} did not answer pending").into())
    }
}

/// Sends a request of the hand-written client and reads the answer into the generated status
/// union with serde_json: whether it is pending.
async fn raw_pending(request: reqwest::RequestBuilder) -> Result<bool, RunError> {
    let bytes = request.send().await?.error_for_status()?.bytes().await?;
    let status: types::BankIdSeStatus = serde_json::from_slice(&bytes)?;
    Ok(matches!(status, types::BankIdSeStatus::BankIdSePending(_)))
}

/// The runtime of a counted run: valgrind runs every thread on one anyway, and one thread
/// keeps the runtime's own work the same in both runs of a client.
fn one_thread() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// The hand-written client's HTTP client, for the sandbox process's account.
fn http_client() -> Result<reqwest::Client, RunError> {
    Ok(raw_http::builder(ACCOUNT, SECRET)?.build()?)
}

/// One client and what it needs per session, built before any read so that only the reads
/// differ between the two runs of a client.
enum Reads {
    Ext(Vec<Session<BankIdSeCompleted>>),
    Generated(idkollen_api::Client, Vec<types::SessionId>),
    Raw(reqwest::Client, Vec<String>),
    Official(identisure_client::IdentisureClient, Vec<String>),
}

impl Reads {
    fn new(reader: Reader, base_url: &str, ids: &[String]) -> Result<Self, RunError> {
        Ok(match reader {
            Reader::Ext => {
                let client = idkollen_ext::Client::builder()
                    .base_url(base_url)
                    .credentials(ACCOUNT, SECRET)
                    .build()?;
                let sessions = ids
                    .iter()
                    .map(|id| client.resume(SessionHandle::new(Provider::BankIdSe, Flow::Auth, id)))
                    .collect::<Result<_, _>>()?;
                Reads::Ext(sessions)
            }
            Reader::Generated => Reads::Generated(
                idkollen_api::Client::new_with_client(base_url, http_client()?),
                ids.iter()
                    .map(|id| types::SessionId::try_from(id.as_str()))
                    .collect::<Result<_, _>>()?,
            ),
            Reader::Raw => Reads::Raw(
                http_client()?,
                ids.iter()
                    .map(|id| format!("{base_url}/v3/bankid-se/auth/{id}"))
                    .collect(),
            ),
            Reader::Official => Reads::Official(
                identisure_client::IdentisureClientBuilder::new(ACCOUNT, SECRET)
                    .base_url(base_url)
                    .build()?,
                ids.to_vec(),
            ),
        })
    }

    /// Reads every session once; each must answer pending.
    async fn read_all(&self) -> Result<(), RunError> {
        match self {
            Reads::Ext(sessions) => {
                each_pending("read", sessions.len(), |i| async move {
                    let status = sessions[i].poll_once().await?;
                    Ok(matches!(status, SessionStatus::Pending { .. }))
                })
                .await
            }
            Reads::Generated(client, ids) => {
                each_pending("read", ids.len(), |i| async move {
                    let status = client
                        .bankid_se_get_auth_status(&ids[i])
                        .await?
                        .into_inner();
                    Ok(matches!(status, types::BankIdSeStatus::BankIdSePending(_)))
                })
                .await
            }
            Reads::Raw(http, urls) => {
                each_pending("read", urls.len(), |i| raw_pending(http.get(&urls[i]))).await
            }
            Reads::Official(client, ids) => {
                each_pending("read", ids.len(), |i| async move {
                    let status = client.bankid_se().auth_status(&ids[i]).await?;
                    Ok(matches!(
                        status,
                        identisure_client::models::BankIdSeStatus::Pending(_)
                    ))
                })
                .await
            }
        }
    }
}
