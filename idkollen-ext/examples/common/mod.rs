//! What every example needs: a client for IDkollen when `IDKOLLEN_*` is set, otherwise a
//! client for a sandbox started in this process.

// Each example uses the part of this module it needs.
#![allow(dead_code)]

use idkollen_ext::Client;
use idkollen_sandbox::{Sandbox, Timings};

/// The client, and the sandbox it talks to when there are no credentials in the environment.
pub async fn connect() -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    if std::env::var_os("IDKOLLEN_ACCOUNT_ID").is_some() {
        return Ok((Client::from_env()?, None));
    }
    let sandbox = Sandbox::builder()
        .timings(Timings::realistic())
        .start()
        .await?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.account_id(), sandbox.secret_key().to_owned())
        .callback_secret(sandbox.callback_secret().to_owned())
        .application("idkollen-rs-example")
        .build()?;
    eprintln!(
        "(no IDKOLLEN_ACCOUNT_ID: using the sandbox at {})",
        client.base_url()
    );
    Ok((client, Some(sandbox)))
}

/// In the sandbox, plays the user's browser for a redirect flow: the session's `url` is the
/// sandbox's provider page, where the user approves. Against IDkollen, asks the person running
/// the example to open it.
pub async fn open_in_browser(
    url: &str,
    sandbox: Option<&Sandbox>,
) -> Result<(), Box<dyn std::error::Error>> {
    match sandbox {
        Some(_) => {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?;
            client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("action=approve")
                .send()
                .await?
                .error_for_status()?;
        }
        None => println!("Open this in a browser to continue: {url}"),
    }
    Ok(())
}
