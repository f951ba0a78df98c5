//! The status unions of the API, one row each: its `PENDING` and `COMPLETED` variants, where a
//! pending status carries a hint code, and what a start answer's pending status gives the
//! session's handle. Everything the crate does with a union (the tolerant reader, the status
//! it becomes, the handle a start makes) derives from this one list.

use idkollen_api::types;

use crate::codes::{FailureCode, HintCode, Status};
use crate::error::Error;
use crate::handle::SessionHandle;
use crate::poll::SessionStatus;
use crate::provider::{Flow, Provider};
use crate::tolerant::StatusUnion;

macro_rules! status_unions {
    ($(
        $union:ident { $pending:ident $(hint $hint:ident)?, $completed:ident }
            start |$p:ident, $h:ident| $with:expr;
    )*) => {$(
        impl StatusUnion for types::$union {
            type Pending = types::$pending;
            type Completed = types::$completed;
            fn pending(p: Self::Pending) -> Self {
                Self::$pending(p)
            }
            fn completed(c: Self::Completed) -> Self {
                Self::$completed(c)
            }
            fn failed(f: types::SessionFailed) -> Self {
                Self::SessionFailed(f)
            }
            fn other(o: types::OtherStatus) -> Self {
                Self::OtherStatus(o)
            }
            fn into_status(self) -> SessionStatus<types::$completed> {
                match self {
                    Self::$pending(_pending) => SessionStatus::Pending {
                        hint: status_unions!(@hint _pending $($hint)?),
                    },
                    Self::$completed(c) => SessionStatus::Completed(c),
                    Self::SessionFailed(f) => SessionStatus::Failed(FailureCode::from(f.error.0)),
                    Self::OtherStatus(o) => SessionStatus::Other(Status::from(String::from(o.status))),
                }
            }
            fn into_handle(self, provider: Provider, flow: Flow) -> Result<SessionHandle, Error> {
                Ok(match self {
                    Self::$pending($p) => {
                        let $h = SessionHandle::new(provider, flow, $p.id.clone());
                        $with
                    }
                    Self::$completed(c) => SessionHandle::new(provider, flow, c.id),
                    Self::SessionFailed(f) => {
                        return Err(Error::failure(&f.id, FailureCode::from(f.error.0)));
                    }
                    Self::OtherStatus(o) => SessionHandle::new(provider, flow, o.id),
                })
            }
        }
    )*};
    (@hint $p:ident) => { None };
    (@hint $p:ident $hint:ident) => { $p.$hint.map(|h| HintCode::from(h.0)) };
}

status_unions! {
    BankIdSeStatus { BankIdSePending hint hint_code, BankIdSeCompleted }
        start |p, h| h.with_ref_id(p.ref_id).with_bankid_tokens(
            p.auto_start_token,
            p.qr_start_token,
            p.qr_start_secret,
        );
    FrejaStatus { FrejaPending, FrejaCompleted }
        start |p, h| h.with_ref_id(p.ref_id).with_freja_tokens(p.auto_start_token, p.qr_data);
    BankIdNoStatus { BankIdNoPending, BankIdNoCompleted }
        start |p, h| h.with_ref_id(p.ref_id).with_url(p.url).with_binding_message(p.binding_message);
    VippsStatus { VippsPending, VippsCompleted }
        start |p, h| h.with_ref_id(p.ref_id).with_url(p.url);
    MitIdStatus { MitIdPending, MitIdCompleted }
        start |p, h| h.with_ref_id(p.ref_id).with_url(p.url).with_binding_message(p.binding_message);
    FtnStatus { FtnPending, FtnCompleted }
        start |p, h| h.with_ref_id(p.ref_id).with_url(Some(p.url));
    AgeVerificationStatus { AgeVerificationPending, AgeVerificationCompleted }
        start |p, h| h.with_url(p.url);
}
