//! The rate limit holds where the service measures it: between the *arrivals* of two status
//! reads, even when one of them reaches the service late.

use idkollen_ext::Poller;
use std::time::Duration;

use idkollen_sandbox::Fault;
use idkollen_tests::sandbox;

#[tokio::test(start_paused = true)]
async fn a_read_that_arrives_late_does_not_make_the_next_one_early() {
    let (sb, client) = sandbox::start().await;
    // Completes after a few seconds, so several reads happen.
    let session = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:slow")
        .send()
        .await
        .unwrap();
    // The first status read reaches the service 600 ms after it left.
    let path = format!("/v3/bankid-se/auth/{}", session.id());
    sb.inject(
        Fault::delay(Duration::from_millis(600))
            .path_prefix(path)
            .times(1),
    );
    session.wait().await.unwrap();
    assert_eq!(
        sb.rate_limited_count(),
        0,
        "no read came less than a second after the previous one"
    );
    sb.shutdown().await;
}
