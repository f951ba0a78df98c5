//! The eID providers and the kinds of session they have.

use serde::{Deserialize, Serialize};

/// An eID provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Provider {
    /// Swedish BankID.
    #[serde(rename = "bankid-se")]
    BankIdSe,
    /// Freja eID.
    Freja,
    /// Norwegian BankID.
    #[serde(rename = "bankid-no")]
    BankIdNo,
    /// Vipps MobilePay.
    Vipps,
    /// Danish MitID.
    #[serde(rename = "mitid")]
    MitId,
    /// Finnish Trust Network.
    Ftn,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 6] = [
        Provider::BankIdSe,
        Provider::Freja,
        Provider::BankIdNo,
        Provider::Vipps,
        Provider::MitId,
        Provider::Ftn,
    ];

    /// The provider's path segment in the API (`bankid-se`, `freja`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::BankIdSe => "bankid-se",
            Provider::Freja => "freja",
            Provider::BankIdNo => "bankid-no",
            Provider::Vipps => "vipps",
            Provider::MitId => "mitid",
            Provider::Ftn => "ftn",
        }
    }
}

/// The kind of session, which decides the path it is polled and cancelled on. Phone and
/// backchannel sessions are polled as `Auth` or `Sign`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Flow {
    /// Authentication.
    Auth,
    /// Signing.
    Sign,
    /// Age verification.
    AgeVerification,
}

impl Flow {
    /// The flow's path segment in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Auth => "auth",
            Flow::Sign => "sign",
            Flow::AgeVerification => "age-verification",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_and_flow_serialise_as_their_path_segments() {
        for p in Provider::ALL {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        for f in [Flow::Auth, Flow::Sign, Flow::AgeVerification] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
    }
}
