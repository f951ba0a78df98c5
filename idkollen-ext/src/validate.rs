//! Checks of request fields against the API description, run before anything is sent.

use std::fmt::Display;

use crate::error::ValidationError;
use crate::identity::WireForm;

/// At most `max` characters once the UTF-8 bytes of `value` are base64-encoded (with padding),
/// for fields whose limit the service applies after encoding them.
pub(crate) fn base64_length(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), ValidationError> {
    let encoded = value.len().div_ceil(3) * 4;
    if encoded > max {
        return Err(ValidationError::new(
            field,
            format!(
                "{} bytes, {encoded} characters once base64-encoded, at most {max} allowed",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// Length in characters (the API counts characters, not bytes) within `min..=max`.
pub(crate) fn length(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    let n = value.chars().count();
    if n < min {
        return Err(ValidationError::new(
            field,
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("shorter than {min} characters")
            },
        ));
    }
    if n > max {
        return Err(ValidationError::new(
            field,
            format!("{n} characters, at most {max} allowed"),
        ));
    }
    Ok(())
}

/// A required text that must not be empty or blank.
pub(crate) fn required(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    Ok(())
}

/// An absolute URL (custom schemes allowed, so app deep links pass).
pub(crate) fn url(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<String>, ValidationError> {
    match value {
        None => Ok(None),
        Some(v) => match url::Url::parse(&v) {
            Ok(_) => Ok(Some(v)),
            Err(e) => Err(ValidationError::new(
                field,
                format!("not an absolute URL: {e}"),
            )),
        },
    }
}

/// An IPv4 or IPv6 address, sent in its canonical form.
pub(crate) fn ip(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<String>, ValidationError> {
    value
        .map(|v| {
            v.trim()
                .parse::<std::net::IpAddr>()
                .map(|ip| ip.to_string())
                .map_err(|_| ValidationError::new(field, "not an IPv4 or IPv6 address"))
        })
        .transpose()
}

/// A national identity number of kind `T`, in any form a person might type; answers the form
/// IDkollen expects, or an error naming the field and what is wrong.
pub(crate) fn identity<T: WireForm>(
    field: &'static str,
    value: &str,
) -> Result<String, ValidationError> {
    T::parse_any(value)
        .map(|number| number.wire())
        .map_err(|e| ValidationError::new(field, e.to_string()))
}

/// [`identity`] for an optional value.
pub(crate) fn identity_opt<T: WireForm>(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<String>, ValidationError> {
    value.map(|v| identity::<T>(field, &v)).transpose()
}

/// Converts into a constrained type of the generated client; its own checks back ours up.
pub(crate) fn convert<T, E>(field: &'static str, value: String) -> Result<T, ValidationError>
where
    T: TryFrom<String, Error = E>,
    E: Display,
{
    T::try_from(value).map_err(|e| ValidationError::new(field, e.to_string()))
}

/// [`convert`] for an optional value.
pub(crate) fn convert_opt<T, E>(
    field: &'static str,
    value: Option<String>,
) -> Result<Option<T>, ValidationError>
where
    T: TryFrom<String, Error = E>,
    E: Display,
{
    value.map(|v| convert(field, v)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_length_counts_the_encoded_utf8_bytes() {
        // 1,125 bytes encode to exactly 1,500 characters; one more byte needs 4 more.
        assert!(base64_length("intent", &"a".repeat(1_125), 1_500).is_ok());
        assert!(base64_length("intent", &"a".repeat(1_126), 1_500).is_err());
        // "å" is two bytes: 563 of them are 1,126 bytes, over the limit though only 563
        // characters long.
        assert!(base64_length("intent", &"å".repeat(562), 1_500).is_ok());
        let err = base64_length("intent", &"å".repeat(563), 1_500).unwrap_err();
        assert_eq!(err.field(), "intent");
        assert_eq!(
            err.reason(),
            "1126 bytes, 1504 characters once base64-encoded, at most 1500 allowed"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(length("text", &"å".repeat(118), 0, 118).is_ok());
        let err = length("text", &"å".repeat(119), 0, 118).unwrap_err();
        assert_eq!(err.field(), "text");
        assert_eq!(
            length("text", "", 1, 5).unwrap_err().reason(),
            "must not be empty"
        );
    }

    #[test]
    fn urls() {
        assert!(url("redirectUrl", Some("myapp://done".into())).is_ok());
        assert_eq!(
            url("redirectUrl", Some("/relative".into()))
                .unwrap_err()
                .field(),
            "redirectUrl"
        );
    }
}
