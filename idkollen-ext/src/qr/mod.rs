//! QR codes for the login page: BankID's animated QR and rendering of any QR content.
//!
//! BankID's QR code changes every second: frame `t` is `bankid.{qrStartToken}.{t}.{qrAuthCode}`
//! with `qrAuthCode = hex(HMAC-SHA256(qrStartSecret, t))`. The secret must stay on the server:
//! hand the browser frames (or rendered images), never the secret. Freja's `qrData` is static
//! and renders with the same [`QrImage`].

mod bankid;
mod matrix;
mod render;
#[cfg(test)]
mod tests;

pub use bankid::{BankIdQr, QrFrame, qr_auth_code};
pub use render::{QrError, QrImage};
