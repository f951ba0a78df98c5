//! A BankID SE authentication while the user is on the phone with you: their app is triggered
//! from their personal number alone.
//!
//! ```sh
//! cargo run -p idkollen-ext --example phone_auth -- 199001012310
//! ```

#[path = "common/mod.rs"]
mod common;

use idkollen_ext::Poller;
use idkollen_ext::identity::Personnummer;
use idkollen_ext::types::CallInitiator;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 199001012310 is the sandbox's test identity whose sessions complete.
    let ssn: Personnummer = std::env::args()
        .nth(1)
        .as_deref()
        .unwrap_or("199001012310")
        .parse()?;
    let (client, sandbox) = common::connect().await?;
    let session = client
        .bankid_se()
        .phone_auth(ssn, CallInitiator::Rp)
        .send()
        .await?;
    println!("Ask the caller to open BankID and confirm the call…");
    let identity = session.wait().await?;
    println!("The caller is {} ({})", identity.name, identity.ssn);
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
