//! BankID's animated QR code: `bankid.{qrStartToken}.{qrTime}.{qrAuthCode}`, where `qrTime` is
//! the whole seconds since the order started and `qrAuthCode` the lowercase hex
//! HMAC-SHA256 of `qrTime` keyed with `qrStartSecret`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The `qrAuthCode` of second `qr_time` of an order with this `qrStartSecret`.
pub fn qr_auth_code(qr_start_secret: &str, qr_time: u64) -> String {
    match HmacSha256::new_from_slice(qr_start_secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(qr_time.to_string().as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length; this arm cannot be reached.
        Err(_) => String::new(),
    }
}

/// The complete QR content of second `qr_time`.
pub fn qr_code(qr_start_token: &str, qr_start_secret: &str, qr_time: u64) -> String {
    format!(
        "bankid.{qr_start_token}.{qr_time}.{}",
        qr_auth_code(qr_start_secret, qr_time)
    )
}

/// The parts of a scanned QR code: `(qrStartToken, qrTime, qrAuthCode)`.
pub(crate) fn parse(qr: &str) -> Option<(&str, u64, &str)> {
    let rest = qr.strip_prefix("bankid.")?;
    let mut parts = rest.split('.');
    let token = parts.next()?;
    let time = parts.next()?;
    let code = parts.next()?;
    if parts.next().is_some() || token.is_empty() || code.len() != 64 {
        return None;
    }
    // Only plain decimal digits, as BankID writes them ("+1" or " 1" are not qrTimes).
    if time.is_empty() || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((token, time.parse().ok()?, code))
}

/// Whether `code` is the right auth code, compared in constant time.
pub(crate) fn code_matches(qr_start_secret: &str, qr_time: u64, code: &str) -> bool {
    let Ok(expected) = hex::decode(code) else {
        return false;
    };
    // BankID writes lowercase hex; an uppercase code is not the QR BankID would show.
    if code.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    match HmacSha256::new_from_slice(qr_start_secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(qr_time.to_string().as_bytes());
            mac.verify_slice(&expected).is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
    const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

    #[test]
    fn bankid_test_vectors() {
        assert_eq!(
            qr_auth_code(SECRET, 0),
            "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
        assert_eq!(
            qr_auth_code(SECRET, 1),
            "949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
        );
        assert_eq!(
            qr_auth_code(SECRET, 2),
            "a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3"
        );
        assert_eq!(
            qr_code(TOKEN, SECRET, 1),
            format!(
                "bankid.{TOKEN}.1.949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2"
            )
        );
    }

    #[test]
    fn parse_and_match() {
        let qr = qr_code(TOKEN, SECRET, 2);
        let (token, time, code) = parse(&qr).expect("parses");
        assert_eq!((token, time), (TOKEN, 2));
        assert!(code_matches(SECRET, 2, code));
        assert!(!code_matches(SECRET, 1, code));
        assert!(!code_matches(SECRET, 2, &code.to_uppercase()));
        assert!(parse("bankid.x.+1.abc").is_none());
        assert!(parse("bankid..1.x").is_none());
        assert!(parse(&format!("{qr}.extra")).is_none());
        assert!(parse("qr.x.1.y").is_none());
    }
}
