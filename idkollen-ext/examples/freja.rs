//! A Freja eID login by QR code: the code drawn once in the terminal, then the wait.
//!
//! ```sh
//! cargo run -p idkollen-ext --example freja
//! ```

#[path = "common/mod.rs"]
mod common;

use idkollen_ext::Poller;
use idkollen_ext::launch::Platform;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let session = client.freja().auth().send().await?;
    if let Some(image) = session.freja_qr() {
        println!("{}", image?.to_terminal());
    }
    if let Some(link) = session.launch_link(Platform::AndroidChrome, None) {
        println!("Or open Freja on this phone: {link}");
    }
    let identity = session.wait().await?;
    println!(
        "Logged in: {} ({}, {})",
        identity.name,
        identity.ssn,
        identity.country.as_str()
    );
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
