//! Checks that the user is at least 18, without learning who they are.
//!
//! ```sh
//! cargo run -p idkollen-ext --example age_verification
//! ```

use idkollen_ext::Poller;

#[path = "common/mod.rs"]
mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, sandbox) = common::connect().await?;
    let session = client
        .bankid_se()
        .age_verification()
        .min_age(18)
        .send()
        .await?;
    if let Some(url) = session.handle().url() {
        println!("Send the user to {url}");
        common::open_in_browser(url, sandbox.as_ref()).await?;
    }
    let result = session.wait().await?;
    println!("18 or older: {}", result.age_verified);
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    Ok(())
}
