//! The BankID wrapper's `/auth` and `/sign` answer decoder (its JSON:API envelope, with or
//! without `attributes`) on arbitrary bytes: decoding never panics.

#![no_main]

use idkollen_ext::bankid_wrapper::fuzzing::decode_started;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = decode_started(data);
});
