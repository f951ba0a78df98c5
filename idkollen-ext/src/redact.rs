//! What `Debug` may print of a status object: the fields that identify a session, and nothing
//! about the person.

use std::fmt;

use serde_json::Value;

/// What stands for a value that is not printed.
pub(crate) const REDACTED: &str = "[redacted]";

/// The members of a status object that say nothing about the person: they are printed as they
/// are. Everything else (names, identity numbers, birth dates, phone, e-mail, address,
/// `ocspResponse`, signatures, device addresses, unknown fields) is redacted.
const SHOWN: &[&str] = &[
    "id",
    "refId",
    "status",
    "error",
    "hintCode",
    "ageVerified",
    "risk",
    "authenticatedAt",
    "signedAt",
    "stepUp",
];

/// A view of `value`'s JSON form whose `Debug` prints the members in [`SHOWN`] and only the
/// names of the others.
pub(crate) fn redacted<T: serde::Serialize>(value: &T) -> Redacted {
    Redacted(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// [`redacted`]'s view of a value that is already JSON.
pub(crate) fn redacted_json(value: &Value) -> Redacted {
    Redacted(value.clone())
}

/// A status object whose `Debug` hides personal data.
pub(crate) struct Redacted(Value);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Value::Object(members) = &self.0 else {
            return f.write_str(REDACTED);
        };
        let mut map = f.debug_map();
        for (key, value) in members {
            if value.is_null() {
                continue;
            }
            if SHOWN.contains(&key.as_str()) {
                map.entry(key, value);
            } else {
                map.entry(key, &format_args!("{REDACTED}"));
            }
        }
        map.finish()
    }
}
