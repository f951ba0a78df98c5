//! A BankID SE login against the local sandbox, showing what a web backend does: start,
//! store the handle, follow the hint codes, and report the outcome.
//!
//! ```sh
//! cargo run -p idkollen-ext --example login
//! ```

use futures::StreamExt as _;
use idkollen_ext::{Client, Language, MessageContext, SessionHandle, Update};
use idkollen_sandbox::{Sandbox, Timings};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder()
        .timings(Timings::realistic())
        .start()
        .await?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.account_id(), sandbox.secret_key().to_owned())
        .build()?;

    let session = client
        .bankid_se()
        .auth()
        .ref_id("example-login")
        .send()
        .await?;
    // A real backend stores this (a database row, a cookie-bound cache entry) and resumes
    // the session from whichever instance serves the next request.
    let stored = serde_json::to_string(session.handle())?;
    let handle: SessionHandle = serde_json::from_str(&stored)?;
    let session = client.resume::<idkollen_ext::types::BankIdSeCompleted>(handle)?;

    let mut updates = std::pin::pin!(session.updates());
    while let Some(update) = updates.next().await {
        match update? {
            Update::Pending { hint: Some(hint) } => println!(
                "{}",
                hint.pending_user_message(Language::English, MessageContext::qr_code())
            ),
            Update::Pending { hint: None } => {}
            Update::Completed(identity) => println!("logged in: {}", identity.name),
            _ => {}
        }
    }
    sandbox.shutdown().await;
    Ok(())
}
