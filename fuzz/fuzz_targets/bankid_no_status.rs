//! `idkollen_api::types::BankIdNoStatus` on arbitrary bytes: decoding never panics, a value that decodes
//! re-encodes to JSON that decodes to an equal value, and the variant agrees with the body's
//! `status`.

#![no_main]

use idkollen_api::types::BankIdNoStatus as Union;
use idkollen_fuzz::{Variant, status_union};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    status_union::<Union>(data, |value| match value {
        Union::BankIdNoPending(_) => Variant::Pending,
        Union::BankIdNoCompleted(_) => Variant::Completed,
        Union::SessionFailed(_) => Variant::Failed,
        Union::OtherStatus(_) => Variant::Other,
    });
});
