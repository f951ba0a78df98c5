//! What a login page shows for a session: the QR code to scan and the link that opens the eID
//! app on the same device.

use std::time::SystemTime;

use tokio::time::Instant;

use crate::launch::{Platform, bankid_link, freja_link_for};
use crate::outcome::Outcome;
use crate::provider::Provider;
use crate::qr::{BankIdQr, QrError, QrImage};
use crate::session::Session;

impl<C: Outcome> Session<C> {
    /// BankID SE: the animated QR code of this order, or `None` when the session has none
    /// (another provider, or a phone flow).
    ///
    /// Frames count whole seconds from the start answer: on this process's clock for a session
    /// started here, from the handle's wall-clock start for a resumed one.
    pub fn bankid_qr(&self) -> Option<BankIdQr> {
        let h = self.handle();
        if h.provider() != Provider::BankIdSe {
            return None;
        }
        let (token, secret) = (h.qr_start_token()?, h.qr_start_secret()?);
        let started = self.started.or_else(|| {
            let age = SystemTime::now()
                .duration_since(h.started_at()?)
                .unwrap_or_default();
            Instant::now().checked_sub(age)
        })?;
        Some(BankIdQr::started_at(token, secret, started))
    }

    /// Freja: the QR code to show (its `qrData`), or `None` when the session has none.
    pub fn freja_qr(&self) -> Option<Result<QrImage, QrError>> {
        let h = self.handle();
        (h.provider() == Provider::Freja)
            .then(|| h.qr_data())
            .flatten()
            .map(QrImage::new)
    }

    /// The link that opens the BankID or Freja app on the user's own device, or `None` when the
    /// session has no autostart token (or, for Freja, on a desktop, where there is no Freja
    /// app). `return_url` is where BankID on iOS sends the user back (see [`bankid_link`] and
    /// [`freja_link_for`]).
    pub fn launch_link(&self, platform: Platform, return_url: Option<&str>) -> Option<String> {
        let h = self.handle();
        let token = h.auto_start_token()?;
        match h.provider() {
            Provider::BankIdSe => Some(bankid_link(token, platform, return_url)),
            Provider::Freja => freja_link_for(token, platform),
            _ => None,
        }
    }
}
