//! What a completed order yields: BankID's `completionData`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::identity::Personnummer;

/// The `completionData` of a completed order: who signed in, from where, with which
/// certificate, and BankID's signature and OCSP response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Completion {
    /// The user.
    pub user: User,
    /// The device the user's BankID app ran on.
    pub device: Device,
    /// The validity of the user's certificate.
    pub cert: Cert,
    /// BankID's signature over the order, base64-encoded XML.
    pub signature: String,
    /// The OCSP response for the certificate, base64-encoded.
    pub ocsp_response: String,
}

/// The user of a completed order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// The personal number, 12 digits, exactly as sent.
    pub personal_number: String,
    /// Given name and surname.
    pub name: String,
    /// The given name.
    pub given_name: String,
    /// The surname.
    pub surname: String,
}

impl User {
    /// The personal number as a checked [`Personnummer`], or `None` if it does not parse.
    /// The raw string stays in [`personal_number`](Self::personal_number), so an odd value
    /// never costs the rest of the answer.
    pub fn personnummer(&self) -> Option<Personnummer> {
        Personnummer::parse(&self.personal_number).ok()
    }
}

/// The device of a completed order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Device {
    /// The IP address the BankID app reported, as sent.
    pub ip_address: String,
}

impl Device {
    /// The IP address parsed, or `None` if it is not one.
    pub fn ip(&self) -> Option<std::net::IpAddr> {
        self.ip_address.parse().ok()
    }
}

/// The validity period of the user's certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Cert {
    /// Start of validity, milliseconds since the Unix epoch, as sent.
    #[serde(deserialize_with = "string_or_number")]
    pub not_before: String,
    /// End of validity, milliseconds since the Unix epoch, as sent.
    #[serde(deserialize_with = "string_or_number")]
    pub not_after: String,
}

impl Cert {
    /// [`not_before`](Self::not_before) as a time, or `None` if it is not a millisecond count.
    pub fn not_before_time(&self) -> Option<SystemTime> {
        millis(&self.not_before)
    }

    /// [`not_after`](Self::not_after) as a time, or `None` if it is not a millisecond count.
    pub fn not_after_time(&self) -> Option<SystemTime> {
        millis(&self.not_after)
    }
}

fn millis(value: &str) -> Option<SystemTime> {
    let ms = value.trim().parse::<u64>().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_millis(ms))
}

/// BankID documents the certificate times as strings of digits; a plain JSON number means
/// the same and is taken too.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(D::Error::custom(format!(
            "expected a string or a number, found {other}"
        ))),
    }
}
