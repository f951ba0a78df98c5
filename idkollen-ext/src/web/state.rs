//! What the page shows, and the task that follows a session to its end and publishes each
//! change. One task per page session, started with it: the completion hook runs exactly once,
//! whether a page is connected or not (a redirect flow's page is away at the provider).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::{FutureExt as _, StreamExt as _};
use serde::Serialize;
use tokio::sync::watch;

use crate::codes::{FailureCode, Language};
use crate::error::Error;
use crate::provider::Provider;

use super::bridge::Progress;
use super::hooks::{Done, PageFlow, Reply};
use super::kit::CompleteHook;
use super::text;

/// The state of a page session, as its event stream sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub(crate) enum PageState {
    /// Waiting for the user: the message for a page with a QR code, and for one whose user
    /// opened the app on this device.
    #[serde(rename_all = "camelCase")]
    Pending {
        #[serde(skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
        message: text::Pending,
    },
    /// Completed: what the application's hook said the page shows.
    Done {
        message: String,
        #[serde(flatten)]
        reply: Reply,
    },
    /// Ended without a result.
    Failed { code: String, message: String },
}

impl PageState {
    pub fn is_final(&self) -> bool {
        !matches!(self, PageState::Pending { .. })
    }
}

/// What the follower of one page session knows.
pub(crate) struct Follow {
    pub provider: Provider,
    pub flow: PageFlow,
    pub language: Language,
    pub mobile: bool,
    pub session_id: String,
    pub ref_id: Option<String>,
    pub context: Option<String>,
    pub on_complete: Option<Arc<CompleteHook>>,
}

impl Follow {
    pub fn pending(&self, hint: Option<&crate::codes::HintCode>) -> PageState {
        PageState::Pending {
            hint: hint.map(|h| h.as_str().to_owned()),
            message: text::pending(self.language, self.provider, self.flow, hint, self.mobile),
        }
    }

    fn failed(&self, code: &FailureCode) -> PageState {
        PageState::Failed {
            code: code.as_str().to_owned(),
            message: text::failure(self.language, self.provider, code),
        }
    }

    /// The failure shown for a session the kit could not follow to its end.
    fn lost(&self, error: &Error) -> PageState {
        let code = match error {
            Error::Expired { .. } | Error::DeadlineExceeded { .. } => FailureCode::SessionTimeout,
            _ => FailureCode::InternalError,
        };
        self.failed(&code)
    }

    /// Follows the session to its end, publishing each change in `tx`.
    pub async fn run(
        self,
        mut progress: futures::stream::BoxStream<'static, Progress>,
        tx: watch::Sender<PageState>,
    ) {
        while let Some(step) = progress.next().await {
            let state = match step {
                Progress::Pending(hint) => {
                    // Only a change reaches the pages.
                    let state = self.pending(hint.as_ref());
                    tx.send_if_modified(|current| {
                        let changed = *current != state;
                        *current = state;
                        changed
                    });
                    continue;
                }
                Progress::Completed(verified) => self.completed(*verified).await,
                Progress::Failed(code) => self.failed(&code),
                Progress::Lost(error) => {
                    tracing::warn!(id = %self.session_id, error = %error, "could not follow a page's session");
                    self.lost(&error)
                }
            };
            tx.send_replace(state);
            return;
        }
        tx.send_replace(self.failed(&FailureCode::InternalError));
    }

    async fn completed(&self, verified: super::hooks::Verified) -> PageState {
        let labels = text::labels(self.language, Some(self.provider), self.flow);
        let reply = match &self.on_complete {
            None => Reply::new(),
            Some(hook) => {
                let done = Done {
                    flow: self.flow,
                    session_id: self.session_id.clone(),
                    ref_id: self.ref_id.clone(),
                    context: self.context.clone(),
                    language: self.language,
                    verified,
                };
                // A hook that panics must not leave the page waiting for ever.
                match AssertUnwindSafe(hook(done)).catch_unwind().await {
                    Ok(reply) => reply,
                    Err(_) => {
                        tracing::error!(id = %self.session_id, "the completion hook panicked");
                        return self.failed(&FailureCode::InternalError);
                    }
                }
            }
        };
        PageState::Done {
            message: reply
                .message
                .clone()
                .unwrap_or_else(|| labels.welcome.to_owned()),
            reply: Reply {
                message: None,
                ..reply
            },
        }
    }
}
