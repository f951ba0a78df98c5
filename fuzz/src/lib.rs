//! What the fuzz targets share: the properties every decoder and parser must keep.
//!
//! Each target in `fuzz_targets/` is one decoder or one parser, so each gets its own corpus and
//! its own share of the run time.

use std::fmt::{Debug, Display};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `data` as `T`; if that works, encodes the value and checks that it decodes back to
/// an equal value.
pub fn json_round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    data: &[u8],
) -> Option<T> {
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

/// The variant a status union decoded into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `…Pending`.
    Pending,
    /// `…Completed`.
    Completed,
    /// `SessionFailed`.
    Failed,
    /// `OtherStatus`: a status the spec does not list.
    Other,
}

/// Decodes `data` as the status union `T` (with [`json_round_trip`]) and checks that the
/// variant `variant_of` reports agrees with the value's `status` member: `PENDING`,
/// `COMPLETED` and `FAILED` land in their variants, any other status in `OtherStatus`.
///
/// The status is read from the value as it encodes again, not from `data`: serde's derived
/// decoders also take a struct's fields as a JSON array (`["id", "status"]`), which has no
/// `status` member to compare with. When `data` is an object, its `status` must be the one
/// the value kept.
pub fn status_union<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    data: &[u8],
    variant_of: impl Fn(&T) -> Variant,
) {
    let Some(value) = json_round_trip::<T>(data) else {
        return;
    };
    let variant = variant_of(&value);
    let encoded = serde_json::to_value(&value).expect("a decoded value encodes");
    let status = encoded["status"]
        .as_str()
        .expect("every variant encodes a string status");
    let expected = match status {
        "PENDING" => Variant::Pending,
        "COMPLETED" => Variant::Completed,
        "FAILED" => Variant::Failed,
        _ => Variant::Other,
    };
    assert_eq!(variant, expected, "status {status:?} decoded as {value:?}");
    let body: serde_json::Value =
        serde_json::from_slice(data).expect("a body that decoded as a union is JSON");
    if body.is_object() {
        assert_eq!(body["status"].as_str(), Some(status), "{value:?}");
    }
}

/// If `parse` accepts `s`, it accepts the value's `to_string()` too, giving an equal value.
pub fn parse_round_trip<T: Display + Debug + PartialEq, E: Debug>(
    s: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) {
    if let Ok(value) = parse(s) {
        let canonical = value.to_string();
        match parse(&canonical) {
            Ok(again) => assert_eq!(value, again, "{s:?} printed as {canonical:?}"),
            Err(e) => panic!("{s:?} parsed, but its form {canonical:?} does not: {e:?}"),
        }
    }
}

/// [`parse_round_trip`] on `data` if it is UTF-8.
pub fn utf8_parse_round_trip<T: Display + Debug + PartialEq, E: Debug>(
    data: &[u8],
    parse: impl Fn(&str) -> Result<T, E>,
) {
    if let Ok(s) = std::str::from_utf8(data) {
        parse_round_trip(s, parse);
    }
}

/// The fuzz target of one status union of `idkollen_api::types`: [`status_union`] on every
/// input, with the union's pending and completed variants named.
///
/// ```ignore
/// status_union_target!(BankIdSeStatus { BankIdSePending, BankIdSeCompleted });
/// ```
#[macro_export]
macro_rules! status_union_target {
    ($union:ident { $pending:ident, $completed:ident }) => {
        libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            use idkollen_api::types::$union as Union;
            $crate::status_union::<Union>(data, |value| match value {
                Union::$pending(_) => $crate::Variant::Pending,
                Union::$completed(_) => $crate::Variant::Completed,
                Union::SessionFailed(_) => $crate::Variant::Failed,
                Union::OtherStatus(_) => $crate::Variant::Other,
            });
        });
    };
}
