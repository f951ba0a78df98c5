//! Uploaded documents and their signed versions (BankID NO PDF signing).

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// The bytes every PDF starts with.
pub(crate) const PDF_MAGIC: &[u8] = b"%PDF-";

/// The default upload limit: 10 MiB.
pub const DEFAULT_MAX_DOCUMENT_SIZE: usize = 10 * 1024 * 1024;

/// An uploaded document.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub bytes: Bytes,
    /// The signed PDF, once a signing that referenced the document completed.
    pub signed: Option<Bytes>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The signed version of a PDF: the original with a trailer appended that names the signer and
/// the session. PDF readers ignore comments after the original `%%EOF`, so the file still
/// opens, and its hash differs from the upload's as a real signature's would.
pub(crate) fn signed_pdf(original: &[u8], session_id: &str, signer: &str) -> Bytes {
    let mut out = original.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.extend_from_slice(
        format!(
            "%IDkollen sandbox signature\n%Session: {session_id}\n%Signer: {signer}\n%Hash: {}\n%%EOF\n",
            sha256_hex(original)
        )
        .as_bytes(),
    );
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_pdf_keeps_the_original_and_changes_the_hash() {
        let original = b"%PDF-1.4\n%%EOF";
        let signed = signed_pdf(original, "s1", "Kari Nordmann");
        assert!(signed.starts_with(original));
        assert!(signed.starts_with(PDF_MAGIC));
        assert_ne!(sha256_hex(&signed), sha256_hex(original));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
