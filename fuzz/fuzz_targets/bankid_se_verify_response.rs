//! `idkollen_api::types::BankIdSeVerifyResponse` on arbitrary bytes: decoding never panics, and a value that
//! decodes re-encodes to JSON that decodes to an equal value.

#![no_main]

use idkollen_api::types::BankIdSeVerifyResponse;
use idkollen_fuzz::json_round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    json_round_trip::<BankIdSeVerifyResponse>(data);
});
