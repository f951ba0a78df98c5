//! The login kit for the web (feature `web`): an axum router with the endpoints, the event
//! stream and an embeddable page for logins and signatures in the browser.
//!
//! ```no_run
//! use idkollen_ext::web::{LoginKit, Reply};
//!
//! # async fn run(client: idkollen_ext::Client) -> std::io::Result<()> {
//! let kit = LoginKit::builder(client)
//!     .on_complete(|done| async move {
//!         // Log the user in on your side here; the page learns only the reply.
//!         Reply::welcome(format!("Welcome, {}", done.verified.given_name()))
//!     })
//!     .build();
//! let app = axum::Router::new().nest("/login", kit.router());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! `GET /login` is then a complete page; any page of yours can embed the same widget with
//! `<div data-idkollen-login data-base="/login"></div>` and
//! `<script src="/login/login.js" defer></script>` (the page also reads these from its query
//! string):
//!
//! | attribute | |
//! |---|---|
//! | `data-provider`, `data-flow` | offer only this one (`bankid-se`, ...; `auth`, `sign`, `backchannel-auth`) |
//! | `data-lang` | `sv`, `en`, `nb`, `da` or `fi` (else the browser's `Accept-Language`) |
//! | `data-context` | handed to your start hook as [`StartContext::context`] (it comes from the browser: check it) |
//!
//! The widget shows the QR code redrawn each second, "open the app on this device" with the
//! right link for the browser (followed at once where the browser allows it), the messages in an
//! `aria-live` region, a cancel button, and a "welcome" state. Replace that state with a
//! `<template data-idkollen-welcome>` inside the element (its `[data-idkollen-message]` gets the
//! message), or handle the cancelable `idkollen:complete` event (its `detail` holds the
//! [`Reply`]'s message and data); `idkollen:failed` tells of a failure.
//!
//! - **Start**: `POST /sessions` with `{"provider", "flow", "returnUrl"}` starts a login
//!   (`auth`), a signature (`sign`, of the text your start hook gives) or a login pushed to
//!   the user's app (`backchannel-auth`). The answer says what the page shows: the QR code
//!   (SVG), the link that opens the app on this device (the right one for the browser, from
//!   [`Platform::from_user_agent`](crate::launch::Platform::from_user_agent)), the provider
//!   page a redirect flow goes to, the binding message.
//! - **Follow**: `GET /sessions/{id}/events` streams (Server-Sent Events) what the page shows
//!   next: a new BankID QR frame each second, the message for the current hint in the user's
//!   language (Swedish and English; Norwegian, Danish and Finnish for the providers of those
//!   countries), then the result or the failure. `DELETE /sessions/{id}` cancels.
//! - **Bound to one browser**: the start sets an unguessable token in an `HttpOnly`,
//!   `SameSite=Strict` cookie scoped to that session's path; a request without it (another
//!   browser that learned the id, a forged or expired token) gets the same 404 as an id that
//!   never existed. The verified identity goes to your [`on_complete`](LoginKitBuilder::on_complete)
//!   hook only, and the page learns what its [`Reply`] says.
//! - **Bad input** answers a 4xx with `{"error", "message"}` and starts nothing: an unknown
//!   provider or flow, one the kit does not offer, a body that is not JSON, malformed or over
//!   8 KiB, a return URL of another site.
//!
//! Page sessions live in this process's memory: behind a load balancer, keep a browser on the
//! instance that started its session.

mod assets;
mod bridge;
mod error;
mod events;
mod hooks;
mod kit;
mod routes;
mod state;
mod store;
mod text;
mod token;

pub use hooks::{Done, PageFlow, Refusal, Reply, StartContext, StartPlan, Verified};
pub use kit::{LoginKit, LoginKitBuilder};
