//! Properties every code type must keep.

use std::str::FromStr;

use super::*;

fn round_trips<T>(known: &[&str])
where
    T: FromStr<Err = std::convert::Infallible>
        + serde::de::DeserializeOwned
        + serde::Serialize
        + PartialEq
        + std::fmt::Debug
        + for<'a> From<&'a str>,
    T: AsRef<str>,
{
    let unknown = [
        "brandNewCode",
        "",
        "  spaced  ",
        "ÅÄÖ-ünïcödé",
        "pending",
        "COMPLETED ",
    ];
    for wire in known.iter().copied().chain(unknown) {
        let parsed = T::from_str(wire).unwrap();
        let json = serde_json::to_string(wire).unwrap();
        let decoded: T = serde_json::from_str(&json).unwrap();
        assert_eq!(
            parsed, decoded,
            "FromStr and Deserialize disagree on {wire:?}"
        );
        assert_eq!(parsed.as_ref(), wire, "not byte for byte: {wire:?}");
        assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        assert_eq!(T::from(wire), parsed);
    }
}

#[test]
fn codes_round_trip_and_parsers_agree() {
    round_trips::<Status>(Status::KNOWN);
    round_trips::<FailureCode>(FailureCode::KNOWN);
    round_trips::<HintCode>(HintCode::KNOWN);
}

#[test]
fn known_values_land_in_their_variant() {
    assert_eq!(Status::from("PENDING"), Status::Pending);
    assert_eq!(
        FailureCode::from("SESSION_TIMEOUT"),
        FailureCode::SessionTimeout
    );
    assert_eq!(HintCode::from(String::from("userSign")), HintCode::UserSign);
    assert!(FailureCode::from("RATE_LIMITED").is_unknown());
    assert!(!Status::from("WAITING").is_final());
    assert_eq!(FailureCode::KNOWN.len(), 7);
    assert_eq!(HintCode::KNOWN.len(), 14);
}

#[test]
fn every_code_has_a_message_in_both_languages() {
    for lang in [Language::Swedish, Language::English] {
        for code in HintCode::KNOWN.iter().chain(["somethingNew"].iter()) {
            let code = HintCode::from(*code);
            for ctx in [MessageContext::qr_code(), MessageContext::same_device(true)] {
                assert!(!code.user_message_in(lang, ctx).is_empty());
            }
        }
        for code in FailureCode::KNOWN.iter().chain(["SOMETHING_NEW"].iter()) {
            let code = FailureCode::from(*code);
            assert!(!code.user_message(lang).is_empty());
            for provider in crate::provider::Provider::ALL {
                let message = code.user_message_for(provider, lang);
                assert!(!message.is_empty());
                // Only Swedish BankID's users are told about BankID.
                if provider != crate::provider::Provider::BankIdSe {
                    assert!(
                        !message.contains("BankID"),
                        "{provider:?} {code}: {message}"
                    );
                }
            }
        }
    }
}

#[test]
fn messages_follow_bankid_recommendations() {
    use Language::*;
    assert_eq!(
        HintCode::UserSign.user_message(English),
        "Enter your security code in the BankID app and select Identify or Sign."
    );
    assert_eq!(
        HintCode::OutstandingTransaction.user_message(Swedish),
        "Starta BankID-appen."
    );
    assert_eq!(
        HintCode::OutstandingTransaction
            .user_message_in(Swedish, MessageContext::same_device(true)),
        "Försöker starta BankID-appen."
    );
    assert_eq!(
        HintCode::UserCancel.user_message(Swedish),
        "Åtgärden avbruten."
    );
    // Hint codes arrive only while pending: an unknown one is still "in progress".
    assert_eq!(
        HintCode::from("brandNew").user_message(English),
        "Identification or signing in progress."
    );
    assert_eq!(
        HintCode::from("brandNew").pending_user_message(English, MessageContext::default()),
        "Identification or signing in progress."
    );
    assert_eq!(
        FailureCode::Cancelled.user_message(English),
        "Action cancelled. Please try again."
    );
    assert_eq!(
        FailureCode::InternalError.user_message(Swedish),
        "Internt tekniskt fel. Försök igen."
    );
    // INVALID_ID is about the user's eID, not the number sent (the BankID SE guide).
    use crate::provider::Provider;
    assert_eq!(
        FailureCode::InvalidId.user_message_for(Provider::BankIdSe, English),
        "The BankID you are trying to use is blocked or too old. Please use another BankID or get a new one from your bank."
    );
    assert_eq!(
        FailureCode::InvalidId.user_message_for(Provider::MitId, English),
        "Your eID has expired or is not valid. Please use another one or get a new one."
    );
    assert_eq!(
        FailureCode::SessionTimeout.user_message_for(Provider::Freja, English),
        "The time ran out before the identification or signing was completed. Please try again."
    );
}

#[test]
fn failures_of_the_other_providers_read_in_their_countries_languages() {
    use crate::provider::Provider;
    for code in FailureCode::KNOWN.iter().chain(["SOMETHING_NEW"].iter()) {
        let code = FailureCode::from(*code);
        let english = code.user_message_for(Provider::MitId, Language::English);
        for lang in [Language::Norwegian, Language::Danish, Language::Finnish] {
            let message = code.user_message_for(Provider::MitId, lang);
            assert_ne!(message, english, "{code} in {lang:?} is not translated");
        }
    }
    assert_eq!(
        FailureCode::Cancelled.user_message_for(Provider::BankIdNo, Language::Norwegian),
        "Handlingen ble avbrutt. Prøv igjen."
    );
    // BankID's own texts exist in Swedish and English only.
    assert_eq!(
        HintCode::UserSign.user_message(Language::Finnish),
        HintCode::UserSign.user_message(Language::English)
    );
    for lang in Language::ALL {
        assert_eq!(Language::from_tag(lang.tag()), Some(lang));
    }
    assert_eq!(Language::from_tag("sv_SE"), Some(Language::Swedish));
    assert_eq!(Language::from_tag(""), None);
}
