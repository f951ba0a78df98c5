//! National identity numbers as types: parsed, checked and printed in canonical form.
//!
//! Each type checks what can be checked offline — length, date, check digits — so a typo is
//! caught before a request is sent. A number that passes is well-formed, not necessarily issued.
//!
//! | Type | Country | Checks |
//! |---|---|---|
//! | [`Personnummer`] | Sweden (also samordningsnummer) | date (day + 60 for samordningsnummer), serial not 000, Luhn |
//! | [`Organisationsnummer`] | Sweden | third digit >= 2, Luhn |
//! | [`Fodselsnummer`] | Norway (also D- and H-numbers) | date, both mod-11 check digits |
//! | [`Cpr`] | Denmark | date with the century of the 7th digit (no mod-11 since 2007) |
//! | [`Hetu`] | Finland | date with every century sign, individual number, check character |

mod cpr;
mod date;
mod error;
mod fodselsnummer;
mod hetu;
mod luhn;
mod organisationsnummer;
mod personnummer;

pub use cpr::{Cpr, CprKind};
pub use error::IdentityError;
pub use fodselsnummer::{Fodselsnummer, FodselsnummerKind};
pub use hetu::Hetu;
pub use organisationsnummer::Organisationsnummer;
pub use personnummer::{Personnummer, PersonnummerKind};

/// Implements `FromStr`, `Display`, `Serialize` (canonical form) and `Deserialize` (parsing) for
/// an identity number type with `parse` and `canonical` methods.
macro_rules! string_form {
    ($ty:ty) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::identity::IdentityError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.canonical())
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.canonical())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&text).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_form;

/// The form IDkollen expects a number of this kind in, for the request builders, which accept
/// any form a person might type and send this one.
pub(crate) trait WireForm: Sized {
    fn parse_any(s: &str) -> Result<Self, IdentityError>;
    fn wire(&self) -> String;
}

macro_rules! wire_form {
    ($($ty:ty => |$v:ident| $wire:expr),* $(,)?) => {$(
        impl WireForm for $ty {
            fn parse_any(s: &str) -> Result<Self, IdentityError> {
                Self::parse(s)
            }
            fn wire(&self) -> String {
                let $v = self;
                $wire
            }
        }

        impl From<$ty> for String {
            /// The canonical form, as [`Display`](std::fmt::Display) prints it.
            fn from(value: $ty) -> String {
                value.canonical()
            }
        }
    )*};
}

// Personnummer as the 12 digits BankID wants; organisationsnummer with its dash (as the
// official clients normalise it); the Norwegian and Danish numbers as bare digits.
wire_form! {
    Personnummer => |v| v.canonical(),
    Organisationsnummer => |v| v.canonical(),
    Fodselsnummer => |v| v.canonical(),
    Cpr => |v| v.canonical().replace('-', ""),
    Hetu => |v| v.canonical(),
}

/// The ASCII digits of `s` as numbers, or `None` if any character is not a digit.
fn digits(s: &str) -> Option<Vec<u8>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect()
}

/// The number formed by `digits` (at most 9 of them, so it fits a `u32`).
fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(*d))
}
