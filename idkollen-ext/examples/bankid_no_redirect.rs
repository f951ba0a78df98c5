//! A Norwegian BankID login by redirect: send the browser to the session's `url`, and wait for
//! the result on the backend.
//!
//! ```sh
//! cargo run -p idkollen-ext --example bankid_no_redirect
//! ```

use idkollen_ext::Poller;

#[path = "common/mod.rs"]
mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let session = client
        .bankid_no()
        .auth()
        .redirect_url("https://shop.example/logged-in")
        .request_ssn(true)
        .request_email(true)
        .send()
        .await?;
    let url = session
        .handle()
        .url()
        .ok_or("a redirect flow answers with a url")?
        .to_owned();
    println!("Redirect the user's browser to {url}");
    common::open_in_browser(&url, sandbox.as_ref()).await?;
    let identity = session.wait().await?;
    println!(
        "Logged in: {} (fødselsnummer {:?}, email {:?})",
        identity.name, identity.ssn, identity.email
    );
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
