//! Every response decoder of the generated client, and the public BankID wrapper
//! `completionData` type, on arbitrary bytes: decoding never panics, and whatever decodes
//! re-encodes to JSON that decodes to an equal value.

#![no_main]

use std::fmt::Debug;

use idkollen_api::types::{
    AgeVerificationStatus, BankIdNoStatus, BankIdSeStatus, BankIdSeVerifyResponse,
    DocumentUploadResponse, ErrorResponse, FrejaStatus, FtnStatus, MitIdStatus, VippsStatus,
};
use idkollen_ext::bankid_wrapper::Completion;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `data` as `T`; if that works, encodes the value and checks that it decodes back to
/// an equal value.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(data: &[u8]) -> Option<T> {
    let value: T = serde_json::from_slice(data).ok()?;
    let encoded = serde_json::to_vec(&value).expect("a decoded value encodes");
    let again: T = serde_json::from_slice(&encoded).unwrap_or_else(|e| {
        panic!(
            "{} re-encoded as {} does not decode: {e}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(value, again, "{}", String::from_utf8_lossy(&encoded));
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    round_trip::<BankIdSeStatus>(data);
    round_trip::<FrejaStatus>(data);
    round_trip::<BankIdNoStatus>(data);
    round_trip::<VippsStatus>(data);
    round_trip::<MitIdStatus>(data);
    round_trip::<FtnStatus>(data);
    round_trip::<AgeVerificationStatus>(data);
    round_trip::<BankIdSeVerifyResponse>(data);
    round_trip::<DocumentUploadResponse>(data);
    round_trip::<ErrorResponse>(data);
    if let Some(completion) = round_trip::<Completion>(data) {
        // The checked accessors of the raw strings never panic either.
        let _ = completion.user.personnummer();
        let _ = completion.device.ip();
        let _ = completion.cert.not_before_time();
        let _ = completion.cert.not_after_time();
    }
});
