//! The web kit's page in a real browser (headless Chromium through chromedriver): the QR code
//! on the screen, scanned from a screenshot, is a valid BankID frame of the live session and
//! redraws each second; the message follows the hints the sandbox plays; the login completes
//! with the persona's name; cancel works from the keyboard; under a phone's user agent the
//! launch link is BankID's universal link; a redirect provider's page returns the browser to the
//! page, which finishes the login as the person chosen there.
//!
//! Screenshots land in `target/tmp/web-browser/`. Without Chromium and chromedriver the test
//! says it was skipped and why; under CI (`CI=true`) a missing browser fails it.

mod web_app;

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client as Browser, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use idkollen_ext::qr::qr_auth_code;
use idkollen_sandbox::Timings;
use serde_json::{Value, json};
use web_app::{App, visible_hints};

const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

/// Chromium and its driver, from `CHROME` and `CHROMEDRIVER` or the `PATH`.
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A tool named by the environment variable `var`, or else found on the `PATH` under `names`.
fn tool(var: &str, names: &[&str]) -> Result<PathBuf, String> {
    match std::env::var_os(var) {
        Some(path) if Path::new(&path).is_file() => Ok(PathBuf::from(path)),
        Some(path) => Err(format!("{var}={} is not a file", path.to_string_lossy())),
        None => on_path(names).ok_or_else(|| {
            format!(
                "none of {} on the PATH, and {var} is not set",
                names.join(", ")
            )
        }),
    }
}

