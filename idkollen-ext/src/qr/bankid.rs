//! BankID's animated QR code.

use std::fmt;
use std::time::Duration;

use futures::Stream;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use tokio::time::{Instant, MissedTickBehavior};

/// The `qrAuthCode` of second `time`: lowercase hex of HMAC-SHA256 keyed with the ASCII bytes of
/// `qr_start_secret` over the ASCII decimal `time`.
///
/// ```
/// use idkollen_ext::qr::qr_auth_code;
///
/// // BankID's published test vector.
/// let code = qr_auth_code("d28db9a7-4cde-429e-a983-359be676944c", 0);
/// assert_eq!(code, "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8");
/// ```
pub fn qr_auth_code(qr_start_secret: &str, time: u64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(qr_start_secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(time.to_string().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// One frame of the animated QR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrFrame {
    /// Whole seconds since the order started: the `qrTime` of the frame.
    pub elapsed: u64,
    /// The QR content, `bankid.{qrStartToken}.{qrTime}.{qrAuthCode}`.
    pub content: String,
}

/// The animated QR code of one BankID order: its start token, its secret (kept out of `Debug`)
/// and the instant the start response arrived, on tokio's clock.
#[derive(Clone)]
pub struct BankIdQr {
    token: String,
    secret: SecretString,
    started: Instant,
}

impl fmt::Debug for BankIdQr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BankIdQr")
            .field("token", &self.token)
            .field("secret", &"[REDACTED]")
            .field("started", &self.started)
            .finish()
    }
}

impl BankIdQr {
    /// The QR code of an order whose start response arrived just now.
    pub fn new(qr_start_token: impl Into<String>, qr_start_secret: impl Into<String>) -> Self {
        Self::started_at(qr_start_token, qr_start_secret, Instant::now())
    }

    /// The QR code of an order whose start response arrived at `started`.
    pub fn started_at(
        qr_start_token: impl Into<String>,
        qr_start_secret: impl Into<String>,
        started: Instant,
    ) -> Self {
        Self {
            token: qr_start_token.into(),
            secret: SecretString::from(qr_start_secret.into()),
            started,
        }
    }

    /// The `qrStartToken`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// When the start response arrived.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The frame for `elapsed` whole seconds since the start.
    pub fn frame_at(&self, elapsed: u64) -> QrFrame {
        let code = qr_auth_code(self.secret.expose_secret(), elapsed);
        QrFrame {
            elapsed,
            content: format!("bankid.{}.{elapsed}.{code}", self.token),
        }
    }

    /// The frame for the current second.
    pub fn current(&self) -> QrFrame {
        self.frame_at(
            Instant::now()
                .saturating_duration_since(self.started)
                .as_secs(),
        )
    }

    /// The frames from now on: the current one at once, then a new one at each whole second
    /// since the start. A consumer that falls behind gets the current frame, not a backlog.
    pub fn frames(&self) -> impl Stream<Item = QrFrame> + Send + 'static {
        let qr = self.clone();
        let elapsed = Instant::now()
            .saturating_duration_since(qr.started)
            .as_secs();
        let mut ticks = tokio::time::interval_at(
            qr.started + Duration::from_secs(elapsed),
            Duration::from_secs(1),
        );
        ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
        futures::stream::unfold((qr, ticks), |(qr, mut ticks)| async move {
            ticks.tick().await;
            let frame = qr.current();
            Some((frame, (qr, ticks)))
        })
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    use super::*;

    const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
    const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

    #[test]
    fn the_published_test_vectors() {
        let expected = [
            "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8",
            "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2",
            "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3",
        ];
        for (t, code) in expected.iter().enumerate() {
            assert_eq!(qr_auth_code(SECRET, t as u64), *code);
        }
    }

    #[test]
    fn the_secret_stays_out_of_debug() {
        let qr = BankIdQr::started_at(TOKEN, SECRET, Instant::now());
        assert!(!format!("{qr:?}").contains(SECRET));
    }

    #[tokio::test(start_paused = true)]
    async fn frames_tick_each_second_from_the_start() {
        let qr = BankIdQr::new(TOKEN, SECRET);
        let frames: Vec<QrFrame> = qr.frames().take(4).collect().await;
        let elapsed: Vec<u64> = frames.iter().map(|f| f.elapsed).collect();
        assert_eq!(elapsed, [0, 1, 2, 3]);
        assert_eq!(
            frames[1].content,
            format!(
                "bankid.{TOKEN}.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
            )
        );
        assert_eq!(
            Instant::now().duration_since(qr.started()),
            Duration::from_secs(3)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_subscriber_starts_at_the_current_second() {
        let qr = BankIdQr::new(TOKEN, SECRET);
        tokio::time::advance(Duration::from_millis(2_500)).await;
        let frames: Vec<u64> = qr.frames().take(2).map(|f| f.elapsed).collect().await;
        assert_eq!(frames, [2, 3]);
        // The second frame came at the whole second, not 1 s after subscribing.
        assert_eq!(
            Instant::now().duration_since(qr.started()),
            Duration::from_secs(3)
        );
    }

    proptest::proptest! {
        #[test]
        fn frames_agree_with_an_independent_hmac(token in "[a-f0-9-]{1,40}", secret in "[ -~]{1,64}", second in 0u64..100_000) {
            let qr = BankIdQr::started_at(token.clone(), secret.clone(), Instant::now());
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(second.to_string().as_bytes());
            let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
            proptest::prop_assert_eq!(qr.frame_at(second).content, format!("bankid.{token}.{second}.{hex}"));
        }
    }
}
