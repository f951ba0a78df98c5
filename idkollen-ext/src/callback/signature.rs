//! The signature of a callback from IDkollen.
//!
//! IDkollen signs each callback with the header `X-Signature-SHA256`: the base64 of
//! HMAC-SHA256 over the raw request body, keyed with the account's callback secret. Verify the
//! raw bytes exactly as received, before parsing; never re-serialise.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The name of the header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Signature-SHA256";

/// Why a callback's signature was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request carried no `X-Signature-SHA256` header.
    #[error("the callback has no X-Signature-SHA256 header")]
    Missing,
    /// The header is not base64 of a 32-byte MAC.
    #[error("the X-Signature-SHA256 header is not a base64 HMAC-SHA256")]
    Malformed,
    /// The signature does not match the body and the secret.
    #[error("the callback's signature does not match its body")]
    Mismatch,
}

/// Checks `header` (the value of `X-Signature-SHA256`, if any) against `raw_body` and the
/// account's callback `secret`. The comparison takes constant time.
///
/// ```
/// use idkollen_ext::callback::{sign, verify_signature};
///
/// let body = br#"{"id":"s1","status":"COMPLETED"}"#;
/// let header = sign(body, b"callback-secret");
/// assert!(verify_signature(body, Some(&header), b"callback-secret").is_ok());
/// assert!(verify_signature(body, Some(&header), b"another-secret").is_err());
/// ```
pub fn verify_signature(
    raw_body: &[u8],
    header: Option<&str>,
    secret: &[u8],
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let signature = STANDARD
        .decode(header.trim())
        .map_err(|_| SignatureError::Malformed)?;
    if signature.len() != 32 {
        return Err(SignatureError::Malformed);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(raw_body);
    mac.verify_slice(&signature)
        .map_err(|_| SignatureError::Mismatch)
}

/// The `X-Signature-SHA256` value for `raw_body` under `secret`: what IDkollen sends, and what a
/// test needs to simulate a callback.
pub fn sign(raw_body: &[u8], secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(raw_body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_right_signature() {
        let body = br#"{"id":"s","status":"FAILED","error":"CANCELLED"}"#;
        let good = sign(body, b"k");
        assert_eq!(verify_signature(body, Some(&good), b"k"), Ok(()));
        assert_eq!(
            verify_signature(body, None, b"k"),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_signature(body, Some("not base64!"), b"k"),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(body, Some("AAAA"), b"k"),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(body, Some(&good), b"K"),
            Err(SignatureError::Mismatch)
        );
        let mut tampered = body.to_vec();
        tampered[10] ^= 1;
        assert_eq!(
            verify_signature(&tampered, Some(&good), b"k"),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn matches_an_independent_computation() {
        // printf '{}' | openssl dgst -sha256 -hmac secret -binary | base64
        assert_eq!(
            sign(b"{}", b"secret"),
            "dzJZAsrKgS3CWXM6rNBGtzgXNyx3e42VtAJkdHRRbhM="
        );
    }
}
