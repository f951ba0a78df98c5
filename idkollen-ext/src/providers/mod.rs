//! Provider facades over the generated client: one module per provider, plus documents
//! and the age verification every provider but Vipps offers.

mod age;
mod bankid_no;
mod bankid_se;
mod documents;
mod freja;
mod ftn;
mod mitid;
mod start;
mod vipps;

pub use age::AgeVerificationBuilder;
pub use bankid_no::*;
pub use bankid_se::*;
pub use documents::{DocumentDownload, Documents, UploadedDocument};
pub use freja::*;
pub use ftn::*;
pub use mitid::*;
pub use vipps::*;

use crate::client::Client;

impl Client {
    /// Swedish BankID.
    pub fn bankid_se(&self) -> BankIdSe {
        BankIdSe {
            client: self.clone(),
        }
    }
    /// Freja eID.
    pub fn freja(&self) -> Freja {
        Freja {
            client: self.clone(),
        }
    }
    /// Norwegian BankID.
    pub fn bankid_no(&self) -> BankIdNo {
        BankIdNo {
            client: self.clone(),
        }
    }
    /// Vipps MobilePay.
    pub fn vipps(&self) -> Vipps {
        Vipps {
            client: self.clone(),
        }
    }
    /// Danish MitID.
    pub fn mitid(&self) -> MitId {
        MitId {
            client: self.clone(),
        }
    }
    /// Finnish Trust Network.
    pub fn ftn(&self) -> Ftn {
        Ftn {
            client: self.clone(),
        }
    }
    /// Documents to sign with Norwegian BankID (beta).
    pub fn documents(&self) -> Documents {
        Documents {
            client: self.clone(),
        }
    }
}

/// Setters for optional request fields: `text` fields take `impl Into<String>`, `flag`
/// fields a `bool`.
macro_rules! setters {
    ($( $(#[$m:meta])* $name:ident: $kind:ident ),* $(,)?) => {
        $( setters!(@one $(#[$m])* $name: $kind); )*
    };
    (@one $(#[$m:meta])* $name:ident: text) => {
        $(#[$m])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    };
    (@one $(#[$m:meta])* $name:ident: flag) => {
        $(#[$m])*
        pub fn $name(mut self, value: bool) -> Self {
            self.$name = Some(value);
            self
        }
    };
}
pub(crate) use setters;
