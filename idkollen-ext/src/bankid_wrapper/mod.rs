//! The BankID wrapper API: a REST service that starts Swedish BankID logins and signatures
//! (`POST /auth`, `POST /sign`), reports on them (`POST /collect`) and cancels them
//! (`POST /cancel`), authenticated with an `x-api-key` header.
//!
//! An order is waited on through the same polling engine as IDkollen sessions (at most one
//! collect a second, 429s waited out, transient failures retried, start requests sent once)
//! and shows the same animated [`BankIdQr`](crate::qr::BankIdQr) code.

mod client;
mod completion;
mod order;
mod source;
mod wire;

pub use client::{WrapperClient, WrapperClientBuilder};
pub use completion::{Cert, Completion, Device, User};
pub use order::WrapperOrder;
