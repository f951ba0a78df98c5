//! The session flows of the API: which provider, what the session does, and how the user is
//! reached. Paths and schemas are derived from these, so every flow has one definition.

/// An eID provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Provider {
    BankIdSe,
    Freja,
    BankIdNo,
    Vipps,
    MitId,
    Ftn,
}

impl Provider {
    pub fn slug(self) -> &'static str {
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

/// What a session does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Auth,
    Sign,
    AgeVerification,
}

impl Kind {
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Auth => "auth",
            Kind::Sign => "sign",
            Kind::AgeVerification => "age-verification",
        }
    }
}

/// How the user is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Channel {
    /// QR code, same device or browser redirect.
    Direct,
    /// BankID SE over the phone.
    Phone,
    /// Pushed to the user's app by their identity (ssn or phone).
    Backchannel,
}

/// One kind of session: the start operation that creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Flow {
    pub provider: Provider,
    pub kind: Kind,
    pub channel: Channel,
}

impl Flow {
    const fn new(provider: Provider, kind: Kind, channel: Channel) -> Self {
        Self {
            provider,
            kind,
            channel,
        }
    }

    /// Every start operation of the API.
    pub const ALL: [Flow; 22] = {
        use Channel::*;
        use Kind::*;
        use Provider::*;
        [
            Flow::new(BankIdSe, Auth, Direct),
            Flow::new(BankIdSe, Auth, Phone),
            Flow::new(BankIdSe, Sign, Direct),
            Flow::new(BankIdSe, Sign, Phone),
            Flow::new(BankIdSe, AgeVerification, Direct),
            Flow::new(Freja, Auth, Direct),
            Flow::new(Freja, Auth, Backchannel),
            Flow::new(Freja, Sign, Direct),
            Flow::new(Freja, Sign, Backchannel),
            Flow::new(Freja, AgeVerification, Direct),
            Flow::new(BankIdNo, Auth, Direct),
            Flow::new(BankIdNo, Auth, Backchannel),
            Flow::new(BankIdNo, Sign, Direct),
            Flow::new(BankIdNo, AgeVerification, Direct),
            Flow::new(Vipps, Auth, Direct),
            Flow::new(Vipps, Auth, Backchannel),
            Flow::new(MitId, Auth, Direct),
            Flow::new(MitId, Auth, Backchannel),
            Flow::new(MitId, Sign, Direct),
            Flow::new(MitId, AgeVerification, Direct),
            Flow::new(Ftn, Auth, Direct),
            Flow::new(Ftn, AgeVerification, Direct),
        ]
    };

    /// The path of the start operation, e.g. `/v3/bankid-se/phone/auth`.
    pub fn start_path(self) -> String {
        let channel = match self.channel {
            Channel::Direct => "",
            Channel::Phone => "phone/",
            Channel::Backchannel => "backchannel/",
        };
        format!(
            "/v3/{}/{}{}",
            self.provider.slug(),
            channel,
            self.kind.slug()
        )
    }

    /// The path template of status reads and cancels, e.g. `/v3/bankid-se/auth/{id}`; phone and
    /// backchannel sessions share it with their direct flow.
    pub fn status_path(self) -> String {
        status_path(self.provider, self.kind)
    }

    /// Whether a status read on `provider`/`kind` may see this session.
    pub fn readable_as(self, provider: Provider, kind: Kind) -> bool {
        self.provider == provider && self.kind == kind
    }

    /// Whether the session carries BankID SE QR tokens.
    pub fn has_qr(self) -> bool {
        self.provider == Provider::BankIdSe
            && self.channel == Channel::Direct
            && self.kind != Kind::AgeVerification
    }
}

/// The path template of status reads and cancels of `provider`/`kind`.
pub(crate) fn status_path(provider: Provider, kind: Kind) -> String {
    format!("/v3/{}/{}/{{id}}", provider.slug(), kind.slug())
}

/// Every (provider, kind) pair with status and cancel operations.
pub(crate) fn status_pairs() -> Vec<(Provider, Kind)> {
    let mut out: Vec<(Provider, Kind)> = Vec::new();
    for flow in Flow::ALL {
        if !out.contains(&(flow.provider, flow.kind)) {
            out.push((flow.provider, flow.kind));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

    #[test]
    fn every_flow_is_an_operation_of_the_document() {
        for flow in Flow::ALL {
            assert!(
                spec::operation("post", &flow.start_path()).is_some(),
                "{flow:?}"
            );
            assert!(
                spec::operation("get", &flow.status_path()).is_some(),
                "{flow:?}"
            );
            assert!(
                spec::operation("delete", &flow.status_path()).is_some(),
                "{flow:?}"
            );
        }
        assert_eq!(status_pairs().len(), 15);
    }
}
