//! Callback handling on arbitrary bytes: the input is split at its first newline into the
//! `X-Signature-SHA256` header value and the raw body. Verifying the signature and parsing the
//! body never panic, nor does reading a parsed callback as a BankID SE completion.

#![no_main]

use idkollen_ext::callback::{parse_callback, sign, verify_signature};
use idkollen_ext::types::BankIdSeCompleted;
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-callback-secret";

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        None => (None, data),
    };
    let verdict = verify_signature(body, header, SECRET);
    if let Some(header) = header {
        // Exactly the signature `sign` computes is accepted, whatever the body.
        let expected = sign(body, SECRET);
        if header.trim() == expected {
            assert!(
                verdict.is_ok(),
                "the right signature was rejected: {verdict:?}"
            );
        }
    }
    assert!(verify_signature(body, Some(&sign(body, SECRET)), SECRET).is_ok());

    if let Ok(callback) = parse_callback(body) {
        let _ = (
            callback.id(),
            callback.ref_id(),
            callback.status(),
            callback.error(),
        );
        let _ = callback.completed_as::<BankIdSeCompleted>();
    }
});
