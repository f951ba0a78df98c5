//! The sandbox and the client together under load: a thousand sessions started and waited on at
//! once, on one runtime, complete without a single failed request.

use futures::future::join_all;
use idkollen_ext::Client;
use idkollen_ext::Poller;
use idkollen_tests::sandbox;

/// Starts a thousand BankID SE sessions at once through `client`, with refIds
/// `{prefix}-0` to `{prefix}-999`, waits on them all, and checks that each completed with its
/// own refId.
async fn a_thousand_sessions_complete(client: &Client, prefix: &str) {
    let sessions = join_all((0..1000).map(|i| {
        let client = client.clone();
        let ref_id = format!("{prefix}-{i}");
        tokio::spawn(async move {
            let session = client.bankid_se().auth().ref_id(ref_id).send().await?;
            session.wait().await
        })
    }))
    .await;
    let mut completed = 0;
    for (i, result) in sessions.into_iter().enumerate() {
        let identity = result
            .unwrap()
            .unwrap_or_else(|e| panic!("session {i} failed: {e}"));
        assert_eq!(
            identity.ref_id.as_deref(),
            Some(format!("{prefix}-{i}").as_str())
        );
        completed += 1;
    }
    assert_eq!(completed, 1000);
}

#[tokio::test(start_paused = true)]
async fn a_thousand_concurrent_sessions_complete_without_a_failed_request() {
    let (sb, client) = sandbox::start().await;
    a_thousand_sessions_complete(&client, "load").await;
    // One start each, and no status read beyond the rate limit: no 429 had to be ridden out.
    let requests = sb.requests();
    assert_eq!(requests.iter().filter(|r| r.method == "POST").count(), 1000);
    assert_eq!(
        requests.iter().filter(|r| r.method == "GET").count(),
        1000,
        "one read per session sees it completed"
    );
    sb.shutdown().await;
}

/// Over HTTP/2 (here by prior knowledge, as loopback has no TLS to negotiate it; against the
/// service ALPN does it) every start and every status read of a thousand sessions waiting at once
/// shares one connection, where HTTP/1.1 needs a connection per request in flight.
///
/// On tokio's real clock: this test is about connections, not time. Under the paused clock it
/// once failed with a 404 (expired) for one session, as a clock moved past the sandbox's 60 s
/// retention would give: a paused clock jumps ahead whenever the runtime is idle, which it is
/// while the one connection's streams are in flight.
#[tokio::test]
async fn over_http2_a_thousand_sessions_share_one_connection() {
    let (sb, _) = sandbox::start().await;
    let client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .http_client(reqwest::Client::builder().http2_prior_knowledge())
        .build()
        .expect("a client");
    a_thousand_sessions_complete(&client, "h2").await;
    assert_eq!(sb.requests().len(), 2000, "a start and a read per session");
    let connections = sb.connections();
    assert_eq!(
        (connections.accepted, connections.peak),
        (1, 1),
        "{connections:?}"
    );
    sb.shutdown().await;
}