fn find_tools() -> Result<Tools, String> {
    Ok(Tools {
        chromium: tool("CHROME", &["chromium", "chromium-browser", "google-chrome"])?,
        chromedriver: tool("CHROMEDRIVER", &["chromedriver"])?,
    })
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A chromedriver process, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn spawn(tools: &Tools) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // Its own process group, so that dropping the driver also ends the browsers it started,
        // even when a scenario failed before closing its browser.
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A new browser, as a desktop or with the given user agent and window size.
    async fn browser(&self, tools: &Tools, user_agent: Option<&str>, size: (u32, u32)) -> Browser {
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-gpu".to_owned(),
            "--lang=en-GB".to_owned(),
            format!("--window-size={},{}", size.0, size.1),
        ];
        if let Some(ua) = user_agent {
            args.push(format!("--user-agent={ua}"));
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": tools.chromium,
                "args": args,
                "prefs": {"intl.accept_languages": "en-GB,en"},
            }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("chromedriver opens a browser session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web-browser");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

async fn screenshot(browser: &Browser, name: &str) -> Vec<u8> {
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(screenshots().join(format!("{name}.png")), &png).expect("screenshot written");
    png
}

/// The QR codes a screenshot shows, decoded.
fn scan(png: &[u8]) -> Vec<String> {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

/// What the widget shows now.
async fn widget(browser: &Browser) -> Value {
    browser
        .execute(
            "const r = document.querySelector('[data-idkollen-login]');
             const q = (s) => r.querySelector(s);
             const live = q('[role=status]');
             return {
               state: r.getAttribute('data-state'),
               message: q('[data-idk=message]').textContent,
               live: live ? live.getAttribute('aria-live') : null,
               liveHoldsMessage: !!(live && live.contains(q('[data-idk=message]'))),
               t: q('[data-idk=qr]').getAttribute('data-t'),
               qrShown: !q('[data-idk=qr]').hidden,
               welcome: q('[data-idk=welcome]').textContent,
               launch: q('[data-idk=launch]').hidden ? null : q('[data-idk=launch]').getAttribute('href'),
               next: q('[data-idk=continue]').hidden ? null : q('[data-idk=continue]').getAttribute('href'),
               focused: document.activeElement ? document.activeElement.getAttribute('data-idk') : null,
             };",
            vec![],
        )
        .await
        .expect("the widget reads")
}

/// Waits until `ready` holds for the widget, for at most `limit`.
async fn until(
    browser: &Browser,
    limit: Duration,
    what: &str,
    ready: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let now = widget(browser).await;
        if ready(&now) {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "waited {limit:?} for {what}; the widget shows {now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(browser: &Browser, css: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// The sandbox's pending BankID order: its QR token and secret.
async fn live_order(app: &App) -> (String, String, Value) {
    let list: Value = reqwest::Client::new()
        .get(format!("{}/_sandbox/sessions", app.sandbox.base_url()))
        .basic_auth(app.sandbox.account_id(), Some(app.sandbox.secret_key()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = list.as_array().unwrap().last().expect("a session").clone();
    let state = &session["state"];
    (
        state["qrStartToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        state["qrStartSecret"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        session,
    )
}

/// A scanned frame, checked against the live order: `bankid.{token}.{t}.{code}`.
fn frame_time(content: &str, token: &str, secret: &str) -> u64 {
    let parts: Vec<&str> = content.split('.').collect();
    assert_eq!(parts.len(), 4, "{content}");
    assert_eq!(parts[0], "bankid");
    assert_eq!(parts[1], token, "the QR code is of the live order");
    let t: u64 = parts[2].parse().expect("qrTime");
    assert_eq!(
        parts[3],
        qr_auth_code(secret, t),
        "the frame's code is valid for t={t}"
    );
    t
}

async fn bankid_login_shows_the_live_code_and_follows_the_hints(tools: &Tools, driver: &Driver) {
    let app = web_app::start(visible_hints(), |k| k).await;
    let browser = driver.browser(tools, None, (900, 1000)).await;
    browser.goto(&app.login()).await.unwrap();
    click(&browser, "button[data-provider=bankid-se][data-flow=auth]").await;
    let shown = until(&browser, Duration::from_secs(10), "the QR code", |w| {
        w["qrShown"] == true && w["message"] != ""
    })
    .await;
    assert_eq!(shown["message"], "Start your BankID app.");
    assert_eq!(shown["live"], "polite");
    assert_eq!(shown["liveHoldsMessage"], true);
    assert!(
        shown["launch"]
            .as_str()
            .unwrap()
            .starts_with("bankid:///?autostarttoken=")
    );

    // The code on the screen is the live order's frame, and a second later the next one.
    let (token, secret, _) = live_order(&app).await;
    let first = scan(&screenshot(&browser, "bankid-qr").await);
    assert_eq!(first.len(), 1, "one QR code on the page: {first:?}");
    let t0 = frame_time(&first[0], &token, &secret);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let second = scan(&screenshot(&browser, "bankid-qr-next").await);
    let t1 = frame_time(&second[0], &token, &secret);
    assert!(t1 > t0, "the code redraws: {t0} then {t1}");

    // The message follows the hints: outstandingTransaction, started, userSign, then the
    // application's welcome.
    let mut messages: Vec<String> = vec![shown["message"].as_str().unwrap().to_owned()];
    let deadline = Instant::now() + Duration::from_secs(20);
    let done = loop {
        let now = widget(&browser).await;
        let message = now["message"].as_str().unwrap_or_default().to_owned();
        if messages.last() != Some(&message) && !message.is_empty() {
            messages.push(message.clone());
            if message.starts_with("Enter your security code") {
                screenshot(&browser, "bankid-user-sign").await;
            }
        }
        if now["state"] == "done" {
            break now;
        }
        assert!(
            Instant::now() < deadline,
            "no result; messages {messages:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let position = |prefix: &str| {
        messages
            .iter()
            .position(|m| m.starts_with(prefix))
            .unwrap_or_else(|| panic!("never showed {prefix:?}: {messages:?}"))
    };
    let outstanding = position("Start your BankID app.");
    let started = position("Searching for BankID:s");
    let user_sign = position("Enter your security code in the BankID app");
    assert!(outstanding < started && started < user_sign, "{messages:?}");
    assert_eq!(done["welcome"], "Welcome, Anna Andersson");
    assert_eq!(done["focused"], "welcome");
    screenshot(&browser, "bankid-welcome").await;
    assert_eq!(app.completed()[0].name, "Anna Andersson");
    browser.close().await.unwrap();
    app.stop().await;
}

async fn cancel_works_from_the_keyboard(tools: &Tools, driver: &Driver) {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let browser = driver.browser(tools, None, (900, 1000)).await;
    browser
        .goto(&format!(
            "{}?provider=bankid-se&context=manual",
            app.login()
        ))
        .await
        .unwrap();
    click(&browser, "button[data-provider=bankid-se]").await;
    let shown = until(&browser, Duration::from_secs(10), "the QR code", |w| {
        w["qrShown"] == true
    })
    .await;
    // The first control has the focus; Tab reaches Cancel, Enter presses it.
    assert_eq!(shown["focused"], "launch");
    let tab = "\u{E004}";
    let enter = "\u{E007}";
    browser
        .active_element()
        .await
        .unwrap()
        .send_keys(tab)
        .await
        .unwrap();
    assert_eq!(widget(&browser).await["focused"], "cancel");
    browser
        .active_element()
        .await
        .unwrap()
        .send_keys(enter)
        .await
        .unwrap();
    let failed = until(&browser, Duration::from_secs(10), "the cancel", |w| {
        w["state"] == "failed"
    })
    .await;
    assert_eq!(failed["message"], "Action cancelled. Please try again.");
    assert_eq!(failed["focused"], "retry");
    screenshot(&browser, "bankid-cancelled").await;
    let (_, _, session) = live_order(&app).await;
    assert_eq!(session["state"]["status"], "FAILED");
    assert_eq!(session["state"]["error"], "CANCELLED");
    assert!(app.completed().is_empty());
    browser.close().await.unwrap();
    app.stop().await;
}

async fn a_phone_gets_the_universal_link(tools: &Tools, driver: &Driver) {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let browser = driver
        .browser(tools, Some(ANDROID_CHROME), (412, 915))
        .await;
    browser
        .goto(&format!(
            "{}?provider=bankid-se&context=manual",
            app.login()
        ))
        .await
        .unwrap();
    click(&browser, "button[data-provider=bankid-se]").await;
    let shown = until(&browser, Duration::from_secs(10), "the launch link", |w| {
        w["launch"].is_string() && w["message"] != ""
    })
    .await;
    let link = shown["launch"].as_str().unwrap();
    assert!(
        link.starts_with("https://app.bankid.com/?autostarttoken="),
        "{link}"
    );
    assert!(link.ends_with("&redirect=null"), "{link}");
    // Android's Chrome opens the app only from the user's own tap: the page waits for it and
    // says what happens once the app starts.
    assert_eq!(shown["state"], "pending");
    assert_eq!(shown["message"], "Trying to start your BankID app.");
    screenshot(&browser, "bankid-android").await;
    browser.close().await.unwrap();
    app.stop().await;
}

async fn a_redirect_provider_returns_to_the_page(tools: &Tools, driver: &Driver) {
    let app = web_app::start(Timings::fast(), |k| k).await;
    let browser = driver.browser(tools, None, (900, 1000)).await;
    browser
        .goto(&format!("{}?provider=bankid-no", app.login()))
        .await
        .unwrap();
    click(&browser, "button[data-provider=bankid-no][data-flow=auth]").await;
    let shown = until(
        &browser,
        Duration::from_secs(10),
        "the link to the provider",
        |w| w["next"].is_string(),
    )
    .await;
    assert_eq!(shown["message"], "Waiting for BankID (Norge) …");
    click(&browser, "[data-idk=continue]").await;
    // The sandbox's provider page: the second test person approves.
    click(&browser, "input[name=persona][value='1']").await;
    screenshot(&browser, "provider-page").await;
    click(&browser, "#approve").await;
    let done = until(&browser, Duration::from_secs(15), "the result", |w| {
        w["state"] == "done"
    })
    .await;
    assert_eq!(done["welcome"], "Welcome, Ola Nordmann");
    let url = browser.current_url().await.unwrap();
    assert!(
        url.query().is_none_or(|q| !q.contains("idkollen=")),
        "{url}"
    );
    screenshot(&browser, "provider-welcome").await;
    browser.close().await.unwrap();
    app.stop().await;
}

#[test]
fn the_login_page_in_a_real_browser() {
    let tools = match find_tools() {
        Ok(tools) => tools,
        Err(why) if under_ci() => panic!("the browser tests need Chromium under CI: {why}"),
        Err(why) => {
            // Straight to stderr, past the test harness's capture: a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: the browser tests need Chromium and chromedriver ({why}); on Debian: \
                 apt-get install chromium chromium-driver"
            );
            return;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let driver = Driver::spawn(&tools);
        bankid_login_shows_the_live_code_and_follows_the_hints(&tools, &driver).await;
        cancel_works_from_the_keyboard(&tools, &driver).await;
        a_phone_gets_the_universal_link(&tools, &driver).await;
        a_redirect_provider_returns_to_the_page(&tools, &driver).await;
        eprintln!("screenshots in {}", screenshots().display());
    });
}
