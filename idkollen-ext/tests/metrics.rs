//! What a fleet's operators watch reaches the `metrics` facade: sessions started and ended by
//! outcome, status reads, 429s, retries, the time to the first scan and to completion, and
//! callbacks received and rejected, read back through a recorder.

use std::time::Duration;

use idkollen_ext::callback::sign;
use idkollen_ext::{Client, Error, Poller};
use idkollen_sandbox::{Fault, Sandbox, Timings};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use metrics_util::{CompositeKey, MetricKind};

fn figures(snapshotter: &Snapshotter) -> Vec<(CompositeKey, DebugValue)> {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| (key, value))
        .collect()
}

/// The sum of the counter `name` over the series whose labels include `labels`.
fn counter(figures: &[(CompositeKey, DebugValue)], name: &str, labels: &[(&str, &str)]) -> u64 {
    figures
        .iter()
        .filter(|(key, _)| key.kind() == MetricKind::Counter && key.key().name() == name)
        .filter(|(key, _)| {
            labels
                .iter()
                .all(|(k, v)| key.key().labels().any(|l| l.key() == *k && l.value() == *v))
        })
        .map(|(_, value)| match value {
            DebugValue::Counter(n) => *n,
            _ => 0,
        })
        .sum()
}

fn histogram_samples(figures: &[(CompositeKey, DebugValue)], name: &str) -> usize {
    figures
        .iter()
        .filter(|(key, _)| key.kind() == MetricKind::Histogram && key.key().name() == name)
        .map(|(_, value)| match value {
            DebugValue::Histogram(samples) => samples.len(),
            _ => 0,
        })
        .sum()
}

#[tokio::test(start_paused = true)]
async fn the_operators_figures_reach_the_recorder() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::set_global_recorder(recorder).expect("the only recorder of this test binary");

    // The user scans (userSign) half a second after the start and completes after 2.5 s:
    // reads at 1 s and 2 s see userSign, the read at 3 s the completion.
    let sb = Sandbox::builder()
        .timings(Timings {
            started_after: Duration::from_millis(200),
            user_sign_after: Duration::from_millis(500),
            complete_after: Duration::from_millis(2500),
            ..Timings::fast()
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .base_url(sb.base_url())
        .credentials(sb.account_id(), sb.secret_key().to_owned())
        .callback_secret(sb.callback_secret().to_owned())
        .build()
        .unwrap();

    // One 429 and one 503 on the way: a rate limit waited out, a retry.
    let session = client.bankid_se().auth().send().await.unwrap();
    sb.inject(Fault::too_many_requests().times(1));
    sb.inject(Fault::unavailable().times(1));
    session.wait().await.expect("completes");

    let cancelled = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:cancel")
        .send()
        .await
        .unwrap();
    assert!(matches!(
        cancelled.wait().await,
        Err(Error::Cancelled { .. })
    ));

    // A callback that is delivered, and two that are refused.
    let body = br#"{"id":"s-1","status":"FAILED","error":"CANCELLED"}"#;
    let good = sign(body, sb.callback_secret().as_bytes());
    client.deliver_callback(body, Some(&good)).unwrap();
    client.deliver_callback(body, Some("AAAA")).unwrap_err();
    let bad_body = b"not json";
    let signed = sign(bad_body, sb.callback_secret().as_bytes());
    client
        .deliver_callback(bad_body, Some(&signed))
        .unwrap_err();

    let f = figures(&snapshotter);
    let se = [("provider", "bankid-se"), ("flow", "auth")];
    assert_eq!(counter(&f, "idkollen_sessions_started_total", &se), 2);
    let ended = |outcome| {
        counter(
            &f,
            "idkollen_sessions_ended_total",
            &[("provider", "bankid-se"), ("outcome", outcome)],
        )
    };
    assert_eq!((ended("completed"), ended("cancelled")), (1, 1));
    assert!(counter(&f, "idkollen_status_reads_total", &se) >= 4);
    assert_eq!(counter(&f, "idkollen_rate_limited_total", &se), 1);
    assert_eq!(counter(&f, "idkollen_retries_total", &se), 1);
    assert_eq!(
        histogram_samples(&f, "idkollen_time_to_first_scan_seconds"),
        1
    );
    assert_eq!(
        histogram_samples(&f, "idkollen_time_to_completion_seconds"),
        1
    );
    assert_eq!(counter(&f, "idkollen_callbacks_received_total", &[]), 1);
    let rejected = |reason| {
        counter(
            &f,
            "idkollen_callbacks_rejected_total",
            &[("reason", reason)],
        )
    };
    assert_eq!((rejected("signature"), rejected("body")), (1, 1));
    sb.shutdown().await;
}
