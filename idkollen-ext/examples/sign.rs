//! A BankID SE signature of a text, following the hint codes until it is signed.
//!
//! ```sh
//! cargo run -p idkollen-ext --example sign
//! ```

#[path = "common/mod.rs"]
mod common;

use futures::StreamExt as _;
use idkollen_ext::{Language, MessageContext, Poller, SessionStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let session = client
        .bankid_se()
        .sign("I agree to the terms of the loan of 25 000 SEK.")
        .ref_id("loan-4711")
        .send()
        .await?;
    if let Some(qr) = session.bankid_qr() {
        println!(
            "Show this as a QR code, changing every second: {}",
            qr.current().content
        );
    }
    let mut updates = std::pin::pin!(session.updates());
    while let Some(update) = updates.next().await {
        match update? {
            SessionStatus::Pending { hint: Some(hint) } => {
                println!(
                    "{}",
                    hint.pending_user_message(Language::English, MessageContext::qr_code())
                );
            }
            SessionStatus::Completed(signed) => {
                println!(
                    "Signed by {} ({}) at {:?}",
                    signed.name, signed.ssn, signed.signed_at
                );
            }
            _ => {}
        }
    }
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
