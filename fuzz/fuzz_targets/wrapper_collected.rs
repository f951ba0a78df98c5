//! The BankID wrapper's `/collect` answer decoder on arbitrary bytes, read as the polling
//! engine reads it: decoding and the mapping to pending, completed, failed or unknown never
//! panic. A completed order's data re-encodes to JSON that decodes to an equal value, and
//! its checked accessors (`personnummer()`, `ip()`, `not_before_time()`, `not_after_time()`)
//! never panic.

#![no_main]

use idkollen_ext::bankid_wrapper::Completion;
use idkollen_ext::bankid_wrapper::fuzzing::decode_collected;
use idkollen_fuzz::json_round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(completion) = decode_collected(data) {
        let encoded = serde_json::to_vec(&completion).expect("completion data encodes");
        let again = json_round_trip::<Completion>(&encoded).expect("its encoding decodes");
        assert_eq!(completion, again);
        let _ = completion.user.personnummer();
        let _ = completion.device.ip();
        let _ = completion.cert.not_before_time();
        let _ = completion.cert.not_after_time();
    }
});
