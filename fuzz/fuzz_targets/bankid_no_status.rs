//! `idkollen_api::types::BankIdNoStatus` on arbitrary bytes: decoding never panics, a value that decodes
//! re-encodes to JSON that decodes to an equal value, and the variant agrees with the status.

#![no_main]

idkollen_fuzz::status_union_target!(BankIdNoStatus {
    BankIdNoPending,
    BankIdNoCompleted
});
