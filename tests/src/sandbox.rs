//! A sandbox and a client for it, as the end-to-end tests start them.

use idkollen_ext::Client;
use idkollen_sandbox::{Sandbox, Timings};

/// A sandbox with fast timings on loopback, and a client for it (callback secret included).
pub async fn start() -> (Sandbox, Client) {
    let sb = Sandbox::builder()
        .timings(Timings::fast())
        .start()
        .await
        .expect("the sandbox starts on loopback");
    let client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .callback_secret(sb.callback_secret().to_owned())
        .build()
        .expect("a client for the sandbox");
    (sb, client)
}
